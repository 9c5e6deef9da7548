import ArgumentParser
import Foundation
import Lede

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's settings, training, thresholds, file sections and strongest terms.",
        discussion: """
        For each label: its threshold and bias, then the N terms with the
        largest positive weights (they push documents towards the label) and
        the N most negative (they push away). A term's contribution to a
        document's score is its tf-idf weight in the document times this weight.

        Examples:
          lede-train inspect models/topics.lede
          lede-train inspect models/topics.lede --top 20 --label sanctions
          lede-train inspect models/topics.lede --json
        """
    )

    @Argument(help: "The model file.")
    var model: String

    @Option(help: "How many of the strongest positive and negative terms to list per label.")
    var top: Int = 10

    @Option(help: "Only this label (repeatable).")
    var label: [String] = []

    @Flag(help: "Print everything as one JSON object.")
    var json = false

    func validate() throws {
        if top < 0 { throw ValidationError("--top must be 0 or more") }
    }

    struct Term: Encodable {
        let term: String
        let weight: Float
    }

    struct LabelSummary: Encodable {
        let threshold: Float
        let bias: Float
        let positive: [Term]
        let negative: [Term]
    }

    struct Summary: Encodable {
        let model: String
        let format: UInt32
        let type: String
        let columns: Int
        let features: FeatureSettings
        let wordVectors: WordVectorSettings?
        let training: TrainingMetadata?
        let sections: [String: Int]
        let labels: [String: LabelSummary]
    }

    func run() {
        do {
            let (loaded, format, sections) = try ModelFile.loadWithLayout(model)
            let meta = loaded.metadata
            let unknown = label.filter { !loaded.labels.contains($0) }
            guard unknown.isEmpty else {
                throw LedeError.invalidOption("--label \(unknown[0]) is not a label of this model; its labels: \(loaded.labels.joined(separator: ", "))")
            }
            let chosen = loaded.labels.enumerated().filter { label.isEmpty || label.contains($0.element) }
            var summaries: [String: LabelSummary] = [:]
            for (index, name) in chosen {
                let (positive, negative) = strongest(loaded, label: index)
                summaries[name] = LabelSummary(threshold: meta.thresholds[index], bias: loaded.linear.bias[index],
                                               positive: positive, negative: negative)
            }
            let type = meta.multiLabel ? "multi-label (one-vs-rest sigmoid)" : "single-label (softmax)"
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                let summary = Summary(model: model, format: format, type: type, columns: meta.columns, features: meta.features,
                                      wordVectors: meta.wordVectors, training: meta.training, sections: Dictionary(uniqueKeysWithValues: sections.map { ($0.tag, $0.bytes) }),
                                      labels: summaries)
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
                return
            }
            printText(loaded, format: format, type: type, sections: sections, chosen: chosen.map(\.element), summaries: summaries)
        } catch {
            fail(error)
        }
    }

    /// The `top` largest and `top` smallest weights of `label`, strongest first.
    func strongest(_ model: LedeModel, label: Int) -> (positive: [Term], negative: [Term]) {
        let k = model.labels.count, weights = model.linear.weights
        var high: [(Int, Float)] = [], low: [(Int, Float)] = []
        for column in 0..<model.metadata.columns {
            let w = weights[column * k + label]
            if w > 0 && (high.count < top || w > high[high.count - 1].1) {
                high.append((column, w))
                high.sort { $0.1 > $1.1 }
                if high.count > top { high.removeLast() }
            }
            if w < 0 && (low.count < top || w < low[low.count - 1].1) {
                low.append((column, w))
                low.sort { $0.1 < $1.1 }
                if low.count > top { low.removeLast() }
            }
        }
        let term = { (entry: (Int, Float)) in Term(term: model.space.termText(entry.0), weight: entry.1) }
        return (high.map(term), low.map(term))
    }

    func printText(_ loaded: LedeModel, format: UInt32, type: String, sections: [(tag: String, bytes: Int)], chosen: [String],
                   summaries: [String: LabelSummary]) {
        let meta = loaded.metadata, f = meta.features, k = loaded.labels.count
        let older = format < ModelFile.formatVersion
            ? "; this Lede writes format \(ModelFile.formatVersion): retrain for the smaller, faster layout" : ""
        print("model: \(model) (format \(format)\(older))")
        print("type: \(type), \(k) labels")
        let dense = meta.wordVectors.map { " + \($0.dimensions) word-vector dimensions = \(meta.columns + $0.dimensions) features" } ?? ""
        print("features: \(meta.columns) term columns\(dense), \(f.hashBits.map { "hashing 2^\($0)" } ?? "vocabulary"), n-grams \(f.ngramMin)...\(f.ngramMax), min-df \(f.minDF), max-df \(f.maxDF), sublinear tf \(f.sublinearTF), smooth idf \(f.smoothIDF), norm \(f.norm.rawValue), token hash \(f.tokenHash)")
        if let vectors = meta.wordVectors {
            print("word vectors: \(vectors.words) words x \(vectors.dimensions) dimensions, weight \(vectors.weight) (\(vectors.dimensions) dense features after the \(meta.columns) sparse ones)")
        } else {
            print("word vectors: none")
        }
        if let t = meta.training {
            let loss = t.loss ?? "logistic"
            let regularization = t.c.map { "C \($0)" } ?? "lambda \(t.lambda)"
            let solver = loss == "logistic" ? "\(t.iterations) L-BFGS iterations, final loss \(String(format: "%.6f", t.finalLoss))"
                : "at most \(t.iterations) solver epochs"
            print("training: \(loss), \(regularization), class weight \(t.classWeighting ?? "none"), \(solver)\(t.converged ? "" : " (limit reached)")")
            print("data: \(counted(t.trainingDocuments, "training document")), \(counted(t.validationDocuments, "validation document")), \(t.folds ?? 0)-fold cross-validation, seed \(t.seed), Lede \(t.ledeVersion)")
            if let scaled = t.naiveBayesScaledLabels {
                print("naive Bayes scaling: \(scaled.count == k ? "every label" : scaled.isEmpty ? "no label" : scaled.joined(separator: ", "))")
            }
            if let choice = t.wordVectorChoice {
                print("word vectors \(choice.kept ? "kept" : "left out") by cross-validation: score \(String(format: "%.4f", choice.scoreWithout)) without, \(String(format: "%.4f", choice.scoreWith)) with; higher with them in \(String(format: "%.1f", choice.bootstrapFraction * 100))% of paired bootstrap resamples")
            }
            if let trials = t.autotune {
                print("autotune: " + trials.map { "C \($0.c): \(String(format: "%.4f", $0.score))" }.joined(separator: ", "))
            }
            for (name, report) in [("cross-validated", t.crossValidation), ("validation", t.validation)] {
                guard let report else { continue }
                print("\(name) (\(counted(report.documents, "document"))): accuracy \(String(format: "%.4f", report.accuracy)), micro-F1 \(String(format: "%.4f", report.micro.f1)), macro-F1 \(String(format: "%.4f", report.macro.f1))")
            }
        }
        print("sections: " + sections.map { "\($0.tag) \(ByteCountFormatter.string(fromByteCount: Int64($0.bytes), countStyle: .file))" }.joined(separator: ", "))
        for name in chosen {
            let summary = summaries[name]!
            print("")
            print("\(name)  threshold \(String(format: "%.4f", summary.threshold))  bias \(String(format: "%.4f", summary.bias))")
            let rows = max(summary.positive.count, summary.negative.count)
            if rows > 0 {
                print("  " + "  weight  term (towards \(name))".padding(toLength: 40, withPad: " ", startingAt: 0) + "  weight  term (away from it)")
            }
            for row in 0..<rows {
                let left = row < summary.positive.count ? "\(String(format: "%+8.4f", summary.positive[row].weight))  \(summary.positive[row].term)" : ""
                let right = row < summary.negative.count ? "\(String(format: "%+8.4f", summary.negative[row].weight))  \(summary.negative[row].term)" : ""
                print("  " + left.padding(toLength: 40, withPad: " ", startingAt: 0) + right)
            }
        }
    }
}
