/// Translates the regular expressions of JSON Schema `pattern` into GBNF.
///
/// The subset: literal characters and escapes (`\.`, `\\`, `\n`, …), `.`, classes `\d \w \s \D \W \S`, bracket
/// classes (`[a-z0-9_]`, `[^"]`), groups `( … )` (including `(?: … )`) with `|`, and the quantifiers `* + ?`,
/// `{n}`, `{n,}` and `{n,m}`. A pattern is matched whole, as if anchored (`^` at the start and `$` at the end
/// are accepted and dropped). Back-references, look-around and anchors elsewhere are errors.
enum RegexToGBNF {
    static func convert(_ pattern: String, path: String) throws -> String {
        var scalars = Array(pattern.unicodeScalars)[...]
        if scalars.first == "^" { scalars.removeFirst() }
        if scalars.last == "$" && !(scalars.count >= 2 && scalars[scalars.index(before: scalars.endIndex - 1)] == "\\")
        {
            scalars.removeLast()
        }
        var parser = Parser(scalars: scalars, path: path, pattern: pattern)
        let expression = try parser.alternation()
        guard parser.scalars.isEmpty else { throw parser.unsupported("unbalanced ')'") }
        return "(" + expression + ")"
    }

    private struct Parser {
        var scalars: ArraySlice<Unicode.Scalar>
        let path: String
        let pattern: String

        func unsupported(_ what: String) -> JSONSchemaGrammar.Unsupported {
            JSONSchemaGrammar.Unsupported(path: path, keyword: "pattern \(pattern) (\(what))")
        }

        mutating func alternation() throws -> String {
            var branches = [try sequence()]
            while scalars.first == "|" {
                scalars.removeFirst()
                branches.append(try sequence())
            }
            return branches.count == 1 ? branches[0] : "(" + branches.joined(separator: " | ") + ")"
        }

        mutating func sequence() throws -> String {
            var items: [String] = []
            while let next = scalars.first, next != "|", next != ")" {
                var atom = try self.atom()
                atom = try quantified(atom)
                items.append(atom)
            }
            return items.isEmpty ? "\"\"" : items.joined(separator: " ")
        }

        mutating func quantified(_ atom: String) throws -> String {
            guard let next = scalars.first else { return atom }
            switch next {
            case "*", "+", "?":
                scalars.removeFirst()
                if scalars.first == "?" { scalars.removeFirst() }  // lazy quantifiers match the same language
                return atom + String(next)
            case "{":
                guard let close = scalars.firstIndex(of: "}") else { throw unsupported("unclosed '{'") }
                let body = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
                scalars = scalars[scalars.index(after: close)...]
                let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                guard (1...2).contains(parts.count), let lower = Int(parts[0]) else {
                    throw unsupported("bad repetition {\(body)}")
                }
                if parts.count == 1 { return atom + "{\(lower)}" }
                if parts[1].isEmpty { return atom + "{\(lower),}" }
                guard let upper = Int(parts[1]) else { throw unsupported("bad repetition {\(body)}") }
                return atom + "{\(lower),\(upper)}"
            default:
                return atom
            }
        }

        mutating func atom() throws -> String {
            let scalar = scalars.removeFirst()
            switch scalar {
            case "(":
                if scalars.first == "?" {
                    scalars.removeFirst()
                    guard scalars.first == ":" else { throw unsupported("look-around or named groups") }
                    scalars.removeFirst()
                }
                let inner = try alternation()
                guard scalars.first == ")" else { throw unsupported("unclosed '('") }
                scalars.removeFirst()
                return "(" + inner + ")"
            case "[": return try bracket()
            case ".": return #"[^\n]"#
            case "\\": return try escape(inClass: false)
            case "^", "$": throw unsupported("anchors inside the pattern")
            default: return JSONSchemaGrammar.quote(String(scalar))
            }
        }

        mutating func escape(inClass: Bool) throws -> String {
            guard let next = scalars.popFirst() else { throw unsupported("trailing backslash") }
            switch next {
            case "d": return inClass ? "0-9" : "[0-9]"
            case "w": return inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"
            case "s": return inClass ? #" \t\n\r"# : #"[ \t\n\r]"#
            case "D": return #"[^0-9]"#
            case "W": return #"[^a-zA-Z0-9_]"#
            case "S": return #"[^ \t\n\r]"#
            case "n": return inClass ? #"\n"# : #""\n""#
            case "t": return inClass ? #"\t"# : #""\t""#
            case "r": return inClass ? #"\r"# : #""\r""#
            case "1", "2", "3", "4", "5", "6", "7", "8", "9": throw unsupported("back-references")
            case "b", "B": throw unsupported("word boundaries")
            default: return inClass ? classCharacter(next) : JSONSchemaGrammar.quote(String(next))
            }
        }

        mutating func bracket() throws -> String {
            var negated = false
            if scalars.first == "^" {
                negated = true
                scalars.removeFirst()
            }
            var body = ""
            var first = true
            while let next = scalars.first, next != "]" || first {
                first = false
                scalars.removeFirst()
                if next == "\\" {
                    body += try escape(inClass: true)
                } else if next == "-", !body.isEmpty, scalars.first != "]" {
                    body += "-"
                } else {
                    body += classCharacter(next)
                }
            }
            guard scalars.first == "]" else { throw unsupported("unclosed '['") }
            scalars.removeFirst()
            return "[" + (negated ? "^" : "") + body + "]"
        }

        func classCharacter(_ scalar: Unicode.Scalar) -> String {
            switch scalar {
            case "]", "\\", "^", "-": "\\" + String(scalar)
            case "\n": #"\n"#
            case "\t": #"\t"#
            default: String(scalar)
            }
        }
    }
}
