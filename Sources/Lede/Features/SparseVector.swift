/// A document vector as (column, value) pairs in reused buffers: no allocation per document once the
/// buffers have grown to the largest document seen.
public final class SparseVector {
    // `@exclusivity(unchecked)`: as in `Featurizer`, one thread's state, never accessed overlapping.
    /// Entry e is `(columns[e], values[e])`, e < `count`; the buffers move when they grow.
    @exclusivity(unchecked) private(set) var columns: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private(set) var values: UnsafeMutablePointer<Float>
    @exclusivity(unchecked) public internal(set) var count = 0
    @exclusivity(unchecked) private var capacity: Int

    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        columns = .allocate(capacity: self.capacity)
        values = .allocate(capacity: self.capacity)
    }

    deinit {
        columns.deallocate()
        values.deallocate()
    }

    @inline(__always)
    public func append(column: Int32, value: Float) {
        if count == capacity { grow() }
        columns[count] = column
        values[count] = value
        count += 1
    }

    /// Makes room for `entries` entries in all (the buffers may move; their entries are kept).
    @inline(__always)
    func reserve(_ entries: Int) {
        while capacity < entries { grow() }
    }

    private func grow() {
        let newCapacity = capacity * 2
        columns = columns.reallocated(capacity: newCapacity, keeping: count)
        values = values.reallocated(capacity: newCapacity, keeping: count)
        capacity = newCapacity
    }

    public func removeAll() { count = 0 }

    /// Replaces the entries by row `r` of `x`.
    public func load(row r: Int, of x: SparseMatrix) {
        removeAll()
        x.forEachEntry(inRow: r) { append(column: Int32($0), value: $1) }
    }

    /// Entry `index` (< `count`), in the order appended.
    @inline(__always)
    public subscript(index: Int) -> (column: Int32, value: Float) {
        precondition(index >= 0 && index < count, "entry \(index) of a vector of \(count)")
        return (columns[index], values[index])
    }

    /// The pairs as arrays, sorted by column (for tests and tools).
    public var sortedPairs: [(column: Int, value: Float)] {
        (0..<count).map { (Int(columns[$0]), values[$0]) }.sorted { $0.column < $1.column }
    }
}
