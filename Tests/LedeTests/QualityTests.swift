import Foundation
import XCTest
import Lede

/// Quality floors on the real benchmark corpora in ../shared (skipped when absent). They assert quality,
/// never time. Run them from a release build: `swift test -c release`.
final class QualityTests: XCTestCase {
    func trainAndEvaluate(_ corpus: String) throws -> EvaluationReport {
        let shared = try TestSupport.requireShared()
        let folder = shared.appendingPathComponent("corpora").appendingPathComponent(corpus)
        let outcome = try Trainer(options: TrainingOptions()).train(try LabeledDataReader(path: folder.appendingPathComponent("train.tsv").path))
        let (report, _) = try Evaluator.evaluate(outcome.model, on: try LabeledDataReader(path: folder.appendingPathComponent("test.tsv").path))
        print("\(corpus): accuracy \(report.accuracy), micro-F1 \(report.micro.f1), macro-F1 \(report.macro.f1)")
        return report
    }

    func testTwentyNewsgroupsAccuracy() throws {
        let report = try trainAndEvaluate("20newsgroups")
        XCTAssertEqual(report.documents, 7532)
        XCTAssertGreaterThanOrEqual(report.accuracy, 0.85)
    }

    func testReutersMicroF1() throws {
        let report = try trainAndEvaluate("reuters21578")
        XCTAssertEqual(report.documents, 3019)
        XCTAssertGreaterThanOrEqual(report.micro.f1, 0.84)
    }
}
