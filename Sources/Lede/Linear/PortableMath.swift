/// `exp`, `log` and `log1p` in Double that give the same bits on every IEEE-754 machine.
///
/// The C library's versions do not: glibc picks FMA variants of `exp`, `log`, `log1p` and `pow` on CPUs
/// that have FMA, and their last bits differ from the plain ones on some inputs, so a model trained with
/// them would depend on the CPU it was trained on. These are fdlibm's algorithms (Sun Microsystems, 1993,
/// freely redistributable; the same as FreeBSD's msun): table-free range reduction, a fixed polynomial,
/// and only +, -, *, / and bit operations, each rounded once (Swift does not fuse a multiply and an add),
/// so the result is a function of the input alone. Error below 1 ulp.
public enum PortableMath {
    private static let ln2Hi = 6.93147180369123816490e-01  // 0x3FE62E42_FEE00000: k * ln2Hi is exact
    private static let ln2Lo = 1.90821492927058770002e-10  // 0x3DEA39EF_35793C76
    private static let two54 = 1.80143985094819840000e+16

    /// e^x (fdlibm `__ieee754_exp`): x = k ln2 + r with |r| <= ln2 / 2, e^r from a rational approximation,
    /// then scaled by 2^k.
    public static func exp(_ x: Double) -> Double {
        let invLn2 = 1.44269504088896338700e+00
        let p1 = 1.66666666666666019037e-01, p2 = -2.77777777770155933842e-03, p3 = 6.61375632143793436117e-05
        let p4 = -1.65339022054652515390e-06, p5 = 4.13813679705723846039e-08
        let high = UInt32(truncatingIfNeeded: x.bitPattern >> 32)
        let negative = high >> 31 != 0
        let magnitude = high & 0x7FFF_FFFF
        if magnitude >= 0x4086_2E42 {  // |x| >= 709.78..., or not finite
            if x.isNaN { return x + x }
            if x.isInfinite { return negative ? 0 : x }
            if x > 7.09782712893383973096e+02 { return .infinity }
            if x < -7.45133219101941108420e+02 { return 0 }
        }
        var r = x, hi = 0.0, lo = 0.0, k = 0
        if magnitude > 0x3FD6_2E42 {  // |x| > ln2 / 2
            if magnitude < 0x3FF0_A2B2 {  // and |x| < 1.5 ln2
                hi = negative ? x + ln2Hi : x - ln2Hi
                lo = negative ? -ln2Lo : ln2Lo
                k = negative ? -1 : 1
            } else {
                k = Int(invLn2 * x + (negative ? -0.5 : 0.5))
                let t = Double(k)
                hi = x - t * ln2Hi
                lo = t * ln2Lo
            }
            r = hi - lo
        } else if magnitude < 0x3E30_0000 {  // |x| < 2^-28
            return 1 + x
        }
        let t = r * r
        let c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))))
        if k == 0 { return 1 - ((r * c) / (c - 2) - r) }
        let y = 1 - ((lo - (r * c) / (2 - c)) - hi)
        if k >= -1021 {
            return Double(bitPattern: y.bitPattern &+ (UInt64(bitPattern: Int64(k)) << 52))
        }
        let scaled = Double(bitPattern: y.bitPattern &+ (UInt64(bitPattern: Int64(k + 1000)) << 52))
        return scaled * 9.33263618503218878990e-302  // 2^-1000
    }

    private static let lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01
    private static let lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01
    private static let lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01
    private static let lg7 = 1.479819860511658591e-01

    /// ln x (fdlibm `__ieee754_log`): x = 2^k (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2), then
    /// ln(1 + f) = 2s + s R(s^2) with s = f / (2 + f).
    public static func log(_ x: Double) -> Double {
        var x = x
        var high = Int32(truncatingIfNeeded: Int64(bitPattern: x.bitPattern) >> 32)
        var k: Int32 = 0
        if high < 0x0010_0000 {  // x < 2^-1022: zero, negative or subnormal
            if x == 0 { return -.infinity }
            if x < 0 || x.isNaN { return .nan }
            k -= 54
            x *= two54
            high = Int32(truncatingIfNeeded: Int64(bitPattern: x.bitPattern) >> 32)
        }
        if high >= 0x7FF0_0000 { return x + x }
        k += (high >> 20) - 1023
        high &= 0x000F_FFFF
        let i = (high &+ 0x95F64) & 0x10_0000
        x = withHigh(x, UInt32(bitPattern: high | (i ^ 0x3FF0_0000)))  // x or x / 2, normalized
        k += i >> 20
        let f = x - 1
        let dk = Double(k)
        if (0x000F_FFFF & (2 &+ high)) < 3 {  // |f| < 2^-20
            if f == 0 { return k == 0 ? 0 : dk * ln2Hi + dk * ln2Lo }
            let r = f * f * (0.5 - 0.33333333333333333 * f)
            return k == 0 ? f - r : dk * ln2Hi - ((r - dk * ln2Lo) - f)
        }
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let t1 = w * (lg2 + w * (lg4 + w * lg6))
        let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
        let r = t2 + t1
        if ((high &- 0x6147A) | (0x6B851 &- high)) > 0 {
            let hfsq = 0.5 * f * f
            return k == 0 ? f - (hfsq - s * (hfsq + r)) : dk * ln2Hi - ((hfsq - (s * (hfsq + r) + dk * ln2Lo)) - f)
        }
        return k == 0 ? f - s * (f - r) : dk * ln2Hi - ((s * (f - r) - dk * ln2Lo) - f)
    }

    /// ln(1 + x), accurate for small x (fdlibm `log1p`): 1 + x = 2^k (1 + f) with a correction term c for
    /// the rounding of 1 + x, then the same series as `log`.
    public static func log1p(_ x: Double) -> Double {
        let high = Int32(truncatingIfNeeded: Int64(bitPattern: x.bitPattern) >> 32)
        let magnitude = high & 0x7FFF_FFFF
        var k: Int32 = 1, f = 0.0, c = 0.0, hu: Int32 = 0
        if high < 0x3FDA_827A {  // x < 0.41422
            if magnitude >= 0x3FF0_0000 {  // x <= -1
                return x == -1 ? -.infinity : .nan
            }
            if magnitude < 0x3E20_0000 {  // |x| < 2^-29
                return magnitude < 0x3C90_0000 ? x : x - x * x * 0.5
            }
            if high > 0 || high <= Int32(bitPattern: 0xBFD2_BEC3) {  // -0.2929 < x < 0.41422
                k = 0
                f = x
                hu = 1
            }
        }
        if high >= 0x7FF0_0000 { return x + x }
        if k != 0 {
            var u: Double
            if high < 0x4340_0000 {
                u = 1 + x
                hu = Int32(truncatingIfNeeded: Int64(bitPattern: u.bitPattern) >> 32)
                k = (hu >> 20) - 1023
                c = k > 0 ? 1 - (u - x) : x - (u - 1)  // the rounding error of 1 + x
                c /= u
            } else {
                u = x
                hu = Int32(truncatingIfNeeded: Int64(bitPattern: u.bitPattern) >> 32)
                k = (hu >> 20) - 1023
                c = 0
            }
            hu &= 0x000F_FFFF
            if hu < 0x6A09E {
                u = withHigh(u, UInt32(bitPattern: hu | 0x3FF0_0000))  // u normalized
            } else {
                k += 1
                u = withHigh(u, UInt32(bitPattern: hu | 0x3FE0_0000))  // u / 2 normalized
                hu = (0x0010_0000 - hu) >> 2
            }
            f = u - 1
        }
        let hfsq = 0.5 * f * f
        let dk = Double(k)
        if hu == 0 {  // |f| < 2^-20
            if f == 0 {
                if k == 0 { return 0 }
                c += dk * ln2Lo
                return dk * ln2Hi + c
            }
            let r = hfsq * (1 - 0.66666666666666666 * f)
            return k == 0 ? f - r : dk * ln2Hi - ((r - (dk * ln2Lo + c)) - f)
        }
        let s = f / (2 + f)
        let z = s * s
        let r = z * (lg1 + z * (lg2 + z * (lg3 + z * (lg4 + z * (lg5 + z * (lg6 + z * lg7))))))
        if k == 0 { return f - (hfsq - s * (hfsq + r)) }
        return dk * ln2Hi - ((hfsq - (s * (hfsq + r) + (dk * ln2Lo + c))) - f)
    }

    /// x^y for x > 0, as e^(y ln x) (relative error a few ulp times |y ln x|).
    public static func pow(_ x: Double, _ y: Double) -> Double {
        exp(y * log(x))
    }

    /// x with its high 32 bits replaced.
    @inline(__always)
    private static func withHigh(_ x: Double, _ high: UInt32) -> Double {
        Double(bitPattern: UInt64(high) << 32 | (x.bitPattern & 0xFFFF_FFFF))
    }
}
