import Foundation
import EmergentModels
import EmergentServer

/// Finds the language model an agent's `model` field names. The server resolves names against the models it serves;
/// tests resolve them to scripted models.
public protocol ModelResolver: Sendable {
    /// The model for `name`; `nil` or `default` means the server's default model.
    func model(named name: String?) throws -> any LanguageModel
    /// The names agents may use, for error messages and the builder's model list.
    var modelNames: [String] { get }
}

/// Resolves agent model names against the server's model catalog: a local model or a remote upstream pool.
public struct CatalogModelResolver: ModelResolver {
    public let catalog: ModelCatalog

    public init(catalog: ModelCatalog) {
        self.catalog = catalog
    }

    public func model(named name: String?) throws -> any LanguageModel {
        if let name, name != "default" || catalog.names.contains(name) {
            return try catalog.resolve(name).languageModel
        }
        return try catalog.resolve(nil).languageModel
    }

    public var modelNames: [String] { catalog.names }
}

/// Resolves names from a fixed table (scripted models in tests, or models built in code).
public struct FixedModelResolver: ModelResolver {
    public let models: [String: any LanguageModel]
    public let defaultName: String

    public init(_ models: [String: any LanguageModel], defaultName: String) {
        self.models = models
        self.defaultName = defaultName
    }

    public func model(named name: String?) throws -> any LanguageModel {
        let key = (name == nil || name == "default") && models[name ?? ""] == nil ? defaultName : name ?? defaultName
        guard let model = models[key] else {
            throw PlatformError.invalid(
                "model", "The model '\(key)' is not served here. Models: \(modelNames.joined(separator: ", ")).")
        }
        return model
    }

    public var modelNames: [String] { models.keys.sorted() }
}
