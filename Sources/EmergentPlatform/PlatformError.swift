import Foundation
import EmergentCore
import EmergentServer
import EmergentStore
import HTTPTypes

/// Errors of the platform's API, each with the HTTP status and OpenAI-shaped body it becomes.
enum PlatformError {
    static func invalid(_ param: String?, _ message: String, code: String = "invalid_value") -> APIError {
        APIError.invalid(param, message, code: code)
    }

    static func notFound(_ what: String, _ id: String, code: String = "not_found") -> APIError {
        APIError(
            status: .notFound, message: "No \(what) has the id '\(id)'. Check the id; list what exists with GET.",
            type: "not_found_error", code: code)
    }

    static let missingKey = APIError(
        status: .unauthorized,
        message: "This route needs an API key. Send 'Authorization: Bearer <key>' with the admin key (printed on the "
            + "server's first start, or set with --admin-key / EMERGENT_ADMIN_KEY) or an agent's key.",
        type: "authentication_error", code: "missing_api_key")

    static let unknownKey = APIError(
        status: .unauthorized,
        message: "The API key is not valid. Use the admin key or a key made with POST /v1/agents/{id}/keys.",
        type: "authentication_error", code: "invalid_api_key")

    static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, message: message, type: "permission_error", code: "forbidden")
    }

    static func conflict(_ message: String, code: String) -> APIError {
        APIError(status: .conflict, message: message, type: "invalid_request_error", code: code)
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(
            status: .contentTooLarge,
            message: "The file is larger than the server's limit of \(limit >> 20) MiB. Send a smaller file, or start "
                + "the server with a larger --file-limit.",
            type: "invalid_request_error", code: "file_too_large")
    }

    static let shuttingDown = APIError(
        status: .serviceUnavailable, message: "The server is shutting down and takes no new runs. Retry shortly.",
        type: "server_error", code: "shutting_down", retryAfter: 5)

    /// The API error for a store failure.
    static func from(_ error: StoreError) -> APIError {
        switch error {
        case .notFound(let message):
            APIError(status: .notFound, message: message, type: "not_found_error", code: "not_found")
        case .conflict(let message):
            APIError(status: .conflict, message: message, type: "invalid_request_error", code: "conflict")
        case .storage:
            APIError(status: .internalServerError, message: error.description, type: "server_error", code: "storage")
        }
    }
}
