import CLedeSupport

/// Turns one document's bytes into its tf-idf vector: tokenize, hash, n-grams, count, look up, weight.
///
/// The pipeline is laid out for the memory system: a document's n-grams are collected, then counted in a
/// small table that stays in the core's cache (`DocumentCounts`); only then is each *distinct* n-gram
/// looked up in the vocabulary (`VocabularyTable`), in stages that let the lookups' cache misses overlap
/// (`VocabularyLookup`). The vector lists its columns in the order of their first occurrence.
///
/// Holds the per-thread scratch state, so create one per thread and reuse it for every document: the
/// steady state allocates nothing.
public final class Featurizer {
    public let space: FeatureSpace
    public let vector = SparseVector()
    /// Number of tokens in the last document.
    public var tokenCount: Int { collector.tokens }

    public let tokenizer = Tokenizer()
    private let counts = DocumentCounts()
    // Stored properties marked `@exclusivity(unchecked)`: one thread uses this object at a time and no
    // access to one overlaps another, so each access is not checked by a call into the runtime (measured:
    // those calls took 1.5 % of scoring).
    /// The document's n-gram keys in order, counted at `finish` in one pass.
    @exclusivity(unchecked) private var collector: NGramCollector
    // The feature space's arrays as raw pointers, so the per-token path touches no reference counts
    // (shared counts would bounce between cores when several threads score at once).
    private let idf: UnsafePointer<Float>
    private let sublinearTF: Bool
    /// `TFIDFWeighting.sublinearTFTable`, held here so that no term reaches for a global.
    private let tfTable = TFIDFWeighting.sublinearTFTable
    private let norm: VectorNorm
    /// The vocabulary's staged lookup (nil in a hashing space).
    private let lookup: VocabularyLookup?
    /// For each entry of `vector` in a vocabulary space, the address of its slot's weights (16 bytes into
    /// the slot): what a scorer multiplies by, already in cache. Valid until the next `begin`.
    @exclusivity(unchecked) private(set) var weightAddresses: UnsafeMutablePointer<UnsafeRawPointer?>
    @exclusivity(unchecked) private var weightAddressCapacity = 1024
    private let hashMask: UInt64
    /// Columns looked ahead in a hashing space: their idf (and a scorer's rows) are fetched early.
    static let lookahead = 16
    /// Rows that a scorer will read for each column found in a hashing space (`prefetchRows(_:stride:)`),
    /// fetched as soon as the column is known.
    @exclusivity(unchecked) private var rows: UnsafeRawPointer?
    @exclusivity(unchecked) private var rowStride = 0

    public init(space: FeatureSpace) {
        self.space = space
        idf = space.idf.base
        sublinearTF = space.settings.sublinearTF
        norm = space.settings.norm
        switch space.lookup {
        case .vocabulary(let table):
            lookup = VocabularyLookup(table)
            hashMask = 0
        case .hashing(let mask):
            lookup = nil
            hashMask = mask
        }
        collector = NGramCollector(settings: space.settings, columnMask: hashMask)
        weightAddresses = .allocate(capacity: weightAddressCapacity)
    }

    deinit {
        weightAddresses.deallocate()
        lookup?.deallocate()
        collector.deallocate()
    }

    /// In a hashing space, asks `finish` to start fetching `rows + column * stride` (`stride` bytes) for
    /// each column it finds: a scorer's weight rows, which then arrive while the rest of the document is
    /// counted. (A vocabulary slot holds its weights: nothing more to fetch.)
    func prefetchRows(_ rows: UnsafeRawPointer, stride: Int) {
        self.rows = rows
        rowStride = stride
    }

    /// Starts a new document.
    public func begin() {
        tokenizer.reset()
        collector.reset()
        vector.removeAll()
        counts.removeAll()
    }

    /// Adds a chunk of the document's UTF-8 bytes.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        var collector = self.collector  // a local for the chunk: no access to this object per token
        if collector.isWordsAndPairs {  // the default, with no test of the n-gram range per token
            tokenizer.feed(bytes, emit: { collector.addWordAndPair($0) },
                           emitASCII: { collector.addASCIIWordAndPair($0, count: $1) })
        } else {
            tokenizer.feed(bytes) { collector.add($0) }
        }
        self.collector = collector
    }

    /// Ends the document and returns its tf-idf vector (valid until the next `begin`).
    @discardableResult
    public func finish() -> SparseVector {
        var collector = self.collector
        tokenizer.finish { collector.add($0) }
        self.collector = collector
        counts.add(collector.keys, count: collector.count)
        let keys = counts.keys, occurrences = counts.counts, n = counts.distinct
        let v = vector
        var total = 0.0
        if let lookup {
            if n > weightAddressCapacity {
                while weightAddressCapacity < n { weightAddressCapacity *= 2 }
                weightAddresses = weightAddresses.reallocated(capacity: weightAddressCapacity, keeping: 0)
            }
            v.reserve(n)
            let output = VocabularyLookup.Output(columns: v.columns, values: v.values, weights: weightAddresses)
            let result = lookup.lookUp(keys, occurrences: occurrences, count: n, into: output,
                                       sublinearTF: sublinearTF, norm: norm, tfTable: tfTable)
            v.count = result.found
            total = result.total
        } else {
            let ahead = Featurizer.lookahead
            for i in 0..<min(ahead, n) { lede_prefetch(idf + Int(keys[i])) }
            for i in 0..<n {
                if i + ahead < n { lede_prefetch(idf + Int(keys[i + ahead])) }
                let column = Int(keys[i])
                fetchRow(column)
                let x = TFIDFWeighting.weight(count: occurrences[i], idf: idf[column], sublinearTF: sublinearTF, table: tfTable)
                v.append(column: Int32(column), value: Float(x))
                total += TFIDFWeighting.normTerm(x, norm)
            }
        }
        TFIDFWeighting.normalize(v.values, count: v.count, total: total, norm: norm)
        return v
    }

    /// Featurizes a whole document held in memory.
    @discardableResult
    public func featurize(_ bytes: UnsafeRawBufferPointer) -> SparseVector {
        begin()
        feed(bytes)
        return finish()
    }

    @inline(__always)
    private func fetchRow(_ column: Int) {
        guard let rows else { return }
        let row = rows + column * rowStride
        lede_prefetch(row)
        if rowStride > 64 { lede_prefetch(row + 64) }
    }
}
