import Foundation

/// The loss a linear model is trained on.
public enum LossFunction: String, Codable, Sendable, CaseIterable {
    /// One-vs-rest L2-loss linear SVMs, `max(0, 1 - y w.x)^2`, by dual coordinate descent; probabilities by
    /// Platt scaling (multi-label) or a softmax temperature (single-label) fitted on out-of-fold scores.
    case squaredHinge = "squared-hinge"
    /// Logistic regression (softmax for single-label, sigmoids for multi-label) by L-BFGS.
    case logistic
}

/// Whether the squared-hinge SVMs see features scaled by naive Bayes log-count ratios (NBSVM).
public enum NaiveBayesScaling: String, Codable, Sendable, CaseIterable {
    case on, off
    /// On for single-label models; for multi-label ones, chosen per label: the variant whose out-of-fold
    /// F1 (at its best threshold) is higher (ties: off). Needs cross-validation (off without it).
    case auto
}

/// Everything `Trainer` needs besides the data. Defaults are the ones `lede-train` uses.
public struct TrainingOptions: Sendable {
    public var features = FeatureSettings()
    public var loss = LossFunction.squaredHinge
    /// Weight C of each document's loss against `||w||^2 / 2` (scikit-learn's and liblinear's C). For the
    /// logistic loss, L-BFGS minimizes the same objective divided by C N: `lambda = 1 / (C N)`.
    public var c = 1.0
    public var classWeighting = ClassWeighting.none
    /// Squared hinge: whether to scale each label's features by their naive Bayes log-count ratios (see
    /// `OneVsRestSVM`).
    public var naiveBayesScaling = NaiveBayesScaling.auto
    /// Cross-validation folds on the training data: their out-of-fold scores fit the probability
    /// calibration and the per-label thresholds and give the report when there is no validation data.
    /// Multi-label models run every fold; single-label ones only the first (one temperature to fit).
    /// 0 or 1: no cross-validation (uncalibrated scores, thresholds at 0.5).
    public var folds = 5
    /// Whether to choose C among `autotuneGrid` by cross-validation (every fold, for each candidate).
    public var autotune = false
    public static let autotuneGrid: [Double] = [0.1, 0.3, 1, 3, 10]
    /// Stopping tolerance of the SVM solver (projected-gradient spread; liblinear's default is 0.1) ...
    public var tolerance = 0.01
    /// ... and the iteration cap of L-BFGS (each iteration one or two passes over the data).
    public var maxIterations = 300
    /// Seeds the folds, the validation split and the solvers' visiting order: with the same seed, data
    /// and options, the model file is identical.
    public var seed: UInt64 = 1
    public var threads = Parallel.availableCores
    /// nil: multi-label when any document has no label or several.
    public var multiLabel: Bool? = nil
    /// Whether the word-vector features join the sparse ones (see `WordVectorUse`) ...
    public var wordVectors = WordVectorUse.auto
    /// ... and the dimensions of the vectors, learned from the training text (`WordVectorLearner`). 120
    /// codes and a word's scale fill two cache lines (`WordVectors.rowStride`), which scoring reads for
    /// every distinct word of a document; 300 took five, for the same quality on the topic set within the
    /// seeds' spread (cross-validated micro-F1 0.8203 against 0.8214, the means of three seeds).
    public var wordVectorDimensions = 120
    /// The length of the word-vector feature block (`WordVectors.weight`), against the unit-length tf-idf.
    public var wordVectorWeight: Float = 0.5
    /// `WordVectorUse.auto` compares the model with and without word vectors up to this many training
    /// documents.
    public static let wordVectorAutoDocuments = 5_000
    /// Whether `wordVectors` leaves them out of a model trained on `documents` documents: `off`, or `auto`
    /// above `wordVectorAutoDocuments`.
    public func leavesOutWordVectors(documents: Int) -> Bool {
        wordVectors == .off || (wordVectors == .auto && documents > Self.wordVectorAutoDocuments)
    }
    /// At most this many words get a vector: the most frequent unigram columns seen at least twice ...
    public static let wordVectorWords = 30_000
    /// ... in the first documents of the training data, up to this many tokens.
    public static let wordVectorTokens = 10_000_000
    /// Fraction of the training data held out for the report when no validation file is given
    /// (0: report from cross-validation instead).
    public var validationFraction = 0.0

    public init() {}

    public func validate() throws {
        try features.validate()
        guard c > 0, c.isFinite else { throw LedeError.invalidOption("\(Parameter.c) must be a positive number, such as 1 or 0.3") }
        guard tolerance > 0, tolerance.isFinite else { throw LedeError.invalidOption("\(Parameter.tolerance) must be a positive number") }
        guard maxIterations >= 1 else { throw LedeError.invalidOption("\(Parameter.maxIterations) must be at least 1") }
        guard folds == 0 || (2...100).contains(folds) else {
            throw LedeError.invalidOption("\(Parameter.folds) must be 0 (no cross-validation) or 2 to 100: one fold leaves nothing to train on")
        }
        guard !autotune || folds >= 2 else { throw LedeError.invalidOption("\(Parameter.autotune) needs cross-validation: \(Parameter.folds) 2 or more") }
        guard (1...1024).contains(wordVectorDimensions) else {
            throw LedeError.invalidOption("\(Parameter.wordVectorDimensions) must be between 1 and 1024 (turn them off with \(Parameter.wordVectors) off)")
        }
        guard wordVectorWeight > 0, wordVectorWeight.isFinite else {
            throw LedeError.invalidOption("\(Parameter.wordVectorWeight) must be a positive number, such as 0.5")
        }
        guard threads >= 1 else { throw LedeError.invalidOption("\(Parameter.threads) must be at least 1") }
        guard validationFraction >= 0, validationFraction < 1 else {
            throw LedeError.invalidOption("\(Parameter.validationFraction) must be in [0, 1)")
        }
    }

    /// Whether document number `index` goes to the held-out split: a hash of (seed, index) below the fraction.
    /// Decided per document, so the split streams and does not depend on the corpus size.
    public func isHeldOut(_ index: Int) -> Bool {
        guard validationFraction > 0 else { return false }
        return SeedMix.unitInterval(SeedMix.heldOut(seed, document: index)) < validationFraction
    }
}
