import ArgumentParser
import EmergentAgents
import EmergentCore
import EmergentPlatform
import EmergentStore
import Foundation

/// `emergent agents import|export|list`: agent definitions in the platform's store, from the command line.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "Import, export and list the platform's agents ($EMERGENT_HOME/emergent.sqlite).",
        subcommands: [Import.self, Export.self, List.self])

    /// Creates an agent from a YAML or JSON file, published as version 1.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an agent from a YAML (or JSON) file; prints its id.")

        @Argument(help: "The agent file.")
        var file: String

        @Option(name: .long, help: "Update this agent's draft and publish it as a new version instead of creating one.")
        var into: String?

        func run() async throws {
            let definition = try AgentDefinition.load(from: file)
            let store = try SQLiteStore(home: EmergentPaths().home)
            if let into {
                _ = try await store.updateAgent(into, definition: definition)
                let version = try await store.publish(into, note: "imported from \(file)")
                Terminal.output("\(into) version \(version.version)\n")
            } else {
                let agent = try await store.createAgent(definition)
                Terminal.output("\(agent.id)\n")
                Terminal.error("Created '\(definition.name)' (\(agent.id)), published as version 1.")
            }
        }
    }

    /// Prints an agent's definition as YAML.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an agent's definition as YAML.")

        @Argument(help: "The agent's id (see `emergent agents list`).")
        var id: String

        @Option(name: .long, help: "A published version instead of the draft.")
        var version: Int?

        func run() async throws {
            let store = try SQLiteStore(home: EmergentPaths().home)
            let definition: AgentDefinition
            if let version {
                guard let found = try await store.version(version, of: id) else {
                    throw CommandFailure(
                        message: "The agent '\(id)' has no version \(version).",
                        recovery: "List versions with GET /v1/agents/\(id)/versions.")
                }
                definition = found.definition
            } else {
                guard let agent = try await store.agent(id) else {
                    throw CommandFailure(message: "No agent has the id '\(id)'.", recovery: "See `emergent agents list`.")
                }
                definition = agent.definition
            }
            Terminal.output(definition.yamlText())
        }
    }

    /// Lists agents: id, published version, conversations, name.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List agents.")

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() async throws {
            let store = try SQLiteStore(home: EmergentPaths().home)
            let agents = try await store.agents()
            if json {
                var items: [JSONValue] = []
                for agent in agents {
                    items.append([
                        "id": .string(agent.id), "name": .string(agent.definition.name),
                        "published_version": agent.publishedVersion.map(JSONValue.int) ?? .null,
                        "conversations": .int(try await store.conversationCount(agentID: agent.id)),
                    ])
                }
                Terminal.output(JSONValue.array(items).compactJSON + "\n")
                return
            }
            guard !agents.isEmpty else {
                Terminal.error("No agents yet. Create one with `emergent agents import FILE.yaml` or in the web UI.")
                return
            }
            var lines = ["ID                             VERSION  CONVERSATIONS  NAME"]
            for agent in agents {
                let version = agent.publishedVersion.map { "v\($0)" } ?? "draft"
                let count = try await store.conversationCount(agentID: agent.id)
                lines.append(
                    agent.id.padding(toLength: 31, withPad: " ", startingAt: 0)
                        + version.padding(toLength: 9, withPad: " ", startingAt: 0)
                        + String(count).padding(toLength: 15, withPad: " ", startingAt: 0) + agent.definition.name)
            }
            Terminal.output(lines.joined(separator: "\n") + "\n")
        }
    }
}
