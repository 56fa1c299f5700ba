import Foundation

/// Dates as the database keeps them: whole milliseconds since 1970, so a date read back equals the one written.
enum Milliseconds {
    /// Now, to the millisecond.
    static func now() -> Int64 { from(Date()) }

    static func from(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
