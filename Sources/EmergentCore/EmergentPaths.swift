import Foundation

/// Where Emergent keeps its data: `$EMERGENT_HOME`, by default `~/.emergent`.
public struct EmergentPaths: Sendable, Hashable {
    /// The root folder.
    public var home: URL

    /// Reads `EMERGENT_HOME` from the environment, falling back to `~/.emergent`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let value = environment["EMERGENT_HOME"], !value.isEmpty {
            home = URL(fileURLWithPath: (value as NSString).expandingTildeInPath, isDirectory: true)
        } else {
            home = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(
                ".emergent", isDirectory: true)
        }
    }

    public init(home: URL) { self.home = home }

    /// Downloaded and user-provided GGUF models.
    public var models: URL { home.appendingPathComponent("models", isDirectory: true) }

    /// The file name of the default model that `scripts/setup.sh` installs.
    public static let defaultModelFileName = "gemma-3-270m-q4_k_m.gguf"

    /// The default model: Gemma 3 270M (base), Q4_K_M.
    public var defaultModel: URL { models.appendingPathComponent(Self.defaultModelFileName) }
}
