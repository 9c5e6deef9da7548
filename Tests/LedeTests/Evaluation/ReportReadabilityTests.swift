import Foundation
import XCTest
import Lede

/// The HTML report shows the errors it exists to show: counts in the confusion cells with errors on a
/// scale of their own, histograms on a log scale, one label order, the label predicted instead for each
/// false negative; and it works with --validation-fraction.
final class ReportReadabilityTests: XCTestCase {
    /// A single-label model's details: `errors` documents of label 0 predicted as label 1, the rest right.
    private func details(documents: Int, errors: Int) -> (EvaluationReport, EvaluationDetails) {
        let labels = ["zebra", "apple", "mango"]  // not in sorted order: the table's order is the model's
        var details = EvaluationDetails(labels: labels, multiLabel: false, thresholds: [0.5, 0.5, 0.5], thresholded: false)
        var metrics = MetricsAccumulator(labels: labels)
        for d in 0..<documents {
            let truth = d % 3, predicted = d < errors ? 1 : truth
            var p: [Float] = [0.1, 0.1, 0.1]
            p[predicted] = 0.8
            p.withUnsafeBufferPointer { details.append(id: "doc\(d)", text: Array("text \(d)".utf8), probabilities: $0, truth: [truth], predicted: [predicted]) }
            metrics.add(predicted: [predicted], truth: [truth])
        }
        return (metrics.report, details)
    }

    func testConfusionCellsHoldTheirCountsAndASingleErrorShows() {
        let (report, details) = details(documents: 300, errors: 1)
        let html = HTMLReport.render(title: "t", report: report, details: details)
        // The one error (zebra predicted as apple) is written and tinted red, not left white.
        let cell = html.range(of: "<title>true zebra, predicted apple: 1</title>")
        XCTAssertNotNil(cell)
        let rect = html[..<cell!.lowerBound].components(separatedBy: "<rect").last!
        XCTAssertFalse(rect.contains("rgb(255,255,255)"), "a single error is visible: \(rect)")
        XCTAssertTrue(html.contains(">1</text>") && html.contains(">99</text>"), "counts written in the cells")
    }

    func testOneLabelOrderLogHistogramsAndWhatWasPredictedInstead() {
        let (report, details) = details(documents: 300, errors: 4)
        let html = HTMLReport.render(title: "t", report: report, details: details)
        func positions(_ marker: (String) -> String) -> [Int] {
            details.labels.map { html.range(of: marker($0))!.lowerBound.utf16Offset(in: html) }
        }
        let table = positions { "<tr><td>\($0)</td>" }, cards = positions { "<h3>\($0)</h3>" }
        XCTAssertEqual(table, table.sorted(), "the table lists the labels in the model's order")
        XCTAssertEqual(cards, cards.sorted(), "the cards follow the table's order")
        XCTAssertTrue(html.contains("documents (log)"))
        XCTAssertTrue(html.contains("(predicted: apple)"), "each false negative names the label predicted instead")
        XCTAssertTrue(html.contains("(true: zebra)"), "each false positive names its true label")
    }

    func testReportOnAValidationFraction() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try TestSupport.toyMultiLabel(in: directory)
        let page = directory.appendingPathComponent("report.html").path
        let trainer = Bundle.main.bundleURL.appendingPathComponent("lede-train").path
        let model = directory.appendingPathComponent("m.lede").path, heldOut = directory.appendingPathComponent("held.jsonl").path
        let run = try TestSupport.run(trainer, [data.path, "-o", model, "--validation-fraction", "0.25", "--report", page,
                                                "--save-held-out", heldOut, "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let reported = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let documents = reported["documents"] as! Int
        XCTAssertGreaterThan(documents, 0)
        XCTAssertTrue(html.contains("<span>\(documents) documents</span>"), "the report covers exactly the held-out documents")
        XCTAssertTrue(html.contains("held out (seed 1)"))
        // The saved split repeats the report.
        let again = try TestSupport.run(trainer, ["evaluate", model, heldOut, "--json"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let repeated = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(repeated["documents"] as? Int, documents)
        XCTAssertEqual((repeated["micro"] as? [String: Double])?["f1"], (reported["micro"] as? [String: Double])?["f1"])
        XCTAssertEqual((repeated["macro"] as? [String: Double])?["f1"], (reported["macro"] as? [String: Double])?["f1"])
    }
}
