/// Trains a `LedeModel` from labeled data: one streaming pass to count n-grams and fit the vocabulary,
/// the tf-idf matrix, L2-regularized logistic regression by L-BFGS, then per-label thresholds and a
/// report on the held-out documents.
public final class Trainer {
    public let options: TrainingOptions
    private let progress: (String) -> Void

    public struct Outcome {
        public var model: LedeModel
        /// Report on the validation documents (nil when there were none).
        public var report: EvaluationReport?
        public var trainingSummary: LabeledDataReader.Summary
        public var features: Int
    }

    /// Labels with fewer positive validation documents keep the threshold 0.5: a threshold tuned on one or
    /// two examples is noise.
    public static let minimumPositivesForThreshold = 5

    public init(options: TrainingOptions, progress: @escaping (String) -> Void = { _ in }) {
        self.options = options
        self.progress = progress
    }

    public func train(_ data: LabeledDataReader, validation: LabeledDataReader? = nil) throws -> Outcome {
        try options.validate()
        let builder = VocabularyBuilder(settings: options.features)
        var heldOut = HashedCorpus()
        var labelNames: [String] = []
        var labelIndex: [String: Int] = [:]
        var trainLabels: [[Int]] = []
        var heldOutLabels: [[Int]] = []
        var sawMultiLabelEvidence = false
        var firstUnlabeled: (String, Int)?
        var index = 0
        func indices(_ names: [String]) -> [Int] {
            Array(Set(names.map { name -> Int in
                if let i = labelIndex[name] { return i }
                labelIndex[name] = labelNames.count
                labelNames.append(name)
                return labelNames.count - 1
            }))
        }
        let useFraction = validation == nil
        let summary = try data.forEach { record in
            if record.labels.count != 1 {
                sawMultiLabelEvidence = true
                if record.labels.isEmpty && firstUnlabeled == nil { firstUnlabeled = (record.file, record.line) }
            }
            let labels = indices(record.labels)
            let text = record.text
            if useFraction && options.isHeldOut(index) {
                text.withUnsafeBytes { builder.addHeldOut($0, into: &heldOut) }
                heldOutLabels.append(labels)
            } else {
                text.withUnsafeBytes { builder.add($0) }
                trainLabels.append(labels)
            }
            index += 1
            if index % 5000 == 0 { progress("read \(index) documents, \(builder.distinctTerms) distinct n-grams") }
        }
        guard builder.documentCount > 0 else {
            throw LedeError.invalidData("no training documents found", file: data.path)
        }
        var unknownValidationLabels = Set<String>()
        if let validation {
            try validation.forEach { record in
                let known = record.labels.filter { labelIndex[$0] != nil }
                unknownValidationLabels.formUnion(record.labels.filter { labelIndex[$0] == nil })
                record.text.withUnsafeBytes { builder.addHeldOut($0, into: &heldOut) }
                heldOutLabels.append(known.map { labelIndex[$0]! })
            }
        }
        if !unknownValidationLabels.isEmpty {
            progress("note: validation labels absent from the training data are ignored: \(unknownValidationLabels.sorted().joined(separator: ", "))")
        }
        let multiLabel = options.multiLabel ?? sawMultiLabelEvidence
        if !multiLabel, let (file, line) = firstUnlabeled {
            throw LedeError.invalidData("a document without a label in single-label training; give it a label, or train with --multi-label", file: file, line: line)
        }
        if !multiLabel && sawMultiLabelEvidence {
            throw LedeError.invalidData("--single-label was given but some documents carry several labels; drop the flag to train a multi-label model", file: data.path)
        }
        guard !labelNames.isEmpty else {
            throw LedeError.invalidData("no document carries a label; every record needs at least one label (or some do, in multi-label data)", file: data.path)
        }
        if !multiLabel && labelNames.count < 2 {
            throw LedeError.invalidData("only one label (\(labelNames[0])) in the data: a single-label classifier needs at least two; add documents of other labels", file: data.path)
        }
        // Labels in sorted order, so the model does not depend on the order of the data.
        let sortedNames = labelNames.sorted()
        let remap = labelNames.map { sortedNames.firstIndex(of: $0)! }
        let trainSets = LabelSets(trainLabels.map { $0.map { remap[$0] } })
        let heldOutSets = LabelSets(heldOutLabels.map { $0.map { remap[$0] } })
        progress("\(builder.documentCount) training documents, \(heldOut.documentCount) held out, \(sortedNames.count) labels (\(multiLabel ? "multi-label" : "single-label")), \(builder.distinctTerms) distinct n-grams")

        let space = try builder.fit()
        progress("vocabulary: \(space.columns) features")
        let x = builder.corpus.vectorize(in: space)
        let objective = LogisticObjective(x: x, labels: trainSets, labelCount: sortedNames.count, multiLabel: multiLabel,
                                          lambda: options.lambda, threads: options.threads)
        var theta = [Float](repeating: 0, count: objective.dimension)
        var optimizer = LBFGS()
        optimizer.maxIterations = options.maxIterations
        let result = optimizer.minimize(&theta, progress: { iteration, loss in
            if iteration % 10 == 0 { self.progress("iteration \(iteration): loss \(String(format: "%.6f", loss))") }
        }, evaluate: objective.evaluate)
        progress("optimizer: \(result.iterations) iterations, loss \(String(format: "%.6f", result.value))\(result.converged ? "" : " (iteration limit reached)")")

        let k = sortedNames.count
        let weightCount = space.columns * k
        var linear = LinearModel(labels: sortedNames, multiLabel: multiLabel, features: space.columns,
                                 weights: Storage(Array(theta[0..<weightCount])), bias: Storage(Array(theta[weightCount...])),
                                 thresholds: [Float](repeating: 0.5, count: k))
        var report: EvaluationReport?
        if heldOut.documentCount > 0 {
            let validationX = heldOut.vectorize(in: space)
            let probabilities = Trainer.probabilities(linear, validationX)
            if multiLabel {
                let thresholds = (0..<k).map { label -> Float in
                    let scores = (0..<validationX.rows).map { probabilities[$0 * k + label] }
                    let positives = (0..<validationX.rows).map { heldOutSets.contains($0, label) }
                    return Thresholds.bestF1(scores: scores, positives: positives,
                                              minimumPositives: Trainer.minimumPositivesForThreshold).threshold
                }
                linear = LinearModel(labels: sortedNames, multiLabel: true, features: space.columns, weights: linear.weights,
                                     bias: linear.bias, thresholds: thresholds)
            }
            report = Trainer.evaluate(linear, probabilities: probabilities, truth: heldOutSets)
        }
        let metadata = TrainingMetadata(trainingDocuments: builder.documentCount, validationDocuments: heldOut.documentCount,
                                        lambda: options.lambda, maxIterations: options.maxIterations,
                                        iterations: result.iterations, converged: result.converged,
                                        finalLoss: result.value, seed: options.seed, validation: report)
        return Outcome(model: LedeModel(space: space, linear: linear, training: metadata), report: report,
                       trainingSummary: summary, features: space.columns)
    }

    /// Probabilities (rows x K) of a linear model on a matrix.
    static func probabilities(_ model: LinearModel, _ x: SparseMatrix) -> [Float] {
        let k = model.labelCount
        var out = [Float](repeating: 0, count: x.rows * k)
        let vector = SparseVector()
        out.withUnsafeMutableBufferPointer { p in
            for r in 0..<x.rows {
                vector.removeAll()
                for e in x.rowOffsets[r]..<x.rowOffsets[r + 1] { vector.append(column: x.columnIndices[e], value: x.values[e]) }
                model.margins(vector, into: p.baseAddress! + r * k)
                model.probabilities(fromMargins: p.baseAddress! + r * k)
            }
        }
        return out
    }

    static func evaluate(_ model: LinearModel, probabilities: [Float], truth: LabelSets) -> EvaluationReport {
        var metrics = MetricsAccumulator(labels: model.labels)
        var chosen: [Int] = []
        let k = model.labelCount
        probabilities.withUnsafeBufferPointer { p in
            for r in 0..<truth.count {
                model.decide(p.baseAddress! + r * k, into: &chosen)
                metrics.add(predicted: chosen, truth: truth[r].map(Int.init))
            }
        }
        return metrics.report
    }
}

import Foundation
