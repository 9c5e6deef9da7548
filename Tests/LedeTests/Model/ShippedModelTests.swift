import Foundation
import XCTest
import Lede

/// `models/topics.lede` is what the command in `models/README.md` builds: its decisions on every machine,
/// its bytes wherever the arithmetic is the same (x86-64, with any BLAS, CPU or thread count).
final class ShippedModelTests: XCTestCase {
    /// The documented command's options: all defaults, seed 1.
    private var shippedOptions: TrainingOptions {
        var options = TrainingOptions()
        options.seed = 1
        return options
    }

    func testShippedTrainingCommandRebuildsTheShippedModel() throws {
        let root = TestSupport.packageRoot
        let train = root.appendingPathComponent("datasets/topics/train.jsonl").path
        let dev = root.appendingPathComponent("datasets/topics/dev.jsonl").path
        var options = shippedOptions
        var rebuilt: [LedeModel] = []
        for threads in [1, 2] {
            options.threads = threads
            rebuilt.append(try Trainer(options: options).train(try LabeledDataReader(path: train),
                                                               validation: try LabeledDataReader(path: dev)).model)
        }
        let bytes = try rebuilt.map(ModelFile.serialize)
        SameBytes.assertEqual(bytes[0], bytes[1], "same seed, 1 and 2 threads: identical model bytes")

        let shippedPath = root.appendingPathComponent("models/topics.lede").path
        let shipped = try ModelFile.load(shippedPath)
        XCTAssertEqual(shipped.labels, ["conflict", "geopolitics", "sanctions"])
        XCTAssertEqual(shipped.metadata.features, options.features)
        XCTAssertEqual(shipped.metadata.training?.trainingDocuments, 5134)

        // Everywhere: the same decision for every label of every dev document, probabilities within 1e-4.
        let ours = try XCTUnwrap(Evaluator.evaluate(rebuilt[0], on: try LabeledDataReader(path: dev), details: true).details)
        let theirs = try XCTUnwrap(Evaluator.evaluate(shipped, on: try LabeledDataReader(path: dev), details: true).details)
        XCTAssertEqual(ours.count, 640)
        XCTAssertEqual(ours.count, theirs.count)
        let changed = (0..<min(ours.count, theirs.count)).filter { ours.predicted[$0] != theirs.predicted[$0] }
        XCTAssertTrue(changed.isEmpty, "\(changed.count) dev documents decided differently, first \(changed.prefix(3).map { ours.ids[$0] })")
        let largest = zip(ours.probabilities, theirs.probabilities).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(largest, 1e-4, "largest probability difference on dev")

        // Where the arithmetic is the same: the file byte for byte.
        #if arch(x86_64)
        SameBytes.assertEqual(bytes[0], [UInt8](try Data(contentsOf: URL(fileURLWithPath: shippedPath))),
                              "models/README.md's command rebuilds the shipped file byte for byte")
        #endif
    }
}
