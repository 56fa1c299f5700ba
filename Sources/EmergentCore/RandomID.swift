/// Random ids for records and runs: lowercase hex digits from the system's secure generator.
public enum RandomID {
    /// `count` random lowercase hex digits (24 give 96 bits).
    public static func hex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &generator) ?? "0" })
    }
}
