import ArgumentParser
import Foundation
import Lede
import LedeCommandLine

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report precision, recall and F1 of a model on labeled data.",
        discussion: """
        Prints per-label precision, recall, F1 and support, micro and macro
        averages and accuracy (exact match of the label set). With --json:
        {"documents", "accuracy", "micro": {...}, "macro": {...}, "labels"}.

        With --report FILE, also writes a self-contained HTML page (no script,
        no network): the table, a precision-recall curve and a score histogram
        per label with its threshold marked, a confusion matrix for
        single-label models, and the documents the model got most wrong.

        Examples:
          lede-train evaluate models/topics.lede datasets/topics/dev.jsonl
          lede-train evaluate models/topics.lede datasets/topics/dev.jsonl --json
          lede-train evaluate news.lede test.tsv --report report.html
        """
    )

    @Argument(help: "The model file.")
    var model: String

    @Argument(help: "Labeled data (jsonl, tsv, csv, fasttext or a labeled directory).")
    var data: String

    @Option(help: "Format of DATA (default: detected).")
    var format: LabeledDataFormat?

    @Option(help: "Use this probability threshold for every label instead of the model's.")
    var threshold: Float?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Also write an HTML report with charts to this file.")
    var report: String?

    func run() {
        do {
            if let report { try OutputPaths.check([.init(option: "--report", path: report)], inputs: [model, data]) }
            let loaded = try ModelFile.load(model)
            let reader = try LabeledDataReader(path: data, format: format)
            let (summary, unknown, details) = try Evaluator.evaluate(loaded, on: reader, threshold: threshold, details: report != nil)
            if let path = report, let details {
                try writeReport(summary, details, title: "Lede evaluation: \(model) on \(data)", to: path)
            }
            if !unknown.isEmpty {
                printError("note: labels unknown to the model were ignored: \(unknown.sorted().joined(separator: ", "))")
            }
            if json {
                print(String(decoding: try reportJSON(summary), as: UTF8.self))
            } else {
                print(summary.table())
            }
        } catch {
            fail(error)
        }
    }
}

/// Writes `HTMLReport`'s page atomically.
func writeReport(_ report: EvaluationReport, _ details: EvaluationDetails, title: String, to path: String) throws {
    let html = HTMLReport.render(title: title, report: report, details: details)
    try AtomicFile.write(Array(html.utf8), to: path)
}
