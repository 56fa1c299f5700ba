/// An expression in a template.
indirect enum JinjaExpression {
    case literal(JinjaValue)
    case name(String)
    case list([JinjaExpression])
    case tuple([JinjaExpression])
    case dict([(JinjaExpression, JinjaExpression)])
    case attribute(JinjaExpression, String)
    case item(JinjaExpression, JinjaExpression)
    case slice(JinjaExpression, start: JinjaExpression?, stop: JinjaExpression?, step: JinjaExpression?)
    case call(JinjaExpression, JinjaCallArguments)
    case filter(JinjaExpression, name: String, JinjaCallArguments)
    case test(JinjaExpression, name: String, [JinjaExpression], negated: Bool)
    case negate(JinjaExpression)
    case plus(JinjaExpression)
    case not(JinjaExpression)
    case binary(String, JinjaExpression, JinjaExpression)
    case compare(JinjaExpression, [(String, JinjaExpression)])
    case and(JinjaExpression, JinjaExpression)
    case or(JinjaExpression, JinjaExpression)
    case conditional(condition: JinjaExpression, then: JinjaExpression, otherwise: JinjaExpression?)
    case concat([JinjaExpression])
}

/// The arguments written in a call or filter.
struct JinjaCallArguments {
    var positional: [JinjaExpression] = []
    var keyword: [(String, JinjaExpression)] = []
}

/// Where an assignment or loop stores its value.
enum JinjaTarget {
    case name(String)
    case tuple([String])
    case attribute(String, String)
}

/// A statement (or text) in a template, with the line and column of its tag.
indirect enum JinjaNode {
    case text(String)
    case output(JinjaExpression, JinjaLocation)
    case conditional([(JinjaExpression, [JinjaNode])], otherwise: [JinjaNode]?, JinjaLocation)
    case loop(JinjaLoop, JinjaLocation)
    case assign(JinjaTarget, JinjaExpression, JinjaLocation)
    case assignBlock(JinjaTarget, filters: [(String, JinjaCallArguments)], body: [JinjaNode], JinjaLocation)
    case macro(JinjaMacroDefinition, JinjaLocation)
    case callBlock(call: JinjaExpression, parameters: [(String, JinjaExpression?)], body: [JinjaNode], JinjaLocation)
    case filterBlock(filters: [(String, JinjaCallArguments)], body: [JinjaNode], JinjaLocation)
    case breakLoop(JinjaLocation)
    case continueLoop(JinjaLocation)
    case scope([JinjaNode])
}

/// A `for` loop.
struct JinjaLoop {
    var target: JinjaTarget
    var iterable: JinjaExpression
    var condition: JinjaExpression?
    var body: [JinjaNode]
    var otherwise: [JinjaNode]?
    var recursive: Bool
}

/// A `macro` definition.
struct JinjaMacroDefinition {
    var name: String
    var parameters: [(String, JinjaExpression?)]
    var body: [JinjaNode]
}

/// A position in the template source.
struct JinjaLocation {
    var line: Int
    var column: Int
}
