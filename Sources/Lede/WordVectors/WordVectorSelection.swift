import Foundation

/// Whether a model has word vectors, and why: `state` is "kept", "dropped" or "off" (the fields of
/// `TrainingDecisions`).
struct WordVectorDecision {
    var state: String
    var reason: String
}

/// The training stages that learn word vectors and decide whether the model keeps them.
extension Trainer {
    /// Word vectors learned from the training text in `words` (nil when `options` leaves them out of a
    /// corpus of `documents` documents, or when too few words are seen twice), and the decision so far.
    func learnWordVectors(_ words: WordStream?, documents: Int, space: FeatureSpace) -> (vectors: WordVectors?, decision: WordVectorDecision) {
        guard let words, !options.leavesOutWordVectors(documents: documents) else {
            guard options.wordVectors == .auto else { return (nil, WordVectorDecision(state: "off", reason: "\(Parameter.wordVectors) off")) }
            let reason = "auto compares with and without them on up to \(TrainingOptions.wordVectorAutoDocuments) training documents, this data has \(documents); \(Parameter.wordVectors) on uses them"
            progress("word vectors: off (\(reason))")
            return (nil, WordVectorDecision(state: "off", reason: reason))
        }
        var learner = WordVectorLearner()
        learner.dimensions = options.wordVectorDimensions
        learner.seed = options.seed
        learner.threads = options.threads
        let vectors = learner.features(stream: words.hashes, offsets: words.offsets, space: space,
                                       weight: options.wordVectorWeight, maxWords: TrainingOptions.wordVectorWords)
        progress(vectors.map { "word vectors: \($0.rows) words, \($0.dimensions) dimensions" }
                 ?? "word vectors: none (too few words seen twice)")
        let decision = vectors == nil ? WordVectorDecision(state: "off", reason: "too few words seen twice in the training text")
            : options.wordVectors == .on ? WordVectorDecision(state: "kept", reason: "\(Parameter.wordVectors) on")
            : WordVectorDecision(state: "kept", reason: "auto without cross-validation folds (\(Parameter.folds) 0): not compared")
        return (vectors, decision)
    }

    /// The training matrix with or without the word-vector features, as `WordVectorUse` decides: with
    /// `auto` and folds, both are fitted at `options.c` and the vectors kept when they score higher in
    /// over `PairedBootstrap.confidence` of the paired bootstrap resamples. The chosen fit is returned
    /// for reuse when C stays `options.c`.
    func chooseWordVectors(_ learned: (vectors: WordVectors?, decision: WordVectorDecision), sparseX: SparseMatrix,
                           fitting: CrossValidatedFitting) -> WordVectorSelection {
        guard let vectors = learned.vectors else {
            return WordVectorSelection(x: sparseX, vectors: nil, decision: learned.decision)
        }
        let augmented = vectors.augment(sparseX)
        guard options.wordVectors == .auto && fitting.folds != nil else {
            return WordVectorSelection(x: augmented, vectors: vectors, decision: learned.decision)
        }
        let multiLabel = fitting.labels.multiLabel
        let without = fitting.finalFit(sparseX, c: options.c), with = fitting.finalFit(augmented, c: options.c)
        guard let reportWithout = without.crossValidation, let reportWith = with.crossValidation,
              let decisionsWithout = without.decisions, let decisionsWith = with.decisions else {
            preconditionFailure("a final fit with cross-validation folds has out-of-fold decisions")
        }
        let scoreWithout = reportWithout.selectionScore(multiLabel: multiLabel)
        let scoreWith = reportWith.selectionScore(multiLabel: multiLabel)
        let better = PairedBootstrap.fractionSecondBetter(decisionsWithout, decisionsWith, multiLabel: multiLabel,
                                                          seed: options.seed)
        let keep = better > PairedBootstrap.confidence
        let criterion = fitting.criterion
        progress("word vectors: cross-validated \(criterion) \(String(format: "%.4f", scoreWithout)) without, \(String(format: "%.4f", scoreWith)) with; better with them in \(String(format: "%.1f", better * 100))% of bootstrap resamples")
        let reason = String(format: "auto: cross-validated %@ %.4f with, %.4f without; better with them in %.1f%% of bootstrap resamples, %@ the %.0f%% needed",
                            criterion, scoreWith, scoreWithout, better * 100, keep ? "over" : "not over", PairedBootstrap.confidence * 100)
        return WordVectorSelection(x: keep ? augmented : sparseX, vectors: keep ? vectors : nil,
                                   decision: WordVectorDecision(state: keep ? "kept" : "dropped", reason: reason),
                                   choice: WordVectorChoice(scoreWithout: scoreWithout, scoreWith: scoreWith,
                                                            bootstrapFraction: better, kept: keep),
                                   fitAtDefaultC: keep ? with : without)
    }
}

/// The outcome of `Trainer.chooseWordVectors`.
struct WordVectorSelection {
    /// The training matrix the model is fitted on: tf-idf columns, then the word-vector ones when kept.
    var x: SparseMatrix
    var vectors: WordVectors?
    var decision: WordVectorDecision
    /// The comparison, when one was made.
    var choice: WordVectorChoice?
    /// The final fit of `x` at `options.c`, when the comparison made it.
    var fitAtDefaultC: CalibratedFit?
}

/// The comparison behind `--word-vectors auto`: cross-validated scores (as `AutotuneTrial.score`) without
/// and with the word vectors, the fraction of paired bootstrap resamples of the documents in which they
/// scored higher (`PairedBootstrap`), and whether they were kept.
public struct WordVectorChoice: Codable, Equatable, Sendable {
    public var scoreWithout: Double
    public var scoreWith: Double
    public var bootstrapFraction: Double
    public var kept: Bool

    public init(scoreWithout: Double, scoreWith: Double, bootstrapFraction: Double, kept: Bool) {
        self.scoreWithout = scoreWithout
        self.scoreWith = scoreWith
        self.bootstrapFraction = bootstrapFraction
        self.kept = kept
    }
}
