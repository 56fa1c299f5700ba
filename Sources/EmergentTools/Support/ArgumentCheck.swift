import EmergentCore
import EmergentModels

/// Checks a tool call's arguments against the tool's parameter schema before anything runs.
enum ArgumentCheck {
    /// What is wrong with `arguments`, as a message the model can act on; `nil` when they are valid.
    static func problem(arguments: JSONValue, schema: JSONValue, tool: String) -> String? {
        let value: JSONValue = arguments == .null ? .object(JSONObject()) : arguments
        guard case .object = value else {
            return "Invalid arguments for \(tool): expected a JSON object, got \(value.typeName). Call it again "
                + "with an object matching its parameter schema."
        }
        let problems = JSONSchemaValidator(schema: schema.jinjaValue).problems(in: value.jinjaValue)
        guard !problems.isEmpty else { return nil }
        return "Invalid arguments for \(tool): " + problems.joined(separator: "; ")
            + ". Nothing was sent; fix the arguments to match the parameter schema and call it again."
    }
}
