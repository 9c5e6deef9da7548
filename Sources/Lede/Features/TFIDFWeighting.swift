/// Turns a document's term counts into its tf-idf vector, in place.
///
/// For each column j with count c_j: `tf_j = c_j`, or `1 + ln(c_j)` with `sublinearTF`;
/// `x_j = tf_j * idf_j`; then `x /= ||x||_2` (l2), `x /= sum |x_j|` (l1), or nothing.
/// Arithmetic is in Double, stored as Float, so the result matches scikit-learn's float64 output to
/// within Float rounding.
enum TFIDFWeighting {
    @inline(__always)
    static func apply(columns: UnsafePointer<Int32>, values: UnsafeMutablePointer<Float>, count: Int,
                      idf: UnsafePointer<Float>, settings: FeatureSettings) {
        apply(columns: columns, values: values, count: count, idf: idf, sublinearTF: settings.sublinearTF, norm: settings.norm)
    }

    @inline(__always)
    static func apply(columns: UnsafePointer<Int32>, values: UnsafeMutablePointer<Float>, count: Int,
                      idf: UnsafePointer<Float>, sublinearTF sublinear: Bool, norm: VectorNorm) {
        guard count > 0 else { return }
        var total = 0.0
        for k in 0..<count {
            var tf = Double(values[k])
            if sublinear && tf != 1 { tf = 1 + PortableMath.log(tf) }  // most counts are 1, and ln 1 = 0
            let x = tf * Double(idf[Int(columns[k])])
            values[k] = Float(x)
            switch norm {
            case .l2: total += x * x
            case .l1: total += abs(x)
            case .none: break
            }
        }
        guard norm != .none, total > 0 else { return }
        let scale = norm == .l2 ? 1 / total.squareRoot() : 1 / total
        for k in 0..<count {
            values[k] = Float(Double(values[k]) * scale)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
