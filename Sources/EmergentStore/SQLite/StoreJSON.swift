import EmergentCore
import Foundation

/// The JSON in the database's JSON columns (definitions, messages, steps, usage, citations, artifacts).
enum StoreJSON {
    static func encode<Value: Encodable>(_ value: Value, _ what: @autoclosure () -> String) throws(StoreError)
        -> String
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw StoreError.storage("cannot save \(what()): it cannot be written as JSON (\(error))")
        }
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from text: String, _ what: @autoclosure () -> String)
        throws(StoreError) -> Value
    {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw StoreError.storage(
                "the stored \(what()) cannot be read (\(error.readableDescription)); the database was changed by "
                    + "something other than this version of Emergent")
        } catch {
            throw StoreError.storage("the stored \(what()) cannot be read (\(error))")
        }
    }
}
