import CLedeSupport

/// Open-addressing hash table from an n-gram's 64-bit hash to its column and idf, in slots of `stride`
/// bytes that a lookup reads as one piece: a 16-byte slot (hash, column, idf) while training, or a slot
/// that also holds the column's weights for every label (`WeightRows`) in a model, so that scoring one
/// distinct n-gram touches one cache line.
///
/// Slot layout: n-gram hash (UInt64) at 0, column (Int32, -1 = empty slot) at 8, idf (Float32) at 12,
/// then `stride - 16` bytes for the weights. Capacity is the smallest power of two that keeps the table
/// at most `maximumLoad` (4/5) full; the slot of hash `h` is `h & (capacity - 1)` (the hashes are already
/// well mixed), probing linearly. So full a table is fine because lookups scan tags, not slots: a long
/// run of taken slots costs a few more tag bytes in cache, while the smaller table halves the model
/// file, its load time and the memory that scoring spreads its reads over.
///
/// Beside the slots, one byte per slot (`tags`, derived, never stored): 0 for an empty slot, else
/// `tag(hash)`, eight more bits of the hash. A lookup scans the tags (a table small enough for the
/// cache) and reads the one slot whose tag matches: an n-gram that is not in the vocabulary (a fifth of
/// a document's distinct n-grams in news text) never touches the slots, and one that is touches one line.
public struct VocabularyTable: Sendable {
    /// The first 16 bytes of a slot.
    public struct Slot: Sendable, Equatable {
        public var key: UInt64
        public var column: Int32
        public var idf: Float

        public init(key: UInt64, column: Int32, idf: Float) {
            self.key = key
            self.column = column
            self.idf = idf
        }

        public static let empty = Slot(key: 0, column: -1, idf: 0)
    }

    public static let slotHeaderBytes = 16

    /// The fullest a table is built: 4/5 of its slots taken.
    public static let maximumLoad = (taken: 4, slots: 5)

    /// Whether `capacity` slots hold `count` entries within `maximumLoad`.
    public static func holds(_ count: Int, capacity: Int) -> Bool {
        count * maximumLoad.slots <= capacity * maximumLoad.taken
    }

    /// The slots, `capacity * stride` bytes.
    public let memory: Storage<UInt8>
    /// Bytes per slot: 16, or a power of two holding the weights as well.
    public let stride: Int
    /// Number of entries (columns).
    public let count: Int
    /// capacity - 1.
    public let mask: Int
    /// One byte per slot: 0 empty, else `tag(key)`; then the first 16 again, so that 16 tags can be read
    /// from any slot on (`tagsPadding`).
    public let tags: Storage<UInt8>
    public static let tagsPadding = 16

    public var capacity: Int { mask + 1 }

    /// Builds the table for `hashes[c]` -> column `c`, with `idf[c]`; `fill(c, weights)` writes column
    /// `c`'s `stride - 16` bytes of weights.
    public init(hashes: [UInt64], idf: [Float], stride: Int = slotHeaderBytes,
                fill: ((Int, UnsafeMutableRawPointer) -> Void)? = nil) {
        precondition(hashes.count == idf.count && stride >= VocabularyTable.slotHeaderBytes && stride % 16 == 0)
        var capacity = 16
        while !VocabularyTable.holds(hashes.count, capacity: capacity) { capacity <<= 1 }
        let mask = capacity - 1
        let memory = Storage<UInt8>(zeroed: capacity * stride)
        let base = UnsafeMutableRawPointer(mutating: memory.base)
        for index in 0..<capacity {
            base.storeBytes(of: Slot.empty, toByteOffset: index * stride, as: Slot.self)
        }
        for (column, hash) in hashes.enumerated() {
            var index = Int(truncatingIfNeeded: hash) & mask
            while true {
                let slot = base.load(fromByteOffset: index * stride, as: Slot.self)
                if slot.column < 0 { break }
                precondition(slot.key != hash, "duplicate vocabulary hash")
                index = (index + 1) & mask
            }
            base.storeBytes(of: Slot(key: hash, column: Int32(column), idf: idf[column]), toByteOffset: index * stride, as: Slot.self)
            fill?(column, base + index * stride + VocabularyTable.slotHeaderBytes)
        }
        self.init(memory: memory, stride: stride, count: hashes.count, tags: VocabularyTable.tags(memory, stride: stride))
    }

    /// Wraps stored slots (from a model file): `memory.count / stride` must be a power of two; `tags`,
    /// one per slot and the padding, as `tags(_:stride:)` makes them.
    public init(memory: Storage<UInt8>, stride: Int, count: Int, tags: Storage<UInt8>) {
        precondition(tags.count == memory.count / stride + VocabularyTable.tagsPadding)
        self.memory = memory
        self.stride = stride
        self.count = count
        self.mask = memory.count / stride - 1
        self.tags = tags
    }

    /// The tag of a hash: its top eight bits, 1 for 0 so that no tag is 0 (a slot whose tag matches and
    /// whose hash does not, which costs a second read, then comes once in about 256 slots scanned).
    @inline(__always)
    public static func tag(_ hash: UInt64) -> UInt8 {
        max(UInt8(truncatingIfNeeded: hash >> 56), 1)
    }

