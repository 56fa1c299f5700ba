import EmergentCore
import Foundation

/// The `python` tool: runs code in the conversation's own sandboxed, stateful interpreter.
public struct PythonTool: Tool {
    public let pool: PythonSandboxPool

    public init(pool: PythonSandboxPool) { self.pool = pool }

    public var spec: ToolSpec {
        ToolSpec(
            name: "python",
            description: """
                Run Python 3.11 code in a stateful sandbox, like a notebook cell: variables, imports and files \
                persist between calls in this conversation. The value of the last expression is shown, as are \
                printed output and tracebacks. numpy, pandas, matplotlib and sympy are installed. The working \
                directory is /mnt/data, the only writable folder; files written there are returned to the user. \
                Every matplotlib figure left open is saved as a PNG and shown to the user (do not call plt.show()). \
                There is no internet access. Each call may take at most a limited time; on a timeout the \
                interpreter restarts and its variables are lost, while files in /mnt/data are kept.
                """,
            parameters: [
                "type": "object",
                "properties": [
                    "code": ["type": "string", "description": "The Python code to run."]
                ],
                "required": ["code"],
            ])
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> ToolOutput {
        guard let code = arguments["code"]?.stringValue else {
            throw ToolError("python needs a \"code\" argument with the Python source to run, as a string.")
        }
        let configuration = pool.configuration
        let timeout = min(configuration.callTimeout, context.timeout)
        let lease: PythonSandboxPool.Lease
        do {
            lease = try await pool.lease(conversationID: context.conversationID, workDirectory: context.workDirectory)
        } catch {
            throw ToolError(error.description)
        }
        let notice = lease.replacedLostInterpreter
            ? "[The previous interpreter was stopped, so this is a fresh one: variables and imports from earlier "
                + "calls are lost; files in /mnt/data are kept.]\n"
            : ""
        let execution: PythonExecution
        do {
            execution = try await lease.sandbox.execute(code, timeout: timeout)
        } catch {
            await lease.sandbox.terminate()
            return .failure(notice + error.description)
        }
        var text = notice + execution.output
        if execution.droppedCharacters > 0 {
            if !text.hasSuffix("\n") { text += "\n" }
            text += "[output truncated: \(execution.droppedCharacters) more characters were not shown; the limit is "
                + "\(configuration.outputLimit) per call. Print less, or write large results to a file in /mnt/data.]"
        }
        if text.isEmpty { text = "(no output)" }
        let folder = await lease.sandbox.workDirectory
        let artifacts = execution.changedFiles.compactMap { Self.artifact(relativePath: $0, in: folder) }
        return ToolOutput(text: text, artifacts: artifacts, isError: execution.raised)
    }

    static func artifact(relativePath: String, in folder: URL) -> Artifact? {
        let url = folder.appendingPathComponent(relativePath)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else { return nil }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        return Artifact(name: relativePath, path: url.path, mimeType: mimeType(of: relativePath), byteCount: size)
    }

    static func mimeType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "svg": "image/svg+xml"
        case "pdf": "application/pdf"
        case "csv": "text/csv"
        case "tsv": "text/tab-separated-values"
        case "txt", "log", "md": "text/plain"
        case "json": "application/json"
        case "html", "htm": "text/html"
        case "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case "parquet": "application/vnd.apache.parquet"
        case "zip": "application/zip"
        default: "application/octet-stream"
        }
    }
}
