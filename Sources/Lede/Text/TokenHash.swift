/// The frozen 64-bit hash of a normalized token, and the combination of token hashes into n-gram hashes,
/// of model formats 1-4 (`Version.murmur`); format 5 on hashes with `FoldHash` (`Version.fold`). A
/// feature space names its hash in `FeatureSettings.tokenHash`; `hash(_:seed:version:)` and its kin pick it.
///
/// These functions are part of the model file format: a model stores the hashes of its vocabulary (or, in
/// hashing mode, relies on them to pick columns), so their output must never change between versions,
/// compilers or machines. Everything is defined on little-endian bytes with wrapping 64-bit arithmetic.
///
/// Token hash of the bytes `b[0..<n]` with seed `s`:
/// ```
/// h = s ^ (n * 0x9E3779B97F4A7C15)
/// for each 8-byte block w (little-endian; the last partial block zero-padded, no block when n == 0):
///     h = rotl(h ^ (w * 0xC2B2AE3D27D4EB4F), 31) * 0x9E3779B97F4A7C15
/// hash = fmix64(h)
/// fmix64(x): x ^= x >> 33; x *= 0xFF51AFD7ED558CCD; x ^= x >> 33; x *= 0xC4CEB9FE1A85EC53; x ^= x >> 33
/// ```
/// N-gram hash of token hashes `t1 ... tn` (a unigram's hash is its token hash):
/// ```
/// g = t1
/// for k in 2...n: g = fmix64((g * 0x9E3779B97F4A7C15) ^ tk ^ k)
/// ```
public enum TokenHash {
    public static let defaultSeed: UInt64 = 0x4C45_4445_5F56_3031  // "LEDE_V01"

    /// Which frozen hash a feature space uses (stored in its model and counts files).
    public enum Version: Int, Codable, Sendable, CaseIterable {
        /// This enum's functions: 8-byte blocks, murmur3's finalizer (models of format 1-4).
        case murmur = 1
        /// `FoldHash`: one folded 128-bit multiply a block and one a pair (format 5 on).
        case fold = 2

        /// What new feature spaces use.
        public static let current = Version.fold
    }

