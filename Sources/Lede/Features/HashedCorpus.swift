/// Documents reduced to their n-gram hash counts, kept in memory between fitting the vocabulary and
/// building the training matrix, so the text is tokenized once and never stored.
public struct HashedCorpus: Sendable {
    /// `hashes[offsets[d] ..< offsets[d + 1]]` are document d's distinct n-gram hashes.
    public private(set) var hashes: [UInt64] = []
    public private(set) var counts: [UInt32] = []
    public private(set) var offsets: [Int] = [0]

    public init() {}

    public var documentCount: Int { offsets.count - 1 }

    mutating func append<S: Sequence>(_ pairs: S) where S.Element == (key: UInt64, value: UInt32) {
        for (hash, count) in pairs {
            hashes.append(hash)
            counts.append(count)
        }
        offsets.append(hashes.count)
    }

    /// The tf-idf matrix of these documents in `space` (hashes outside the vocabulary are dropped).
    public func vectorize(in space: FeatureSpace) -> SparseMatrix {
        var builder = SparseMatrix.Builder(columns: space.columns)
        builder.reserve(rows: documentCount, nonZeros: hashes.count)
        var entries: [(column: Int32, count: Float)] = []
        var columns: [Int32] = []
        var values: [Float] = []
        for d in 0..<documentCount {
            entries.removeAll(keepingCapacity: true)
            for k in offsets[d]..<offsets[d + 1] {
                let column = space.column(of: hashes[k])
                if column >= 0 { entries.append((Int32(column), Float(counts[k]))) }
            }
            entries.sort { $0.column < $1.column }
            columns.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            for entry in entries {
                // In hashing spaces several hashes can share a column: merge them.
                if let last = columns.last, last == entry.column {
                    values[values.count - 1] += entry.count
                } else {
                    columns.append(entry.column)
                    values.append(entry.count)
                }
            }
            columns.withUnsafeBufferPointer { c in
                values.withUnsafeMutableBufferPointer { v in
                    TFIDFWeighting.apply(columns: c.baseAddress!, values: v.baseAddress!, count: c.count,
                                         idf: space.idf.base, settings: space.settings)
                }
            }
            builder.appendRow(columns: columns, values: values)
        }
        return builder.build()
    }
}
