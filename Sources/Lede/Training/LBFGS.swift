/// Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4) with a backtracking Armijo line search.
///
/// Vectors are Float32 (the model's precision), allocated once per run; every inner product is accumulated
/// in Double, and all vector arithmetic goes through `FixedOrderBLAS` (the same bits on every machine).
/// Stops when the gradient's largest component falls below `gradientTolerance`, when an iteration improves
/// f by less than `relativeTolerance * max(|f|, 1)`, or after `maxIterations`.
struct LBFGS {
    var memory = 10
    var maxIterations = 100
    var gradientTolerance = 1e-5
    var relativeTolerance = 1e-9

    struct Result {
        var iterations: Int
        var value: Double
        var converged: Bool
    }

    /// Minimizes f starting from `x` (updated in place).
    /// `evaluate(x, gradient)` returns f(x) and writes its gradient.
    func minimize(_ start: inout [Float], progress: ((Int, Double) -> Void)? = nil,
                  evaluate: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Double) -> Result {
        let d = start.count
        // x, g, direction, trial x, trial g; then the memory's pairs.
        let block = UnsafeMutablePointer<Float>.allocate(capacity: d * 5)
        defer { block.deallocate() }
        var x = block, g = block + d
        let direction = block + 2 * d
        var trialX = block + 3 * d, trialG = block + 4 * d
        start.withUnsafeBufferPointer { x.update(from: $0.baseAddress!, count: d) }
        var history = CurvatureHistory(pairs: memory, dimensions: d)
        defer { history.deallocate() }
        var f = evaluate(x, g)
        var iteration = 0
        var converged = false
        while iteration < maxIterations {
            if maxAbs(g, d) < gradientTolerance { converged = true; break }
            var slope = history.descentDirection(gradient: g, into: direction)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                FixedOrderBLAS.copy(g, direction, count: d)
                FixedOrderBLAS.scale(-1, direction, count: d)
                history.forget()
                slope = FixedOrderBLAS.dot(g, direction, count: d)
            }
            let firstStep = history.isEmpty ? min(1, 1 / max(FixedOrderBLAS.norm(g, count: d), 1e-12)) : 1.0
            guard let trialF = lineSearch(from: x, value: f, slope: slope, along: direction, firstStep: firstStep,
                                          trialX: trialX, trialG: trialG, dimensions: d, evaluate: evaluate) else { break }
            iteration += 1
            history.record(from: x, to: trialX, gradients: g, trialG)
            let improvement = f - trialF
            swap(&x, &trialX)
            swap(&g, &trialG)
            f = trialF
            progress?(iteration, f)
            if improvement < relativeTolerance * max(abs(f), 1) { converged = true; break }
        }
        start.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: x, count: d) }
        return Result(iterations: iteration, value: f, converged: converged)
    }

    /// Backtracking from `firstStep`, halving up to 30 times, until the Armijo condition
    /// `f(x + step d) <= f + 1e-4 step slope` holds: f at the accepted point (its x and gradient in
    /// `trialX` and `trialG`), or nil when no step is accepted.
    private func lineSearch(from x: UnsafePointer<Float>, value f: Double, slope: Double, along direction: UnsafePointer<Float>,
                            firstStep: Double, trialX: UnsafeMutablePointer<Float>, trialG: UnsafeMutablePointer<Float>,
                            dimensions d: Int, evaluate: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Double) -> Double? {
        var step = firstStep
        for _ in 0..<30 {
            FixedOrderBLAS.copy(x, trialX, count: d)
            FixedOrderBLAS.axpy(Float(step), direction, trialX, count: d)
            let trialF = evaluate(trialX, trialG)
            if trialF <= f + 1e-4 * step * slope { return trialF }
            step *= 0.5
        }
        return nil
    }

    private func maxAbs(_ v: UnsafePointer<Float>, _ d: Int) -> Double {
        var m: Float = 0
        for i in 0..<d { m = max(m, abs(v[i])) }
        return Double(m)
    }
}

/// The last `pairs` curvature pairs `s = x_new - x`, `y = g_new - g` (a ring, in memory it owns) and
/// `rho = 1 / (s . y)`: the inverse Hessian approximation of L-BFGS.
private struct CurvatureHistory {
    private let pairs: Int
    private let d: Int
    private let memory: UnsafeMutablePointer<Float>
    private let s: [UnsafeMutablePointer<Float>]
    private let y: [UnsafeMutablePointer<Float>]
    private var rho: [Double]
    private var alpha: [Double]
    private var stored = 0
    private var newest = -1

    init(pairs: Int, dimensions d: Int) {
        self.pairs = pairs
        self.d = d
        let memory = UnsafeMutablePointer<Float>.allocate(capacity: max(d * 2 * pairs, 1))
        self.memory = memory
        s = (0..<pairs).map { memory + $0 * d }
        y = (0..<pairs).map { memory + (pairs + $0) * d }
        rho = [Double](repeating: 0, count: pairs)
        alpha = [Double](repeating: 0, count: pairs)
    }

    /// Frees the pairs' memory (the history is not used after).
    func deallocate() { memory.deallocate() }

    var isEmpty: Bool { stored == 0 }

    /// Drops every pair (a restart from steepest descent).
    mutating func forget() { stored = 0 }

    /// `direction = -H g` by the two-loop recursion; returns the slope `g . direction`.
    mutating func descentDirection(gradient g: UnsafePointer<Float>, into direction: UnsafeMutablePointer<Float>) -> Double {
        FixedOrderBLAS.copy(g, direction, count: d)
        for back in 0..<stored {
            let m = (newest - back + pairs) % pairs
            alpha[m] = rho[m] * FixedOrderBLAS.dot(s[m], direction, count: d)
            FixedOrderBLAS.axpy(Float(-alpha[m]), y[m], direction, count: d)
        }
        if stored > 0 {
            let yy = FixedOrderBLAS.dot(y[newest], y[newest], count: d)
            FixedOrderBLAS.scale(Float(1 / (rho[newest] * yy)), direction, count: d)
        }
        for forward in 0..<stored {
            let m = (newest - stored + 1 + forward + pairs) % pairs
            let beta = rho[m] * FixedOrderBLAS.dot(y[m], direction, count: d)
            FixedOrderBLAS.axpy(Float(alpha[m] - beta), s[m], direction, count: d)
        }
        FixedOrderBLAS.scale(-1, direction, count: d)
        return FixedOrderBLAS.dot(g, direction, count: d)
    }

    /// Adds the pair of a step from `x` to `trialX` (gradients `g`, `trialG`), unless its curvature
    /// `s . y` is not positive.
    mutating func record(from x: UnsafePointer<Float>, to trialX: UnsafePointer<Float>,
                         gradients g: UnsafePointer<Float>, _ trialG: UnsafePointer<Float>) {
        let next = (newest + 1) % pairs
        FixedOrderBLAS.copy(trialX, s[next], count: d)
        FixedOrderBLAS.axpy(-1, x, s[next], count: d)
        FixedOrderBLAS.copy(trialG, y[next], count: d)
        FixedOrderBLAS.axpy(-1, g, y[next], count: d)
        let sy = FixedOrderBLAS.dot(s[next], y[next], count: d)
        if sy > 1e-12 {
            rho[next] = 1 / sy
            newest = next
            stored = min(stored + 1, pairs)
        }
    }
}
