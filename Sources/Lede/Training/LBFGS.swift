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
        // x, g, direction, trial x, trial g, then memory pairs (s, y).
        let block = UnsafeMutablePointer<Float>.allocate(capacity: d * (5 + 2 * memory))
        defer { block.deallocate() }
        var x = block, g = block + d
        let direction = block + 2 * d
        var trialX = block + 3 * d, trialG = block + 4 * d
        let s = (0..<memory).map { block + (5 + $0) * d }
        let y = (0..<memory).map { block + (5 + memory + $0) * d }
        start.withUnsafeBufferPointer { x.update(from: $0.baseAddress!, count: d) }
        var rho = [Double](repeating: 0, count: memory)
        var alpha = [Double](repeating: 0, count: memory)
        var stored = 0, newest = -1

        var f = evaluate(x, g)
        var iteration = 0
        var converged = false
        while iteration < maxIterations {
            if maxAbs(g, d) < gradientTolerance { converged = true; break }
            // direction = -H g by the two-loop recursion.
            FixedOrderBLAS.copy(g, direction, count: d)
            for back in 0..<stored {
                let m = (newest - back + memory) % memory
                alpha[m] = rho[m] * FixedOrderBLAS.dot(s[m], direction, count: d)
                FixedOrderBLAS.axpy(Float(-alpha[m]), y[m], direction, count: d)
            }
            if stored > 0 {
                let yy = FixedOrderBLAS.dot(y[newest], y[newest], count: d)
                FixedOrderBLAS.scale(Float(1 / (rho[newest] * yy)), direction, count: d)
            }
            for forward in 0..<stored {
                let m = (newest - stored + 1 + forward + memory) % memory
                let beta = rho[m] * FixedOrderBLAS.dot(y[m], direction, count: d)
                FixedOrderBLAS.axpy(Float(alpha[m] - beta), s[m], direction, count: d)
            }
            FixedOrderBLAS.scale(-1, direction, count: d)
            var slope = FixedOrderBLAS.dot(g, direction, count: d)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                FixedOrderBLAS.copy(g, direction, count: d)
                FixedOrderBLAS.scale(-1, direction, count: d)
                stored = 0
                slope = FixedOrderBLAS.dot(g, direction, count: d)
            }
            var step = stored == 0 ? min(1, 1 / max(FixedOrderBLAS.norm(g, count: d), 1e-12)) : 1.0
            var trialF = Double.infinity
            var accepted = false
            for _ in 0..<30 {
                FixedOrderBLAS.copy(x, trialX, count: d)
                FixedOrderBLAS.axpy(Float(step), direction, trialX, count: d)
                trialF = evaluate(trialX, trialG)
                if trialF <= f + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { break }
            iteration += 1
            // Curvature pair s = x_new - x, y = g_new - g.
            let next = (newest + 1) % memory
            FixedOrderBLAS.copy(trialX, s[next], count: d)
            FixedOrderBLAS.axpy(-1, x, s[next], count: d)
            FixedOrderBLAS.copy(trialG, y[next], count: d)
            FixedOrderBLAS.axpy(-1, g, y[next], count: d)
            let sy = FixedOrderBLAS.dot(s[next], y[next], count: d)
            if sy > 1e-12 {
                rho[next] = 1 / sy
                newest = next
                stored = min(stored + 1, memory)
            }
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

    private func maxAbs(_ v: UnsafePointer<Float>, _ d: Int) -> Double {
        var m: Float = 0
        for i in 0..<d { m = max(m, abs(v[i])) }
        return Double(m)
    }
}
