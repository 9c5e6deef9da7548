// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for Lede's parsers and loaders. Build and run with `Tests/Fuzz/fuzz.sh`, which compiles
/// everything with `-sanitize=fuzzer,address` (coverage-guided, with AddressSanitizer).
let fuzzTarget = { (name: String) in
    Target.executableTarget(name: name, dependencies: ["FuzzDriver", .product(name: "Lede", package: "Lede")],
                            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
}

let package = Package(
    name: "LedeFuzz",
    dependencies: [.package(name: "Lede", path: "../..")],
    targets: ["fuzz-tokenizer", "fuzz-labeled-data", "fuzz-documents", "fuzz-model", "fuzz-model-structure"].map(fuzzTarget)
        + [.target(name: "FuzzDriver")],
    swiftLanguageModes: [.v5]
)
