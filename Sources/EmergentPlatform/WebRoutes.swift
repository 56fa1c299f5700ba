import EmergentServer
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// The web UI's files: `/` is the app, `/ui/<file>` its scripts, styles and icons. No key is needed for these; the
/// app asks for one.
struct WebRoutes {
    func register(on router: Router<EmergentRequestContext>) {
        router.get("/") { _, _ in Self.serve("index.html") }
        router.get("/ui/{file}") { _, context in Self.serve(context.parameters.get("file") ?? "") }
    }

    static func serve(_ name: String) -> Response {
        guard !name.isEmpty, !name.hasPrefix("."), !name.contains("/"), let folder = PlatformWeb.folder,
            let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
        else {
            return Reply.error(APIError(
                status: .notFound, message: "No web UI file is named '\(name)'.", type: "not_found_error",
                code: "not_found"))
        }
        var headers: HTTPFields = [.contentType: MediaTypes.type(forExtension: (name as NSString).pathExtension)]
        headers[.cacheControl] = "no-cache"
        if let name = HTTPField.Name("X-Content-Type-Options") { headers[name] = "nosniff" }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
