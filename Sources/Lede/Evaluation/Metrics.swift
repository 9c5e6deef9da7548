import Foundation

/// Counts of one label's predictions against the truth.
public struct LabelCounts: Codable, Equatable, Sendable {
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0

    public init(truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
    }

    /// TP / (TP + FP), 0 when nothing was predicted.
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    /// TP / (TP + FN), 0 when there is nothing to find.
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    /// 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall.
    public var f1: Double { ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }
    /// Documents that truly carry the label.
    public var support: Int { truePositives + falseNegatives }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}

/// Accumulates predicted against true label sets and summarizes them as scikit-learn does: per-label
/// precision, recall, F1 and support; micro averages (from summed counts); macro averages (unweighted mean
/// over labels that occur in the truth or the predictions); accuracy (exact match of the label set).
public struct MetricsAccumulator: Sendable {
    public let labels: [String]
    public private(set) var counts: [LabelCounts]
    public private(set) var documents = 0
    public private(set) var exactMatches = 0

    public init(labels: [String]) {
        self.labels = labels
        counts = Array(repeating: LabelCounts(), count: labels.count)
    }

    /// An accumulator holding these counts already.
    public init(labels: [String], counts: [LabelCounts], documents: Int, exactMatches: Int) {
        precondition(counts.count == labels.count)
        self.labels = labels
        self.counts = counts
        self.documents = documents
        self.exactMatches = exactMatches
    }

    public mutating func add(predicted: [Int], truth: [Int]) {
        documents += 1
        let p = Set(predicted), t = Set(truth)
        if p == t { exactMatches += 1 }
        for label in p { if t.contains(label) { counts[label].truePositives += 1 } else { counts[label].falsePositives += 1 } }
        for label in t where !p.contains(label) { counts[label].falseNegatives += 1 }
    }

    public var report: EvaluationReport {
        var total = LabelCounts()
        var perLabel: [String: EvaluationReport.LabelScores] = [:]
        var present: [LabelCounts] = []
        for (label, c) in zip(labels, counts) {
            total.truePositives += c.truePositives
            total.falsePositives += c.falsePositives
            total.falseNegatives += c.falseNegatives
            perLabel[label] = .init(precision: c.precision, recall: c.recall, f1: c.f1, support: c.support)
            if c.support > 0 || c.falsePositives > 0 { present.append(c) }
        }
        let m = Double(max(present.count, 1))
        let macro = EvaluationReport.Averages(
            precision: present.map(\.precision).reduce(0, +) / m,
            recall: present.map(\.recall).reduce(0, +) / m,
            f1: present.map(\.f1).reduce(0, +) / m)
        let micro = EvaluationReport.Averages(precision: total.precision, recall: total.recall, f1: total.f1)
        return EvaluationReport(documents: documents,
                                accuracy: documents == 0 ? 0 : Double(exactMatches) / Double(documents),
                                micro: micro, macro: macro, labels: perLabel, labelOrder: labels)
    }
}

/// An evaluation summary; its JSON form is what `lede-train evaluate --json` prints.
public struct EvaluationReport: Codable, Equatable, Sendable {
    public struct Averages: Codable, Equatable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }

    public struct LabelScores: Codable, Equatable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public var documents: Int
    /// Fraction of documents whose predicted label set equals the true one (single-label: accuracy).
    public var accuracy: Double
    public var micro: Averages
    public var macro: Averages
    public var labels: [String: LabelScores]
    /// The labels in model order, for tables.
    public var labelOrder: [String]

    /// The score training choices compare (C in `--autotune`, `--word-vectors auto`): the mean of micro-
    /// and macro-F1 for multi-label models, accuracy for single-label ones.
    public func selectionScore(multiLabel: Bool) -> Double {
        multiLabel ? (micro.f1 + macro.f1) / 2 : accuracy
    }

    /// What `selectionScore` measures, for messages.
    public static func selectionCriterion(multiLabel: Bool) -> String {
        multiLabel ? "mean of micro and macro F1" : "accuracy"
    }

    /// An aligned plain-text table for terminals.
    public func table() -> String {
        let width = max(12, (labelOrder.map(\.count).max() ?? 0) + 2)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func number(_ x: Double) -> String { let s = String(format: "%.4f", x); return String(repeating: " ", count: max(0, 10 - s.count)) + s }
        func count(_ x: Int) -> String { let s = String(x); return String(repeating: " ", count: max(0, 10 - s.count)) + s }
        var lines = [pad("label", width) + "  precision    recall        f1   support"]
        for label in labelOrder {
            guard let s = labels[label] else { continue }
            lines.append(pad(label, width) + number(s.precision) + number(s.recall) + number(s.f1) + count(s.support))
        }
        lines.append(pad("micro avg", width) + number(micro.precision) + number(micro.recall) + number(micro.f1))
        lines.append(pad("macro avg", width) + number(macro.precision) + number(macro.recall) + number(macro.f1))
        lines.append(pad("accuracy", width) + number(accuracy) + "  (exact label set, \(counted(documents, "document")))")
        return lines.joined(separator: "\n")
    }
}
