import EmergentCore
import EmergentEngine
import EmergentModels
import EmergentRemote
import Foundation

/// A GGUF model served from this process: a continuous-batching engine for generation, the model's chat format,
/// and an embedding context created on first use.
public final class LocalModelService: Sendable {
    public let name: String
    public let model: Model
    public let engine: BatchEngine
    public let chat: LocalLanguageModel
    /// The chat template's source, for `/tokenizer_info` (nil when the model has none).
    public let chatTemplate: String?
    /// When the model was loaded (Unix seconds), reported as `created`.
    public let created: Int
    private let embedder: LazyEmbedder

    public init(name: String, model: Model, options: BatchEngineOptions) async throws {
        self.name = name
        self.model = model
        self.engine = try await BatchEngine(model: model, options: options)
        self.chat = LocalLanguageModel(generator: engine, format: try ChatFormat.of(model))
        self.chatTemplate = model.metadataValue("tokenizer.chat_template")
        self.created = Int(Date().timeIntervalSince1970)
        self.embedder = LazyEmbedder(model: model, threads: options.session.threads)
    }

    /// The embedding context, created on the first call.
    public func embeddings() async throws -> Embedder { try await embedder.get() }
}

/// Creates an `Embedder` once, when first needed, however many requests ask at the same time. A failed creation
/// is not kept: the next request tries again.
private actor LazyEmbedder {
    let model: Model
    let threads: Int
    private var task: Task<Embedder, any Error>?

    init(model: Model, threads: Int) {
        self.model = model
        self.threads = threads
    }

    func get() async throws -> Embedder {
        if let task { return try await task.value }
        let made = Task { [model, threads] in try await Embedder(model: model, contextLength: 2048, threads: threads) }
        task = made
        do {
            return try await made.value
        } catch {
            task = nil
            throw error
        }
    }
}

/// One public model name and what answers for it: the embedded engine or a pool of remote upstreams.
public enum ServedModel: Sendable {
    case local(LocalModelService)
    case remote(name: String, pool: UpstreamPool)

    public var name: String {
        switch self {
        case .local(let service): service.name
        case .remote(let name, _): name
        }
    }

    /// The chat interface.
    public var languageModel: any LanguageModel {
        switch self {
        case .local(let service): service.chat
        case .remote(_, let pool): pool
        }
    }

    var ownedBy: String {
        switch self {
        case .local: "emergent"
        case .remote: "upstream"
        }
    }
}

/// The models a server answers for, in configuration order; the first is the default.
public struct ModelCatalog: Sendable {
    public let models: [ServedModel]

    public init(_ models: [ServedModel]) {
        self.models = models
    }

    public var names: [String] { models.map(\.name) }

    /// The model called `name`, or the default when `name` is nil.
    public func resolve(_ name: String?) throws(APIError) -> ServedModel {
        guard let name else {
            guard let first = models.first else { throw .modelNotFound("(none)", available: []) }
            return first
        }
        if let found = models.first(where: { $0.name == name }) { return found }
        throw .modelNotFound(name, available: names)
    }

    /// The first local model, or the named one, which must be local.
    func local(_ name: String?, for feature: String) throws(APIError) -> LocalModelService {
        if let name {
            switch try resolve(name) {
            case .local(let service): return service
            case .remote:
                throw .invalid("model", "\(feature) is only available for models served by this process; '\(name)' is remote.")
            }
        }
        for case .local(let service) in models { return service }
        throw .invalid("model", "\(feature) needs a model served by this process, and none is configured.")
    }
}
