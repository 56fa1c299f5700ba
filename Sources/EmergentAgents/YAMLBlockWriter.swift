import EmergentCore
import Yams

/// Writes JSON-shaped values as block YAML for people to read and edit: indented mappings and lists, `|` blocks for
/// text with line breaks, and quotes only where YAML would read the text as something else.
///
/// libyaml's emitter escapes every character outside the Basic Multilingual Plane and every tab, and then refuses a
/// `|` block, so a system prompt with one emoji would come out as a single escaped line. This writer keeps such text
/// as written; ``AgentDefinition/yamlText()`` checks that its output reads back unchanged before using it.
enum YAMLBlockWriter {
    /// A document whose top level is `object`.
    static func document(_ object: JSONObject) -> String {
        var output = ""
        writeMapping(object, indent: 0, into: &output)
        return output
    }

    private static func writeMapping(_ object: JSONObject, indent: Int, into output: inout String) {
        for (key, value) in object {
            output += String(repeating: " ", count: indent) + scalar(key) + ":"
            writeValue(value, indent: indent, into: &output)
        }
    }

    private static func writeList(_ items: [JSONValue], indent: Int, into output: inout String) {
        for item in items {
            output += String(repeating: " ", count: indent) + "-"
            switch item {
            case .object(let object) where !object.isEmpty:
                // `- key: value` with the item's other keys under the first: write the mapping two further in,
                // then put the dash in its first line's indentation.
                var nested = ""
                writeMapping(object, indent: indent + 2, into: &nested)
                output += " " + nested.dropFirst(indent + 2)
            case .array(let inner) where !inner.isEmpty:
                var nested = ""
                writeList(inner, indent: indent + 2, into: &nested)
                output += " " + nested.dropFirst(indent + 2)
            default:
                writeValue(item, indent: indent, into: &output)
            }
        }
    }

    /// The rest of a line that ends in `key:` or `-`, and the lines of a nested collection or block.
    private static func writeValue(_ value: JSONValue, indent: Int, into output: inout String) {
        switch value {
        case .object(let object) where !object.isEmpty:
            output += "\n"
            writeMapping(object, indent: indent + 2, into: &output)
        case .array(let items) where !items.isEmpty:
            output += "\n"
            writeList(items, indent: indent + 2, into: &output)
        case .string(let text) where canWriteBlock(text):
            output += " " + blockHeader(text) + "\n"
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            // The break after the last line is the header's chomping indicator, not a line of its own.
            for line in text.hasSuffix("\n") ? lines.dropLast() : lines[...] {
                output += line.isEmpty ? "\n" : String(repeating: " ", count: indent + 2) + line + "\n"
            }
        default:
            output += " " + scalar(value) + "\n"
        }
    }

    /// One value on one line: a number, `true`, `null`, `{}`, `[]`, or a plain or double-quoted string.
    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            // Written so that it reads back as a Double, not an Int (`2.0`, `1e-05`, `.inf`).
            if number.isNaN { return ".nan" }
            if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
            return "\(number)"
        case .string(let text): return scalar(text)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    private static func scalar(_ text: String) -> String {
        isPlain(text) ? text : doubleQuoted(text)
    }

    /// Whether `text` can be written without quotes and read back as the same string. Deliberately narrower than
    /// YAML allows: anything unusual is quoted.
    private static func isPlain(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars.prefix(2))
        guard let first = scalars.first, let last = text.unicodeScalars.last,
            // `-`, `?` and `:` start plain text only when something other than a space follows (`--repository`).
            !",[]{}#&*!|>'\"%@`".unicodeScalars.contains(first),
            !"-?:".unicodeScalars.contains(first) || (scalars.count == 2 && scalars[1] != " "),
            first != " ", last != " ", last != ":",
            !text.hasPrefix("..."), !text.contains(": "), !text.contains(" #"),
            text.unicodeScalars.allSatisfy({ isPrintable($0) && $0 != "\t" && $0 != "\n" })
        else { return false }
        let plain = Node.Scalar(text, .implicit, .plain)
        // The decoder reads JSON values (tool settings) as Bool, Int or Double before String, and Yams' tag rules
        // and constructors do not quite agree (`nan`, `0x1p3`), so ask both.
        return Resolver.default.resolveTag(of: .scalar(plain)) == .str && Bool.construct(from: plain) == nil
            && Int.construct(from: plain) == nil && Double.construct(from: plain) == nil
    }

    /// A double-quoted string: escapes for `"`, `\`, line breaks and control characters; everything else as is.
    private static func doubleQuoted(_ text: String) -> String {
        var output = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            case "\u{85}": output += "\\N"
            case "\u{2028}": output += "\\L"
            case "\u{2029}": output += "\\P"
            case _ where !isPrintable(character):
                let hex = String(character.value, radix: 16, uppercase: true)
                output +=
                    character.value <= 0xFF
                    ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                    : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: output.unicodeScalars.append(character)
            }
        }
        return output + "\""
    }

    /// Characters a YAML reader takes as they are (YAML's c-printable), less line breaks other than `\n`.
    private static func isPrintable(_ character: Unicode.Scalar) -> Bool {
        switch character.value {
        case 0x0A, 0x20...0x7E, 0xA0...0x2027, 0x202A...0xD7FF, 0x10000...0x10FFFF: return true
        case 0xE000...0xFFFD: return character.value != 0xFEFF
        default: return false
        }
    }

    /// Whether `text` is several lines that a `|` block keeps exactly: no other line breaks or control characters,
    /// and no line ending in spaces (editors strip them, silently changing the text).
    private static func canWriteBlock(_ text: String) -> Bool {
        text.contains("\n") && text.unicodeScalars.allSatisfy { isPrintable($0) || $0 == "\t" }
            && text.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy {
                $0.last != " " && $0.last != "\t"
            }
    }

    /// `|` with an indentation indicator when the first line starts with a space (the reader would otherwise take
    /// it for indentation) and a chomping indicator for the trailing line breaks: `-` none, `+` more than one.
    private static func blockHeader(_ text: String) -> String {
        var header = "|"
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: true).first
        if text.hasPrefix("\n") || firstLine?.first == " " || firstLine?.first == "\t" { header += "2" }
        if !text.hasSuffix("\n") {
            header += "-"
        } else if text.hasSuffix("\n\n") || text == "\n" {
            // Clipping would drop a last line that is empty, and keeps no break at all when every line is.
            header += "+"
        }
        return header
    }
}
