/// Everything about a model that is not a big array, stored as JSON in the model file's `META` section.
public struct ModelMetadata: Codable, Equatable, Sendable {
    public var labels: [String]
    public var multiLabel: Bool
    public var thresholds: [Float]
    public var features: FeatureSettings
    public var columns: Int
    public var training: TrainingMetadata?
    /// The dense word-vector features (`WordVectors`) after the `columns` sparse ones; nil: none.
    public var wordVectors: WordVectorSettings?

    public init(labels: [String], multiLabel: Bool, thresholds: [Float], features: FeatureSettings, columns: Int,
                training: TrainingMetadata?, wordVectors: WordVectorSettings? = nil) {
        self.labels = labels
        self.multiLabel = multiLabel
        self.thresholds = thresholds
        self.features = features
        self.columns = columns
        self.training = training
        self.wordVectors = wordVectors
    }
}

/// How a model was trained. Holds no clock time, so the same data, options and seed give the same file.
public struct TrainingMetadata: Codable, Equatable, Sendable {
    public var ledeVersion: String
    public var trainingDocuments: Int
    public var validationDocuments: Int
    public var lambda: Double
    public var maxIterations: Int
    public var iterations: Int
    public var converged: Bool
    public var finalLoss: Double
    public var seed: UInt64
    public var classWeighting: String?
    /// Report on the validation data, thresholds applied.
    public var validation: EvaluationReport?
    /// "squared-hinge" or "logistic"; nil in files written before the choice existed (logistic).
    public var loss: String?
    /// The C trained with (the one autotune chose, if it ran).
    public var c: Double?
    /// Cross-validation folds (0: none).
    public var folds: Int?
    /// Squared hinge: the labels whose features were scaled by naive Bayes log-count ratios.
    public var naiveBayesScaledLabels: [String]?
    /// Each C autotune tried and its cross-validated score.
    public var autotune: [AutotuneTrial]?
    /// Report on the out-of-fold predictions, thresholds applied (they were chosen on the same
    /// predictions, so it leans optimistic for multi-label data).
    public var crossValidation: EvaluationReport?
    /// How `--word-vectors auto` decided, when it compared (nil otherwise).
    public var wordVectorChoice: WordVectorChoice?

    public init(ledeVersion: String = Lede.version, trainingDocuments: Int, validationDocuments: Int, lambda: Double,
                maxIterations: Int, iterations: Int, converged: Bool, finalLoss: Double, seed: UInt64,
                classWeighting: String? = nil, validation: EvaluationReport?) {
        self.ledeVersion = ledeVersion
        self.trainingDocuments = trainingDocuments
        self.validationDocuments = validationDocuments
        self.lambda = lambda
        self.maxIterations = maxIterations
        self.iterations = iterations
        self.converged = converged
        self.finalLoss = finalLoss
        self.seed = seed
        self.classWeighting = classWeighting
        self.validation = validation
    }
}

/// One candidate of the automatic search of C.
public struct AutotuneTrial: Codable, Equatable, Sendable {
    public var c: Double
    /// Cross-validated accuracy (single-label) or mean of micro- and macro-F1 (multi-label).
    public var score: Double

    public init(c: Double, score: Double) {
        self.c = c
        self.score = score
    }
}

/// Version constants.
public enum Lede {
    public static let version = "0.1.0"
}
