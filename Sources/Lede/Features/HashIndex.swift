/// A growable open-addressing map from 64-bit hashes (already well mixed) to dense indices `0..<count`,
/// in insertion order: the n-gram table of vocabulary building, where a general `Dictionary` spends
/// most of its time rehashing keys that are hashes already.
///
/// Linear probing, load factor at most 1/2; slot of `h` is `h & (capacity - 1)`.
struct HashIndex {
    private var keys: [UInt64]
    private var values: [Int32]
    private(set) var count = 0
    /// The hash of each index, in insertion order.
    private(set) var hashes: [UInt64] = []

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
    }

    /// The index of `hash`, or -1.
    @inline(__always)
    func index(of hash: UInt64) -> Int {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let value = values[slot]
            if value < 0 { return -1 }
            if keys[slot] == hash { return Int(value) }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `hash` (which must be absent) as index `count`, and returns it.
    @discardableResult
    mutating func insert(_ hash: UInt64) -> Int {
        if (count + 1) * 2 > keys.count { grow() }
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while values[slot] >= 0 { slot = (slot + 1) & mask }
        keys[slot] = hash
        values[slot] = Int32(count)
        hashes.append(hash)
        count += 1
        return count - 1
    }

    private mutating func grow() {
        let size = keys.count * 2
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while values[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = hash
            values[slot] = Int32(index)
        }
    }
}
