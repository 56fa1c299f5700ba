// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// libllama is built by `scripts/setup.sh` into `.deps/llama` inside this checkout. Linking against it by
/// absolute path, with an rpath, means `swift build`, `swift test` and the built binary need no
/// `PKG_CONFIG_PATH` or `LD_LIBRARY_PATH`. Set `EMERGENT_LLAMA_PREFIX` to link a libllama installed elsewhere; the
/// headers still come from `.deps/llama/include`, so it must be the same llama.cpp version.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let llamaPrefix = Context.environment["EMERGENT_LLAMA_PREFIX"] ?? "\(packageRoot)/.deps/llama"
let llamaLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-L\(llamaPrefix)/lib", "-Xlinker", "-rpath", "-Xlinker", "\(llamaPrefix)/lib"])
]

let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Emergent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "emergent", targets: ["emergent"]),
        .library(name: "EmergentCore", targets: ["EmergentCore"]),
        .library(name: "EmergentEngine", targets: ["EmergentEngine"]),
        .library(name: "EmergentJinja", targets: ["EmergentJinja"]),
        .library(name: "EmergentModels", targets: ["EmergentModels"]),
        .library(name: "EmergentRemote", targets: ["EmergentRemote"]),
        .library(name: "EmergentServer", targets: ["EmergentServer"]),
        .library(name: "EmergentTools", targets: ["EmergentTools"]),
        .library(name: "EmergentAgents", targets: ["EmergentAgents"]),
        .library(name: "EmergentStore", targets: ["EmergentStore"]),
        .library(name: "EmergentPlatform", targets: ["EmergentPlatform"]),
        .library(name: "EmergentEval", targets: ["EmergentEval"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(name: "CLlama", path: "Sources/CLlama"),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(
            name: "EmergentCore",
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "EmergentJinja",
            dependencies: ["EmergentCore"],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "EmergentEngine",
            dependencies: [
                "CLlama",
                "EmergentCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .target(
            name: "EmergentModels",
            dependencies: ["EmergentCore", "EmergentEngine", "EmergentJinja"],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .target(
            name: "EmergentRemote",
            dependencies: [
                "EmergentCore",
                "EmergentModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .target(
            name: "EmergentServer",
            dependencies: [
                "EmergentCore",
                "EmergentEngine",
                "EmergentModels",
                "EmergentRemote",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .target(
            name: "EmergentTools",
            dependencies: [
                "CLibXML2",
                "EmergentCore",
                "EmergentModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .target(
            name: "EmergentAgents",
            dependencies: [
                "EmergentCore",
                "EmergentEngine",
                "EmergentModels",
                "EmergentTools",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .target(
            name: "EmergentStore",
            dependencies: [
                "EmergentCore",
                "EmergentAgents",
                "EmergentTools",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .target(
            name: "EmergentPlatform",
            dependencies: [
                "EmergentCore",
                "EmergentModels",
                "EmergentServer",
                "EmergentTools",
                "EmergentAgents",
                "EmergentStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Web")],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .target(
            name: "EmergentEval",
            dependencies: [
                "EmergentCore",
                "EmergentEngine",
                "EmergentJinja",
                "EmergentModels",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .executableTarget(
            name: "emergent",
            dependencies: [
                "EmergentCore",
                "EmergentEngine",
                "EmergentJinja",
                "EmergentModels",
                "EmergentRemote",
                "EmergentServer",
                "EmergentTools",
                "EmergentAgents",
                "EmergentStore",
                "EmergentPlatform",
                "EmergentEval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .testTarget(
            name: "EmergentCoreTests",
            dependencies: ["EmergentCore"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "EmergentJinjaTests",
            dependencies: ["EmergentJinja"],
            exclude: ["Fixtures"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "EmergentModelsTests",
            dependencies: ["EmergentModels", "EmergentJinja", "EmergentCore"],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .testTarget(
            name: "EmergentCLITests",
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "EmergentRemoteTests",
            dependencies: [
                "EmergentRemote",
                "EmergentModels",
                "EmergentCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .testTarget(
            name: "EmergentServerTests",
            dependencies: [
                "EmergentServer",
                "EmergentEngine",
                "EmergentModels",
                "EmergentCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .testTarget(
            name: "EmergentToolsTests",
            dependencies: [
                "EmergentTools",
                "EmergentModels",
                "EmergentCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .testTarget(
            name: "EmergentAgentsTests",
            dependencies: [
                "EmergentAgents",
                "EmergentTools",
                "EmergentModels",
                "EmergentEngine",
                "EmergentCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .testTarget(
            name: "EmergentStoreTests",
            dependencies: [
                "EmergentStore", "EmergentAgents", "EmergentTools", "EmergentCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .testTarget(
            name: "EmergentPlatformTests",
            dependencies: [
                "EmergentPlatform",
                "EmergentStore",
                "EmergentServer",
                "EmergentAgents",
                "EmergentTools",
                "EmergentModels",
                "EmergentCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .testTarget(
            name: "EmergentEvalTests",
            dependencies: ["EmergentEval", "EmergentEngine", "EmergentModels", "EmergentCore"],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
        .testTarget(
            name: "EmergentEngineTests",
            dependencies: ["EmergentEngine", "EmergentCore"],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
    ]
)
