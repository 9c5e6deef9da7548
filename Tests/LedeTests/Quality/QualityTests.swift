import Foundation
import XCTest
import Lede

/// Quality floors on the real benchmark corpora in ../shared (skipped when absent). They assert quality,
/// never time. Run them from a release build: `swift test -c release`.
final class QualityTests: XCTestCase {
    /// Trains with the default options on `train` and evaluates on `test` (paths inside ../shared).
    func trainAndEvaluate(_ train: String, _ test: String, options: TrainingOptions = TrainingOptions()) throws -> EvaluationReport {
        let shared = try TestSupport.requireShared()
        let outcome = try Trainer(options: options).train(try LabeledDataReader(path: shared.appendingPathComponent(train).path))
        let (report, _, _) = try Evaluator.evaluate(outcome.model, on: try LabeledDataReader(path: shared.appendingPathComponent(test).path))
        print("\(train): accuracy \(report.accuracy), micro-F1 \(report.micro.f1), macro-F1 \(report.macro.f1)")
        return report
    }

    func testTwentyNewsgroupsAccuracy() throws {
        let report = try trainAndEvaluate("corpora/20newsgroups/train.tsv", "corpora/20newsgroups/test.tsv")
        XCTAssertEqual(report.documents, 7532)
        XCTAssertGreaterThanOrEqual(report.accuracy, 0.878)
    }

    func testReutersMicroAndMacroF1() throws {
        let report = try trainAndEvaluate("corpora/reuters21578/train.tsv", "corpora/reuters21578/test.tsv")
        XCTAssertEqual(report.documents, 3019)
        XCTAssertGreaterThanOrEqual(report.micro.f1, 0.89)
        XCTAssertGreaterThanOrEqual(report.macro.f1, 0.595)
    }

    func testBBCAccuracy() throws {
        let report = try trainAndEvaluate("corpora/bbc/train.tsv", "corpora/bbc/test.tsv")
        XCTAssertEqual(report.documents, 444)
        XCTAssertGreaterThanOrEqual(report.accuracy, 0.989)
    }

    /// The defaults (the shipped model's settings) on the topic set's dev split.
    func testTopicDevF1() throws {
        let report = try trainAndEvaluate("topics/train.jsonl", "topics/dev.jsonl")
        XCTAssertEqual(report.documents, 640)
        XCTAssertGreaterThanOrEqual(report.micro.f1, 0.855)
        XCTAssertGreaterThanOrEqual(report.macro.f1, 0.875)
    }
}
