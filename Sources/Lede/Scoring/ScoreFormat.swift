/// Writes probabilities with a number of significant digits, exactly as C's `printf("%.Ng")` writes them
/// (round half to even on the value; trailing zeros dropped; exponent form below 0.0001): `0.998512`,
/// `0.0312`, `1`, `0`, `1.23457e-05`. Significant digits, not decimals, so that a runner-up label far
/// below the top one still has a score that ranks it (`0.0000` with 4 decimals hid 2 in 3 second labels
/// on BBC test articles). Built in a register and appended at once, without `String` formatting, in the
/// scoring hot path.
public struct ScoreFormat: Sendable {
    public static let defaultDigits = 6
    public static let digitRange = 1...9

    /// Significant digits, in `digitRange`.
    public let digits: Int
    /// 10^digits and 10^(digits - 1): the bounds of a score's scaled digits.
    private let limit: Double
    private let lowest: Double
    /// 10^0 ... 10^22, exact. Each format holds its own copy: formats made per thread then share no
    /// reference count (a shared one would bounce between cores on every record).
    private let powers: [Double] = (0...22).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }

    public init(digits: Int = ScoreFormat.defaultDigits) {
        precondition(ScoreFormat.digitRange.contains(digits), "significant digits must be within \(ScoreFormat.digitRange)")
        self.digits = digits
        limit = powers[digits]
        lowest = powers[digits - 1]
    }

    /// `x * 10^k`, exact for 0 <= k <= 22 (one rounding of the product); more roundings beyond, where
    /// x is below 1e-16 (k reaches 53 for the smallest float).
    @inline(__always)
    private func scale(_ x: Double, by k: Int) -> Double {
        guard k >= 0 else { return x / powers[min(-k, 22)] }
        var result = x, left = k
        while left > 22 {
            result *= powers[22]
            left -= 22
        }
        return result * powers[left]
    }

    /// The bytes `write` stores for a score: a register's 16. The text itself takes at most 14 (`0.000` and
    /// 9 digits, or 9 digits with a point, `e-` and two digits: a Float's exponent has two).
    public static let maximumBytes = 16

    /// Appends `p` (clamped to [0, 1]); NaN as `null`.
    public func append(_ p: Float, to out: inout [UInt8]) {
        let text = self.text(p)
        withUnsafeBytes(of: text.bytes) { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<text.count]).bindMemory(to: UInt8.self)) }
    }

    /// Writes `p` as `append` does, at `target`, which must have `maximumBytes` bytes of room (all of
    /// them may be written); returns the number of bytes that the score takes.
    @inline(__always)
    public func write(_ p: Float, to target: UnsafeMutableRawPointer) -> Int {
        let text = self.text(p)
        target.storeBytes(of: text.bytes, as: UInt128.self)
        return text.count
    }

    /// `p`'s bytes, built in a register.
    @inline(__always)
    private func text(_ p: Float) -> Text {
        guard !p.isNaN else { return Text(bytes: 0x6C6C_756E, count: 4) }  // null
        let x = Double(min(max(p, 0), 1))
        guard x > 0 else { return Text(bytes: 0x30, count: 1) }
        // x = scaled * 10^(exponent - digits + 1), with scaled of exactly `digits` digits.
        var exponent = ScoreFormat.decimalExponent(near: x)
        var scaled = ScoreFormat.roundedToEven(scale(x, by: digits - 1 - exponent))
        if scaled < lowest {  // the estimate was one too high
            exponent -= 1
            scaled = ScoreFormat.roundedToEven(scale(x, by: digits - 1 - exponent))
        }
        if scaled >= limit {  // rounding carried into one more digit (or the estimate was one too low)
            exponent += 1
            scaled = ScoreFormat.roundedToEven(scale(x, by: digits - 1 - exponent))
        }
        // The digits, first in the lowest byte, as ASCII; trailing zeros dropped.
        let (ascii, significant) = ScoreFormat.digitBytes(UInt64(scaled), count: digits)
        var text = Text()
        if exponent < -4 || exponent >= digits {
            // d[.ddd]e-XX: the first digit, the point and the others (if any) placed at once
            let first = ascii & 0xFF
            let mantissa = significant > 1 ? first | 0x2E00 | (ascii >> 8) << 16 : first
            text = Text(bytes: mantissa, count: significant > 1 ? significant + 1 : 1)
            // e- or e+, then at least two digits
            let magnitude = abs(exponent)
            var suffix: UInt64 = exponent < 0 ? 0x2D65 : 0x2B65
            var suffixCount = 2
            if magnitude >= 100 {
                suffix |= UInt64(0x30 + magnitude / 100) << 16
                suffixCount = 3
            }
            let pair = UInt64(0x30 + magnitude / 10 % 10) | UInt64(0x30 + magnitude % 10) << 8
            suffix |= pair << UInt64(8 * suffixCount)
            text.appendClean(Text.wide(suffix), count: suffixCount + 2)
        } else if exponent < 0 {
            // 0. and up to three zeros, then the digits
            text = Text(bytes: 0x3030_3030_2E30 & ((1 &<< Text.bits(1 - exponent)) &- 1), count: 1 - exponent)
            text.appendClean(ascii, count: significant)
        } else {
            let whole = exponent + 1
            text.append(ascii, count: min(whole, significant))
            for _ in significant..<max(whole, significant) { text.append(0x30, count: 1) }
            if significant > whole {
                text.append(0x2E, count: 1)
                text.append(ascii &>> Text.bits(whole), count: significant - whole)
            }
        }
        return text
    }

    /// The `count` (1...9) decimal digits of `value` (< 10^count, at least 10^(count - 1)) as ASCII, the
    /// first in the lowest byte, without the trailing zeros, and how many are left: the digits are split
    /// in halves, quarters and eighths of a word at once (SWAR), and the zeros counted from its top bits.
    @inline(__always)
    static func digitBytes(_ value: UInt64, count: Int) -> (ascii: UInt128, significant: Int) {
        // A ninth digit (the first) goes in front of the other eight.
        let ninth = count == 9 ? value / 100_000_000 : 0
        let eight = count == 9 ? value % 100_000_000 : value
        // Two 32-bit lanes (first four digits, last four), then four 16-bit lanes, then eight bytes: each
        // step a quotient and a remainder by multiplication (exact in these ranges).
        var x = eight / 10_000 | (eight % 10_000) << 32
        let hundreds = ((x &* 10_486) >> 20) & 0x0000_007F_0000_007F
        x = hundreds | (x &- hundreds &* 100) << 16
        let tens = ((x &* 103) >> 10) & 0x000F_000F_000F_000F
        x = tens | (x &- tens &* 10) << 8
        // Now byte i is digit i of the eight; the trailing zero digits are the word's top zero bytes.
        if count == 9 {
            let word = (Text.wide(x) &<< 8 | Text.wide(ninth)) | (Text.wide(0x3030_3030_3030_3030) &<< 8 | 0x30)
            let kept = 9 - x.leadingZeroBitCount / 8
            return (word & ((1 &<< Text.bits(kept)) &- 1), kept)
        }
        let shifted = x >> UInt64(8 * (8 - count))  // without the 8 - count leading zeros
        let kept = 8 - shifted.leadingZeroBitCount / 8
        let mask: UInt64 = kept == 8 ? .max : (1 << UInt64(8 * kept)) &- 1
        return (Text.wide((shifted | 0x3030_3030_3030_3030) & mask), kept)
    }

    /// `x` rounded to the nearest integer, ties to even, for 0 <= x < 2^52: adding 2^52 leaves no bits
    /// below the units, so the addition rounds as the FPU does (to nearest, ties to even). Two additions,
    /// where `rounded(.toNearestOrEven)` is a call into libm on a baseline x86-64 build.
    @inline(__always)
    static func roundedToEven(_ x: Double) -> Double {
        (x + 0x1p52) - 0x1p52
    }

    /// A number's text as it is built, in a register: its first byte in the lowest one, up to
    /// `maximumBytes` bytes.
    fileprivate struct Text {
        var bytes: UInt128 = 0
        var count = 0

        /// Appends `new`, whose bytes past the lowest `n` are 0.
        @inline(__always)
        mutating func appendClean(_ new: UInt128, count n: Int) {
            bytes |= new &<< Text.bits(count)
            count += n
        }

        /// Appends the lowest `n` bytes of `new`.
        @inline(__always)
        mutating func append(_ new: UInt128, count n: Int) {
            let kept = n >= 16 ? new : new & ((1 &<< Text.bits(n)) &- 1)
            bytes |= kept &<< Text.bits(count)
            count += n
        }

        /// `8 * n` as a shift count (0 <= n <= 16), without a generic conversion.
        @inline(__always)
        static func bits(_ n: Int) -> UInt128 { wide(UInt64(truncatingIfNeeded: n &* 8)) }

        /// `value` in the low half, without a generic conversion.
        @inline(__always)
        static func wide(_ value: UInt64) -> UInt128 { UInt128(truncatingIfNeeded: value) }

        @inline(__always)
        static func wide(_ value: Int) -> UInt128 { wide(UInt64(truncatingIfNeeded: value)) }
    }

    /// floor(log10(x)) or one more or less, for x > 0, from the bits of `x` (log2 of the significand
    /// taken as linear: off by less than 0.03 in log10): the scaling that follows corrects it.
    @inline(__always)
    private static func decimalExponent(near x: Double) -> Int {
        let bits = x.bitPattern
        let log2 = Double(Int((bits >> 52) & 0x7FF) - 1023) + Double(bits & 0xF_FFFF_FFFF_FFFF) * 0x1p-52
        let estimate = log2 * 0.301_029_995_663_981_2
        let truncated = Int(estimate)  // toward zero: one more than the floor below 0 unless whole
        return truncated - (Double(truncated) > estimate ? 1 : 0)
    }
}
