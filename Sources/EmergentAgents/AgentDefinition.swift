import EmergentCore
import Foundation
import Yams

/// An agent as users write it, in YAML or JSON: instructions, model, tools with their settings, knowledge files,
/// limits and sampling. ``AgentToolkit`` turns the tool settings into running tools.
public struct AgentDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    public var instructions: String?
    /// `default` (the installed default model), a GGUF path, or a model name the server knows.
    public var model: String?
    /// Tool kind (`python`, `browser`, `knowledge`, `functions`, `openapi`, `mcp`, `image`) → its settings.
    public var tools: [String: JSONValue]
    /// Files the `knowledge` tool indexes (paths relative to the definition's folder).
    public var knowledge: [String]?
    public var limits: AgentLimits?
    public var sampling: Sampling?
    /// Shown before the first message.
    public var welcome: String?
    public var suggestedPrompts: [String]?

    /// Sampling as an agent file writes it.
    public struct Sampling: Sendable, Hashable, Codable {
        public var temperature: Double?
        public var topP: Double?
        public var topK: Int?
        public var minP: Double?
        public var seed: UInt32?
        /// The most tokens one model call may generate.
        public var maxTokens: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case temperature, topP = "top_p", topK = "top_k", minP = "min_p", seed, maxTokens = "max_tokens"
        }

        public init(temperature: Double? = nil, topP: Double? = nil, topK: Int? = nil, minP: Double? = nil,
                    seed: UInt32? = nil, maxTokens: Int? = nil) {
            self.temperature = temperature
            self.topP = topP
            self.topK = topK
            self.minP = minP
            self.seed = seed
            self.maxTokens = maxTokens
        }

        /// The engine's parameters: greedy unless a temperature is given.
        public var parameters: SamplingParameters {
            var parameters = SamplingParameters.greedy
            if let temperature { parameters.temperature = temperature }
            if let topP { parameters.topP = topP }
            if let topK { parameters.topK = topK }
            if let minP { parameters.minP = minP }
            parameters.seed = seed
            return parameters
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, instructions, model, tools, knowledge, limits, sampling, welcome
        case suggestedPrompts = "suggested_prompts"
    }

    public init(
        name: String, description: String? = nil, instructions: String? = nil, model: String? = nil,
        tools: [String: JSONValue] = [:], knowledge: [String]? = nil, limits: AgentLimits? = nil,
        sampling: Sampling? = nil, welcome: String? = nil, suggestedPrompts: [String]? = nil
    ) {
        self.name = name
        self.description = description
        self.instructions = instructions
        self.model = model
        self.tools = tools
        self.knowledge = knowledge
        self.limits = limits
        self.sampling = sampling
        self.welcome = welcome
        self.suggestedPrompts = suggestedPrompts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        instructions = try container.decodeIfPresent(String.self, forKey: .instructions)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        // `tools: [python, browser]` (defaults) or `tools: {python: {timeout_seconds: 10}}`.
        if let list = try? container.decodeIfPresent([String].self, forKey: .tools) {
            tools = Dictionary(list.map { ($0, JSONValue.object([:])) }, uniquingKeysWith: { first, _ in first })
        } else {
            let mapping = try container.decodeIfPresent([String: JSONValue?].self, forKey: .tools) ?? [:]
            tools = mapping.mapValues { $0 ?? .object([:]) }
        }
        knowledge = try container.decodeIfPresent([String].self, forKey: .knowledge)
        limits = try container.decodeIfPresent(AgentLimits.self, forKey: .limits)
        sampling = try container.decodeIfPresent(Sampling.self, forKey: .sampling)
        welcome = try container.decodeIfPresent(String.self, forKey: .welcome)
        suggestedPrompts = try container.decodeIfPresent([String].self, forKey: .suggestedPrompts)
    }

    /// Reads a YAML (or JSON) agent file; errors name the file and the field.
    public static func load(from path: String) throws -> AgentDefinition {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AgentDefinitionError("cannot read the agent file '\(path)'; check the path")
        }
        return try parse(text, source: path)
    }

    /// Parses YAML (JSON is YAML too). The whole file is checked first, so the error lists every mistake, each
    /// with its line and column (see ``AgentDefinitionError/problems``).
    public static func parse(_ text: String, source: String = "agent definition") throws -> AgentDefinition {
        let check = AgentFileValidator(text: text)
        guard check.problems.isEmpty, let root = check.root else {
            throw AgentDefinitionError(problems: check.problems, source: source)
        }
        do {
            var definition = try YAMLDecoder().decode(AgentDefinition.self, from: root)
            // The same settings in the file's key order, which an export then keeps.
            if let ordered = check.toolSettingsInFileOrder(), ordered == definition.tools { definition.tools = ordered }
            return definition
        } catch let error as DecodingError {
            // The check should have caught this; the coding path still says where it is.
            throw AgentDefinitionError(problems: [check.problem(for: error)], source: source)
        }
    }

    /// The default All Tools agent: Python, the browser over the local search folder, and knowledge.
    public static let allTools = AgentDefinition(
        name: "All Tools", description: "Plans on its own and uses Python, a browser and its documents.",
        instructions: AgentConfiguration.defaultInstructions, model: "default",
        tools: ["python": .object([:]), "browser": .object([:]), "knowledge": .object([:])],
        welcome: "Ask me anything: I can search, read pages, run Python and draw charts.",
        suggestedPrompts: [
            "Find the world population from 2000 to 2023 and compute the average annual growth rate.",
            "Find global GDP for the last ten years, plot the trend, and mark the years where GDP fell in red.",
        ])
}

/// The tool kinds an agent file may list.
public enum AgentToolKind: String, Sendable, CaseIterable {
    case python, browser, knowledge, functions, openapi, mcp, image
}
