/// A complete classifier: the fitted feature space, its optional word-vector features, the linear model
/// over both (`space.columns` sparse columns, then `wordVectors.dimensions` dense ones), and its metadata.
public struct LedeModel: Sendable {
    public let space: FeatureSpace
    public let wordVectors: WordVectors?
    public let linear: LinearModel
    public let metadata: ModelMetadata

    public init(space: FeatureSpace, wordVectors: WordVectors? = nil, linear: LinearModel, training: TrainingMetadata?) {
        precondition(linear.features == space.columns + (wordVectors?.dimensions ?? 0))
        self.space = space
        self.wordVectors = wordVectors
        self.linear = linear
        self.metadata = ModelMetadata(labels: linear.labels, multiLabel: linear.multiLabel, thresholds: linear.thresholds,
                                      features: space.settings, columns: space.columns, training: training,
                                      wordVectors: wordVectors.map {
                                          WordVectorSettings(dimensions: $0.dimensions, weight: $0.weight, words: $0.rows)
                                      })
    }

    public var labels: [String] { linear.labels }
}
