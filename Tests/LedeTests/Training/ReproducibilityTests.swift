import Foundation
import XCTest

/// A model's bytes depend on its data, options and seed only: not on the BLAS library, the CPU's
/// instruction set or the C library's choice of math routines. Each case trains in a child process under
/// another environment and compares the file with the first.
final class ReproducibilityTests: XCTestCase {
    private static var productsDirectory: URL { Bundle.main.bundleURL }

    #if arch(x86_64)
    private static let libraryDirectory = "/usr/lib/x86_64-linux-gnu"
    #else
    private static let libraryDirectory = "/usr/lib/aarch64-linux-gnu"
    #endif

    /// The commands load no BLAS or LAPACK: an optimized BLAS sums in an order of its own and fuses
    /// multiplies with adds, by build and by CPU, and training's bits would follow it.
    func testCommandsLoadNoBLAS() throws {
        #if os(Linux)
        for tool in ["lede-train", "lede-classify"] {
            // The dynamic loader lists the libraries it would load, and runs nothing.
            let listing = try TestSupport.run(Self.productsDirectory.appendingPathComponent(tool).path, [],
                                              environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
            XCTAssertEqual(listing.status, 0, listing.stderr)
            XCTAssertTrue(listing.stdout.contains("libc.so"), "the loader's listing for \(tool): \(listing.stdout)")
            for library in ["libblas", "libcblas", "libopenblas", "liblapack"] {
                XCTAssertFalse(listing.stdout.contains(library), "\(tool) loads \(library):\n\(listing.stdout)")
            }
        }
        #else
        throw XCTSkip("the loader's listing (LD_TRACE_LOADED_OBJECTS) is glibc's")
        #endif
    }

    func testTrainingGivesTheSameBytesWithAnyBLASAndInstructionSet() throws {
        let directory = try TestSupport.temporaryDirectory()
        // 500 topic-set documents, with word vectors (the dense matrix products) and both solvers.
        let train = TestSupport.packageRoot.appendingPathComponent("datasets/topics/train.jsonl")
        let lines = try String(contentsOf: train, encoding: .utf8).split(separator: "\n").prefix(500)
        let data = directory.appendingPathComponent("small.jsonl")
        try TestSupport.write(lines.joined(separator: "\n") + "\n", to: data)

        var environments: [(name: String, variables: [String: String])] = [("as installed", [:])]
        let reference = Self.libraryDirectory + "/blas", openBLAS = Self.libraryDirectory + "/openblas-pthread"
        if FileManager.default.fileExists(atPath: reference + "/libblas.so.3") {
            environments.append(("reference BLAS", ["LD_LIBRARY_PATH": reference]))
        } else {
            print("note: no reference BLAS in \(reference) (Debian's libblas3): that case is not run")
        }
        if FileManager.default.fileExists(atPath: openBLAS + "/libblas.so.3") {
            environments.append(("OpenBLAS", ["LD_LIBRARY_PATH": openBLAS]))
            environments.append(("OpenBLAS with its SSE3 kernels", ["LD_LIBRARY_PATH": openBLAS, "OPENBLAS_CORETYPE": "Prescott"]))
        } else {
            print("note: no OpenBLAS in \(openBLAS) (Debian's libopenblas0-pthread): those cases are not run")
        }
        // A CPU without FMA or AVX2, as far as glibc's math routines (which have FMA variants whose last bits
        // differ) and Lede's own kernels can tell. Whether a stray C-library call would show here depends on
        // the data (the odd last bit rarely survives the rounding to Float); `PortableMathTests` pins the
        // bits of Lede's own functions.
        environments.append(("no FMA, no AVX2", ["GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F",
                                                 "LEDE_BASELINE_KERNELS": "1"]))
        let trainer = Self.productsDirectory.appendingPathComponent("lede-train").path
        for loss in ["squared-hinge", "logistic"] {
            var first: [UInt8]?
            for (index, environment) in environments.enumerated() {
                let model = directory.appendingPathComponent("\(loss)-\(index).lede")
                let run = try TestSupport.run(trainer, [data.path, "--output", model.path, "--loss", loss, "--word-vectors", "on",
                                                        "--word-vector-dimensions", "50", "--seed", "3", "--quiet"],
                                              environment: environment.variables)
                XCTAssertEqual(run.status, 0, "\(environment.name): \(run.stderr)")
                let bytes = [UInt8](try Data(contentsOf: model))
                if let first {
                    SameBytes.assertEqual(bytes, first, "\(loss), \(environment.name) against \(environments[0].name)")
                } else {
                    first = bytes
                }
            }
        }
    }
}
