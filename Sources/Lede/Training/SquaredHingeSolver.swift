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
        let n = rows.count
        precondition(positive.count == n * Self.lanes && (squaredScale.map { $0.count == x.columns } ?? true))
        precondition(start.map { $0.count == n } ?? true)
        guard n > 0 else {
            return Solution(weights: [Lanes](repeating: .zero, count: x.columns), bias: .zero,
                            epochs: [Int](repeating: 0, count: problems),
                            converged: [Bool](repeating: true, count: problems), alpha: [])
        }
        return x.withUnsafeRows { matrix in
            let descent = DualCoordinateDescent(self, matrix: matrix, columns: x.columns, rows: rows,
                                                squaredScale: squaredScale, start: start)
            descent.start(positive: positive)
            while descent.live.max() > 0 {
                descent.epoch()
            }
            return descent.solution()
        }
    }
}

/// The working state of one `SquaredHingeSolver.solve`: the weights (`u = s * w`, beside the squared
/// scales when there are any), the dual variables and each document's sign, diagonal and inverse of
/// `Q_ii + D_ii`, in memory it owns, and the rows as `SparseRows` (valid while the solve's closure runs,
/// which outlives this object).
private final class DualCoordinateDescent {
    typealias Lanes = SquaredHingeSolver.Lanes
    let solver: SquaredHingeSolver
    let matrix: SparseRows
    let columns: Int
    let rows: [Int32]
    let n: Int
    /// 1 without scale; 2 with one: feature j's weights at `w[2 j]`, its squared scales at `w[2 j + 1]`
    /// (one cache line for both).
    let stride: Int
    let w: UnsafeMutableBufferPointer<Lanes>
    let alpha: UnsafeMutableBufferPointer<Lanes>
    let sign: UnsafeMutableBufferPointer<Lanes>
    let diagonal: UnsafeMutableBufferPointer<Lanes>
    let inverseQ: UnsafeMutableBufferPointer<Lanes>
    /// The visiting order: its first `activeSize` entries are the documents not shrunk.
    let order: UnsafeMutableBufferPointer<Int32>
    var wBias = Lanes.zero
    var epochs: [Int]
    var converged: [Bool]
    /// 1 in the lanes still being solved.
    var live = Lanes.zero
    var random: SplitMix64
    var activeSize: Int
    /// The largest projected gradient of the previous epoch (shrinking's bound).
    var oldMax = Lanes(repeating: .infinity)

    init(_ solver: SquaredHingeSolver, matrix: SparseRows, columns: Int, rows: [Int32], squaredScale: [Lanes]?, start: [Lanes]?) {
        self.solver = solver
        self.matrix = matrix
        self.columns = columns
        self.rows = rows
        n = rows.count
        stride = squaredScale == nil ? 1 : 2
        w = .allocate(capacity: columns * stride)
        w.initialize(repeating: .zero)
        if let squaredScale {
            for j in 0..<columns { w[2 * j + 1] = squaredScale[j] }
        }
        alpha = .allocate(capacity: n)
        if let start { _ = alpha.initialize(from: start) } else { alpha.initialize(repeating: .zero) }
        sign = .allocate(capacity: n)
        sign.initialize(repeating: .zero)
        diagonal = .allocate(capacity: n)
        diagonal.initialize(repeating: .zero)
        inverseQ = .allocate(capacity: n)
        inverseQ.initialize(repeating: .zero)
        order = .allocate(capacity: n)
        for i in 0..<n { order[i] = Int32(i) }
        epochs = [Int](repeating: 0, count: solver.problems)
        converged = [Bool](repeating: false, count: solver.problems)
        for l in 0..<solver.problems { live[l] = 1 }
        random = SplitMix64(seed: solver.seed)
        activeSize = n
    }

    deinit {
        for buffer in [w, alpha, sign, diagonal, inverseQ] { buffer.deallocate() }
        order.deallocate()
    }

