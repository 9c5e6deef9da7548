/// A complete classifier: the fitted feature space, its optional word-vector features, the linear model
/// over both (`space.columns` sparse columns, then `wordVectors.dimensions` dense ones), and its metadata.
///
/// For scoring, each sparse column's weights sit beside its vocabulary slot (`WeightRows`): a model's
/// vocabulary table has slots of `rows.stride` bytes; a hashing model keeps one such slot per column in
/// `hashingSlots`. The dense word-vector columns' weights are `denseWeights`.
public struct LedeModel: Sendable {
    public let space: FeatureSpace
    public let wordVectors: WordVectors?
    public let linear: LinearModel
    public let metadata: ModelMetadata
    /// Layout of the weight slots.
    public let rows: WeightRows
    /// A hashing model's slots, one per column (nil for a vocabulary model, whose table holds them).
    public let hashingSlots: Storage<UInt8>?
    /// Weights of the word-vector columns, `dimensions * labels` (nil without word vectors).
    public let denseWeights: Storage<Float>?

    /// A model from trained parts: lays the weights out in slots.
    public init(space: FeatureSpace, wordVectors: WordVectors? = nil, linear: LinearModel, training: TrainingMetadata?) {
        precondition(linear.features == space.columns + (wordVectors?.dimensions ?? 0))
        let rows = WeightRows(labels: linear.labels.count)
        let k = linear.labels.count
        let weights = linear.weights
        var slotted = space
        var hashingSlots: Storage<UInt8>?
        switch space.lookup {
        case .vocabulary(let table):
            var hashes = [UInt64](repeating: 0, count: space.columns)
            var idf = [Float](repeating: 0, count: space.columns)
            for index in 0..<table.capacity {
                let slot = table.slot(at: index)
                guard slot.column >= 0 else { continue }
                hashes[Int(slot.column)] = slot.key
                idf[Int(slot.column)] = slot.idf
            }
            let fused = VocabularyTable(hashes: hashes, idf: idf, stride: rows.stride) { column, bytes in
                rows.store(weights.base + column * k, into: bytes)
            }
            slotted = FeatureSpace(settings: space.settings, lookup: .vocabulary(fused), columns: space.columns,
                                   idf: space.idf, terms: space.terms)
        case .hashing:
            let memory = Storage<UInt8>(zeroed: space.columns * rows.stride)
            let base = UnsafeMutableRawPointer(mutating: memory.base)
            for column in 0..<space.columns {
                base.storeBytes(of: VocabularyTable.Slot(key: 0, column: Int32(column), idf: space.idf[column]),
                                toByteOffset: column * rows.stride, as: VocabularyTable.Slot.self)
                rows.store(weights.base + column * k, into: base + column * rows.stride + VocabularyTable.slotHeaderBytes)
            }
            hashingSlots = memory
        }
        let dense = wordVectors.map { _ in Storage(Array(weights.buffer[(space.columns * k)...])) }
        // The model is what scoring reads: with binary16 slots, its dense weights are the rounded ones.
        var stored = linear
        if rows.precision != .float32 {
            let (memory, stride) = LedeModel.slots(of: slotted, hashingSlots: hashingSlots, rows: rows)
            let space = slotted
            stored = LinearModel(labels: linear.labels, multiLabel: linear.multiLabel, features: linear.features,
                                 bias: linear.bias, thresholds: linear.thresholds) {
                LedeModel.denseWeights(space: space, rows: rows, slots: memory, stride: stride, dense: dense)
            }
        }
        self.init(space: slotted, wordVectors: wordVectors, linear: stored, rows: rows, hashingSlots: hashingSlots,
                  denseWeights: dense, training: training)
    }

    /// A model from parts already laid out (a loaded file).
    init(space: FeatureSpace, wordVectors: WordVectors?, linear: LinearModel, rows: WeightRows,
         hashingSlots: Storage<UInt8>?, denseWeights: Storage<Float>?, training: TrainingMetadata?) {
        self.space = space
        self.wordVectors = wordVectors
        self.linear = linear
        self.rows = rows
        self.hashingSlots = hashingSlots
        self.denseWeights = denseWeights
        self.metadata = ModelMetadata(labels: linear.labels, multiLabel: linear.multiLabel, thresholds: linear.thresholds,
                                      features: space.settings, columns: space.columns, training: training,
                                      wordVectors: wordVectors.map {
                                          WordVectorSettings(dimensions: $0.dimensions, weight: $0.weight, words: $0.rows)
                                      })
    }

    public var labels: [String] { linear.labels }

    /// The slots holding the sparse columns' weights: the vocabulary table's, or the hashing slots.
    var slots: (memory: Storage<UInt8>, stride: Int) {
        LedeModel.slots(of: space, hashingSlots: hashingSlots, rows: rows)
    }

    static func slots(of space: FeatureSpace, hashingSlots: Storage<UInt8>?, rows: WeightRows) -> (memory: Storage<UInt8>, stride: Int) {
        switch space.lookup {
        case .vocabulary(let table): return (table.memory, table.stride)
        case .hashing: return (hashingSlots!, rows.stride)
        }
    }

    /// Dense weights rebuilt from the slots (what a loaded model's `linear.weights` is made of): the
    /// weights scoring uses, as Float32.
    static func denseWeights(space: FeatureSpace, rows: WeightRows, slots: Storage<UInt8>, stride: Int,
                             dense: Storage<Float>?) -> Storage<Float> {
        let k = rows.labels
        var weights = [Float](repeating: 0, count: space.columns * k + (dense?.count ?? 0))
        let base = UnsafeRawPointer(slots.base)
        for index in 0..<(slots.count / stride) {
            let slot = base.load(fromByteOffset: index * stride, as: VocabularyTable.Slot.self)
            guard slot.column >= 0 else { continue }
            for label in 0..<k {
                weights[Int(slot.column) * k + label] = rows.weight(base + index * stride + VocabularyTable.slotHeaderBytes, label: label)
            }
        }
        if let dense { for i in 0..<dense.count { weights[space.columns * k + i] = dense[i] } }
        return Storage(weights)
    }
}
