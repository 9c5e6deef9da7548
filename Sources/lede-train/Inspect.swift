import ArgumentParser
import Foundation
import Lede

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's settings, labels, thresholds and strongest terms.",
        discussion: """
        Example:
          lede-train inspect models/topics.lede --top 10
        """
    )

    @Argument(help: "The model file.")
    var model: String

    @Option(help: "How many of the highest-weighted terms to list per label.")
    var top: Int = 10

    func run() {
        do {
            let loaded = try ModelFile.load(model)
            let meta = loaded.metadata
            let f = meta.features
            let k = loaded.labels.count
            print("model: \(model)")
            print("type: \(meta.multiLabel ? "multi-label (one-vs-rest sigmoid)" : "single-label (softmax)")")
            print("features: \(meta.columns) columns, \(f.hashBits.map { "hashing 2^\($0)" } ?? "vocabulary"), n-grams \(f.ngramMin)...\(f.ngramMax), min-df \(f.minDF), max-df \(f.maxDF), sublinear tf \(f.sublinearTF), smooth idf \(f.smoothIDF), norm \(f.norm.rawValue)")
            if let t = meta.training {
                let loss = t.loss ?? "logistic"
                let regularization = t.c.map { "C \($0)" } ?? "lambda \(t.lambda)"
                let solver = loss == "logistic" ? "\(t.iterations) L-BFGS iterations, final loss \(String(format: "%.6f", t.finalLoss))"
                    : "at most \(t.iterations) solver epochs"
                print("training: \(loss), \(regularization), class weight \(t.classWeighting ?? "none"), \(solver)\(t.converged ? "" : " (limit reached)")")
                print("data: \(t.trainingDocuments) training documents, \(t.validationDocuments) validation documents, \(t.folds ?? 0)-fold cross-validation, seed \(t.seed), Lede \(t.ledeVersion)")
                if let scaled = t.naiveBayesScaledLabels {
                    print("naive Bayes scaling: \(scaled.count == k ? "every label" : scaled.isEmpty ? "no label" : scaled.joined(separator: ", "))")
                }
                if let trials = t.autotune {
                    print("autotune: " + trials.map { "C \($0.c): \(String(format: "%.4f", $0.score))" }.joined(separator: ", "))
                }
                for (name, report) in [("cross-validated", t.crossValidation), ("validation", t.validation)] {
                    guard let report else { continue }
                    print("\(name) (\(report.documents) documents): accuracy \(String(format: "%.4f", report.accuracy)), micro-F1 \(String(format: "%.4f", report.micro.f1)), macro-F1 \(String(format: "%.4f", report.macro.f1))")
                }
            }
            let weights = loaded.linear.weights
            for (label, name) in loaded.labels.enumerated() {
                print("")
                print("\(name)  threshold \(String(format: "%.4f", meta.thresholds[label]))  bias \(String(format: "%.4f", loaded.linear.bias[label]))")
                var best: [(Int, Float)] = []
                for column in 0..<meta.columns {
                    let w = weights[column * k + label]
                    if best.count < top || w > best[best.count - 1].1 {
                        best.append((column, w))
                        best.sort { $0.1 > $1.1 }
                        if best.count > top { best.removeLast() }
                    }
                }
                for (column, w) in best {
                    print("  \(String(format: "%+.4f", w))  \(loaded.space.termText(column))")
                }
            }
        } catch {
            fail(error)
        }
    }
}
