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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CLlama", path: "Sources/CLlama"),
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
        .executableTarget(
            name: "emergent",
            dependencies: [
                "EmergentCore",
                "EmergentEngine",
                "EmergentJinja",
                "EmergentModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
            name: "EmergentEngineTests",
            dependencies: ["EmergentEngine", "EmergentCore"],
            swiftSettings: upcomingFeatures,
            linkerSettings: llamaLinkerSettings
        ),
    ]
)
