/// Builds the statement tree from lexed segments (jinja2's grammar and operator precedence).
struct JinjaParser {
    private var segments: [JinjaSegment]
    private var index = 0
    private let templateName: String

    // The tokens of the tag being parsed.
    private var tokens: [JinjaToken] = []
    private var cursor = 0
    private var location = JinjaLocation(line: 1, column: 1)

    private let end: JinjaLocation

    init(segments: [JinjaSegment], templateName: String, end: (line: Int, column: Int) = (1, 1)) {
        self.segments = segments
        self.templateName = templateName
        self.end = JinjaLocation(line: end.line, column: end.column)
    }

    mutating func parse() throws(JinjaError) -> [JinjaNode] {
        let (nodes, end) = try parseBody(until: [])
        if let end { throw error("unexpected '\(end)' tag") }
        return nodes
    }

    private func error(_ detail: String) -> JinjaError {
        let token = cursor < tokens.count ? tokens[cursor] : nil
        return JinjaError(
            kind: .syntax, templateName: templateName, line: token?.line ?? location.line,
            column: token?.column ?? location.column, detail: detail)
    }

    /// Parses nodes until a statement whose keyword is in `terminators`; returns that keyword (its tokens are
    /// left in `tokens` with the cursor after the keyword).
    private mutating func parseBody(until terminators: Set<String>) throws(JinjaError) -> ([JinjaNode], String?) {
        var nodes: [JinjaNode] = []
        while index < segments.count {
            let segment = segments[index]
            index += 1
            switch segment {
            case .text(let text):
                nodes.append(.text(text))
            case .output(let tagTokens, let line, let column):
                begin(tagTokens, line: line, column: column)
                let expression = try parseExpression()
                try expectEnd()
                nodes.append(.output(expression, location))
            case .statement(let tagTokens, let line, let column):
                begin(tagTokens, line: line, column: column)
                guard case .name(let keyword) = tokens.first?.kind else { throw error("expected a statement keyword") }
                cursor = 1
                if terminators.contains(keyword) { return (nodes, keyword) }
                if let node = try parseStatement(keyword) { nodes.append(node) }
            }
        }
        if !terminators.isEmpty {
            throw JinjaError(
                kind: .syntax, templateName: templateName, line: end.line, column: end.column,
                detail: "unexpected end of template; expected one of: \(terminators.sorted().joined(separator: ", "))")
        }
        return (nodes, nil)
    }

    private mutating func begin(_ tagTokens: [JinjaToken], line: Int, column: Int) {
        tokens = tagTokens
        cursor = 0
        location = JinjaLocation(line: line, column: column)
    }