    /// The tag of a stored slot: 0 when it is empty.
    @inline(__always)
    public static func tag(of slot: Slot) -> UInt8 {
        slot.column >= 0 ? tag(slot.key) : 0
    }

    /// The tags of stored slots.
    public static func tags(_ memory: Storage<UInt8>, stride: Int) -> Storage<UInt8> {
        let count = memory.count / stride
        let tags = Storage<UInt8>(zeroed: count + tagsPadding)
        let out = UnsafeMutablePointer(mutating: tags.base)
        let base = UnsafeRawPointer(memory.base)
        for index in 0..<count {
            out[index] = tag(of: base.load(fromByteOffset: index * stride, as: Slot.self))
        }
        padTags(out, count: count)
        return tags
    }

    /// Writes `tagsPadding` tags after the last one, going round the table from its first (`count` is a
    /// power of two, however small: a model file may hold fewer than 16 slots).
    static func padTags(_ tags: UnsafeMutablePointer<UInt8>, count: Int) {
        for k in 0..<tagsPadding { tags[count + k] = tags[k & (count - 1)] }
    }

    /// The slot at `index` (its first 16 bytes).
    @inline(__always)
    public func slot(at index: Int) -> Slot {
        UnsafeRawPointer(memory.base).load(fromByteOffset: index * stride, as: Slot.self)
    }

    /// Column of `hash`, or -1 when it is not in the vocabulary.
    /// - Complexity: O(1) expected (load factor at most 4/5).
    @inline(__always)
    public func column(of hash: UInt64) -> Int {
        Int(VocabularyTable.probe(hash, base: UnsafeRawPointer(memory.base), stride: stride, mask: mask).slot.column)
    }

    /// The first slot at or after `index` whose tag is `tag`, or -1 when an empty slot comes first: 16
    /// tags compared at once, and a loop only past 16 full slots in a row. Whether a key is in the
    /// vocabulary is as good as random, so the answer is selected, not branched on.
    @inline(__always)
    static func candidate(_ tag: UInt8, from index: Int, tags: UnsafePointer<UInt8>, mask: Int) -> Int {
        let (found, empty) = window(tag, at: index, tags: tags)
        if _slowPath(found | empty == 0) {
            return candidateScan(tag, from: (index &+ 16) & mask, tags: tags, mask: mask)
        }
        // All ones when a tag matched, else 0: the index or -1 by masks, not by a branch.
        // (`found | -found` has its top bit set exactly when `found` is not 0.)
        let matched = 0 &- Int(truncatingIfNeeded: (found | (0 &- found)) >> 31)
        return ((index &+ found.trailingZeroBitCount) & mask & matched) | ~matched
    }

    /// For the 16 tags from `index` on: bit i of `found` set when tag i is `tag` and no empty slot comes
    /// before it, bit i of `empty` when slot i is empty.
    @inline(__always)
    private static func window(_ tag: UInt8, at index: Int, tags: UnsafePointer<UInt8>) -> (found: UInt32, empty: UInt32) {
        let masks = lede_tag_masks16(tags + index, tag)
        let match = masks & 0xFFFF, empty = masks >> 16
        let beforeEmpty = empty == 0 ? UInt32(0xFFFF) : (empty & (0 &- empty)) &- 1
        return (match & beforeEmpty, empty)
    }

    /// `candidate` past 16 full slots in a row: 16 tags at a time on.
    private static func candidateScan(_ tag: UInt8, from index: Int, tags: UnsafePointer<UInt8>, mask: Int) -> Int {
        var index = index
        while true {
            let (found, empty) = window(tag, at: index, tags: tags)
            if found != 0 { return (index + found.trailingZeroBitCount) & mask }
            if empty != 0 { return -1 }
            index = (index + 16) & mask
        }
    }

    /// The slot holding `hash` and its address, found through the tags from the slot after `candidate`
    /// on (a slot whose tag matched but whose hash did not), or an empty slot (column -1) at `base` when
    /// the vocabulary does not hold it: slots whose tag differs are not read.
    @inline(never)
    static func probe(_ hash: UInt64, after candidate: Int, base: UnsafeRawPointer, stride: Int,
                      tags: UnsafePointer<UInt8>, mask: Int) -> (slot: Slot, address: UnsafeRawPointer) {
        let tag = VocabularyTable.tag(hash)
        var index = candidate
        while true {
            index = VocabularyTable.candidate(tag, from: (index + 1) & mask, tags: tags, mask: mask)
            guard index >= 0 else { return (.empty, base) }
            let address = base + index * stride
            let slot = address.load(as: Slot.self)
            if slot.key == hash { return (slot, address) }
        }
    }

    /// The slot holding `hash` and its address, or an empty slot (column -1) when the vocabulary does not hold it.
    @inline(__always)
    static func probe(_ hash: UInt64, base: UnsafeRawPointer, stride: Int, mask: Int) -> (slot: Slot, address: UnsafeRawPointer) {
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let address = base + index * stride
            let slot = address.load(as: Slot.self)
            if slot.column < 0 || slot.key == hash { return (slot, address) }
            index = (index + 1) & mask
        }
    }
}
