/// One numeric key of `limits` or `sampling`: whether it must be whole, which values it allows, and how a message
/// says so. The file check and ``AgentDefinition/validate()`` read the same rules, so they cannot disagree.
struct NumberRule<Owner>: Sendable {
    /// The key as the file writes it.
    let key: String
    /// Whether the decoder reads the key as an integer (`10.0` is then refused).
    let isWhole: Bool
    /// What a message says the value must be: `a whole number ≥ 0`.
    let expected: String
    let allows: @Sendable (Double) -> Bool
    /// The key's value in a decoded owner, when set.
    let value: @Sendable (Owner) -> Double?

    /// The issue with `value`, or `nil` when it is allowed.
    func issue(_ value: Double, at path: FieldPath, found: String? = nil) -> FieldIssue? {
        guard !allows(value) else { return nil }
        return FieldIssue(path: path.appending(key), expected: expected, found: found ?? Self.text(value))
    }

    /// A number as a message shows it: `10` rather than `10.0`.
    static func text(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}

extension NumberRule where Owner == AgentLimits {
    /// The keys of `limits`, in the order a file lists them.
    static let limits: [NumberRule] = [
        NumberRule(
            key: "max_tool_rounds", isWhole: true, expected: "a whole number ≥ 0", allows: { $0 >= 0 },
            value: { Double($0.maxToolRounds) }),
        NumberRule(
            key: "max_wall_seconds", isWhole: false, expected: "a number of seconds > 0",
            allows: { $0 > 0 && $0.isFinite }, value: { $0.maxWallSeconds }),
        NumberRule(
            key: "max_tokens", isWhole: true, expected: "a whole number > 0", allows: { $0 > 0 },
            value: { Double($0.maxTokens) }),
        NumberRule(
            key: "tool_timeout_seconds", isWhole: false, expected: "a number of seconds > 0",
            allows: { $0 > 0 && $0.isFinite }, value: { $0.toolTimeoutSeconds }),
        NumberRule(
            key: "max_parallel_calls", isWhole: true, expected: "a whole number ≥ 1", allows: { $0 >= 1 },
            value: { Double($0.maxParallelCalls) }),
    ]
}

extension NumberRule where Owner == AgentDefinition.Sampling {
    /// The keys of `sampling`, in the order a file lists them.
    static let sampling: [NumberRule] = [
        NumberRule(
            key: "temperature", isWhole: false, expected: "a number from 0 to 2", allows: { $0 >= 0 && $0 <= 2 },
            value: { $0.temperature }),
        NumberRule(
            key: "top_p", isWhole: false, expected: "a number greater than 0 and at most 1",
            allows: { $0 > 0 && $0 <= 1 }, value: { $0.topP }),
        NumberRule(
            key: "top_k", isWhole: true, expected: "a whole number ≥ 0 (0 keeps every token)", allows: { $0 >= 0 },
            value: { $0.topK.map(Double.init) }),
        NumberRule(
            key: "min_p", isWhole: false, expected: "a number from 0 to 1", allows: { $0 >= 0 && $0 <= 1 },
            value: { $0.minP }),
        NumberRule(
            key: "seed", isWhole: true, expected: "a whole number from 0 to 4294967295",
            allows: { $0 >= 0 && $0 <= Double(UInt32.max) }, value: { $0.seed.map(Double.init) }),
        NumberRule(
            key: "max_tokens", isWhole: true, expected: "a whole number > 0", allows: { $0 > 0 },
            value: { $0.maxTokens.map(Double.init) }),
    ]
}
