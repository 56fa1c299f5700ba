import EmergentCore
import EmergentEngine
import Foundation

/// Where the tests find the real model, llama.cpp's source tree and its peer tools (all placed by set-up).
enum TestResources {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var modelPath: String { EmergentPaths().defaultModel.path }

    static var llamaSource: URL {
        repositoryRoot.appendingPathComponent(".deps/src/llama_cpp_python-0.3.36/vendor/llama.cpp")
    }

    static var peerBinaries: URL { repositoryRoot.appendingPathComponent(".deps/peers/bin") }

    static func peer(_ name: String) -> String? {
        let path = peerBinaries.appendingPathComponent(name).path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// A fresh scratch directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("emergent-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The default model, loaded once for the whole test run.
enum SharedModel {
    private static let loading = Task { try await Model.load(from: TestResources.modelPath) }

    static func get() async throws -> Model { try await loading.value }

    /// A new session on the shared model.
    static func session(contextLength: Int = 2048) async throws -> InferenceSession {
        try await InferenceSession(model: try await get(), options: SessionOptions(contextLength: contextLength))
    }
}

/// Collects a streamed generation.
struct Collected {
    var text = ""
    var tokens: [Token] = []
    var summary: GenerationSummary?
    var prompt: PromptStats?
}

extension InferenceSession {
    func collect(_ prompt: Prompt, options: GenerationOptions) async throws -> Collected {
        var collected = Collected()
        for try await event in generate(prompt, options: options) {
            switch event {
            case .text(let text): collected.text += text
            case .token(let token): collected.tokens.append(token.id)
            case .finished(let summary): collected.summary = summary
            case .prompt(let stats): collected.prompt = stats
            case .promptLogprobs: break
            }
        }
        return collected
    }
}
