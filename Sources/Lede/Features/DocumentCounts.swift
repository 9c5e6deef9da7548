/// Counts one document's features by key (an n-gram hash, or a column in a hashing space) in a small
/// table that stays in the core's own cache, so that the large vocabulary table is read once per
/// *distinct* feature, never written, and never per occurrence.
///
/// Keys come out in the order of their first occurrence (`keys[0..<distinct]`, counts alongside), which
/// is the order the tf-idf vector lists its columns in. Open addressing, linear probing, load at most 1/2;
/// an entry belongs to the current document when its generation is the table's, so starting a new
/// document costs nothing. Each document starts in the small table; one that outgrows it moves to a
/// larger one kept for such documents, so that one long document does not spread every later one over
/// a table too large for the cache.
final class DocumentCounts {
    /// A key of the current document (when `generation` is the table's) and its occurrences so far.
    private struct Entry {
        var key: UInt64
        var count: UInt32
        var generation: UInt32
    }

    private var entries: UnsafeMutablePointer<Entry>
    private var capacity: Int
    /// The small table every document starts in, and the large one (nil until needed) kept for long documents.
    private let small: UnsafeMutablePointer<Entry>
    private let smallCapacity: Int
    private var large: UnsafeMutablePointer<Entry>?
    private var largeCapacity = 0
    /// Capacity of `order`, `keys` and `counts`.
    private var keyCapacity: Int
    /// 64 - log2(capacity): the slot of a key is the top bits of `key * golden` (Fibonacci hashing, so
    /// that small keys such as hashing-space columns spread too).
    private var shift: UInt64
    private var generation: UInt32 = 1
    /// The slot of each distinct key, in order of first occurrence (read out into `keys` and `counts`).
    private var order: UnsafeMutablePointer<Int32>
    /// Distinct keys of the document, in order of first occurrence.
    private(set) var keys: UnsafeMutablePointer<UInt64>
    /// Occurrences of `keys[i]`.
    private(set) var counts: UnsafeMutablePointer<UInt32>
    private(set) var distinct = 0

    /// - Parameter capacity: slots of the small table, a power of two (4096 slots of 16 bytes: 64 KiB,
    ///   at most half full, so that a typical news article's probes seldom collide).
    init(capacity: Int = 4096) {
        precondition(capacity >= 16 && capacity & (capacity - 1) == 0)
        smallCapacity = capacity
        small = .allocate(capacity: capacity)
        small.initialize(repeating: Entry(key: 0, count: 0, generation: 0), count: capacity)
        entries = small
        self.capacity = capacity
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        keyCapacity = capacity / 2
        order = .allocate(capacity: keyCapacity)
        keys = .allocate(capacity: keyCapacity)
        counts = .allocate(capacity: keyCapacity)
    }

    deinit {
        small.deallocate()
        large?.deallocate()
        order.deallocate()
        keys.deallocate()
        counts.deallocate()
    }

    /// Forgets every key (start of a new document).
    @inline(__always)
    func removeAll() {
        distinct = 0
        generation &+= 1
        if generation == 0 {  // wrapped after 2^32 documents: old stamps could match again
            small.update(repeating: Entry(key: 0, count: 0, generation: 0), count: smallCapacity)
            large?.update(repeating: Entry(key: 0, count: 0, generation: 0), count: largeCapacity)
            generation = 1
        }
        if capacity != smallCapacity {
            entries = small
            capacity = smallCapacity
            shift = UInt64(64 - smallCapacity.trailingZeroBitCount)
        }
    }

