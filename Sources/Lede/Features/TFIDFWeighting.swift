/// Turns a document's term counts into its tf-idf vector.
///
/// For each column j with count c_j: `tf_j = c_j`, or `1 + ln(c_j)` with `sublinearTF`;
/// `x_j = tf_j * idf_j`; then `x /= ||x||_2` (l2), `x /= sum |x_j|` (l1), or nothing.
/// Arithmetic is in Double, stored as Float, so the result matches scikit-learn's float64 output to
/// within Float rounding; the norm is summed in the vector's order.
enum TFIDFWeighting {
    @inline(__always)
    static func apply(columns: UnsafePointer<Int32>, values: UnsafeMutablePointer<Float>, count: Int,
                      idf: UnsafePointer<Float>, settings: FeatureSettings) {
        apply(columns: columns, values: values, count: count, idf: idf, sublinearTF: settings.sublinearTF, norm: settings.norm)
    }

    /// In place: `values[k]` holds the count of `columns[k]` on entry, its weight on return.
    @inline(__always)
    static func apply(columns: UnsafePointer<Int32>, values: UnsafeMutablePointer<Float>, count: Int,
                      idf: UnsafePointer<Float>, sublinearTF sublinear: Bool, norm: VectorNorm) {
        guard count > 0 else { return }
        var total = 0.0
        for k in 0..<count {
            let x = weight(count: values[k], idf: idf[Int(columns[k])], sublinearTF: sublinear)
            values[k] = Float(x)
            total += normTerm(x, norm)
        }
        normalize(values, count: count, total: total, norm: norm)
    }

    /// `tf * idf` of one column, before normalization.
    @inline(__always)
    static func weight(count: Float, idf: Float, sublinearTF sublinear: Bool) -> Double {
        var tf = Double(count)
        if sublinear && tf != 1 {  // most counts are 1, and ln 1 = 0
            let small = Int(count)
            tf = small < sublinearTableSize ? sublinearTFTable[small] : 1 + PortableMath.log(tf)
        }
        return tf * Double(idf)
    }

    /// The same weight for an integer count, with `table` = `sublinearTFTable`: a table entry (entry 1 is
    /// exactly 1) for the counts below its size, without a branch on whether the count is 1.
    @inline(__always)
    static func weight(count: UInt32, idf: Float, sublinearTF sublinear: Bool, table: UnsafePointer<Double>) -> Double {
        let small = Int(count), counted = Double(Float(count))  // through Float, as the other form
        let tf = !sublinear ? counted : small < sublinearTableSize ? table[small] : 1 + PortableMath.log(counted)
        return tf * Double(idf)
    }

    /// `1 + ln c` for the small counts c that most repeated terms have, the same values `PortableMath.log` gives.
    static let sublinearTableSize = 64
    static let sublinearTable: [Double] = (0..<sublinearTableSize).map { $0 == 1 ? 1 : 1 + PortableMath.log(Double($0)) }
    /// The table as a pointer that lives as long as the process (no array access per term).
    static var sublinearTFTable: UnsafePointer<Double> { sublinearPermanent.pointer }
    private static let sublinearPermanent = PermanentTable(sublinearTable)

    /// What one weight adds to the norm's sum: x² (l2), |x| (l1), nothing.
    @inline(__always)
    static func normTerm(_ x: Double, _ norm: VectorNorm) -> Double {
        switch norm {
        case .l2: return x * x
        case .l1: return abs(x)
        case .none: return 0
        }
    }

    /// Divides the weights by the norm whose sum of `normTerm`s is `total`.
    @inline(__always)
    static func normalize(_ values: UnsafeMutablePointer<Float>, count: Int, total: Double, norm: VectorNorm) {
        guard norm != .none, total > 0 else { return }
        let scale = norm == .l2 ? 1 / total.squareRoot() : 1 / total
        for k in 0..<count {
            values[k] = Float(Double(values[k]) * scale)
        }
    }
}
