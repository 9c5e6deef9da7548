/// Whether a model gets word-vector features (`WordVectors`) beside its sparse ones.
public enum WordVectorUse: String, Codable, Sendable, CaseIterable {
    case on, off
    /// On training data of up to `TrainingOptions.wordVectorAutoDocuments` documents, trains the model
    /// both ways and keeps the word vectors when they score higher in over 90% of paired bootstrap
    /// resamples (`PairedBootstrap`) of the cross-validated decisions (every fold for multi-label models,
    /// the calibration fold for single-label ones); on larger data, off (vectors learned from the
    /// training text pay most when labeled documents are few, and the comparison doubles the training
    /// time). Without cross-validation: on.
    case auto
}

/// The shape of a model's word-vector features.
public struct WordVectorSettings: Codable, Equatable, Sendable {
    public var dimensions: Int
    public var weight: Float
    /// Words (unigram columns) that have a vector.
    public var words: Int

    public init(dimensions: Int, weight: Float, words: Int) {
        self.dimensions = dimensions
        self.weight = weight
        self.words = words
    }
}
