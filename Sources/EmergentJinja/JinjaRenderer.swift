import Foundation

/// Executes a parsed template: statements, expressions, scoping and control flow, with jinja2's semantics.
final class JinjaRenderer {
    let templateName: String
    let environment: JinjaEnvironment
    private(set) var output = ""
    /// The location of the statement being executed, for errors raised inside expressions.
    private var location = JinjaLocation(line: 1, column: 1)

    enum Flow {
        case normal
        case breakLoop
        case continueLoop
    }

    init(templateName: String, environment: JinjaEnvironment) {
        self.templateName = templateName
        self.environment = environment
    }

    func render(_ nodes: [JinjaNode], scope: JinjaScope) throws(JinjaError) -> String {
        output = ""
        output.reserveCapacity(4096)
        do {
            _ = try execute(nodes, scope: scope)
        } catch {
            throw JinjaError(
                kind: error.kind, templateName: templateName, line: location.line, column: location.column,
                detail: error.detail)
        }
        return output
    }

    /// Renders `nodes` into a separate string (macro bodies, block sets, filter blocks, `caller()`).
    func capture(_ nodes: [JinjaNode], scope: JinjaScope) throws(JinjaFailure) -> String {
        let saved = output
        let savedLocation = location
        output = ""
        defer {
            output = saved
            location = savedLocation
        }
        _ = try execute(nodes, scope: scope)
        return output
    }

