/// Everything about a model that is not a big array, stored as JSON in the model file's `META` section.
public struct ModelMetadata: Codable, Equatable, Sendable {
    public var labels: [String]
    public var multiLabel: Bool
    public var thresholds: [Float]
    public var features: FeatureSettings
    public var columns: Int
    public var training: TrainingMetadata?

    public init(labels: [String], multiLabel: Bool, thresholds: [Float], features: FeatureSettings, columns: Int,
                training: TrainingMetadata?) {
        self.labels = labels
        self.multiLabel = multiLabel
        self.thresholds = thresholds
        self.features = features
        self.columns = columns
        self.training = training
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

/// Version constants.
public enum Lede {
    public static let version = "0.1.0"
}
