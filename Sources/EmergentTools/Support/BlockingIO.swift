import NIOPosix

/// Runs blocking work (file reads and writes, process spawning) on NIO's thread pool, off the cooperative pool.
enum BlockingIO {
    static func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
