import Foundation

/// Trains a `LedeModel` from labeled data: one streaming pass to count n-grams and fit the vocabulary,
/// the tf-idf matrix, the linear model (see `LinearFitter`), with k-fold cross-validation on the training
/// data whose out-of-fold scores calibrate the probabilities and choose the per-label thresholds (and,
/// with `autotune`, choose C); then a report on the validation documents, or the cross-validated one.
public final class Trainer {
    public let options: TrainingOptions
    let naming: ParameterNaming
    let progress: (String) -> Void

    public struct Outcome {
        public var model: LedeModel
        /// Report on the validation documents (nil when there were none).
        public var report: EvaluationReport?
        public var trainingSummary: LabeledDataReader.Summary
        public var features: Int
        /// What training decided on its own, and why.
        public var decisions: TrainingDecisions
        /// The linear model as fitted, in Float32, before its weights went into the model's slots (as
        /// binary16 in models of more than 12 labels, `WeightRows`): what that rounding is measured against.
        public var fittedLinear: LinearModel
    }

    /// Labels with fewer positive training documents keep the threshold 0.5: a threshold tuned on one or
    /// two examples is noise.
    public static let minimumPositivesForThreshold = 5

    /// `progress` receives what training does and notes on the data, parameters spelled by `naming` (as
    /// are the reasons in `Outcome.decisions`).
    public init(options: TrainingOptions, naming: ParameterNaming = .api, progress: @escaping (String) -> Void = { _ in }) {
        self.options = options
        self.naming = naming
        self.progress = { progress(naming.render($0)) }
    }

    /// Trains on `data`; with `counts` (from `lede-train count`, merged), the vocabulary and idf come from
    /// them rather than from `data`. The stages, in order: read the labeled corpus, plan the labels (and
    /// the model type), fit the feature space, learn and choose word vectors, choose C, fit the final
    /// model, report.
    public func train(_ data: LabeledDataReader, validation: LabeledDataReader? = nil, counts: NGramCounts? = nil) throws -> Outcome {
        try options.validate()
        let builder = try counts.map { try VocabularyBuilder(settings: options.features, counts: $0) }
            ?? VocabularyBuilder(settings: options.features)
        let words = options.wordVectors != .off ? WordStream(limit: TrainingOptions.wordVectorTokens) : nil
        builder.tokenObserver = words
        let corpus = try LabeledCorpus.read(data, validation: validation, into: builder, words: words, options: options,
                                            progress: progress)
        let labels = try corpus.labelPlan(forcedMultiLabel: options.multiLabel, dataPath: data.path)
        progress("\(builder.corpus.documentCount) training documents, \(corpus.heldOut.documentCount) held out, \(labels.count) labels (\(labels.multiLabel ? "multi-label" : "single-label")), \(builder.distinctTerms) distinct n-grams")
        let space = try fitFeatureSpace(builder, labels: labels)
        let learned = learnWordVectors(words, documents: builder.corpus.documentCount, space: space)
        let sparseX = builder.corpus.vectorize(in: space)
        let fitting = CrossValidatedFitting(options: options, labels: labels, termColumns: space.columns,
                                            documents: sparseX.rows, progress: progress)
        let selection = chooseWordVectors(learned, sparseX: sparseX, fitting: fitting)
        let (c, trials) = chooseC(selection.x, fitting: fitting)
        let final = c == options.c ? selection.fitAtDefaultC ?? fitting.finalFit(selection.x, c: c)
            : fitting.finalFit(selection.x, c: c)
        var report: EvaluationReport?
        if corpus.heldOut.documentCount > 0 {
            let sparseValidationX = corpus.heldOut.vectorize(in: space)
            let validationX = selection.vectors?.augment(sparseValidationX) ?? sparseValidationX
            report = Trainer.evaluate(final.model, probabilities: Trainer.probabilities(final.model, validationX),
                                      truth: labels.heldOut)
        }
        let metadata = trainingMetadata(final, c: c, trials: trials, selection: selection, fitting: fitting,
                                        trainingDocuments: builder.corpus.documentCount, validation: report,
                                        validationDocuments: corpus.heldOut.documentCount)
        let decisions = TrainingDecisions(
            modelType: labels.multiLabel ? "multi-label" : "single-label",
            modelTypeReason: TrainingDecisions.modelTypeReason(forced: options.multiLabel, evidence: corpus.multiLabelEvidence),
            c: c, cReason: TrainingDecisions.cReason(autotune: options.autotune, trials: trials),
            autotuneTrials: trials, wordVectors: selection.decision.state, wordVectorsReason: selection.decision.reason,
            skippedRecords: corpus.summary.skipped, firstSkipped: corpus.summary.firstProblem,
            documentsWithInvalidUTF8: corpus.invalidUTF8.documents).spelled(with: naming)
        return Outcome(model: LedeModel(space: space, wordVectors: selection.vectors, linear: final.model, training: metadata),
                       report: report ?? final.crossValidation, trainingSummary: corpus.summary, features: selection.x.columns,
                       decisions: decisions, fittedLinear: final.model)
    }

