import EmergentCore
import EmergentServer
import EmergentStore
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// `/v1/files`: multipart upload with a size limit, metadata, content (any valid key).
struct FileRoutes {
    let platform: AgentPlatform
    let server: EmergentServer

    private var store: any PlatformStore { platform.store }

    func register(on router: Router<EmergentRequestContext>) {
        let limit = platform.options.fileLimit
        router.post("/v1/files") { request, _ in
            await server.handle("/v1/files", request, readsBody: false, authenticated: false) { _, _ in
                try await PlatformCalls.guarded {
                    _ = try await platform.auth.access(request.headers[.authorization])
                    let boundary = try MultipartForm.boundary(in: request.headers[.contentType])
                    // Room for the part headers around the file.
                    let body = try await PlatformCalls.bytes(
                        of: request, limit: limit + 16 << 10, tooLarge: PlatformError.tooLarge(limit))
                    let form = try MultipartForm.parse(body, boundary: boundary)
                    guard let part = form.part(named: "file") else {
                        throw PlatformError.invalid("file", "The upload needs a part named 'file' (curl -F file=@data.csv).", code: "missing_field")
                    }
                    guard part.data.count <= limit else { throw PlatformError.tooLarge(limit) }
                    let purpose = form.part(named: "purpose").map { String(decoding: $0.data, as: UTF8.self) } ?? "input"
                    guard ["input", "knowledge"].contains(purpose) else {
                        throw PlatformError.invalid("purpose", "'purpose' is 'input' or 'knowledge'.")
                    }
                    let filename = FileNames.safe(part.filename ?? "upload")
                    let file = try await store.saveFile(
                        Data(part.data), filename: filename,
                        contentType: part.contentType ?? MediaTypes.type(forExtension: (filename as NSString).pathExtension),
                        purpose: purpose)
                    return Reply.json(PlatformJSON.file(file), status: .created)
                }
            }
        }
        router.get("/v1/files/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await server.handle("/v1/files/{id}", request, readsBody: false, authenticated: false) { _, _ in
                try await PlatformCalls.guarded { Reply.json(PlatformJSON.file(try await file(id, request))) }
            }
        }
        router.get("/v1/files/{id}/content") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await server.handle("/v1/files/{id}/content", request, readsBody: false, authenticated: false) { _, _ in
                try await PlatformCalls.guarded {
                    let file = try await file(id, request)
                    let url = store.contentURL(of: file)
                    guard let data = FileManager.default.contents(atPath: url.path) else {
                        throw APIError(
                            status: .internalServerError,
                            message: "The content of '\(id)' is missing from \(url.path); restore the files folder from a backup.",
                            type: "server_error", code: "file_content_missing")
                    }
                    var headers: HTTPFields = [.contentType: file.contentType]
                    headers[.contentDisposition] = "inline; filename=\"\(file.filename.replacingOccurrences(of: "\"", with: ""))\""
                    headers[.cacheControl] = "private, max-age=31536000, immutable"
                    return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
                }
            }
        }
    }

    private func file(_ id: String, _ request: Request) async throws -> StoredFile {
        _ = try await platform.auth.access(request.headers[.authorization])
        guard let file = try await store.file(id) else { throw PlatformError.notFound("file", id, code: "file_not_found") }
        return file
    }
}

/// Content types by file extension, for uploads without one and for the web UI's files.
enum MediaTypes {
    static func type(forExtension ext: String) -> String {
        switch ext.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "ico": "image/x-icon"
        case "txt", "md", "py": "text/plain; charset=utf-8"
        case "csv": "text/csv"
        case "pdf": "application/pdf"
        case "yaml", "yml": "text/yaml; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