    /// Counts one occurrence of each of `keys[0..<count]`, in order.
    ///
    /// Whether a key is new to the document is as good as random, so the common case (the home slot is
    /// free or holds the key) is written without a branch on it: a mispredicted branch would cost more
    /// than the stores it saves. The loop keeps the table's state in locals (one pass per document, not a
    /// call per n-gram), so nothing is reloaded from memory between keys.
    func add(_ input: UnsafePointer<UInt64>, count: Int) {
        // A document whose keys would fill the table even if half of them repeat (news text repeats
        // fewer) starts in a table large enough for that half: it would outgrow the small one anyway, and
        // moving it there now costs no rehashing. Up to `presizeLimit` slots: a huge document of few
        // distinct keys grows only as far as they need.
        while distinct == 0 && (capacity - 1) / 2 < count / 2 && capacity < DocumentCounts.presizeLimit { grow() }
        var k = 0
        while k < count {
            let entries = self.entries, order = self.order
            let generation = self.generation, shift = self.shift, mask = capacity - 1
            // Keys that fit before the table must grow: the loop below needs no capacity check.
            let room = min(count - k, (capacity - 1) / 2 - distinct)
            var distinct = self.distinct
            for j in k..<(k + room) {
                let key = input[j]
                var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift)
                var entry = entries[slot]
                // One rarely taken branch (another key holds the home slot), not one per condition.
                if _slowPath(DocumentCounts.bit(entry.generation == generation) & DocumentCounts.bit(entry.key != key) != 0) {
                    repeat {
                        slot = (slot &+ 1) & mask
                        entry = entries[slot]
                    } while entry.generation == generation && entry.key != key
                }
                let isNew = DocumentCounts.bit(entry.generation != generation)
                // 1 for a new key, else one more: a multiply, not a branch; the count travels in the
                // entry, so a key costs one load and two stores, none at an address that waits on a load.
                entries[slot] = Entry(key: key, count: entry.count &* UInt32(1 &- isNew) &+ 1, generation: generation)
                order[distinct] = Int32(truncatingIfNeeded: slot)
                distinct &+= Int(isNew)
            }
            self.distinct = distinct
            k += room
            if k < count && (capacity - 1) / 2 - distinct <= 0 {
                grow()
            }
        }
        readOut()
    }

    /// Copies each distinct key and its count out of the table into `keys` and `counts`, in order.
    private func readOut() {
        for index in 0..<distinct {
            let entry = entries[Int(order[index])]
            keys[index] = entry.key
            counts[index] = entry.count
        }
    }

    /// The largest table a document starts in (1 MiB).
    static let presizeLimit = 1 << 16

    /// 1 for true, 0 for false, as a value (no branch).
    @inline(__always)
    private static func bit(_ condition: Bool) -> UInt8 { unsafeBitCast(condition, to: UInt8.self) }

    /// Moves the document to a table of twice the capacity (the large one, grown when it is too small).
    /// A new generation makes every entry there stale, whatever document or capacity wrote it.
    private func grow() {
        // The keys and counts so far, out of the table first: the table may be freed or rewritten below.
        readOut()
        let newCapacity = capacity * 2
        if largeCapacity < newCapacity {
            large?.deallocate()
            large = .allocate(capacity: newCapacity)
            large!.initialize(repeating: Entry(key: 0, count: 0, generation: 0), count: newCapacity)
            largeCapacity = newCapacity
        }
        generation &+= 1
        if generation == 0 {  // wrapped: old stamps could match again
            small.update(repeating: Entry(key: 0, count: 0, generation: 0), count: smallCapacity)
            large!.update(repeating: Entry(key: 0, count: 0, generation: 0), count: largeCapacity)
            generation = 1
        }
        if keyCapacity < newCapacity / 2 {
            order = order.reallocated(capacity: newCapacity / 2, keeping: 0)
            keys = keys.reallocated(capacity: newCapacity / 2, keeping: distinct)
            counts = counts.reallocated(capacity: newCapacity / 2, keeping: distinct)
            keyCapacity = newCapacity / 2
        }
        entries = large!
        capacity = newCapacity
        shift = UInt64(64 - newCapacity.trailingZeroBitCount)
        let mask = newCapacity - 1
        for index in 0..<distinct {
            var slot = Int(truncatingIfNeeded: (keys[index] &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while entries[slot].generation == generation { slot = (slot + 1) & mask }
            entries[slot] = Entry(key: keys[index], count: counts[index], generation: generation)
            order[index] = Int32(truncatingIfNeeded: slot)
        }
    }
}
