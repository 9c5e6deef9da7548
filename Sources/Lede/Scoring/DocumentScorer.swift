/// Scores documents with a model: featurize, margins, probabilities. One per thread; reuses its buffers,
/// so scoring allocates nothing per document once warm.
public final class DocumentScorer {
    public let model: LedeModel
    public let featurizer: Featurizer
    /// Probabilities of the last document, one per label.
    public let probabilities: UnsafeMutablePointer<Float>

    public init(model: LedeModel) {
        self.model = model
        featurizer = Featurizer(space: model.space)
        probabilities = .allocate(capacity: model.labels.count)
        probabilities.initialize(repeating: 0, count: model.labels.count)
        weights = model.linear.weights.base
        bias = model.linear.bias.base
        labelCount = model.labels.count
        multiLabel = model.linear.multiLabel
        wordVectors = model.wordVectors
        scratch = .allocate(capacity: max(model.wordVectors?.dimensions ?? 0, 1))
    }

    private let weights: UnsafePointer<Float>
    private let bias: UnsafePointer<Float>
    private let labelCount: Int
    private let multiLabel: Bool
    private let wordVectors: WordVectors?
    private let scratch: UnsafeMutablePointer<Float>

    deinit {
        probabilities.deallocate()
        scratch.deallocate()
    }

    /// Scores a document held in memory; the result stays in `probabilities` until the next call.
    @discardableResult
    public func score(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutablePointer<Float> {
        let vector = featurizer.featurize(bytes)
        wordVectors?.append(to: vector, scratch: scratch)
        // On cached pointers: no reference counting per document.
        LinearModel.margins(vector, weights: weights, bias: bias, labels: labelCount, into: probabilities)
        Probabilities.apply(probabilities, count: labelCount, multiLabel: multiLabel)
        return probabilities
    }

    /// Probabilities as an array (for tests and tools).
    public func scores(_ text: String) -> [Float] {
        var copy = text
        _ = copy.withUTF8 { score(UnsafeRawBufferPointer($0)) }
        return Array(UnsafeBufferPointer(start: probabilities, count: model.labels.count))
    }
}

/// Evaluates a model on labeled data.
public enum Evaluator {
    /// Predicts every record of `data` and compares with its labels. Labels unknown to the model are
    /// returned in `unknownLabels` and otherwise ignored. With `details`, also keeps every document's
    /// probabilities, truth, prediction, id and the start of its text (for `HTMLReport`). With `including`,
    /// only the records whose index (0-based, in reading order) it accepts are evaluated: the held-out
    /// part of a training file (`TrainingOptions.isHeldOut`).
    public static func evaluate(_ model: LedeModel, on data: LabeledDataReader, threshold: Float? = nil,
                                details: Bool = false, including: ((Int) -> Bool)? = nil)
        throws -> (report: EvaluationReport, unknownLabels: Set<String>, details: EvaluationDetails?)
    {
        let scorer = DocumentScorer(model: model)
        var metrics = MetricsAccumulator(labels: model.labels)
        let index = Dictionary(uniqueKeysWithValues: model.labels.enumerated().map { ($1, $0) })
        var unknown = Set<String>()
        var chosen: [Int] = []
        var kept = details ? EvaluationDetails(labels: model.labels, multiLabel: model.linear.multiLabel,
                                               thresholds: threshold.map { [Float](repeating: $0, count: model.labels.count) } ?? model.linear.thresholds,
                                               thresholded: model.linear.multiLabel || threshold != nil) : nil
        var recordIndex = 0
        try data.forEach { record in
            defer { recordIndex += 1 }
            if let including, !including(recordIndex) { return }
            let p = record.text.withUnsafeBytes { scorer.score($0) }
            model.linear.decide(p, threshold: threshold, into: &chosen)
            var truth: [Int] = []
            for label in record.labels {
                if let i = index[label] { truth.append(i) } else { unknown.insert(label) }
            }
            metrics.add(predicted: chosen, truth: truth)
            kept?.append(id: record.id ?? "\(record.file):\(record.line)", text: record.text,
                         probabilities: UnsafeBufferPointer(start: p, count: model.labels.count), truth: truth, predicted: chosen)
        }
        return (metrics.report, unknown, kept)
    }
}
