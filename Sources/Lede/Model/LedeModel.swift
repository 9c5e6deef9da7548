/// A complete classifier: the fitted feature space, the linear model over it, and its metadata.
public struct LedeModel: Sendable {
    public let space: FeatureSpace
    public let linear: LinearModel
    public let metadata: ModelMetadata

    public init(space: FeatureSpace, linear: LinearModel, training: TrainingMetadata?) {
        self.space = space
        self.linear = linear
        self.metadata = ModelMetadata(labels: linear.labels, multiLabel: linear.multiLabel, thresholds: linear.thresholds,
                                      features: space.settings, columns: space.columns, training: training)
    }

    public var labels: [String] { linear.labels }
}
