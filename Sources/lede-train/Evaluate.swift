import ArgumentParser
import Foundation
import Lede

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report precision, recall and F1 of a model on labeled data.",
        discussion: """
        Prints per-label precision, recall, F1 and support, micro and macro averages and accuracy (exact match of
        the label set). With --json: {"documents", "accuracy", "micro": {...}, "macro": {...}, "labels": {...}}.

        Example:
          lede-train evaluate models/topics.lede datasets/topics/dev.jsonl --json
        """
    )

    @Argument(help: "The model file.")
    var model: String

    @Argument(help: "Labeled data (jsonl, tsv, csv, fasttext or a labeled directory).")
    var data: String

    @Option(help: "Format of DATA (default: detected).")
    var format: String?

    @Option(help: "Use this probability threshold for every label instead of the model's.")
    var threshold: Float?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() {
        do {
            let loaded = try ModelFile.load(model)
            let reader = try LabeledDataReader(path: data, format: format.flatMap(LabeledDataFormat.init(rawValue:)))
            let (report, unknown) = try Evaluator.evaluate(loaded, on: reader, threshold: threshold)
            if !unknown.isEmpty {
                printError("note: labels unknown to the model were ignored: \(unknown.sorted().joined(separator: ", "))")
            }
            if json {
                print(String(decoding: try reportJSON(report), as: UTF8.self))
            } else {
                print(report.table())
            }
        } catch {
            fail(error)
        }
    }
}