    private func execute(_ nodes: [JinjaNode], scope: JinjaScope) throws(JinjaFailure) -> Flow {
        for node in nodes {
            let flow = try execute(node, scope: scope)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func execute(_ node: JinjaNode, scope: JinjaScope) throws(JinjaFailure) -> Flow {
        switch node {
        case .text(let text):
            output += text
        case .output(let expression, let at):
            location = at
            output += try evaluate(expression, scope).pythonString
        case .conditional(let branches, let otherwise, let at):
            location = at
            for (condition, body) in branches where try evaluate(condition, scope).isTruthy {
                return try execute(body, scope: scope)
            }
            if let otherwise { return try execute(otherwise, scope: scope) }
        case .loop(let loop, let at):
            location = at
            try executeLoop(loop, scope: scope)
        case .assign(let target, let expression, let at):
            location = at
            try assign(target, try evaluate(expression, scope), scope: scope)
        case .assignBlock(let target, let filters, let body, let at):
            location = at
            var value = JinjaValue.string(try capture(body, scope: scope))
            for (name, arguments) in filters {
                value = try applyFilter(name, to: value, arguments: try evaluateArguments(arguments, scope))
            }
            try assign(target, value, scope: scope)
        case .macro(let definition, let at):
            location = at
            scope.set(definition.name, .callable(makeMacro(definition, scope: scope)))
        case .callBlock(let call, let parameters, let body, let at):
            location = at
            // `{% call m(args) %}body{% endcall %}` calls m with an extra `caller` argument that renders the body.
            guard case .call(let callee, let arguments) = call else {
                throw .runtime("a call block needs a macro call")
            }
            let caller = makeMacro(
                JinjaMacroDefinition(name: "caller", parameters: parameters, body: body), scope: scope)
            guard case .callable(let macro) = try evaluate(callee, scope) else {
                throw .runtime("a call block needs a macro")
            }
            var evaluated = try evaluateArguments(arguments, scope)
            evaluated.keyword.append(("caller", .callable(caller)))
            output += try macro.body(evaluated).pythonString
        case .filterBlock(let filters, let body, let at):
            location = at
            var value = JinjaValue.string(try capture(body, scope: JinjaScope(parent: scope)))
            for (name, arguments) in filters {
                value = try applyFilter(name, to: value, arguments: try evaluateArguments(arguments, scope))
            }
            output += value.pythonString
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .scope(let nodes):
            return try execute(nodes, scope: scope)
        }
        return .normal
    }

    private func assign(_ target: JinjaTarget, _ value: JinjaValue, scope: JinjaScope) throws(JinjaFailure) {
        switch target {
        case .name(let name):
            scope.set(name, value)
        case .tuple(let names):
            let values = try value.iterate()
            guard values.count == names.count else {
                throw .runtime("cannot unpack \(values.count) values into \(names.count) names")
            }
            for (name, item) in zip(names, values) { scope.set(name, item) }
        case .attribute(let name, let attribute):
            guard case .namespace(let namespace) = scope.lookup(name) ?? .undefined(name) else {
                throw .runtime("cannot assign attribute on non-namespace object '\(name)'")
            }
            namespace.attributes[attribute] = value
        }
    }

    private func executeLoop(_ loop: JinjaLoop, scope: JinjaScope) throws(JinjaFailure) {
        let iterable = try evaluate(loop.iterable, scope)
        if case .undefined(let name) = iterable, !environment.lenientUndefinedIteration {
            throw .runtime("'\(name)' is undefined")
        }
        var items = try iterable.iterate()
        let loopScope = JinjaScope(parent: scope)
        if let condition = loop.condition {
            var kept: [JinjaValue] = []
            for item in items {
                try assign(loop.target, item, scope: loopScope)
                if try evaluate(condition, loopScope).isTruthy { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            if let otherwise = loop.otherwise { _ = try execute(otherwise, scope: scope) }
            return
        }
        let count = items.count
        for (index, item) in items.enumerated() {
            try assign(loop.target, item, scope: loopScope)
            var info = JinjaDict()
            info["index"] = .int(index + 1)
            info["index0"] = .int(index)
            info["revindex"] = .int(count - index)
            info["revindex0"] = .int(count - index - 1)
            info["first"] = .bool(index == 0)
            info["last"] = .bool(index == count - 1)
            info["length"] = .int(count)
            info["depth"] = .int(1)
            info["depth0"] = .int(0)
            info["previtem"] = index > 0 ? items[index - 1] : .undefined("previtem")
            info["nextitem"] = index + 1 < count ? items[index + 1] : .undefined("nextitem")
            info["cycle"] = .callable(
                JinjaCallable(name: "cycle") { arguments throws(JinjaFailure) in
                    guard !arguments.positional.isEmpty else { throw .runtime("no items for cycling given") }
                    return arguments.positional[index % arguments.positional.count]
                })
            loopScope.set("loop", .dict(info))
            let flow = try execute(loop.body, scope: loopScope)
            if flow == .breakLoop { break }
        }
    }

    private func makeMacro(_ definition: JinjaMacroDefinition, scope defining: JinjaScope) -> JinjaCallable {
        JinjaCallable(name: definition.name) { [unowned self] arguments throws(JinjaFailure) in
            let local = JinjaScope(parent: defining)
            var extra: [JinjaValue] = []
            for (index, value) in arguments.positional.enumerated() {
                if index < definition.parameters.count {
                    local.set(definition.parameters[index].0, value)
                } else {
                    extra.append(value)
                }
            }
            var extraKeywords = JinjaDict()
            for (name, value) in arguments.keyword {
                if definition.parameters.contains(where: { $0.0 == name }) || name == "caller" {
                    local.set(name, value)
                } else {
                    extraKeywords[name] = value
                }
            }
            for (index, (name, defaultValue)) in definition.parameters.enumerated()
            where index >= arguments.positional.count && !arguments.keyword.contains(where: { $0.0 == name }) {
                local.set(
                    name,
                    try defaultValue.map { expression throws(JinjaFailure) in try self.evaluate(expression, local) }
                        ?? .undefined(name))
            }
            local.set("varargs", .list(extra))
            local.set("kwargs", .dict(extraKeywords))
            return .string(try self.capture(definition.body, scope: local))
        }
    }

    // MARK: - Expressions

    func evaluate(_ expression: JinjaExpression, _ scope: JinjaScope) throws(JinjaFailure) -> JinjaValue {
        switch expression {
        case .literal(let value):
            return value
        case .name(let name):
            return scope.lookup(name) ?? environment.globals[name] ?? .undefined(name)
        case .list(let items):
            return .list(try items.map { item throws(JinjaFailure) in try evaluate(item, scope) })
        case .tuple(let items):
            return .tuple(try items.map { item throws(JinjaFailure) in try evaluate(item, scope) })
        case .dict(let pairs):
            var dict = JinjaDict()
            for (keyExpression, valueExpression) in pairs {
                let key = try evaluate(keyExpression, scope)
                guard let hashable = JinjaKey(key) else { throw .runtime("unhashable type: '\(key.typeName)'") }
                dict[hashable] = try evaluate(valueExpression, scope)
            }
            return .dict(dict)
        case .attribute(let base, let name):
            return try JinjaOperations.attribute(of: try evaluate(base, scope), name)
        case .item(let base, let index):
            return try JinjaOperations.item(of: try evaluate(base, scope), try evaluate(index, scope))
        case .slice(let base, let start, let stop, let step):
            func optional(_ part: JinjaExpression?) throws(JinjaFailure) -> JinjaValue? {
                guard let part else { return nil }
                let value = try evaluate(part, scope)
                return value.isNone ? nil : value
            }
            return try JinjaOperations.slice(
                try evaluate(base, scope), start: try optional(start), stop: try optional(stop),
                step: try optional(step))
        case .call(let callee, let arguments):
            let function = try evaluate(callee, scope)
            guard case .callable(let callable) = function else {
                if case .undefined(let name) = function { throw .runtime("'\(name)' is undefined") }
                throw .runtime("'\(function.typeName)' object is not callable")
            }
            return try callable.body(try evaluateArguments(arguments, scope))
        case .filter(let base, let name, let arguments):
            return try applyFilter(
                name, to: try evaluate(base, scope), arguments: try evaluateArguments(arguments, scope))
        case .test(let base, let name, let arguments, let negated):
            let value = try evaluate(base, scope)
            let evaluated = try arguments.map { argument throws(JinjaFailure) in try evaluate(argument, scope) }
            let result = try JinjaTests.apply(name, to: value, arguments: evaluated)
            return .bool(negated ? !result : result)
        case .negate(let operand):
            return try JinjaOperations.negate(try evaluate(operand, scope))
        case .plus(let operand):
            return try evaluate(operand, scope)
        case .not(let operand):
            return .bool(!(try evaluate(operand, scope).isTruthy))
        case .binary(let op, let left, let right):
            return try JinjaOperations.binary(op, try evaluate(left, scope), try evaluate(right, scope))
        case .compare(let first, let operations):
            var left = try evaluate(first, scope)
            for (op, rightExpression) in operations {
                let right = try evaluate(rightExpression, scope)
                guard try JinjaOperations.compare(op, left, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .and(let left, let right):
            let value = try evaluate(left, scope)
            return value.isTruthy ? try evaluate(right, scope) : value
        case .or(let left, let right):
            let value = try evaluate(left, scope)
            return value.isTruthy ? value : try evaluate(right, scope)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition, scope).isTruthy { return try evaluate(then, scope) }
            return try otherwise.map { expression throws(JinjaFailure) in try evaluate(expression, scope) }
                ?? .undefined("conditional")
        case .concat(let items):
            var text = ""
            for item in items { text += try evaluate(item, scope).pythonString }
            return .string(text)
        }
    }

    private func evaluateArguments(_ arguments: JinjaCallArguments, _ scope: JinjaScope) throws(JinjaFailure)
        -> JinjaArguments
    {
        JinjaArguments(
            positional: try arguments.positional.map { argument throws(JinjaFailure) in try evaluate(argument, scope) },
            keyword: try arguments.keyword.map { pair throws(JinjaFailure) in (pair.0, try evaluate(pair.1, scope)) })
    }

    private func applyFilter(_ name: String, to value: JinjaValue, arguments: JinjaArguments) throws(JinjaFailure)
        -> JinjaValue
    {
        try JinjaFilters.apply(name, to: value, arguments: arguments, environment: environment)
    }
}