    private mutating func parseStatement(_ keyword: String) throws(JinjaError) -> JinjaNode? {
        let at = location
        switch keyword {
        case "if":
            var branches: [(JinjaExpression, [JinjaNode])] = []
            var condition = try parseExpression()
            try expectEnd()
            while true {
                let (body, end) = try parseBody(until: ["elif", "else", "endif"])
                branches.append((condition, body))
                switch end {
                case "elif":
                    condition = try parseExpression()
                    try expectEnd()
                case "else":
                    try expectEnd()
                    let (otherwise, _) = try parseBody(until: ["endif"])
                    try expectEnd()
                    return .conditional(branches, otherwise: otherwise, at)
                default:
                    try expectEnd()
                    return .conditional(branches, otherwise: nil, at)
                }
            }
        case "for":
            let target = try parseAssignTarget(allowAttribute: false)
            try expectName("in")
            let iterable = try parseExpression(allowConditional: false)
            var condition: JinjaExpression?
            var recursive = false
            if acceptName("if") { condition = try parseExpression() }
            if acceptName("recursive") { recursive = true }
            try expectEnd()
            let (body, end) = try parseBody(until: ["else", "endfor"])
            var otherwise: [JinjaNode]?
            if end == "else" {
                try expectEnd()
                otherwise = try parseBody(until: ["endfor"]).0
            }
            try expectEnd()
            return .loop(
                JinjaLoop(
                    target: target, iterable: iterable, condition: condition, body: body, otherwise: otherwise,
                    recursive: recursive),
                at)
        case "set":
            let target = try parseAssignTarget(allowAttribute: true)
            if acceptOp("=") {
                let value = try parseTupleOrExpression()
                try expectEnd()
                return .assign(target, value, at)
            }
            var filters: [(String, JinjaCallArguments)] = []
            while acceptOp("|") { filters.append(try parseFilterCall()) }
            try expectEnd()
            let (body, _) = try parseBody(until: ["endset"])
            try expectEnd()
            return .assignBlock(target, filters: filters, body: body, at)
        case "macro":
            let name = try expectAnyName()
            let parameters = try parseParameters()
            try expectEnd()
            let (body, _) = try parseBody(until: ["endmacro"])
            try skipRest()
            return .macro(JinjaMacroDefinition(name: name, parameters: parameters, body: body), at)
        case "call":
            var parameters: [(String, JinjaExpression?)] = []
            if peekOp("(") { parameters = try parseParameters() }
            let call = try parseExpression()
            try expectEnd()
            let (body, _) = try parseBody(until: ["endcall"])
            try expectEnd()
            return .callBlock(call: call, parameters: parameters, body: body, at)
        case "filter":
            var filters = [try parseFilterCall()]
            while acceptOp("|") { filters.append(try parseFilterCall()) }
            try expectEnd()
            let (body, _) = try parseBody(until: ["endfilter"])
            try expectEnd()
            return .filterBlock(filters: filters, body: body, at)
        case "raw":
            try expectEnd()
            // The lexer turned the raw content into one text segment; skip the endraw that follows it.
            var nodes: [JinjaNode] = []
            if index < segments.count, case .text(let text) = segments[index] {
                nodes.append(.text(text))
                index += 1
            }
            if index < segments.count, case .statement = segments[index] { index += 1 }
            return .scope(nodes)
        case "break":
            try expectEnd()
            return .breakLoop(at)
        case "continue":
            try expectEnd()
            return .continueLoop(at)
        case "generation":
            // transformers' AssistantTracker extension: marks assistant text; renders its body unchanged.
            try expectEnd()
            let (body, _) = try parseBody(until: ["endgeneration"])
            try expectEnd()
            return .scope(body)
        case "do":
            let expression = try parseExpression()
            try expectEnd()
            return .assign(.name("_"), expression, at)
        default:
            cursor = 0
            if keyword.hasPrefix("end") || keyword == "else" || keyword == "elif" {
                throw error("unexpected '\(keyword)' tag: there is no open block it could close")
            }
            throw error("unknown statement '\(keyword)'")
        }
    }

    private mutating func parseParameters() throws(JinjaError) -> [(String, JinjaExpression?)] {
        try expectOp("(")
        var parameters: [(String, JinjaExpression?)] = []
        while !acceptOp(")") {
            if !parameters.isEmpty { try expectOp(",") }
            if acceptOp(")") { break }
            let name = try expectAnyName()
            parameters.append((name, acceptOp("=") ? try parseExpression() : nil))
        }
        return parameters
    }

    private mutating func parseAssignTarget(allowAttribute: Bool) throws(JinjaError) -> JinjaTarget {
        let first = try expectAnyName()
        if allowAttribute && acceptOp(".") {
            return .attribute(first, try expectAnyName())
        }
        var names = [first]
        while acceptOp(",") { names.append(try expectAnyName()) }
        return names.count == 1 ? .name(first) : .tuple(names)
    }

    private mutating func parseFilterCall() throws(JinjaError) -> (String, JinjaCallArguments) {
        var name = try expectAnyName()
        while acceptOp(".") { name += "." + (try expectAnyName()) }
        let arguments = peekOp("(") ? try parseCallArguments() : JinjaCallArguments()
        return (name, arguments)
    }

    // MARK: - Expressions

    /// An expression, or an implicit tuple `a, b` (allowed in `set`).
    private mutating func parseTupleOrExpression() throws(JinjaError) -> JinjaExpression {
        let first = try parseExpression()
        guard peekOp(",") else { return first }
        var items = [first]
        while acceptOp(",") {
            if atEnd { break }
            items.append(try parseExpression())
        }
        return .tuple(items)
    }

    mutating func parseExpression(allowConditional: Bool = true) throws(JinjaError) -> JinjaExpression {
        var expression = try parseOr()
        while allowConditional && acceptName("if") {
            let condition = try parseOr()
            let otherwise = acceptName("else") ? try parseExpression() : nil
            expression = .conditional(condition: condition, then: expression, otherwise: otherwise)
        }
        return expression
    }