    /// The vocabulary (or hashing space) and idf of the training documents in `builder`, after checking
    /// that the weights of that many columns fit in memory.
    func fitFeatureSpace(_ builder: VocabularyBuilder, labels: LabelPlan) throws -> FeatureSpace {
        if let bits = options.features.hashBits {  // known before fitting, which allocates per column
            try Trainer.checkMemory(columns: 1 << bits, labels: labels.count, threads: options.threads)
        }
        let space = try builder.fit()
        progress("vocabulary: \(space.columns) features")
        if options.loss == .logistic && labels.multiLabel && options.classWeighting == .balanced {
            throw LedeError.invalidOption("\(Parameter.classWeighting) balanced works with the logistic loss for single-label data only; use \(Parameter.loss) squared-hinge")
        }
        if options.features.hashBits == nil {  // a hashing space was checked before fitting
            try Trainer.checkMemory(columns: space.columns, labels: labels.count, threads: options.threads)
        }
        return space
    }

    /// C: `options.c`, or with `autotune` (and folds) the candidate of `TrainingOptions.autotuneGrid` with
    /// the best cross-validated score (the first of equals), with every candidate's score.
    func chooseC(_ x: SparseMatrix, fitting: CrossValidatedFitting) -> (c: Double, trials: [AutotuneTrial]?) {
        guard options.autotune, fitting.folds != nil else { return (options.c, nil) }
        let fitter = fitting.fitter(x)
        var trials: [AutotuneTrial] = []
        var c = options.c, best = -Double.infinity
        for candidate in TrainingOptions.autotuneGrid {
            let score = fitting.crossValidatedScore(fitter, c: candidate)
            trials.append(AutotuneTrial(c: candidate, score: score))
            progress("autotune: C \(candidate): cross-validated \(fitting.criterion) \(String(format: "%.4f", score))")
            if score > best {
                best = score
                c = candidate
            }
        }
        progress("autotune: C \(c)")
        return (c, trials)
    }

    /// What the model file records of its training.
    func trainingMetadata(_ final: CalibratedFit, c: Double, trials: [AutotuneTrial]?, selection: WordVectorSelection,
                          fitting: CrossValidatedFitting, trainingDocuments: Int, validation: EvaluationReport?,
                          validationDocuments: Int) -> TrainingMetadata {
        let fit = final.fit
        var metadata = TrainingMetadata(trainingDocuments: trainingDocuments, validationDocuments: validationDocuments,
                                        lambda: 1 / (c * Double(max(selection.x.rows, 1))), maxIterations: options.maxIterations,
                                        iterations: fit.iterations, converged: fit.converged,
                                        finalLoss: fit.finalLoss ?? 0, seed: options.seed,
                                        classWeighting: options.classWeighting.rawValue, validation: validation)
        metadata.loss = options.loss.rawValue
        metadata.c = c
        metadata.folds = fitting.foldCount
        metadata.autotune = trials
        metadata.naiveBayesScaledLabels = fit.naiveBayesScaled.map { flags in zip(fitting.labels.names, flags).filter(\.1).map(\.0) }
        metadata.crossValidation = final.crossValidation
        metadata.wordVectorChoice = selection.choice
        return metadata
    }

    /// The model's decisions on the documents whose probabilities are given.
    static func decisions(_ model: LinearModel, probabilities: [Float], truth: LabelSets) -> PairedBootstrap.Decisions {
        let k = model.labelCount
        var chosen: [Int] = []
        var decisions = PairedBootstrap.Decisions(labels: k)
        probabilities.withUnsafeBufferPointer { p in
            for r in 0..<truth.count {
                model.decide(p.baseAddress! + r * k, into: &chosen)
                decisions.add(predicted: chosen, truth: truth[r].map(Int.init))
            }
        }
        return decisions
    }

