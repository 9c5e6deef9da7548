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
    ],
    targets: [
        // MARK: - System libraries
        /// CBLAS from Debian's `libblas.so` (reference BLAS from `libblas-dev`, or OpenBLAS via alternatives).
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "blas",
            providers: [.apt(["libblas-dev"])]
        ),

        /// CPU hints Swift does not spell (cache prefetch).
        .target(name: "CLedeSupport"),

        // MARK: - Core
        .target(
            name: "Lede",
            dependencies: ["CBLAS", "CLedeSupport"],
            // The hot loops touch per-thread state only; dynamic exclusivity checks cost more than they find there.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),

        // MARK: - Executables
        .executableTarget(
            name: "lede-train",
            dependencies: ["Lede", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "lede-classify",
            dependencies: ["Lede", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: - Tests
        .testTarget(
            name: "LedeTests",
            dependencies: ["Lede"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
