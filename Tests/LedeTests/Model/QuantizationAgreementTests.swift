import Foundation
import XCTest
import Lede

/// The weights a model stores next to its vocabulary (binary16 in models of more than 12 labels,
/// `WeightRows`) against the Float32 weights training fitted: on the test splits of the benchmark
/// corpora (in ../shared, skipped when absent), at least 99.9% of label decisions identical and every
/// probability within 1e-3. Run from a release build: `swift test -c release`.
final class QuantizationAgreementTests: XCTestCase {
    /// Trains on `train`, then scores every document of `test` with the model's scorer and with the
    /// fitted Float32 weights; returns (decisions, identical decisions, largest probability difference).
    func agreement(_ train: String, _ test: String) throws -> (decisions: Int, identical: Int, largest: Float, precision: WeightRows.Precision) {
        let shared = try TestSupport.requireShared()
        let outcome = try Trainer(options: TrainingOptions()).train(try LabeledDataReader(path: shared.appendingPathComponent(train).path))
        let model = outcome.model, exact = outcome.fittedLinear
        XCTAssertNil(model.wordVectors, "the default settings leave word vectors out on these corpora")
        let scorer = DocumentScorer(model: model)
        let featurizer = Featurizer(space: model.space)
        let k = model.labels.count
        var margins = [Float](repeating: 0, count: k)
        var decisions = 0, identical = 0, largest: Float = 0
        var stored: [Int] = [], fitted: [Int] = []
        try LabeledDataReader(path: shared.appendingPathComponent(test).path).forEach { record in
            let p = record.text.withUnsafeBytes { scorer.score($0) { Array($0) } }
            let vector = record.text.withUnsafeBytes { featurizer.featurize($0) }
            margins.withUnsafeMutableBufferPointer { z in
                exact.margins(vector, into: z.baseAddress!)
                exact.probabilities(fromMargins: z.baseAddress!)
                for label in 0..<k { largest = max(largest, abs(p[label] - z[label])) }
                p.withUnsafeBufferPointer { model.linear.decide($0.baseAddress!, into: &stored) }
                exact.decide(z.baseAddress!, into: &fitted)
            }
            // One decision per label: is it predicted?
            for label in 0..<k {
                decisions += 1
                if stored.contains(label) == fitted.contains(label) { identical += 1 }
            }
        }
        print("\(train): \(model.rows.precision), \(identical) of \(decisions) label decisions identical, largest probability difference \(largest)")
        return (decisions, identical, largest, model.rows.precision)
    }

    func testTwentyNewsgroupsDecisionsSurviveBinary16() throws {
        let result = try agreement("corpora/20newsgroups/train.tsv", "corpora/20newsgroups/test.tsv")
        XCTAssertEqual(result.precision, .float16, "20 labels do not fit in a 64-byte slot as Float32")
        XCTAssertEqual(result.decisions, 7532 * 20)
        XCTAssertGreaterThanOrEqual(Double(result.identical), 0.999 * Double(result.decisions))
        XCTAssertLessThanOrEqual(result.largest, 1e-3)
    }

    func testReutersDecisionsSurviveBinary16() throws {
        let result = try agreement("corpora/reuters21578/train.tsv", "corpora/reuters21578/test.tsv")
        XCTAssertEqual(result.precision, .float16)
        XCTAssertGreaterThanOrEqual(Double(result.identical), 0.999 * Double(result.decisions))
        XCTAssertLessThanOrEqual(result.largest, 1e-3)
    }

    /// Three labels fit in a slot as Float32: the scorer gives the fitted model's probabilities exactly.
    func testTopicDevIsExact() throws {
        let result = try agreement("topics/train.jsonl", "topics/dev.jsonl")
        XCTAssertEqual(result.precision, .float32)
        XCTAssertEqual(result.identical, result.decisions)
        XCTAssertEqual(result.largest, 0)
    }
}
