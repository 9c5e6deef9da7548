import Foundation

/// What training decided on its own, and why: the model type, C, the word vectors, the records skipped.
/// `lede-train` prints it as one line (`summary`) and as fields of its JSON summary, so that a choice made
/// by the data (one unlabeled line making a multi-label model) or by a search (`--autotune`,
/// `--word-vectors auto`) is never silent.
public struct TrainingDecisions: Codable, Equatable, Sendable {
    /// "multi-label" or "single-label".
    public var modelType: String
    public var modelTypeReason: String
    public var c: Double
    public var cReason: String
    /// The candidates tried by `--autotune`, with their cross-validated scores.
    public var autotuneTrials: [AutotuneTrial]?
    /// "kept", "dropped" or "off".
    public var wordVectors: String
    public var wordVectorsReason: String
    public var skippedRecords: Int
    public var firstSkipped: String?
    /// Training documents with bytes that are not UTF-8 (each read as a separator).
    public var documentsWithInvalidUTF8: Int

    /// One line: `multi-label model (reason); C 1 (reason); word vectors kept (reason); ...`.
    public var summary: String {
        var parts = ["\(modelType) model (\(modelTypeReason))", "C \(TrainingDecisions.number(c)) (\(cReason))",
                     "word vectors \(wordVectors) (\(wordVectorsReason))"]
        parts.append(skippedRecords == 0 ? "no record skipped"
                     : "\(counted(skippedRecords, "record")) skipped (first: \(firstSkipped ?? "?"))")
        return parts.joined(separator: "; ")
    }

    /// The same decisions with the parameters their reasons name spelled by `naming`.
    func spelled(with naming: ParameterNaming) -> TrainingDecisions {
        var spelled = self
        spelled.modelTypeReason = naming.render(modelTypeReason)
        spelled.cReason = naming.render(cReason)
        spelled.wordVectorsReason = naming.render(wordVectorsReason)
        spelled.firstSkipped = firstSkipped.map(naming.render)
        return spelled
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }

    /// Why the model is multi- or single-label: `forced` is `TrainingOptions.multiLabel`; `evidence` the
    /// first document with zero or several labels (file, line, label count).
    static func modelTypeReason(forced: Bool?, evidence: (file: String, line: Int, labels: Int)?) -> String {
        switch (forced, evidence) {
        case (true?, _): return "\(Parameter.multiLabel)"
        case (false?, _): return "\(Parameter.singleLabel)"
        case (nil, let found?):
            let place = "\(found.file) line \(found.line)"
            return found.labels == 0 ? "\(place) has no label" : "\(place) has \(found.labels) labels"
        case (nil, nil): return "every document has exactly one label"
        }
    }

    static func cReason(autotune: Bool, trials: [AutotuneTrial]?) -> String {
        guard autotune else { return "fixed: \(Parameter.c), or the default; \(Parameter.autotune) chooses it by cross-validation" }
        guard let trials, let best = trials.max(by: { $0.score < $1.score }) else {
            return "\(Parameter.autotune) needs cross-validation folds (\(Parameter.folds) 2 or more); the given C was used"
        }
        let tried = trials.map { "\(number($0.c)): \(String(format: "%.4f", $0.score))" }.joined(separator: ", ")
        return "\(Parameter.autotune): best cross-validated score \(String(format: "%.4f", best.score)) among \(tried)"
    }
}
