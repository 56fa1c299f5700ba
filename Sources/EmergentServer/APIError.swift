import EmergentCore
import EmergentEngine
import EmergentModels
import EmergentRemote
import Foundation
import HTTPTypes

/// An error in OpenAI's shape — `{"error":{"message","type","param","code"}}` — with its HTTP status.
public struct APIError: Error, Sendable, Hashable {
    public var status: HTTPResponse.Status
    public var message: String
    /// OpenAI's error class: `invalid_request_error`, `authentication_error`, `not_found_error`, `server_error`…
    public var type: String
    /// The request field at fault, as a dotted path (`messages.2.content`).
    public var param: String?
    public var code: String?
    /// Seconds a client should wait before retrying (sent as `Retry-After`).
    public var retryAfter: Int?

    public init(
        status: HTTPResponse.Status, message: String, type: String, param: String? = nil, code: String? = nil,
        retryAfter: Int? = nil
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.retryAfter = retryAfter
    }

    /// A 400 for a field with a wrong type, a missing value or an out-of-range value.
    public static func invalid(_ param: String?, _ message: String, code: String = "invalid_value") -> APIError {
        APIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    public static func modelNotFound(_ name: String, available: [String]) -> APIError {
        APIError(
            status: .notFound,
            message: "The model '\(name)' does not exist. Models served here: \(available.joined(separator: ", ")).",
            type: "invalid_request_error", param: "model", code: "model_not_found")
    }

    public static let unauthorized = APIError(
        status: .unauthorized,
        message: "Missing or incorrect API key. Send it as 'Authorization: Bearer <key>' (the key given to --api-key).",
        type: "authentication_error", code: "invalid_api_key")

    /// The JSON body.
    public var json: JSONValue {
        [
            "error": [
                "message": .string(message), "type": .string(type), "param": param.map(JSONValue.string) ?? .null,
                "code": code.map(JSONValue.string) ?? .null,
            ]
        ]
    }

    /// The best API error for anything a handler may throw.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let api as APIError: return api
        case let parse as JSONParseError:
            return .invalid(nil, "The request body is not valid JSON: \(parse.description).", code: "invalid_json")
        case let engine as EngineError: return from(engine)
        case let remote as RemoteBackendError:
            let status = remote.status.map { HTTPResponse.Status(code: $0) } ?? .badGateway
            return APIError(
                status: status, message: remote.message, type: status.code < 500 ? "invalid_request_error" : "server_error",
                code: remote.status == nil ? "upstream_unavailable" : "upstream_error")
        case let format as any EmergentError:
            // Template, grammar and schema problems come from what the request asked for.
            let text = format.recovery.map { "\(format.message) \($0)" } ?? format.message
            return .invalid(nil, text)
        default:
            return APIError(
                status: .internalServerError, message: "Internal error: \(error)", type: "server_error",
                code: "internal_error")
        }
    }

    private static func from(_ error: EngineError) -> APIError {
        let text = error.recovery.map { "\(error.message) \($0)" } ?? error.message
        switch error {
        case .promptTooLong:
            return .invalid("messages", text, code: "context_length_exceeded")
        case .emptyPrompt, .invalidToken, .invalidGrammar:
            return .invalid("prompt", text)
        case .invalidOption:
            return .invalid(nil, text)
        case .queueFull:
            return APIError(
                status: .serviceUnavailable, message: text, type: "server_error", code: "server_overloaded",
                retryAfter: 1)
        case .shuttingDown:
            return APIError(
                status: .serviceUnavailable, message: text, type: "server_error", code: "shutting_down",
                retryAfter: 5)
        default:
            return APIError(status: .internalServerError, message: text, type: "server_error", code: "engine_error")
        }
    }
}
