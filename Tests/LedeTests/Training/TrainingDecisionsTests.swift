import Foundation
import XCTest
import Lede

/// `lede-train` says what it decided by itself (model type and why, C, word vectors, skipped records) on
/// stderr when no terminal watches, and in its JSON summary.
final class TrainingDecisionsTests: XCTestCase {
    private var trainer: String { Bundle.main.bundleURL.appendingPathComponent("lede-train").path }

    private func singleLabelData(in directory: URL, unlabeledAt line: Int? = nil) throws -> URL {
        var lines: [String] = []
        for round in 0..<20 {
            lines.append(#"{"text": "sanctions embargo oil exports \#(round)", "labels": ["sanctions"]}"#)
            lines.append(#"{"text": "troops shelling border fighting \#(round)", "labels": ["conflict"]}"#)
        }
        if let line { lines[line - 1] = #"{"text": "an article nobody labeled", "labels": []}"# }
        let url = directory.appendingPathComponent("data.jsonl")
        try TestSupport.write(lines.joined(separator: "\n") + "\n", to: url)
        return url
    }

    func testTheDecisionsAreSaidWithoutATerminal() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("m.lede").path
        let single = try TestSupport.run(trainer, [try singleLabelData(in: directory).path, "-o", model])
        XCTAssertEqual(single.status, 0, single.stderr)
        XCTAssertTrue(single.stderr.contains("decided: single-label model (every document has exactly one label); C 1 (fixed"), single.stderr)
        XCTAssertTrue(single.stderr.contains("; word vectors "), single.stderr)
        // One unlabeled line turns the model multi-label: said, with the line.
        let mixed = try TestSupport.run(trainer, [try singleLabelData(in: directory, unlabeledAt: 7).path, "-o", model])
        XCTAssertTrue(mixed.stderr.contains("decided: multi-label model (\(directory.path)/data.jsonl line 7 has no label)"), mixed.stderr)
        let quiet = try TestSupport.run(trainer, [try singleLabelData(in: directory).path, "-o", model, "--quiet"])
        XCTAssertEqual(quiet.stderr, "")
    }

    func testTheJSONSummaryHoldsTheDecisions() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try TestSupport.run(trainer, [try singleLabelData(in: directory).path, "-o", directory.appendingPathComponent("m.lede").path,
                                                "--autotune", "--word-vectors", "off", "--json-summary"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(run.stderr.split(separator: "\n").last!.utf8)) as! [String: Any]
        let decisions = try XCTUnwrap(summary["decisions"] as? [String: Any])
        XCTAssertEqual(decisions["modelType"] as? String, "single-label")
        XCTAssertEqual(decisions["wordVectors"] as? String, "off")
        XCTAssertEqual(decisions["wordVectorsReason"] as? String, "--word-vectors off")
        let trials = try XCTUnwrap(decisions["autotuneTrials"] as? [[String: Any]])
        XCTAssertEqual(trials.map { $0["c"] as? Double }, TrainingOptions.autotuneGrid.map { $0 })
        let best = trials.max { ($0["score"] as! Double) < ($1["score"] as! Double) }!
        XCTAssertEqual(decisions["c"] as? Double, best["c"] as? Double, "C is the best trial's")
        XCTAssertTrue((decisions["cReason"] as? String)?.hasPrefix("--autotune: best cross-validated score") == true)
        XCTAssertEqual(decisions["skippedRecords"] as? Int, 0)
    }
}
