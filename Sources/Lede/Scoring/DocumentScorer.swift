import CLedeSupport

/// Scores documents with a model: featurize, margins, probabilities. One per thread; reuses its buffers,
/// so scoring allocates nothing per document once warm.
public final class DocumentScorer {
    public let model: LedeModel
    public let featurizer: Featurizer
    /// Probabilities of the last document, one per label (then a few padding lanes).
    private let probabilities: UnsafeMutablePointer<Float>

    public init(model: LedeModel) {
        self.model = model
        featurizer = Featurizer(space: model.space)
        // Room for the weight rows' padding lanes, which the kernel sums too (to 0).
        lanes = model.rows.lanes
        probabilities = .allocate(capacity: lanes)
        probabilities.initialize(repeating: 0, count: lanes)
        bias = model.linear.bias.base
        labelCount = model.labels.count
        multiLabel = model.linear.multiLabel
        wordVectors = model.wordVectors
        denseWeights = model.denseWeights?.base
        half = model.rows.precision == .float16 ? 1 : 0
        scratch = WordVectors.Scratch(dimensions: model.wordVectors?.dimensions ?? 0)
        if let slots = model.hashingSlots {
            hashingSlots = UnsafeRawPointer(slots.base)
            hashingRowAddresses = .allocate(capacity: hashingRowCapacity)
            featurizer.prefetchRows(hashingSlots!, stride: model.rows.stride)
        } else {
            hashingSlots = nil
            hashingRowAddresses = nil
        }
        stride = model.rows.stride
    }

    private let bias: UnsafePointer<Float>
    private let labelCount: Int
    private let lanes: Int
    private let multiLabel: Bool
    private let wordVectors: WordVectors?
    private let denseWeights: UnsafePointer<Float>?
    /// 1 when the weight slots hold binary16 values.
    private let half: Int32
    private let stride: Int
    private let scratch: WordVectors.Scratch
    /// A hashing model's slots, and the addresses of the current document's rows in them.
    private let hashingSlots: UnsafeRawPointer?
    // `@exclusivity(unchecked)`: as in `Featurizer`, one thread's state, never accessed overlapping.
    @exclusivity(unchecked) private var hashingRowAddresses: UnsafeMutablePointer<UnsafeRawPointer?>?
    @exclusivity(unchecked) private var hashingRowCapacity = 1024

    deinit {
        probabilities.deallocate()
        hashingRowAddresses?.deallocate()
    }

    /// Scores a document held in memory and calls `body` with its probabilities, one per label, in
    /// memory this scorer reuses: valid during the call only.
    @inline(__always)
    public func score<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        computeProbabilities(bytes)
        return try body(UnsafeBufferPointer(start: probabilities, count: labelCount))
    }

    /// Fills `probabilities`: margins `z_k = b_k + sum_j x_j W[j, k]` summed in the vector's order, sparse
    /// columns first (`lede_accumulate_rows`, on the weights in the slots), then the word-vector columns,
    /// through the model's sigmoid or softmax.
    private func computeProbabilities(_ bytes: UnsafeRawBufferPointer) {
        let vector = featurizer.featurize(bytes)
        let sparseCount = vector.count
        let out = probabilities, k = labelCount
        out.update(from: bias, count: k)
        (out + k).update(repeating: 0, count: lanes - k)
        if let hashingSlots {
            if sparseCount > hashingRowCapacity {
                while hashingRowCapacity < sparseCount { hashingRowCapacity *= 2 }
                hashingRowAddresses = hashingRowAddresses!.reallocated(capacity: hashingRowCapacity, keeping: 0)
            }
            let addresses = hashingRowAddresses!
            for e in 0..<sparseCount {
                addresses[e] = hashingSlots + Int(vector.columns[e]) * stride + VocabularyTable.slotHeaderBytes
            }
            lede_accumulate_rows(out, lanes, addresses, vector.values, sparseCount, half)
        } else {
            lede_accumulate_rows(out, lanes, featurizer.weightAddresses, vector.values, sparseCount, half)
        }
        if let wordVectors, let denseWeights {
            wordVectors.append(to: vector, scratch: scratch)
            let first = Int(wordVectors.firstColumn)
            DocumentScorer.addDenseMargins(out, labels: k, weights: denseWeights, first: first, vector: vector, from: sparseCount)
        }
        Probabilities.apply(out, count: k, multiLabel: multiLabel)
    }

    /// `out[label] += x_j W[j - first, label]` for the vector's entries from `start` on (the word-vector
    /// columns), four labels at a time held in registers: each label's sum takes its terms in the vector's
    /// order, as one label at a time would, without a store and a reload between two terms.
    @inline(__always)
    private static func addDenseMargins(_ out: UnsafeMutablePointer<Float>, labels k: Int, weights: UnsafePointer<Float>,
                                        first: Int, vector: SparseVector, from start: Int) {
        let columns = vector.columns, values = vector.values
        var label = 0
        while label < k {
            let width = min(4, k - label)
            var s0 = out[label], s1 = width > 1 ? out[label + 1] : 0
            var s2 = width > 2 ? out[label + 2] : 0, s3 = width > 3 ? out[label + 3] : 0
            for e in start..<vector.count {
                let row = weights + (Int(columns[e]) - first) * k + label, value = values[e]
                s0 += value * row[0]
                if width > 1 { s1 += value * row[1] }
                if width > 2 { s2 += value * row[2] }
                if width > 3 { s3 += value * row[3] }
            }
            out[label] = s0
            if width > 1 { out[label + 1] = s1 }
            if width > 2 { out[label + 2] = s2 }
            if width > 3 { out[label + 3] = s3 }
            label += width
        }
    }

    /// Probabilities as an array (for tests and tools).
    public func scores(_ text: String) -> [Float] {
        var copy = text
        return copy.withUTF8 { score(UnsafeRawBufferPointer($0)) { Array($0) } }
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
            var truth: [Int] = []
            for label in record.labels {
                if let i = index[label] { truth.append(i) } else { unknown.insert(label) }
            }
            record.text.withUnsafeBytes { text in
                scorer.score(text) { p in
                    model.linear.decide(p.baseAddress!, threshold: threshold, into: &chosen)
                    kept?.append(id: record.id ?? "\(record.file):\(record.line)", text: record.text, probabilities: p,
                                 truth: truth, predicted: chosen)
                }
            }
            metrics.add(predicted: chosen, truth: truth)
        }
        return (metrics.report, unknown, kept)
    }
}