    /// Hash of normalized token bytes by `version`'s function.
    @inlinable @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64, version: Version) -> UInt64 {
        version == .fold ? FoldHash.hash(bytes, seed: seed) : hash(bytes, seed: seed)
    }

    /// `hash(_:seed:version:)` for bytes followed by at least 8 readable bytes.
    @inlinable @inline(__always)
    public static func hash(padded bytes: UnsafeRawBufferPointer, seed: UInt64, version: Version) -> UInt64 {
        version == .fold ? FoldHash.hash(padded: bytes, seed: seed) : hash(padded: bytes, seed: seed)
    }

    /// `hash(_:seed:version:)` of the `count` bytes at `base` with bit 0x20 set in each, read in place
    /// (the tokenizer's ASCII tokens as they are in the text: `Tokenizer.feed(_:emit:emitASCII:)`).
    @inlinable @inline(__always)
    public static func hash(asciiWord base: UnsafeRawPointer, count: Int, seed: UInt64, version: Version) -> UInt64 {
        version == .fold ? FoldHash.hash(asciiWord: base, count: count, seed: seed) : hash(asciiWord: base, count: count, seed: seed)
    }

    /// `extend(_:with:length:)` by `version`'s function.
    @inlinable @inline(__always)
    public static func extend(_ g: UInt64, with next: UInt64, length k: Int, version: Version) -> UInt64 {
        version == .fold ? FoldHash.extend(g, with: next, length: k) : extend(g, with: next, length: k)
    }

    /// Hash of a token given as text by `version`'s function (normalized already); for tests and tools.
    public static func hash(_ text: String, seed: UInt64 = defaultSeed, version: Version) -> UInt64 {
        var copy = text
        return copy.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed, version: version) }
    }

    @usableFromInline static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
    @usableFromInline static let blockMultiplier: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    /// The murmur3 64-bit finalizer: every input bit affects every output bit.
    @inlinable @inline(__always)
    public static func fmix64(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    @inlinable @inline(__always)
    static func absorb(_ h: UInt64, _ block: UInt64) -> UInt64 {
        let mixed = h ^ (block &* blockMultiplier)
        return ((mixed << 31) | (mixed >> 33)) &* golden
    }

    /// Hash of normalized token bytes.
    /// - Complexity: O(n), one multiply per 8 bytes.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let count = bytes.count
        var h = seed ^ (UInt64(truncatingIfNeeded: count) &* golden)
        guard count > 0, let base = bytes.baseAddress else { return fmix64(h) }
        let offset = absorbWholeBlocks(base, count: count, into: &h)
        if offset < count { h = absorb(h, tail(base, from: offset, to: count)) }
        return fmix64(h)
    }

    /// The same hash for bytes that are followed by at least 8 readable bytes (the tokenizer's tokens):
    /// the last partial block is one load, masked, instead of a loop over its bytes.
    @inlinable @inline(__always)
    public static func hash(padded bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return fmix64(seed) }
        return hash(padded: base, count: count, seed: seed, setting: 0)
    }

    /// The hash of the `count` bytes at `base` with bit 0x20 set in each, read in place: `count` is at
    /// least 1, and 8 bytes past `base + count` are readable.
    @inlinable @inline(__always)
    public static func hash(asciiWord base: UnsafeRawPointer, count: Int, seed: UInt64) -> UInt64 {
        hash(padded: base, count: count, seed: seed, setting: 0x2020_2020_2020_2020)
    }

    /// The hash of the `count` bytes at `base`, each with `caseBits` set, followed by at least 8 readable
    /// bytes: the last partial block is one load, masked.
    @inlinable @inline(__always)
    static func hash(padded base: UnsafeRawPointer, count: Int, seed: UInt64, setting caseBits: UInt64) -> UInt64 {
        var h = seed ^ (UInt64(truncatingIfNeeded: count) &* golden)
        let offset = absorbWholeBlocks(base, count: count, into: &h, setting: caseBits)
        let rest = count - offset
        if rest > 0 {  // 1...7 bytes: the mask's shift is 8...56, so a shift that never overflows will do
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) | caseBits
            h = absorb(h, word & (UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- 8 &* rest)))
        }
        return fmix64(h)
    }

    /// Absorbs every whole 8-byte block of the `count` bytes at `base`, each with `caseBits` set, into
    /// `h`; returns the offset of the rest (fewer than 8 bytes).
    @inlinable @inline(__always)
    static func absorbWholeBlocks(_ base: UnsafeRawPointer, count: Int, into h: inout UInt64,
                                  setting caseBits: UInt64 = 0) -> Int {
        var offset = 0
        while offset + 8 <= count {
            h = absorb(h, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) | caseBits)
            offset += 8
        }
        return offset
    }

    /// The bytes `from ..< to` (fewer than 8) as one little-endian word, zero-padded.
    @inlinable @inline(__always)
    static func tail(_ base: UnsafeRawPointer, from start: Int, to end: Int) -> UInt64 {
        var block: UInt64 = 0
        var shift: UInt64 = 0
        for offset in start..<end {
            block |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) << shift
            shift += 8
        }
        return block
    }

    /// Hash of a token given as text (normalized already) by the murmur hash; for tests and tools.
    public static func hash(_ text: String, seed: UInt64 = defaultSeed) -> UInt64 {
        hash(text, seed: seed, version: .murmur)
    }

    /// Extends an n-gram hash `g` (of k-1 tokens) by the token hash `next`, giving the hash of k tokens.
    @inlinable @inline(__always)
    public static func extend(_ g: UInt64, with next: UInt64, length k: Int) -> UInt64 {
        fmix64((g &* golden) ^ next ^ UInt64(truncatingIfNeeded: k))
    }
}
