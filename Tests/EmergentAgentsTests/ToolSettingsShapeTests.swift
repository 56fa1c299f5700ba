import EmergentCore
import EmergentTools
import Foundation
import Testing

@testable import EmergentAgents

/// The agent file check lists the keys of EmergentTools' settings types by hand (their CodingKeys are internal to
/// that module); these tests fail when a type gains or loses a key the list does not know about.
@Suite("Tool settings keys match the settings types")
struct ToolSettingsShapeTests {
    /// The keys `value` encodes, with every optional set.
    static func encodedKeys(_ value: some Encodable) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any]
        return Set(try #require(object).keys)
    }

    static func keys(of shape: ToolSettingsShape) -> Set<String> {
        switch shape {
        case .mapping(let keys): Set(keys.map(\.key))
        case .list(let item): Self.keys(of: item)
        default: []
        }
    }

    @Test("functions, openapi, mcp, image and browser.search list every key their types decode")
    func keysMatchTypes() throws {
        let function = FunctionDefinition(
            name: "n", description: "d", url: "u", headers: ["a": "b"], argumentsIn: .query,
            argumentLocations: ["a": .path], timeoutSeconds: 1, maxResponseBytes: 1)
        #expect(Self.keys(of: .of(.functions)) == (try Self.encodedKeys(function)))
        let source = OpenAPISource(location: "l", serverURL: "s", operations: ["o"], timeoutSeconds: 1)
        #expect(Self.keys(of: .of(.openapi)) == (try Self.encodedKeys(source)))
        let server = MCPServerConfiguration(name: "n", command: "c", workingDirectory: "w")
        #expect(Self.keys(of: .of(.mcp)) == (try Self.encodedKeys(server)))
        let image = ImageGenerationSettings(baseURL: "b", apiKey: "k", model: "m", size: "s", timeoutSeconds: 1)
        #expect(Self.keys(of: .of(.image)) == (try Self.encodedKeys(image)))

        guard case .mapping(let browser) = ToolSettingsShape.of(.browser),
            let search = browser.first(where: { $0.key == "search" })?.shape
        else {
            Issue.record("browser settings have no search mapping")
            return
        }
        let provider = SearchProviderSettings(
            provider: .local, url: "u", apiKey: "k", apiKeyEnvironment: "e", folder: "f", baseURL: "b")
        #expect(Self.keys(of: search) == (try Self.encodedKeys(provider)))
    }

    @Test("limits and sampling rules cover every key the types decode")
    func rulesMatchTypes() {
        #expect(NumberRule.limits.map(\.key) == AgentLimits.CodingKeys.allCases.map(\.rawValue))
        #expect(NumberRule.sampling.map(\.key) == AgentDefinition.Sampling.CodingKeys.allCases.map(\.rawValue))
    }

    @Test(
        "did-you-mean suggestions: close misspellings only, ignoring case",
        arguments: [
            ("instruction", "instructions"), ("pyhton", "python"), ("mpc", "mcp"), ("Python", "python"),
            ("teleport", nil), ("x", nil),
        ] as [(String, String?)])
    func suggestions(name: String, expected: String?) {
        let candidates = AgentToolKind.allCases.map(\.rawValue) + ["instructions"]
        #expect(EditDistance.closest(to: name, in: candidates) == expected)
    }
}
