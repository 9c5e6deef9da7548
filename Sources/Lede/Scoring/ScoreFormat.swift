#if canImport(Glibc)
import Glibc
#endif

/// Writes probabilities with a number of significant digits, exactly as C's `printf("%.Ng")` writes them
/// (round half to even on the value; trailing zeros dropped; exponent form below 0.0001): `0.998512`,
/// `0.0312`, `1`, `0`, `1.23457e-05`. Significant digits, not decimals, so that a runner-up label far
/// below the top one still has a score that ranks it (`0.0000` with 4 decimals hid 2 in 3 second labels
/// on BBC test articles). Written byte by byte, without `String` formatting, in the scoring hot path.
public struct ScoreFormat: Sendable {
    public static let defaultDigits = 6
    public static let digitRange = 1...9

    /// Significant digits, in `digitRange`.
    public let digits: Int
    private let limit: Double
    /// 10^0 ... 10^22, exact. Each format holds its own copy: formats made per thread then share no
    /// reference count (a shared one would bounce between cores on every record).
    private let powers: [Double] = (0...22).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }

    public init(digits: Int = ScoreFormat.defaultDigits) {
        precondition(ScoreFormat.digitRange.contains(digits), "significant digits must be within \(ScoreFormat.digitRange)")
        self.digits = digits
        limit = powers[digits]
    }

    /// `x * 10^k`, exact for 0 <= k <= 22 (one rounding of the product); more roundings beyond, where
    /// x is below 1e-16 (k reaches 53 for the smallest float).
    private func scale(_ x: Double, by k: Int) -> Double {
        guard k >= 0 else { return x / powers[min(-k, 22)] }
        var result = x, left = k
        while left > 22 {
            result *= powers[22]
            left -= 22
        }
        return result * powers[left]
    }

    /// Appends `p` (clamped to [0, 1]); NaN as `null`.
    public func append(_ p: Float, to out: inout [UInt8]) {
        guard !p.isNaN else { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]); return }
        let x = Double(min(max(p, 0), 1))
        guard x > 0 else { out.append(0x30); return }
        // x = scaled * 10^(exponent - digits + 1), with scaled of exactly `digits` digits.
        var exponent = Int(floor(log10(x)))
        var scaled = scale(x, by: digits - 1 - exponent).rounded(.toNearestOrEven)
        if scaled < limit / 10 {  // log10 rounded up across a power of ten
            exponent -= 1
            scaled = scale(x, by: digits - 1 - exponent).rounded(.toNearestOrEven)
        }
        if scaled >= limit {  // rounding carried into one more digit (or log10 rounded down)
            exponent += 1
            scaled = scale(x, by: digits - 1 - exponent).rounded(.toNearestOrEven)
        }
        // The significant digits as ASCII bytes, first to last, taken off by constant divisions by 10.
        var ascii: (UInt64, UInt64) = (0, 0)  // room for `digitRange.upperBound` digits
        withUnsafeMutableBytes(of: &ascii) { bytes in
            var value = UInt64(scaled)
            for index in stride(from: digits - 1, through: 0, by: -1) {
                bytes[index] = UInt8(truncatingIfNeeded: 0x30 &+ value % 10)
                value /= 10
            }
        }
        /// The significant digit at `index` (0: the first), as an ASCII byte.
        func digit(_ index: Int) -> UInt8 {
            withUnsafeBytes(of: ascii) { $0[index] }
        }
        var significant = digits  // trailing zeros are dropped
        while significant > 1 && digit(significant - 1) == 0x30 { significant -= 1 }
        if exponent < -4 || exponent >= digits {
            out.append(digit(0))
            if significant > 1 {
                out.append(0x2E)
                for index in 1..<significant { out.append(digit(index)) }
            }
            // e- or e+, then at least two digits (byte by byte: an array literal would be allocated per score)
            out.append(0x65)
            out.append(exponent < 0 ? 0x2D : 0x2B)
            let magnitude = abs(exponent)
            if magnitude >= 100 { out.append(UInt8(0x30 + magnitude / 100)) }
            out.append(UInt8(0x30 + magnitude / 10 % 10))
            out.append(UInt8(0x30 + magnitude % 10))
        } else if exponent < 0 {
            out.append(0x30)  // 0.
            out.append(0x2E)
            for _ in 0..<(-exponent - 1) { out.append(0x30) }
            for index in 0..<significant { out.append(digit(index)) }
        } else {
            let whole = exponent + 1
            for index in 0..<whole { out.append(digit(index)) }
            if significant > whole {
                out.append(0x2E)
                for index in whole..<significant { out.append(digit(index)) }
            }
        }
    }
}
