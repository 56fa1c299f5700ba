import EmergentEngine
import EmergentModels
import EmergentRemote
import Foundation

/// Picks the language model a command talks to: a model on an OpenAI-compatible server (`--base-url` with
/// `--model` naming it), or the embedded engine (`--model` a GGUF path, else the agent file's `model`, else the
/// installed default model).
struct BackendChoice {
    var engine: EngineOptionGroup
    var baseURL: String?
    var apiKey: String?
    var template: String?

    /// The model, a label for reports, and the remote backend to shut down afterwards when there is one.
    /// `agentModel` is an agent file's `model` (`default` or nil means the installed default), resolved against
    /// `folder`. With `slots` above 1 the embedded model runs on a continuous-batching engine, so that many
    /// requests decode together (each slot with its own context window).
    func languageModel(agentModel: String?, relativeTo folder: URL, showProgress: Bool, minimumContext: Int = 8192,
                       slots: Int = 1)
        async throws -> (model: any LanguageModel, label: String, remote: RemoteBackend?)
    {
        let fromAgent = agentModel == "default" ? nil : agentModel
        if let baseURL {
            guard let name = engine.model ?? fromAgent else {
                throw CommandFailure(
                    message: "--base-url needs --model to name the server's model.",
                    recovery: "List the server's models with: curl \(baseURL)/models")
            }
            let key = apiKey ?? ProcessInfo.processInfo.environment["OPENAI_API_KEY"]
            let backend = RemoteBackend(endpoint: RemoteEndpoint(baseURL: baseURL, apiKey: key, model: name))
            return (backend, "\(name) @ \(baseURL)", backend)
        }
        var engine = engine
        if engine.model == nil, let fromAgent {
            let expanded = (fromAgent as NSString).expandingTildeInPath
            engine.model = expanded.hasPrefix("/") ? expanded : folder.appendingPathComponent(expanded).path
        }
        let model = try await engine.loadModel(showProgress: showProgress)
        var options = engine.sessionOptions
        options.contextLength = max(options.contextLength, minimumContext)
        let label = URL(fileURLWithPath: engine.modelPath).deletingPathExtension().lastPathComponent
        let format = try chatFormat(for: model, template: template)
        if slots > 1 {
            let batch = try await BatchEngine(model: model, options: BatchEngineOptions(session: options, slots: slots))
            return (LocalLanguageModel(generator: batch, format: format), label, nil)
        }
        let session = try await InferenceSession(model: model, options: options)
        return (LocalLanguageModel(session: session, format: format), label, nil)
    }
}
