#if canImport(Glibc)
import Glibc
#endif

/// Binary L2-regularized squared-hinge (L2-loss) linear SVMs, solved in the dual by coordinate descent
/// (Hsieh, Chang, Lin, Keerthi, Sundararajan, ICML 2008; liblinear's `-s 1`, scikit-learn's `LinearSVC`),
/// `lanes` problems at a time over the same documents.
///
/// Primal of each problem, with y_i in {-1, +1} and x_i extended by a constant bias feature B (whose
/// weight is regularized, as in liblinear and scikit-learn):
/// ```
/// min_w  (1/2) ||w||^2 + sum_i C_i max(0, 1 - y_i w.(s * x_i))^2
/// ```
/// where s is an optional per-feature scale (1 without it; see `OneVsRestSVM`). Dual:
/// `min_a (1/2) a^T (Q + D) a - sum_i a_i`, `a_i >= 0`, with `Q_ij = y_i y_j (s*x_i).(s*x_j)`,
/// `D_ii = 1 / (2 C_i)`, `w = sum_i a_i y_i (s*x_i)`. Each step minimizes exactly over one a_i:
/// `a_i <- max(0, a_i - G_i / (Q_ii + D_ii))`, `G_i = y_i w.(s*x_i) - 1 + D_ii a_i`.
/// A problem stops when its projected gradients over one epoch span at most `tolerance` (liblinear's
/// `-e`, default 0.1).
///
/// The solver keeps `u = s * w`, the weights on the unscaled features, so that the model it returns
/// scores raw tf-idf vectors. The `lanes` problems share each document visit: the weights of one
/// feature for all lanes are one SIMD vector, so a document costs one pass over its non-zeros for all
/// of them. The visiting order comes from a generator seeded by `seed`: the same seed and lanes give
/// the same solution.
public struct SquaredHingeSolver: Sendable {
    public typealias Lanes = SIMD8<Float>
    public static let lanes = Lanes.scalarCount

    /// Regularization per lane: C for positive and negative examples (class weighting sets them apart).
    public var positiveC: [Double]
    public var negativeC: [Double]
    /// The constant bias feature B (liblinear's `-B`, scikit-learn's `intercept_scaling`).
    public var biasFeature: Float = 1
    public var tolerance: Float = 0.1
    public var maxEpochs = 1000
    public var seed: UInt64 = 1

    public init(positiveC: [Double], negativeC: [Double]) {
        precondition(positiveC.count == negativeC.count && positiveC.count <= Self.lanes)
        self.positiveC = positiveC
        self.negativeC = negativeC
    }

    public var problems: Int { positiveC.count }

    public struct Solution {
        /// `weights[j]` holds feature j's weight in each lane (lanes past `problems` are zero).
        public var weights: [Lanes]
        public var bias: Lanes
        public var epochs: [Int]
        public var converged: [Bool]
        /// The dual variables, one per row (a warm start for problems on a subset of these rows).
        public var alpha: [Lanes]
    }

