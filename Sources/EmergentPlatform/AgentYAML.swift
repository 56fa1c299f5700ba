import Foundation
import EmergentAgents
import Yams

/// Agent definitions as YAML files.
public enum AgentYAML {
    public static func text(of definition: AgentDefinition) -> String {
        (try? YAMLEncoder().encode(definition)) ?? "name: \(definition.name)\n"
    }
}
