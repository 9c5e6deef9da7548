import Foundation

/// Trains a `LedeModel` from labeled data: one streaming pass to count n-grams and fit the vocabulary,
/// the tf-idf matrix, the linear model (see `LinearFitter`), with k-fold cross-validation on the training
/// data whose out-of-fold scores calibrate the probabilities and choose the per-label thresholds (and,
/// with `autotune`, choose C); then a report on the validation documents, or the cross-validated one.
public final class Trainer {
    public let options: TrainingOptions
    private let progress: (String) -> Void

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

    public init(options: TrainingOptions, progress: @escaping (String) -> Void = { _ in }) {
        self.options = options
        self.progress = progress
    }

    /// Trains on `data`; with `counts` (from `lede-train count`, merged), the vocabulary and idf come from
    /// them rather than from `data`.
    public func train(_ data: LabeledDataReader, validation: LabeledDataReader? = nil, counts: NGramCounts? = nil) throws -> Outcome {
        try options.validate()
        let builder = try counts.map { try VocabularyBuilder(settings: options.features, counts: $0) }
            ?? VocabularyBuilder(settings: options.features)
        builder.wordStreamLimit = options.wordVectors != .off ? TrainingOptions.wordVectorTokens : 0
        var heldOut = HashedCorpus()
        var labelNames: [String] = []
        var labelIndex: [String: Int] = [:]
        var trainLabels: [[Int]] = []
        var heldOutLabels: [[Int]] = []
        var firstUnlabeled: (String, Int)?
        /// The first document with no label or several: what makes the data multi-label.
        var multiLabelEvidence: (file: String, line: Int, labels: Int)?
        var invalidUTF8 = (documents: 0, first: "")
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
                if multiLabelEvidence == nil { multiLabelEvidence = (record.file, record.line, record.labels.count) }
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
            if builder.invalidBytesInLastDocument > 0 {
                if invalidUTF8.documents == 0 { invalidUTF8.first = record.line > 0 ? "\(record.file) line \(record.line)" : record.file }
                invalidUTF8.documents += 1
            }
            index += 1
            if builder.wordStreamLimit > 0 && options.leavesOutWordVectors(documents: builder.corpus.documentCount) {
                builder.discardWordStream()
            }
            if index % 5000 == 0 { progress("read \(index) documents, \(builder.distinctTerms) distinct n-grams") }
        }
        if invalidUTF8.documents > 0 {
            progress("note: \(counted(invalidUTF8.documents, "training document")) hold bytes that are not UTF-8 (first: \(invalidUTF8.first)); each such byte was read as a space. Convert the data first, e.g. iconv -f latin1 -t utf-8")
        }
        guard builder.corpus.documentCount > 0 else {
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
        let multiLabel = options.multiLabel ?? (multiLabelEvidence != nil)
        if !multiLabel, let (file, line) = firstUnlabeled {
            throw LedeError.invalidData("a document without a label in single-label training; give it a label, or train with --multi-label", file: file, line: line)
        }
        if !multiLabel && multiLabelEvidence != nil {
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
        progress("\(builder.corpus.documentCount) training documents, \(heldOut.documentCount) held out, \(sortedNames.count) labels (\(multiLabel ? "multi-label" : "single-label")), \(builder.distinctTerms) distinct n-grams")

        if let bits = options.features.hashBits {  // known before fitting, which allocates per column
            try Trainer.checkMemory(columns: 1 << bits, labels: sortedNames.count, threads: options.threads)
        }
        let space = try builder.fit()
        progress("vocabulary: \(space.columns) features")
        if options.loss == .logistic && multiLabel && options.classWeighting == .balanced {
            throw LedeError.invalidOption("--class-weight balanced works with the logistic loss for single-label data only; use --loss squared-hinge")
        }
        let k = sortedNames.count
        if options.features.hashBits == nil {  // a hashing space was checked before fitting
            try Trainer.checkMemory(columns: space.columns, labels: k, threads: options.threads)
        }
        var wordVectors: WordVectors?
        let documents = builder.corpus.documentCount
        var wordVectorDecision = ("off", "--word-vectors off")
        if options.leavesOutWordVectors(documents: documents) {
            if options.wordVectors == .auto {
                wordVectorDecision = ("off", "auto compares with and without them on up to \(TrainingOptions.wordVectorAutoDocuments) training documents, this data has \(documents); --word-vectors on uses them")
                progress("word vectors: off (auto compares with and without them on up to \(TrainingOptions.wordVectorAutoDocuments) training documents, this data has \(documents); --word-vectors on uses them)")
            }
        } else {
            var learner = WordVectorLearner()
            learner.dimensions = options.wordVectorDimensions
            learner.seed = options.seed
            learner.threads = options.threads
            wordVectors = learner.features(stream: builder.wordStream, offsets: builder.wordOffsets, space: space,
                                           weight: options.wordVectorWeight, maxWords: TrainingOptions.wordVectorWords)
            progress(wordVectors.map { "word vectors: \($0.rows) words, \($0.dimensions) dimensions" }
                     ?? "word vectors: none (too few words seen twice)")
            wordVectorDecision = wordVectors == nil ? ("off", "too few words seen twice in the training text")
                : options.wordVectors == .on ? ("kept", "--word-vectors on")
                : ("kept", "auto without cross-validation folds (--folds 0): not compared")
        }
        let sparseX = builder.corpus.vectorize(in: space)
        let foldCount = options.folds >= 2 ? min(options.folds, sparseX.rows) : 0
        let folds = foldCount >= 2 ? Folds.assign(trainSets, labelCount: k, count: foldCount, seed: options.seed) : nil
        // A single-label model needs held-out scores for one number only (its softmax temperature): the
        // first fold is enough. A multi-label one needs them for every label's threshold: all folds.
        let runFolds = multiLabel ? foldCount : min(foldCount, 1)
        let calibrationFolds = folds.map { $0.map { $0 < runFolds ? $0 : -1 } }
        let scoredRows = calibrationFolds.map { folds in folds.indices.filter { folds[$0] >= 0 } }
        let criterion = EvaluationReport.selectionCriterion(multiLabel: multiLabel)
        func fitter(_ x: SparseMatrix) -> LinearFitter {
            var fitter = LinearFitter(options: options, x: x, labels: trainSets, labelCount: k, multiLabel: multiLabel,
                                      progress: progress)
            fitter.scaledColumns = space.columns
            return fitter
        }
        /// The model on every document, calibrated on the out-of-fold scores of `calibrationFolds`.
        func finalFit(_ x: SparseMatrix, c: Double) -> CalibratedFit {
            progress("training \(options.loss.rawValue), C \(c), \(x.columns) features\(folds == nil ? "" : runFolds == foldCount ? ", with \(foldCount)-fold cross-validation" : ", with 1 of \(foldCount) folds held out for calibration")")
            let fit = fitter(x).fit(c: c, folds: calibrationFolds, foldCount: runFolds)
            progress("solver: \(fit.iterations) \(options.loss == .logistic ? "iterations" : "epochs at most")\(fit.converged ? "" : " (limit reached)")")
            let calibrated = Trainer.calibrate(fit, labels: sortedNames, features: x.columns, multiLabel: multiLabel,
                                               truth: trainSets, rows: scoredRows)
            var crossValidation: EvaluationReport?
            var decisions: PairedBootstrap.Decisions?
            if let probabilities = calibrated.outOfFold, let scoredRows {
                let outOfFold = Trainer.decisions(calibrated.model, probabilities: probabilities, truth: trainSets.subset(scoredRows))
                decisions = outOfFold
                crossValidation = outOfFold.report(labels: sortedNames)
            }
            return CalibratedFit(fit: fit, model: calibrated.model, crossValidation: crossValidation, decisions: decisions)
        }
        var x = sparseX
        var chosenFit: CalibratedFit?  // a final fit made while choosing, for C = options.c
        var choice: WordVectorChoice?
        if let vectors = wordVectors {
            let augmented = vectors.augment(sparseX)
            x = augmented
            if options.wordVectors == .auto && folds != nil {
                let without = finalFit(sparseX, c: options.c), with = finalFit(augmented, c: options.c)
                let scoreWithout = without.crossValidation!.selectionScore(multiLabel: multiLabel)
                let scoreWith = with.crossValidation!.selectionScore(multiLabel: multiLabel)
                let better = PairedBootstrap.fractionSecondBetter(without.decisions!, with.decisions!, multiLabel: multiLabel,
                                                                  seed: options.seed)
                let keep = better > PairedBootstrap.confidence
                progress("word vectors: cross-validated \(criterion) \(String(format: "%.4f", scoreWithout)) without, \(String(format: "%.4f", scoreWith)) with; better with them in \(String(format: "%.1f", better * 100))% of bootstrap resamples")
                choice = WordVectorChoice(scoreWithout: scoreWithout, scoreWith: scoreWith, bootstrapFraction: better, kept: keep)
                wordVectorDecision = (keep ? "kept" : "dropped",
                                      String(format: "auto: cross-validated %@ %.4f with, %.4f without; better with them in %.1f%% of bootstrap resamples, %@ the %.0f%% needed",
                                             criterion, scoreWith, scoreWithout, better * 100, keep ? "over" : "not over", PairedBootstrap.confidence * 100))
                if keep {
                    chosenFit = with
                } else {
                    x = sparseX
                    wordVectors = nil
                    chosenFit = without
                }
            }
        }
        var c = options.c
        var search: [AutotuneTrial]?
        if options.autotune, let folds {
            let fitter = fitter(x)
            var trials: [AutotuneTrial] = []
            var best = -Double.infinity
            for candidate in TrainingOptions.autotuneGrid {
                let trial = fitter.fit(c: candidate, folds: folds, foldCount: foldCount, final: false)
                let calibrated = Trainer.calibrate(trial, labels: sortedNames, features: x.columns,
                                                   multiLabel: multiLabel, truth: trainSets)
                let report = Trainer.evaluate(calibrated.model, probabilities: calibrated.outOfFold!, truth: trainSets)
                let score = report.selectionScore(multiLabel: multiLabel)
                trials.append(AutotuneTrial(c: candidate, score: score))
                progress("autotune: C \(candidate): cross-validated \(criterion) \(String(format: "%.4f", score))")
                if score > best {
                    best = score
                    c = candidate
                }
            }
            search = trials
            progress("autotune: C \(c)")
        }
        let final = c == options.c ? chosenFit ?? finalFit(x, c: c) : finalFit(x, c: c)
        let fit = final.fit, linear = final.model
        var report: EvaluationReport?
        let crossValidation = final.crossValidation
        if heldOut.documentCount > 0 {
            let sparseValidationX = heldOut.vectorize(in: space)
            let validationX = wordVectors?.augment(sparseValidationX) ?? sparseValidationX
            report = Trainer.evaluate(linear, probabilities: Trainer.probabilities(linear, validationX), truth: heldOutSets)
        }
        var metadata = TrainingMetadata(trainingDocuments: builder.corpus.documentCount, validationDocuments: heldOut.documentCount,
                                        lambda: 1 / (c * Double(max(x.rows, 1))), maxIterations: options.maxIterations,
                                        iterations: fit.iterations, converged: fit.converged,
                                        finalLoss: fit.finalLoss ?? 0, seed: options.seed,
                                        classWeighting: options.classWeighting.rawValue, validation: report)
        metadata.loss = options.loss.rawValue
        metadata.c = c
        metadata.folds = foldCount
        metadata.autotune = search
        metadata.naiveBayesScaledLabels = fit.naiveBayesScaled.map { flags in zip(sortedNames, flags).filter(\.1).map(\.0) }
        metadata.crossValidation = crossValidation
        metadata.wordVectorChoice = choice
        let decisions = TrainingDecisions(
            modelType: multiLabel ? "multi-label" : "single-label",
            modelTypeReason: TrainingDecisions.modelTypeReason(forced: options.multiLabel, evidence: multiLabelEvidence),
            c: c, cReason: TrainingDecisions.cReason(autotune: options.autotune, trials: search),
            autotuneTrials: search, wordVectors: wordVectorDecision.0, wordVectorsReason: wordVectorDecision.1,
            skippedRecords: summary.skipped, firstSkipped: summary.firstProblem,
            documentsWithInvalidUTF8: invalidUTF8.documents)
        return Outcome(model: LedeModel(space: space, wordVectors: wordVectors, linear: linear, training: metadata),
                       report: report ?? crossValidation, trainingSummary: summary, features: x.columns, decisions: decisions,
                       fittedLinear: linear)
    }

    /// A final fit with its calibrated model and cross-validated report.
    struct CalibratedFit {
        var fit: LinearFit
        var model: LinearModel
        var crossValidation: EvaluationReport?
        /// The out-of-fold decisions, for comparing fits.
        var decisions: PairedBootstrap.Decisions?
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
            throw LedeError.invalidOption(String(format: "%d features x %d labels would need %.1f GB of weights, more than this machine's %.1f GB; lower --max-features or --hash-bits", columns, labels, needed / 1e9, available / 1e9))
        }
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
        decisions(model, probabilities: probabilities, truth: truth).report(labels: model.labels)
    }
}
