import Foundation
import XCTest

/// The scoring kernels built for AVX2 (weights in registers across a document's rows, four word-vector rows
/// at a time) give the baseline kernels' bits: `lede-classify` writes the same bytes with
/// `LEDE_BASELINE_KERNELS=1`, for Float32 weight rows (few labels), binary16 rows (many labels) and a
/// model with word vectors.
final class KernelAgreementTests: XCTestCase {
    private static var productsDirectory: URL { Bundle.main.bundleURL }

    func testAVX2AndBaselineKernelsWriteTheSameRecords() throws {
        let directory = try TestSupport.temporaryDirectory()
        // 20 labels: binary16 rows of 24 lanes. Each label has words of its own, and all share the rest.
        var state: UInt64 = 11
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        func document(_ label: Int) -> String {
            (0..<(20 + next(60))).map { _ in next(3) == 0 ? "topic\(label)word\(next(12))" : "common\(next(300))" }
                .joined(separator: " ")
        }
        let training = (0..<600).map { i -> String in
            let label = i % 20
            return "{\"label\": \"l\(label)\", \"text\": \"\(document(label))\"}"
        }
        let data = directory.appendingPathComponent("twenty.jsonl")
        try TestSupport.write(training.joined(separator: "\n") + "\n", to: data)
        let lines = directory.appendingPathComponent("lines.txt")
        try TestSupport.write((0..<3_000).map { document($0 % 20) }.joined(separator: "\n") + "\n", to: lines)

        let trainer = Self.productsDirectory.appendingPathComponent("lede-train").path
        let classifier = Self.productsDirectory.appendingPathComponent("lede-classify").path
        var models = [TestSupport.packageRoot.appendingPathComponent("models/topics.lede").path]
        for (name, options) in [("twenty", ["--word-vectors", "off"]), ("vectors", ["--word-vectors", "on", "--min-df", "1"])] {
            let model = directory.appendingPathComponent("\(name).lede").path
            let run = try TestSupport.run(trainer, [data.path, "--output", model, "--folds", "0", "--quiet"] + options)
            XCTAssertEqual(run.status, 0, run.stderr)
            models.append(model)
        }
        for model in models {
            let arguments = ["--model", model, "--input-format", "lines", "--threads", "2", "--quiet", lines.path]
            let avx2 = try TestSupport.run(classifier, arguments)
            let baseline = try TestSupport.run(classifier, arguments, environment: ["LEDE_BASELINE_KERNELS": "1"])
            XCTAssertEqual(avx2.status, 0, avx2.stderr)
            XCTAssertEqual(avx2.stdout.split(separator: "\n").count, 3_000)
            XCTAssertTrue(avx2.stdout == baseline.stdout, "\(model): the AVX2 and baseline kernels wrote other records")
        }
    }
}