    /// u += step * (s^2 * x_row), and the bias weight with it.
    @inline(__always) private func update(_ step: Lanes, row r: Int, bias wBias: inout Lanes) {
        let columns = matrix.columns, values = matrix.values, w = w.baseAddress!
        if stride == 2 {
            for e in matrix.range(of: r) {
                let c = 2 * Int(columns[e])
                w[c] += (values[e] * step) * w[c + 1]
            }
        } else {
            for e in matrix.range(of: r) { w[Int(columns[e])] += values[e] * step }
        }
        wBias += step * solver.biasFeature
    }

    /// Each document's sign, diagonal `D_ii = 1 / (2 C_i)` and `1 / (Q_ii + D_ii)`; the starting dual
    /// variables' contribution to the weights.
    func start(positive: [Bool]) {
        let lanes = SquaredHingeSolver.lanes, bias = solver.biasFeature
        var wBias = Lanes.zero
        let columns = matrix.columns, values = matrix.values, w = w.baseAddress!
        var positiveD = Lanes.zero, negativeD = Lanes.zero
        for l in 0..<solver.problems {
            positiveD[l] = Float(0.5 / solver.positiveC[l])
            negativeD[l] = Float(0.5 / solver.negativeC[l])
        }
        for i in 0..<n {
            let r = Int(rows[i])
            var squaredNorm = Lanes(repeating: bias * bias)
            if stride == 2 {
                for e in matrix.range(of: r) {
                    let v = values[e]
                    squaredNorm += (v * v) * w[2 * Int(columns[e]) + 1]
                }
            } else {
                var plain: Float = 0
                for e in matrix.range(of: r) { plain += values[e] * values[e] }
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
            if a != .zero { update(a * y, row: r, bias: &wBias) }
        }
        self.wBias = wBias
    }

    /// One pass over the active documents in a fresh random order, each dual variable minimized exactly,
    /// then the convergence check of every live lane.
    ///
    /// Shrinking (liblinear's): a document at a = 0 whose gradient exceeds the largest projected gradient
    /// of the previous epoch is likely to stay there; it leaves the active set once every live lane
    /// agrees. A lane is done only when an epoch over every document meets the tolerance.
    func epoch() {
        // The state the loop reads and writes, in locals (registers) for the pass.
        let bias = solver.biasFeature, live = live, oldMax = oldMax
        var wBias = wBias, activeSize = activeSize
        let columns = matrix.columns, values = matrix.values, w = w.baseAddress!, stride = stride
        var newMax = Lanes(repeating: -.infinity), newMin = Lanes(repeating: .infinity)
        for s in 0..<activeSize {
            let j = s + Int(random.next() % UInt64(activeSize - s))
            order.swapAt(s, j)
        }
        var s = 0
        while s < activeSize {
            let i = Int(order[s])
            let r = Int(rows[i])
            var dot = wBias * bias
            for e in matrix.range(of: r) { dot += values[e] * w[stride * Int(columns[e])] }
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
            update(step, row: r, bias: &wBias)
        }
        self.wBias = wBias
        self.activeSize = activeSize
        endEpoch(newMax: newMax, newMin: newMin)
    }

    /// Counts the epoch for each live lane and retires the lanes that met the tolerance over every
    /// document or reached the epoch cap; when every lane met it on the active set only, the next epoch
    /// visits every document to confirm.
    private func endEpoch(newMax: Lanes, newMin: Lanes) {
        var allMet = true
        for l in 0..<solver.problems where live[l] > 0 {
            epochs[l] += 1
            let met = newMax[l] - newMin[l] <= solver.tolerance
            if met && activeSize == n {
                live[l] = 0
                converged[l] = true
            } else if epochs[l] >= solver.maxEpochs {
                live[l] = 0
            } else if !met {
                allMet = false
            }
        }
        if allMet && activeSize < n {
            activeSize = n
            oldMax = Lanes(repeating: .infinity)
            return
        }
        oldMax = newMax.replacing(with: .infinity, where: newMax .<= 0)
    }

    func solution() -> SquaredHingeSolver.Solution {
        let weights = stride == 1 ? Array(w) : (0..<columns).map { w[2 * $0] }
        return SquaredHingeSolver.Solution(weights: weights, bias: wBias * solver.biasFeature, epochs: epochs,
                                           converged: converged, alpha: Array(alpha))
    }
}
