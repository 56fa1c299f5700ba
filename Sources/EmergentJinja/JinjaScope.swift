/// Variables visible at one point of rendering; child scopes (loops, macros) shadow their parents.
final class JinjaScope {
    private var variables: [String: JinjaValue] = [:]
    let parent: JinjaScope?

    init(parent: JinjaScope?, variables: [String: JinjaValue] = [:]) {
        self.parent = parent
        self.variables = variables
    }

    func lookup(_ name: String) -> JinjaValue? {
        if let value = variables[name] { return value }
        return parent?.lookup(name)
    }

    func set(_ name: String, _ value: JinjaValue) {
        variables[name] = value
    }
}