    /// Trains on the rows `rows` of `x`. `positive[r * lanes + l]` tells whether row `rows[r]` is a
    /// positive example of problem l. `squaredScale`, when given, holds s_j^2 for each feature and lane.
    /// `start`, when given, holds starting dual variables (any a >= 0 converges to the same optimum; one
    /// close to it converges in fewer epochs).
    public func solve(_ x: SparseMatrix, rows: [Int32], positive: [Bool], squaredScale: [Lanes]? = nil,
                      start: [Lanes]? = nil) -> Solution {
        let n = rows.count, lanes = Self.lanes, problems = self.problems
        precondition(positive.count == n * lanes && (squaredScale == nil || squaredScale!.count == x.columns))
        precondition(start == nil || start!.count == n)
        // With a scale, feature j's weights and squared scales sit side by side (one cache line for both).
        let stride = squaredScale == nil ? 1 : 2
        var weights = [Lanes](repeating: .zero, count: x.columns * stride)
        if let squaredScale {
            for j in 0..<x.columns { weights[2 * j + 1] = squaredScale[j] }
        }
        var wBias = Lanes.zero
        var epochs = [Int](repeating: 0, count: problems)
        var converged = [Bool](repeating: false, count: problems)
        guard n > 0 else {
            return Solution(weights: [Lanes](repeating: .zero, count: x.columns), bias: .zero, epochs: epochs,
                            converged: [Bool](repeating: true, count: problems), alpha: [])
        }
        var alpha = start ?? [Lanes](repeating: .zero, count: n)
        var sign = [Lanes](repeating: .zero, count: n)
        var diagonal = [Lanes](repeating: .zero, count: n)
        var inverseQ = [Lanes](repeating: .zero, count: n)
        var order = (0..<n).map(Int32.init)
        var random = SplitMix64(seed: seed)
        var live = Lanes.zero  // 1 in the lanes still being solved
        for l in 0..<problems { live[l] = 1 }
        let bias = biasFeature
        x.rowOffsets.withUnsafeBufferPointer { offsets in
        x.columnIndices.withUnsafeBufferPointer { columns in
        x.values.withUnsafeBufferPointer { values in
        weights.withUnsafeMutableBufferPointer { w in
        alpha.withUnsafeMutableBufferPointer { alpha in
        sign.withUnsafeMutableBufferPointer { sign in
        diagonal.withUnsafeMutableBufferPointer { diagonal in
        inverseQ.withUnsafeMutableBufferPointer { inverseQ in
        order.withUnsafeMutableBufferPointer { order in
            let offsets = offsets.baseAddress!, columns = columns.baseAddress!, values = values.baseAddress!
            let w = w.baseAddress!
            let scaled = squaredScale != nil
            /// u += step * (s^2 * x_row), and the bias weight with it.
            @inline(__always) func update(_ step: Lanes, row r: Int) {
                if scaled {
                    for e in offsets[r]..<offsets[r + 1] {
                        let c = 2 * Int(columns[e])
                        w[c] += (values[e] * step) * w[c + 1]
                    }
                } else {
                    for e in offsets[r]..<offsets[r + 1] { w[Int(columns[e])] += values[e] * step }
                }
                wBias += step * bias
            }
            var positiveD = Lanes.zero, negativeD = Lanes.zero
            for l in 0..<problems {
                positiveD[l] = Float(0.5 / positiveC[l])
                negativeD[l] = Float(0.5 / negativeC[l])
            }
            for i in 0..<n {
                let r = Int(rows[i])
                var squaredNorm = Lanes(repeating: bias * bias)
                if scaled {
                    for e in offsets[r]..<offsets[r + 1] {
                        let v = values[e]
                        squaredNorm += (v * v) * w[2 * Int(columns[e]) + 1]
                    }
                } else {
                    var plain: Float = 0
                    for e in offsets[r]..<offsets[r + 1] { plain += values[e] * values[e] }
                    squaredNorm += Lanes(repeating: plain)
                }
                var y = Lanes(repeating: -1)
                for l in 0..<lanes where positive[i * lanes + l] { y[l] = 1 }
                sign[i] = y
                let d = negativeD.replacing(with: positiveD, where: y .> 0)
                diagonal[i] = d
                inverseQ[i] = 1 / (squaredNorm + d)
                let a = alpha[i].replacing(with: 0, where: live .== 0)
                alpha[i] = a
                if a != .zero { update(a * y, row: r) }
            }
            var oldMax = Lanes(repeating: .infinity)
            // Shrinking (liblinear's): a document at a = 0 whose gradient exceeds the largest projected
            // gradient of the previous epoch is likely to stay there; it leaves the active set once every
            // live lane agrees. A lane is done only when an epoch over every document meets the tolerance.
            var activeSize = n
            while live.max() > 0 {
                var newMax = Lanes(repeating: -.infinity), newMin = Lanes(repeating: .infinity)
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
                    for e in start..<end { dot += values[e] * w[stride * Int(columns[e])] }
                    let a = alpha[i]
                    let g = sign[i] * dot - 1 + diagonal[i] * a
                    // At the bound a = 0, only a negative gradient can move: the projected gradient is 0.
                    let atBound = a .== 0
                    let shrinkable = atBound .& (g .> oldMax)
                    if all(shrinkable .| (live .== 0)) {
                        activeSize -= 1
                        order.swapAt(s, activeSize)
                        continue
                    }
                    s += 1
                    var projected = g.replacing(with: 0, where: atBound .& (g .> 0))
                    projected = projected.replacing(with: 0, where: live .== 0)
                    newMax = pointwiseMax(newMax, projected.replacing(with: -.infinity, where: shrinkable))
                    newMin = pointwiseMin(newMin, projected.replacing(with: .infinity, where: shrinkable))
                    let moving = (projected .> 1e-12) .| (projected .< -1e-12)
                    if !any(moving) { continue }
                    let updated = pointwiseMax(a - g * inverseQ[i], .zero)
                    let newAlpha = a.replacing(with: updated, where: moving)
                    let step = (newAlpha - a) * sign[i]
                    alpha[i] = newAlpha
                    update(step, row: r)
                }
                var allMet = true
                for l in 0..<problems where live[l] > 0 {
                    epochs[l] += 1
                    let met = newMax[l] - newMin[l] <= tolerance
                    if met && activeSize == n {
                        live[l] = 0
                        converged[l] = true
                    } else if epochs[l] >= maxEpochs {
                        live[l] = 0
                    } else if !met {
                        allMet = false
                    }
                }
                if allMet && activeSize < n {
                    // Met on the active set: the next epoch visits every document to confirm.
                    activeSize = n
                    oldMax = Lanes(repeating: .infinity)
                    continue
                }
                oldMax = newMax.replacing(with: .infinity, where: newMax .<= 0)
            }
        }}}}}}}}}
        let solved = stride == 1 ? weights : (0..<x.columns).map { weights[2 * $0] }
        return Solution(weights: solved, bias: wBias * bias, epochs: epochs, converged: converged, alpha: alpha)
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
