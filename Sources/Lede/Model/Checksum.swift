/// The model file's 64-bit checksum: four independent multiply-rotate lanes over little-endian 8-byte
/// words (so it runs at memory speed), folded and finished with `TokenHash.fmix64`.
///
/// ```
/// lanes (a, b, c, d) start at (P1, P2, P1 ^ P2, ~P1); each 32-byte block adds word w_i to lane i:
///     lane = rotl(lane ^ (w * P2), 31) * P1
/// the remaining whole words go to lane a, then the last 0-7 bytes as one zero-padded word to lane b;
/// checksum = fmix64(a ^ rotl(b, 17) ^ rotl(c, 31) ^ rotl(d, 47) ^ length)
/// ```
/// with P1 = 0x9E3779B97F4A7C15 and P2 = 0xC2B2AE3D27D4EB4F. Frozen: it is part of the file format.
public enum Checksum {
    public static func compute(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let p1 = TokenHash.golden, p2 = TokenHash.blockMultiplier
        var a = p1, b = p2, c = p1 ^ p2, d = ~p1
        let count = bytes.count
        guard let base = bytes.baseAddress else { return TokenHash.fmix64(UInt64(count)) }
        var offset = 0
        @inline(__always) func word(_ at: Int) -> UInt64 {
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        }
        while offset + 32 <= count {
            a = TokenHash.absorb(a, word(offset))
            b = TokenHash.absorb(b, word(offset + 8))
            c = TokenHash.absorb(c, word(offset + 16))
            d = TokenHash.absorb(d, word(offset + 24))
            offset += 32
        }
        while offset + 8 <= count {
            a = TokenHash.absorb(a, word(offset))
            offset += 8
        }
        if offset < count { b = TokenHash.absorb(b, TokenHash.tail(base, from: offset, to: count)) }
        @inline(__always) func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
        return TokenHash.fmix64(a ^ rotl(b, 17) ^ rotl(c, 31) ^ rotl(d, 47) ^ UInt64(count))
    }
}
