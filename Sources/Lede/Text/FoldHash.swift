/// The frozen 64-bit token hash of model format 5 on (`TokenHash.Version.fold`): each step is one 64 x 64
/// -> 128-bit multiply whose halves are folded together, so a token of up to 8 bytes costs two multiplies
/// and a pair one more (format 1-4's hash, `TokenHash`, takes five and two, with a serial chain of shifts).
///
/// Part of the model file format like `TokenHash`: its output must never change. Little-endian bytes,
/// wrapping 64-bit arithmetic, `K1 = 0xC2B2AE3D27D4EB4F`, `K2 = 0x9E3779B97F4A7C15`:
/// ```
/// fold(a, b) = low64(a * b) ^ high64(a * b)            (the full 128-bit product)
/// token hash of the bytes b[0..<n] with seed s:
///     blocks w_1 ... w_m: the bytes in 8-byte little-endian words, the last one zero-padded (m = 0 when n == 0)
///     h = s
///     for i in 1 ..< m: h = fold(h ^ w_i, K1)
///     if m > 0: h = h ^ w_m
///     hash = fold(h ^ K1, K2 ^ n)
/// n-gram hash of token hashes t_1 ... t_n (a unigram's hash is its token hash):
///     g = t_1;  for k in 2...n: g = fold(g ^ K2, t_k ^ K1 ^ k)
/// ```
public enum FoldHash {
    @usableFromInline static let k1: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let k2: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// `low64(a * b) ^ high64(a * b)`.
    @inlinable @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// Hash of normalized token bytes.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return finish(seed, count: 0) }
        var h = seed
        let last = absorbAllButLastBlock(base, count: count, into: &h)
        return finish(h ^ TokenHash.tail(base, from: last, to: count), count: count)
    }

    /// The same hash for bytes that are followed by at least 8 readable bytes (the tokenizer's tokens):
    /// the last block is one load, masked.
    @inlinable @inline(__always)
    public static func hash(padded bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return finish(seed, count: 0) }
        return hash(padded: base, count: count, seed: seed, setting: 0)
    }

    /// The hash of the `count` bytes at `base` with bit 0x20 set in each (`lede_copy_lowercased`'s copy:
    /// ASCII letters lowercased, digits and apostrophes unchanged), read where they are: no copy, and a
    /// token of up to 16 bytes without a branch on its length. `count` is at least 1, and 16 bytes past
    /// `base + count` are readable.
    @inlinable @inline(__always)
    public static func hash(asciiWord base: UnsafeRawPointer, count: Int, seed: UInt64) -> UInt64 {
        let caseBits: UInt64 = 0x2020_2020_2020_2020
        guard _fastPath(count <= 16) else { return hash(padded: base, count: count, seed: seed, setting: caseBits) }
        let first = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self)) | caseBits
        let second = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) | caseBits
        // All ones when there are two blocks (9...16 bytes): the first is folded in and the second is last.
        let two = UInt64(truncatingIfNeeded: (8 &- count) &>> 63)
        let h = (fold(seed ^ first, k1) & two) | (seed & ~two)
        let last = (second & two) | (first & ~two)
        let shift = UInt64(truncatingIfNeeded: 64 &- 8 &* count) &+ (64 & two)  // 64 - 8 * (bytes in the last block)
        return finish(h ^ (last & (UInt64.max &>> shift)), count: count)
    }

    /// The hash of the `count` (at least 1) bytes at `base`, each with `caseBits` set, followed by at
    /// least 8 readable bytes: the last block is one load, masked.
    @inlinable @inline(__always)
    static func hash(padded base: UnsafeRawPointer, count: Int, seed: UInt64, setting caseBits: UInt64) -> UInt64 {
        var h = seed
        let last = absorbAllButLastBlock(base, count: count, into: &h, setting: caseBits)
        let rest = count - last  // 1...8 bytes: the mask's shift is 0...56, so it never overflows
        let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: last, as: UInt64.self)) | caseBits
        return finish(h ^ (word & (UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- 8 &* rest))), count: count)
    }

    /// Folds every 8-byte block but the last (which holds 1...8 bytes), each with `caseBits` set, into
    /// `h`; returns the last one's offset.
    @inlinable @inline(__always)
    static func absorbAllButLastBlock(_ base: UnsafeRawPointer, count: Int, into h: inout UInt64,
                                      setting caseBits: UInt64 = 0) -> Int {
        var offset = 0
        while offset &+ 8 < count {
            h = fold(h ^ (UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) | caseBits), k1)
            offset &+= 8
        }
        return offset
    }

    @inlinable @inline(__always)
    static func finish(_ h: UInt64, count: Int) -> UInt64 {
        fold(h ^ k1, k2 ^ UInt64(truncatingIfNeeded: count))
    }

    /// Extends an n-gram hash `g` (of k-1 tokens) by the token hash `next`, giving the hash of k tokens.
    @inlinable @inline(__always)
    public static func extend(_ g: UInt64, with next: UInt64, length k: Int) -> UInt64 {
        fold(g ^ k2, next ^ k1 ^ UInt64(truncatingIfNeeded: k))
    }
}
