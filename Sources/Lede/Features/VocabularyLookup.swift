import CLedeSupport

/// Looks a document's distinct n-grams up in a `VocabularyTable` and weights those it holds, in three
/// stages `tagsAhead` and `slotsAhead` n-grams apart, so that the lookups' cache misses overlap instead
/// of following one another: fetch the tags at a key's home slot; scan them for the key's tag and fetch
/// the slot found; read the slot.
///
/// Whether an n-gram is in the vocabulary is as good as random, so no branch depends on it: a miss reads
/// slot 0 (in cache) instead, its entry is written past the found ones and not counted, and it adds 0 to
/// the norm's sum. The loop runs in three parts (filling the stages, all three at once, draining them),
/// so that the middle part, nearly every n-gram of a document, checks no stage's bounds.
struct VocabularyLookup {
    let slots: UnsafeRawPointer
    let tags: UnsafePointer<UInt8>
    let stride: Int
    let mask: Int
    /// The byte offset of the slot that each n-gram's tag scan found (bit 0 set: none), waiting to be
    /// read: a ring of `ringSize`.
    let candidates: UnsafeMutablePointer<Int>
    /// N-grams between fetching the tags and scanning them (the tags are a small table, mostly in the
    /// second-level cache), and between fetching the slot found and reading it (from memory): measured.
    static let tagsAhead = 8, slotsAhead = 24
    /// A power of two above `slotsAhead`.
    static let ringSize = 32

    init(_ table: VocabularyTable) {
        slots = UnsafeRawPointer(table.memory.base)
        tags = table.tags.base
        stride = table.stride
        mask = table.mask
        candidates = .allocate(capacity: VocabularyLookup.ringSize)
    }

    func deallocate() { candidates.deallocate() }

    /// Where the weights of each found n-gram go: its column, its tf-idf weight before normalization, and
    /// the address of its slot's weights (`slotHeaderBytes` into the slot). Each holds `n` entries.
    struct Output {
        var columns: UnsafeMutablePointer<Int32>
        var values: UnsafeMutablePointer<Float>
        var weights: UnsafeMutablePointer<UnsafeRawPointer?>
    }

    /// Looks up `keys[0..<n]` (occurring `occurrences[i]` times); writes the found ones, in order, to
    /// `output` and returns how many there are and the sum of their `TFIDFWeighting.normTerm`s.
    @inline(__always)
    func lookUp(_ keys: UnsafePointer<UInt64>, occurrences: UnsafePointer<UInt32>, count n: Int, into output: Output,
                sublinearTF: Bool, norm: VectorNorm, tfTable: UnsafePointer<Double>) -> (found: Int, total: Double) {
        // The defaults' weighting (sublinear tf, l2 norm) as constants, in a copy of the loop of its own
        // (a specialization): no test of either per n-gram, and registers for the rest.
        if sublinearTF && norm == .l2 {
            return stages(keys, occurrences: occurrences, count: n, into: output, weighting: DefaultWeighting(), tfTable: tfTable)
        }
        return stages(keys, occurrences: occurrences, count: n, into: output,
                      weighting: GivenWeighting(sublinearTF: sublinearTF, norm: norm), tfTable: tfTable)
    }

    /// How the found n-grams are weighted: constants for the defaults, values otherwise.
    private protocol Weighting {
        var sublinearTF: Bool { get }
        var norm: VectorNorm { get }
    }

    private struct DefaultWeighting: Weighting {
        var sublinearTF: Bool { true }
        var norm: VectorNorm { .l2 }
    }

    private struct GivenWeighting: Weighting {
        let sublinearTF: Bool
        let norm: VectorNorm
    }

    @inline(__always)
    private func stages<W: Weighting>(_ keys: UnsafePointer<UInt64>, occurrences: UnsafePointer<UInt32>, count n: Int,
                                      into output: Output, weighting: W, tfTable: UnsafePointer<Double>)
        -> (found: Int, total: Double)
    {
        let sublinearTF = weighting.sublinearTF, norm = weighting.norm
        let tagsAhead = VocabularyLookup.tagsAhead, ahead = tagsAhead + VocabularyLookup.slotsAhead
        let ring = VocabularyLookup.ringSize - 1
        let slots = self.slots, tags = self.tags, stride = self.stride, mask = self.mask, candidates = self.candidates
        var found = 0, total = 0.0

        @inline(__always) func fetchTags(_ i: Int) {
            lede_prefetch(tags + (Int(truncatingIfNeeded: keys[i]) & mask))
        }
        @inline(__always) func scanTags(_ i: Int) {
            let key = keys[i]
            let candidate = VocabularyTable.candidate(VocabularyTable.tag(key), from: Int(truncatingIfNeeded: key) & mask,
                                                      tags: tags, mask: mask)
            // The slot's byte offset, with bit 0 set when no tag matched (slot 0 then): a stride is a
            // multiple of 16, so the bit is free, and the read needs no multiply.
            let offset = max(candidate, 0) &* stride | Int(bitPattern: UInt(bitPattern: candidate) >> 63)
            candidates[i & ring] = offset
            lede_prefetch(slots + offset)
        }
        @inline(__always) func readSlot(_ e: Int) {
            let offset = candidates[e & ring]
            var address = slots + (offset & ~1)
            var slot = address.load(as: VocabularyTable.Slot.self)
            // All ones when a tag matched. Another n-gram with the same tag (scan on): the keys'
            // difference, kept when a tag matched, so that whether one did is not a branch of its own.
            var foundMask = lede_opaque(UInt64(truncatingIfNeeded: offset & 1) &- 1)
            if _slowPath((slot.key ^ keys[e]) & foundMask != 0) {
                (slot, address) = VocabularyTable.probe(keys[e], after: (offset & ~1) / stride, base: slots, stride: stride,
                                                        tags: tags, mask: mask)
                foundMask = slot.column >= 0 ? .max : 0
            }
            let x = TFIDFWeighting.weight(count: occurrences[e], idf: slot.idf, sublinearTF: sublinearTF, table: tfTable)
            output.weights[found] = address + VocabularyTable.slotHeaderBytes
            output.columns[found] = slot.column
            output.values[found] = Float(x)
            // The norm's term where found, else +0 (its bits masked, not a multiply by 0 or 1).
            total += Double(bitPattern: TFIDFWeighting.normTerm(x, norm).bitPattern & foundMask)
            found &+= Int(truncatingIfNeeded: foundMask & 1)
        }
        /// Step `i` of the pipeline with each stage's bounds checked.
        @inline(__always) func checkedStep(_ i: Int) {
            if i < n { fetchTags(i) }
            if i >= tagsAhead && i &- tagsAhead < n { scanTags(i &- tagsAhead) }
            if i >= ahead { readSlot(i &- ahead) }
        }

        let filled = min(ahead, n)
        for i in 0..<filled { checkedStep(i) }
        if n > ahead {
            for i in ahead..<n {
                fetchTags(i)
                scanTags(i &- tagsAhead)
                readSlot(i &- ahead)
            }
        }
        for i in max(filled, n)..<(n + ahead) { checkedStep(i) }
        return (found, total)
    }
}
