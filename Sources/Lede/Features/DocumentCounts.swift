/// Counts one document's features by key (an n-gram hash, or a column in a hashing space) in a small
/// table that stays in the core's own cache, so that the large vocabulary table is read once per
/// *distinct* feature, never written, and never per occurrence.
///
/// Keys come out in the order of their first occurrence (`keys[0..<distinct]`, counts alongside), which
/// is the order the tf-idf vector lists its columns in. They are written there as they come: the table
/// holds, for each key of the document, only its position in `keys` (2 bytes a slot in the small table:
/// 8192 slots are 16 KiB, half a first-level cache), and a slot is the key's when `keys[position]` is
/// the key.
/// Open addressing, linear probing, load at most 1/2. The slots a document took are emptied when the
/// next one begins (`slots[i]` lists them), so starting a document costs one store per distinct key of
/// the last. Each document starts in the small table; one that outgrows it moves to a larger one kept
/// for such documents, so that one long document does not spread every later one over a table too
/// large for the cache.
final class DocumentCounts {
    // `@exclusivity(unchecked)`: as in `Featurizer`, one thread's state, never accessed overlapping.
    /// The small table every document starts in, 2 bytes a slot (its positions are below 2^15), and the
    /// large one (nil until needed, 4 bytes a slot) kept for long documents; both all empty (all ones)
    /// but for the current document's slots. `large` is current when `inLarge`.
    private let small: UnsafeMutablePointer<UInt16>
    private let smallCapacity: Int
    @exclusivity(unchecked) private var large: UnsafeMutablePointer<UInt32>?
    @exclusivity(unchecked) private var largeCapacity = 0
    /// Slots of the current table.
    @exclusivity(unchecked) private var capacity: Int
    /// Whether the current table is the large one (always larger than the small one).
    private var inLarge: Bool { capacity != smallCapacity }
    /// Capacity of `slots`, `keys` and `counts` (`keys` and `counts` have one more element, the spare:
    /// what a lookup of an empty slot reads).
    @exclusivity(unchecked) private var keyCapacity: Int
    /// 64 - log2(capacity): the slot of a key is the top bits of `key * golden` (Fibonacci hashing, so
    /// that small keys such as hashing-space columns spread too).
    @exclusivity(unchecked) private var shift: UInt64
    /// The slot of each distinct key, in order of first occurrence (to empty them).
    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<Int32>
    /// Distinct keys of the document, in order of first occurrence.
    @exclusivity(unchecked) private(set) var keys: UnsafeMutablePointer<UInt64>
    /// Occurrences of `keys[i]`.
    @exclusivity(unchecked) private(set) var counts: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) private(set) var distinct = 0

    /// - Parameter capacity: slots of the small table, a power of two up to 2^16 (8192 slots of 2 bytes:
    ///   16 KiB, half the first-level cache, at most half full; a news article of ~450 distinct n-grams
    ///   fills 1/18 of it, so that its probes seldom collide).
    init(capacity: Int = 8192) {
        precondition(capacity >= 16 && capacity <= 1 << 16 && capacity & (capacity - 1) == 0)
        smallCapacity = capacity
        small = .allocate(capacity: capacity)
        small.initialize(repeating: .max, count: capacity)
        self.capacity = capacity
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        keyCapacity = capacity / 2
        slots = .allocate(capacity: keyCapacity)
        keys = .allocate(capacity: keyCapacity + 1)
        keys.initialize(repeating: 0, count: keyCapacity + 1)
        counts = .allocate(capacity: keyCapacity + 1)
        counts.initialize(repeating: 0, count: keyCapacity + 1)
    }

    deinit {
        small.deallocate()
        large?.deallocate()
        slots.deallocate()
        keys.deallocate()
        counts.deallocate()
    }

    /// Forgets every key (start of a new document).
    @inline(__always)
    func removeAll() {
        emptySlots()
        distinct = 0
        if inLarge {
            capacity = smallCapacity
            shift = UInt64(64 - smallCapacity.trailingZeroBitCount)
        }
    }

    /// Empties the slots the current document took in the current table.
    @inline(__always)
    private func emptySlots() {
        if inLarge { DocumentCounts.empty(large!, slots: slots, count: distinct) } else { DocumentCounts.empty(small, slots: slots, count: distinct) }
    }

    @inline(__always)
    private static func empty<Slot: FixedWidthInteger & UnsignedInteger>(_ table: UnsafeMutablePointer<Slot>,
                                                                          slots: UnsafeMutablePointer<Int32>, count: Int) {
        for index in 0..<count { table[Int(slots[index])] = .max }
    }

    /// Counts one occurrence of each of `keys[0..<count]`, in order.
    ///
    /// Whether a key is new to the document is as good as random, so the common case (the home slot is
    /// empty or holds the key) is written without a branch on it: a mispredicted branch would cost more
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
            // Keys that fit before the table must grow: the loop below needs no capacity check.
            let room = min(count - k, (capacity - 1) / 2 - distinct)
            if inLarge { add(input + k, count: room, into: large!) } else { add(input + k, count: room, into: small) }
            k += room
            if k < count && (capacity - 1) / 2 - distinct <= 0 {
                grow()
            }
        }
    }

    /// Counts `input[0..<count]` in `table`, the current one, which has room for them.
    @inline(__always)
    private func add<Slot: FixedWidthInteger & UnsignedInteger>(_ input: UnsafePointer<UInt64>, count: Int,
                                                                into table: UnsafeMutablePointer<Slot>) {
        let slots = self.slots, keys = self.keys, counts = self.counts
        let shift = self.shift, mask = capacity - 1, spare = keyCapacity, empty = Int(Slot.max)
        var distinct = self.distinct
        for j in 0..<count {
            let key = input[j]
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift)
            var position = Int(table[slot])
            // One rarely taken branch (another key holds the home slot), on one condition: an empty
            // slot reads the spare element, which holds the key.
            keys[spare] = key
            if _slowPath(keys[position == empty ? spare : position] != key) {
                repeat {
                    slot = (slot &+ 1) & mask
                    position = Int(table[slot])
                } while position != empty && keys[position] != key
            }
            let isNew = DocumentCounts.bit(position == empty)
            // A new key takes the next position; its count starts at 1 (a multiply, not a branch).
            let at = isNew != 0 ? distinct : position
            counts[at] = counts[at] &* UInt32(1 &- isNew) &+ 1
            keys[at] = key
            table[slot] = Slot(truncatingIfNeeded: at)
            slots[at] = Int32(truncatingIfNeeded: slot)
            distinct &+= Int(isNew)
        }
        self.distinct = distinct
    }

    /// The largest table a document starts in (256 KiB).
    static let presizeLimit = 1 << 16

    /// 1 for true, 0 for false, as a value (no branch).
    @inline(__always)
    private static func bit(_ condition: Bool) -> UInt8 { unsafeBitCast(condition, to: UInt8.self) }

    /// Moves the document to a table of twice the capacity (the large one, grown when it is too small).
    private func grow() {
        emptySlots()
        let newCapacity = capacity * 2
        if largeCapacity < newCapacity {
            large?.deallocate()
            large = .allocate(capacity: newCapacity)
            large!.initialize(repeating: .max, count: newCapacity)
            largeCapacity = newCapacity
        }
        if keyCapacity < newCapacity / 2 {
            let newKeyCapacity = newCapacity / 2
            slots = slots.reallocated(capacity: newKeyCapacity, keeping: 0)
            keys = keys.reallocated(capacity: newKeyCapacity + 1, keeping: distinct)
            counts = counts.reallocated(capacity: newKeyCapacity + 1, keeping: distinct)
            (keys + distinct).initialize(repeating: 0, count: newKeyCapacity + 1 - distinct)
            (counts + distinct).initialize(repeating: 0, count: newKeyCapacity + 1 - distinct)
            keyCapacity = newKeyCapacity
        }
        let table = large!
        capacity = newCapacity
        shift = UInt64(64 - newCapacity.trailingZeroBitCount)
        let mask = newCapacity - 1
        for index in 0..<distinct {
            var slot = Int(truncatingIfNeeded: (keys[index] &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while table[slot] != .max { slot = (slot + 1) & mask }
            table[slot] = UInt32(index)
            slots[index] = Int32(truncatingIfNeeded: slot)
        }
    }
}
