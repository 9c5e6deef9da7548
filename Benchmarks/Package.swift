// swift-tools-version:6.0
import PackageDescription

/// Micro-benchmarks of the Lede library (a package of its own, so that building and testing Lede does
/// not build the allocation counter). Run with `Benchmarks/bench.sh`.
let package = Package(
    name: "LedeBenchmarks",
    dependencies: [
        .package(name: "Lede", path: ".."),
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
    ],
    targets: [
        /// CBLAS from Debian's `libblas.so` (reference BLAS from `libblas-dev`, or OpenBLAS), to compare with
        /// Lede's fixed-order kernels.
        .systemLibrary(name: "CBLAS", pkgConfig: "blas", providers: [.apt(["libblas-dev"])]),
        .executableTarget(
            name: "lede-bench",
            dependencies: [
                "CBLAS",
                .product(name: "Lede", package: "Lede"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