    /// Fits probabilities to the out-of-fold scores and folds them into the weights, then picks each
    /// label's F1-best threshold on the calibrated out-of-fold probabilities (multi-label).
    ///
    /// Multi-label: label k's scores become `a_k z + c_k` (Platt), read through a sigmoid. Single-label:
    /// every score is multiplied by one temperature a and read through a softmax, which keeps every
    /// decision. Without out-of-fold scores the weights are kept and thresholds are 0.5.
    /// `rows`: the documents that have out-of-fold scores (nil: all); the returned probabilities are theirs,
    /// in that order.
    static func calibrate(_ fit: LinearFit, labels: [String], features: Int, multiLabel: Bool,
                          truth allTruth: LabelSets, rows: [Int]? = nil) -> (model: LinearModel, outOfFold: [Float]?) {
        let k = labels.count
        var weights = fit.weights, bias = fit.bias
        var thresholds = [Float](repeating: 0.5, count: k)
        guard let allScores = fit.outOfFold else {
            return (LinearModel(labels: labels, multiLabel: multiLabel, features: features, weights: Storage(weights),
                                bias: Storage(bias), thresholds: thresholds), nil)
        }
        let truth = rows.map { allTruth.subset($0) } ?? allTruth
        var scores = rows.map { rows in rows.flatMap { allScores[($0 * k)..<(($0 + 1) * k)] } } ?? allScores
        let n = truth.count
        var scale = [Double](repeating: 1, count: k), shift = [Double](repeating: 0, count: k)
        if multiLabel {
            for label in 0..<k {
                let column = (0..<n).map { scores[$0 * k + label] }
                let positives = (0..<n).map { truth.contains($0, label) }
                (scale[label], shift[label]) = Calibration.platt(scores: column, positives: positives)
            }
        } else {
            let a = Calibration.temperature(scores: scores, labels: k, truth: (0..<n).map { Int(truth[$0].first ?? 0) })
            scale = [Double](repeating: a, count: k)
        }
        for j in 0..<features {
            for label in 0..<k { weights[j * k + label] = Float(Double(weights[j * k + label]) * scale[label]) }
        }
        for label in 0..<k { bias[label] = Float(Double(bias[label]) * scale[label] + shift[label]) }
        for r in 0..<n {
            for label in 0..<k { scores[r * k + label] = scores[r * k + label] * scale[label] + shift[label] }
        }
        var probabilities = scores.map(Float.init)
        probabilities.withUnsafeMutableBufferPointer { p in
            for r in 0..<n { Probabilities.apply(p.baseAddress! + r * k, count: k, multiLabel: multiLabel) }
        }
        if multiLabel {
            thresholds = (0..<k).map { label in
                Thresholds.bestF1(scores: (0..<n).map { probabilities[$0 * k + label] },
                                  positives: (0..<n).map { truth.contains($0, label) },
                                  minimumPositives: Trainer.minimumPositivesForThreshold).threshold
            }
        }
        let model = LinearModel(labels: labels, multiLabel: multiLabel, features: features, weights: Storage(weights),
                                bias: Storage(bias), thresholds: thresholds)
        return (model, probabilities)
    }

    /// Refuses a feature space whose dense weights (and the solver's per-thread copies) would not fit in
    /// this machine's memory, before allocating them.
    static func checkMemory(columns: Int, labels: Int, threads: Int) throws {
        let lanes = SquaredHingeSolver.lanes
        // The model's Float weights, plus per solver thread 8 lanes of weights and squared scales.
        let needed = Double(columns) * Double(labels) * 4 + Double(columns) * Double(lanes * 4 * 2 * max(threads, 1))
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        guard needed < available * 0.8 else {
            throw LedeError.invalidOption(String(format: "%d features x %d labels would need %.1f GB of weights, more than this machine's %.1f GB; lower \(Parameter.maxFeatures) or \(Parameter.hashBits)", columns, labels, needed / 1e9, available / 1e9))
        }
    }

    /// Probabilities (rows x K) of a linear model on a matrix.
    static func probabilities(_ model: LinearModel, _ x: SparseMatrix) -> [Float] {
        let k = model.labelCount
        var out = [Float](repeating: 0, count: x.rows * k)
        let vector = SparseVector()
        out.withUnsafeMutableBufferPointer { p in
            for r in 0..<x.rows {
                vector.load(row: r, of: x)
                model.margins(vector, into: p.baseAddress! + r * k)
                model.probabilities(fromMargins: p.baseAddress! + r * k)
            }
        }
        return out
    }

    static func evaluate(_ model: LinearModel, probabilities: [Float], truth: LabelSets) -> EvaluationReport {
        decisions(model, probabilities: probabilities, truth: truth).report(labels: model.labels)
    }
}
