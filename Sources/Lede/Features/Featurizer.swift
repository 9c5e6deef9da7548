import CLedeSupport

/// Turns one document's bytes into its tf-idf vector: tokenize, hash, n-grams, columns, counts, weights.
///
/// Holds the per-thread scratch state (tokenizer, dense count array, output vector), so create one per
/// thread and reuse it for every document: the steady state allocates nothing.
public final class Featurizer {
    public let space: FeatureSpace
    public let vector = SparseVector()
    /// Number of tokens in the last document.
    public private(set) var tokenCount = 0

    public let tokenizer = Tokenizer()
    private var window: NGramWindow
    private let counts: UnsafeMutablePointer<Float>
    private let seed: UInt64
    // The feature space's arrays as raw pointers, so the per-token path touches no reference counts
    // (shared counts would bounce between cores when several threads score at once).
    private let idf: UnsafePointer<Float>
    private let sublinearTF: Bool
    private let norm: VectorNorm
    private let tableKeys: UnsafePointer<UInt64>?
    private let tableColumns: UnsafePointer<Int32>?
    private let tableMask: Int
    private let hashMask: UInt64
    /// The last `Featurizer.lookahead` n-gram hashes, waiting for their lookup while their table slots
    /// are fetched from memory: the vocabulary table is too large for the caches, and resolving each
    /// n-gram as it comes would wait for one cache miss after another.
    private let pending: UnsafeMutablePointer<UInt64>
    private var pendingCount = 0
    static let lookahead = 16
    /// Second stage, the same way: found columns wait here while their counts are fetched.
    private let pendingColumns: UnsafeMutablePointer<Int32>
    private var pendingColumnCount = 0
    static let countLookahead = 8

    public init(space: FeatureSpace) {
        self.space = space
        window = NGramWindow(ngramMin: space.settings.ngramMin, ngramMax: space.settings.ngramMax)
        pending = .allocate(capacity: Featurizer.lookahead)
        pendingColumns = .allocate(capacity: Featurizer.countLookahead)
        counts = .allocate(capacity: max(space.columns, 1))
        counts.initialize(repeating: 0, count: max(space.columns, 1))
        seed = space.settings.hashSeed
        idf = space.idf.base
        sublinearTF = space.settings.sublinearTF
        norm = space.settings.norm
        switch space.lookup {
        case .vocabulary(let table):
            tableKeys = table.keys.base
            tableColumns = table.columns.base
            tableMask = table.mask
            hashMask = 0
        case .hashing(let mask):
            tableKeys = nil
            tableColumns = nil
            tableMask = 0
            hashMask = mask
        }
    }

    deinit {
        counts.deallocate()
        pending.deallocate()
        pendingColumns.deallocate()
    }

    /// Starts a new document.
    public func begin() {
        tokenizer.reset()
        window.reset()
        vector.removeAll()
        tokenCount = 0
        pendingCount = 0
        pendingColumnCount = 0
    }

    /// Adds a chunk of the document's UTF-8 bytes.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        tokenizer.feed(bytes) { token in self.add(token) }
    }

    /// Ends the document and returns its tf-idf vector (valid until the next `begin`).
    @discardableResult
    public func finish() -> SparseVector {
        tokenizer.finish { token in self.add(token) }
        for k in max(0, pendingCount - Featurizer.lookahead)..<pendingCount {
            count(pending[k & (Featurizer.lookahead - 1)])
        }
        pendingCount = 0
        for k in max(0, pendingColumnCount - Featurizer.countLookahead)..<pendingColumnCount {
            increment(Int(pendingColumns[k & (Featurizer.countLookahead - 1)]))
        }
        pendingColumnCount = 0
        let v = vector
        for k in 0..<v.count {
            let column = Int(v.columns[k])
            v.values[k] = counts[column]
            counts[column] = 0
        }
        TFIDFWeighting.apply(columns: v.columns, values: v.values, count: v.count, idf: idf,
                             sublinearTF: sublinearTF, norm: norm)
        return v
    }

    /// Featurizes a whole document held in memory.
    @discardableResult
    public func featurize(_ bytes: UnsafeRawBufferPointer) -> SparseVector {
        begin()
        feed(bytes)
        return finish()
    }

    /// Same as `FeatureSpace.column(of:)`, on the cached pointers.
    @inline(__always)
    private func column(of hash: UInt64) -> Int {
        guard let keys = tableKeys, let columns = tableColumns else { return Int(truncatingIfNeeded: hash & hashMask) }
        return VocabularyTable.probe(hash, keys: keys, columns: columns, mask: tableMask)
    }

    @inline(__always)
    private func add(_ token: UnsafeRawBufferPointer) {
        tokenCount &+= 1
        let hash = TokenHash.hash(token, seed: seed)
        window.push(hash) { ngram, _ in self.enqueue(ngram) }
    }

    /// Starts fetching the n-gram's table slot (or count, in a hashing space) and counts the n-gram
    /// that arrived `lookahead` n-grams earlier.
    @inline(__always)
    private func enqueue(_ ngram: UInt64) {
        if let keys = tableKeys, let columns = tableColumns {
            let slot = Int(truncatingIfNeeded: ngram) & tableMask
            lede_prefetch(columns + slot)
            lede_prefetch(keys + slot)
        } else {
            lede_prefetch(counts + Int(truncatingIfNeeded: ngram & hashMask))
        }
        let position = pendingCount & (Featurizer.lookahead - 1)
        if pendingCount >= Featurizer.lookahead { count(pending[position]) }
        pending[position] = ngram
        pendingCount += 1
    }

    /// Looks the n-gram up; starts fetching its count and increments the count of the column found
    /// `countLookahead` columns earlier.
    @inline(__always)
    private func count(_ ngram: UInt64) {
        let column = self.column(of: ngram)
        guard column >= 0 else { return }
        lede_prefetch(counts + column)
        let position = pendingColumnCount & (Featurizer.countLookahead - 1)
        if pendingColumnCount >= Featurizer.countLookahead { increment(Int(pendingColumns[position])) }
        pendingColumns[position] = Int32(column)
        pendingColumnCount += 1
    }

    @inline(__always)
    private func increment(_ column: Int) {
        if counts[column] == 0 { vector.append(column: Int32(column), value: 0) }
        counts[column] += 1
    }
}
