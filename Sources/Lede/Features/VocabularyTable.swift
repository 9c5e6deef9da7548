/// Open-addressing hash table from a feature's 64-bit hash to its column, laid out as two flat arrays so
/// that a model file can hold it as is and a load can map it without rebuilding.
///
/// Capacity is a power of two at least twice the number of entries; the slot of hash `h` is
/// `h & (capacity - 1)` (the hashes are already well mixed), probing linearly; an empty slot has column -1.
public struct VocabularyTable: Sendable {
    public let keys: Storage<UInt64>
    public let columns: Storage<Int32>
    public let count: Int
    /// capacity - 1.
    public let mask: Int

    /// Builds the table for `hashes[c]` -> column `c`.
    public init(hashes: [UInt64]) {
        var capacity = 16
        while capacity < hashes.count * 2 { capacity <<= 1 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var columns = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for (column, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while columns[slot] >= 0 {
                precondition(keys[slot] != hash, "duplicate vocabulary hash")
                slot = (slot + 1) & mask
            }
            keys[slot] = hash
            columns[slot] = Int32(column)
        }
        self.init(keys: Storage(keys), columns: Storage(columns), count: hashes.count)
    }

    /// Wraps stored arrays (from a model file); `keys.count` must be a power of two.
    public init(keys: Storage<UInt64>, columns: Storage<Int32>, count: Int) {
        self.keys = keys
        self.columns = columns
        self.count = count
        self.mask = keys.count - 1
    }

    /// Column of `hash`, or -1 when it is not in the vocabulary.
    /// - Complexity: O(1) expected (load factor at most 1/2).
    @inline(__always)
    public func column(of hash: UInt64) -> Int {
        VocabularyTable.probe(hash, keys: keys.base, columns: columns.base, mask: mask)
    }

    /// The lookup on raw arrays (for hot paths that cache the table's pointers).
    @inline(__always)
    static func probe(_ hash: UInt64, keys: UnsafePointer<UInt64>, columns: UnsafePointer<Int32>, mask: Int) -> Int {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let column = columns[slot]
            if column < 0 { return -1 }
            if keys[slot] == hash { return Int(column) }
            slot = (slot + 1) & mask
        }
    }
}
