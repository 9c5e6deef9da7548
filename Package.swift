// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Lede",
    // MARK: - Products
    products: [
        .library(name: "Lede", targets: ["Lede"]),
        .executable(name: "lede-train", targets: ["lede-train"]),
        .executable(name: "lede-classify", targets: ["lede-classify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // MARK: - C kernels
        /// What Swift does not spell: cache prefetch, byte masks of 16 and 64 bytes (the tokenizer's ASCII
        /// path, the vocabulary's tag scan), and kernels built for AVX2 and for the baseline with the same
        /// bits (a document's weight rows, word-vector codes, the fixed-order matrix product of training).
        .target(name: "CLedeSupport"),

        // MARK: - Core
        .target(
            name: "Lede",
            dependencies: ["CLedeSupport", .product(name: "SystemPackage", package: "swift-system")]
        ),

        // MARK: - Executables
        /// What both commands share: checks of the raw command line before it is parsed, notes on inputs,
        /// the options that spell each of the core's parameters, error reporting and exit codes.
        .target(
            name: "LedeCommandLine",
            dependencies: ["Lede", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "lede-train",
            dependencies: ["Lede", "LedeCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "lede-classify",
            dependencies: ["Lede", "LedeCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: - Tests
        .testTarget(
            name: "LedeTests",
            dependencies: ["Lede", "LedeCommandLine"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