    private mutating func parseOr() throws(JinjaError) -> JinjaExpression {
        var left = try parseAnd()
        while acceptName("or") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(JinjaError) -> JinjaExpression {
        var left = try parseNot()
        while acceptName("and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(JinjaError) -> JinjaExpression {
        if acceptName("not") { return .not(try parseNot()) }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(JinjaError) -> JinjaExpression {
        let left = try parseMath1()
        var operations: [(String, JinjaExpression)] = []
        while true {
            if let op = peekOpToken(), ["==", "!=", "<", ">", "<=", ">="].contains(op) {
                cursor += 1
                operations.append((op, try parseMath1()))
            } else if acceptName("in") {
                operations.append(("in", try parseMath1()))
            } else if peekName("not") && peekName("in", offset: 1) {
                cursor += 2
                operations.append(("notin", try parseMath1()))
            } else {
                break
            }
        }
        return operations.isEmpty ? left : .compare(left, operations)
    }

    private mutating func parseMath1() throws(JinjaError) -> JinjaExpression {
        var left = try parseConcat()
        while let op = peekOpToken(), op == "+" || op == "-" {
            cursor += 1
            left = .binary(op, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws(JinjaError) -> JinjaExpression {
        var items = [try parseMath2()]
        while acceptOp("~") { items.append(try parseMath2()) }
        return items.count == 1 ? items[0] : .concat(items)
    }

    private mutating func parseMath2() throws(JinjaError) -> JinjaExpression {
        var left = try parsePow()
        while let op = peekOpToken(), ["*", "/", "//", "%"].contains(op) {
            cursor += 1
            left = .binary(op, left, try parsePow())
        }
        return left
    }

    private mutating func parsePow() throws(JinjaError) -> JinjaExpression {
        var left = try parseUnary()
        while acceptOp("**") { left = .binary("**", left, try parseUnary()) }
        return left
    }

    private mutating func parseUnary(withFilter: Bool = true) throws(JinjaError) -> JinjaExpression {
        var expression: JinjaExpression
        if acceptOp("-") {
            expression = .negate(try parseUnary(withFilter: false))
        } else if acceptOp("+") {
            expression = .plus(try parseUnary(withFilter: false))
        } else {
            expression = try parsePrimary()
        }
        expression = try parsePostfix(expression)
        if withFilter { expression = try parseFilterExpression(expression) }
        return expression
    }

    private mutating func parsePrimary() throws(JinjaError) -> JinjaExpression {
        guard cursor < tokens.count else { throw error("expected an expression") }
        let token = tokens[cursor]
        cursor += 1
        switch token.kind {
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .string(var text):
            while cursor < tokens.count, case .string(let more) = tokens[cursor].kind {
                text += more
                cursor += 1
            }
            return .literal(.string(text))
        case .int(let value): return .literal(.int(value))
        case .double(let value): return .literal(.double(value))
        case .op("("):
            if acceptOp(")") { return .tuple([]) }
            let first = try parseExpression()
            if acceptOp(")") { return first }
            var items = [first]
            while acceptOp(",") {
                if peekOp(")") { break }
                items.append(try parseExpression())
            }
            try expectOp(")")
            return .tuple(items)
        case .op("["):
            var items: [JinjaExpression] = []
            while !acceptOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if acceptOp("]") { break }
                items.append(try parseExpression())
            }
            return .list(items)
        case .op("{"):
            var pairs: [(JinjaExpression, JinjaExpression)] = []
            while !acceptOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if acceptOp("}") { break }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
            }
            return .dict(pairs)
        default:
            cursor -= 1
            throw error("unexpected '\(describe(token))'")
        }
    }

    private mutating func parsePostfix(_ base: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var expression = base
        while true {
            if acceptOp(".") {
                guard cursor < tokens.count else { throw error("expected an attribute name after '.'") }
                switch tokens[cursor].kind {
                case .name(let name): expression = .attribute(expression, name)
                case .int(let number): expression = .item(expression, .literal(.int(number)))
                default: throw error("expected an attribute name after '.'")
                }
                cursor += 1
            } else if acceptOp("[") {
                expression = try parseSubscript(expression)
            } else if peekOp("(") {
                expression = .call(expression, try parseCallArguments())
            } else {
                return expression
            }
        }
    }

    private mutating func parseSubscript(_ base: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var parts: [JinjaExpression?] = []
        var current: JinjaExpression?
        var isSlice = false
        while true {
            if acceptOp("]") {
                parts.append(current)
                break
            }
            if acceptOp(":") {
                isSlice = true
                parts.append(current)
                current = nil
                continue
            }
            if current != nil { throw error("expected ':' or ']' in subscript") }
            current = try parseExpression()
        }
        if !isSlice {
            guard let only = parts.first, let index = only else { throw error("empty subscript") }
            return .item(base, index)
        }
        guard parts.count <= 3 else { throw error("a slice has at most three parts") }
        func part(_ position: Int) -> JinjaExpression? { position < parts.count ? parts[position] : nil }
        return .slice(base, start: part(0), stop: part(1), step: part(2))
    }

    private mutating func parseCallArguments() throws(JinjaError) -> JinjaCallArguments {
        try expectOp("(")
        var arguments = JinjaCallArguments()
        while !acceptOp(")") {
            if !arguments.positional.isEmpty || !arguments.keyword.isEmpty { try expectOp(",") }
            if acceptOp(")") { break }
            if cursor + 1 < tokens.count, case .name(let name) = tokens[cursor].kind,
                tokens[cursor + 1].kind == .op("=")
            {
                cursor += 2
                arguments.keyword.append((name, try parseExpression()))
            } else {
                if acceptOp("*") || acceptOp("**") { throw error("star arguments are not supported") }
                arguments.positional.append(try parseExpression())
            }
        }
        return arguments
    }

    private mutating func parseFilterExpression(_ base: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var expression = base
        while true {
            if acceptOp("|") {
                let (name, arguments) = try parseFilterCall()
                expression = .filter(expression, name: name, arguments)
                expression = try parsePostfix(expression)
            } else if acceptName("is") {
                let negated = acceptName("not")
                var name = try expectAnyName()
                while acceptOp(".") { name += "." + (try expectAnyName()) }
                var arguments: [JinjaExpression] = []
                if peekOp("(") {
                    arguments = try parseCallArguments().positional
                } else if cursor < tokens.count, startsTestArgument(tokens[cursor]) {
                    arguments = [try parsePostfix(try parsePrimary())]
                }
                expression = .test(expression, name: name, arguments, negated: negated)
            } else {
                return expression
            }
        }
    }

    /// jinja2 lets a test take one argument without parentheses (`x is divisibleby 3`).
    private func startsTestArgument(_ token: JinjaToken) -> Bool {
        switch token.kind {
        case .string, .int, .double: return true
        case .name(let name): return !["and", "or", "else", "if", "in", "not", "is"].contains(name)
        case .op(let op): return op == "[" || op == "{"
        }
    }

    // MARK: - Token helpers

    private var atEnd: Bool { cursor >= tokens.count }

    private func peekOpToken() -> String? {
        guard cursor < tokens.count, case .op(let op) = tokens[cursor].kind else { return nil }
        return op
    }

    private func peekOp(_ op: String) -> Bool { peekOpToken() == op }

    private func peekName(_ name: String, offset: Int = 0) -> Bool {
        guard cursor + offset < tokens.count, case .name(let found) = tokens[cursor + offset].kind else { return false }
        return found == name
    }

    private mutating func acceptOp(_ op: String) -> Bool {
        guard peekOp(op) else { return false }
        cursor += 1
        return true
    }

    private mutating func acceptName(_ name: String) -> Bool {
        guard peekName(name) else { return false }
        cursor += 1
        return true
    }

    private mutating func expectOp(_ op: String) throws(JinjaError) {
        guard acceptOp(op) else {
            throw error(
                "expected '\(op)'\(atEnd ? " before the end of the tag" : ", found '\(describe(tokens[cursor]))'")")
        }
    }

    private mutating func expectName(_ name: String) throws(JinjaError) {
        guard acceptName(name) else { throw error("expected '\(name)'") }
    }

    private mutating func expectAnyName() throws(JinjaError) -> String {
        guard cursor < tokens.count, case .name(let name) = tokens[cursor].kind else { throw error("expected a name") }
        cursor += 1
        return name
    }

    private mutating func expectEnd() throws(JinjaError) {
        guard atEnd else { throw error("unexpected '\(describe(tokens[cursor]))' at the end of the tag") }
    }

    private mutating func skipRest() throws(JinjaError) { cursor = tokens.count }

    private func describe(_ token: JinjaToken) -> String {
        switch token.kind {
        case .name(let name): name
        case .string(let text): "'\(text)'"
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .op(let op): op
        }
    }
}
