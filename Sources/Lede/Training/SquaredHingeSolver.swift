/// One binary L2-regularized squared-hinge (L2-loss) linear SVM, solved in the dual by coordinate descent
/// with shrinking (Hsieh, Chang, Lin, Keerthi, Sundararajan, ICML 2008; liblinear's `-s 1`, scikit-learn's
/// `LinearSVC`).
///
/// Primal, with y_i in {-1, +1}, x_i extended by a constant bias feature B (whose weight is regularized,
/// as in liblinear and scikit-learn):
/// ```
/// min_w  (1/2) ||w||^2 + sum_i C_i max(0, 1 - y_i w.x_i)^2
/// ```
/// Dual: `min_a (1/2) a^T (Q + D) a - sum_i a_i` subject to `a_i >= 0`, with `Q_ij = y_i y_j x_i.x_j`,
/// `D_ii = 1 / (2 C_i)`, and `w = sum_i a_i y_i x_i`. Each step minimizes exactly over one a_i:
/// `a_i <- max(0, a_i - G_i / (Q_ii + D_ii))`, `G_i = y_i w.x_i - 1 + D_ii a_i`.
/// Stops when the projected gradients span less than `tolerance` (liblinear's `-e`, default 0.1).
///
/// Deterministic: the visiting order comes from a generator seeded by `seed`.
public struct SquaredHingeSolver: Sendable {
    /// Regularization: C for positive and negative examples (class weighting scales them apart).
    public var positiveC: Double
    public var negativeC: Double
    /// The constant bias feature B (liblinear's `-B`, scikit-learn's `intercept_scaling`).
    public var biasFeature: Double = 1
    public var tolerance: Double = 0.1
    public var maxEpochs = 1000
    public var seed: UInt64 = 1

    public init(positiveC: Double, negativeC: Double) {
        self.positiveC = positiveC
        self.negativeC = negativeC
    }

    public struct Solution: Sendable {
        /// One weight per column of the data.
        public var weights: [Double]
        public var bias: Double
        public var epochs: Int
        public var converged: Bool
    }

    /// Trains on the rows `rows` of `x`; `positive[r]` tells whether row `rows[r]` is a positive example.
    public func solve(_ x: SparseMatrix, rows: [Int32], positive: [Bool]) -> Solution {
        precondition(rows.count == positive.count)
        let n = rows.count
        var w = [Double](repeating: 0, count: x.columns)
        var wBias = 0.0
        guard n > 0 else { return Solution(weights: w, bias: 0, epochs: 0, converged: true) }
        var alpha = [Double](repeating: 0, count: n)
        var diagonal = [Double](repeating: 0, count: n)
        var qd = [Double](repeating: 0, count: n)
        var sign = [Double](repeating: 0, count: n)
        var order = [Int32](repeating: 0, count: n)
        var random = SplitMix64(seed: seed)
        var epochs = 0
        var converged = false
        let bias = biasFeature
        x.rowOffsets.withUnsafeBufferPointer { offsets in
        x.columnIndices.withUnsafeBufferPointer { columns in
        x.values.withUnsafeBufferPointer { values in
        w.withUnsafeMutableBufferPointer { w in
        alpha.withUnsafeMutableBufferPointer { alpha in
        diagonal.withUnsafeMutableBufferPointer { diagonal in
        qd.withUnsafeMutableBufferPointer { qd in
        sign.withUnsafeMutableBufferPointer { sign in
        order.withUnsafeMutableBufferPointer { order in
            let offsets = offsets.baseAddress!, columns = columns.baseAddress!, values = values.baseAddress!
            let w = w.baseAddress!
            for i in 0..<n {
                let r = Int(rows[i])
                sign[i] = positive[i] ? 1 : -1
                diagonal[i] = 0.5 / (positive[i] ? positiveC : negativeC)
                var squaredNorm = bias * bias
                for e in offsets[r]..<offsets[r + 1] { squaredNorm += Double(values[e]) * Double(values[e]) }
                qd[i] = squaredNorm + diagonal[i]
                order[i] = Int32(i)
            }
            var activeSize = n
            var oldMax = Double.infinity
            while epochs < maxEpochs {
                var newMax = -Double.infinity, newMin = Double.infinity
                for s in 0..<activeSize {
                    let j = s + Int(random.next() % UInt64(activeSize - s))
                    order.swapAt(s, j)
                }
                var s = 0
                while s < activeSize {
                    let i = Int(order[s])
                    let r = Int(rows[i])
                    let start = offsets[r], end = offsets[r + 1]
                    var dot = wBias * bias
                    for e in start..<end { dot += w[Int(columns[e])] * Double(values[e]) }
                    let g = sign[i] * dot - 1 + diagonal[i] * alpha[i]
                    var projected = g
                    if alpha[i] == 0 {
                        if g > oldMax {
                            activeSize -= 1
                            order.swapAt(s, activeSize)
                            continue
                        }
                        if g > 0 { projected = 0 }
                    }
                    newMax = max(newMax, projected)
                    newMin = min(newMin, projected)
                    if abs(projected) > 1e-12 {
                        let previous = alpha[i]
                        alpha[i] = max(previous - g / qd[i], 0)
                        let step = (alpha[i] - previous) * sign[i]
                        for e in start..<end { w[Int(columns[e])] += step * Double(values[e]) }
                        wBias += step * bias
                    }
                    s += 1
                }
                epochs += 1
                if newMax - newMin <= tolerance {
                    if activeSize == n { converged = true; break }
                    // Converged on the active set: check every example once more.
                    activeSize = n
                    oldMax = .infinity
                    continue
                }
                oldMax = newMax <= 0 ? .infinity : newMax
            }
        }}}}}}}}}
        return Solution(weights: w, bias: wBias * bias, epochs: epochs, converged: converged)
    }
}

/// A small, fast, seedable generator (Steele, Lea, Flood 2014): the same seed, the same sequence everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
