/// Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4) with a backtracking Armijo line search.
///
/// Vectors are Float32 (the model's precision) and every inner product is accumulated in Double through
/// BLAS. Stops when the gradient's infinity norm falls below `gradientTolerance`, when an iteration
/// improves f by less than `relativeTolerance * max(|f|, 1)`, or after `maxIterations`.
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
    func minimize(_ x: inout [Float], progress: ((Int, Double) -> Void)? = nil,
                  evaluate: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Double) -> Result {
        let d = x.count
        var g = [Float](repeating: 0, count: d)
        var direction = [Float](repeating: 0, count: d)
        var trialX = [Float](repeating: 0, count: d)
        var trialG = [Float](repeating: 0, count: d)
        var s = [[Float]](repeating: [Float](repeating: 0, count: d), count: memory)
        var y = [[Float]](repeating: [Float](repeating: 0, count: d), count: memory)
        var rho = [Double](repeating: 0, count: memory)
        var alpha = [Double](repeating: 0, count: memory)
        var stored = 0, newest = -1

        var f = x.withUnsafeBufferPointer { xp in g.withUnsafeMutableBufferPointer { evaluate(xp.baseAddress!, $0.baseAddress!) } }
        var iteration = 0
        var converged = false
        while iteration < maxIterations {
            if maxAbs(g) < gradientTolerance { converged = true; break }
            // direction = -H g by the two-loop recursion.
            direction = g
            direction.withUnsafeMutableBufferPointer { q in
                let q = q.baseAddress!
                for back in 0..<stored {
                    let m = (newest - back + memory) % memory
                    alpha[m] = rho[m] * BLAS.dot(s[m], q, count: d)
                    BLAS.axpy(Float(-alpha[m]), y[m], q, count: d)
                }
                if stored > 0 {
                    let yy = BLAS.dot(y[newest], y[newest], count: d)
                    BLAS.scale(Float(1 / (rho[newest] * yy)), q, count: d)
                }
                for forward in 0..<stored {
                    let m = (newest - stored + 1 + forward + memory) % memory
                    let beta = rho[m] * BLAS.dot(y[m], q, count: d)
                    BLAS.axpy(Float(alpha[m] - beta), s[m], q, count: d)
                }
                BLAS.scale(-1, q, count: d)
            }
            var slope = BLAS.dot(g, direction, count: d)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                direction = g.map { -$0 }
                stored = 0
                slope = BLAS.dot(g, direction, count: d)
            }
            var step = stored == 0 ? min(1, 1 / max(BLAS.norm(g, count: d), 1e-12)) : 1.0
            var trialF = Double.infinity
            var accepted = false
            for _ in 0..<30 {
                trialX = x
                BLAS.axpy(Float(step), direction, &trialX, count: d)
                trialF = trialX.withUnsafeBufferPointer { xp in
                    trialG.withUnsafeMutableBufferPointer { evaluate(xp.baseAddress!, $0.baseAddress!) }
                }
                if trialF <= f + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { break }
            iteration += 1
            // Curvature pair s = x_new - x, y = g_new - g.
            let next = (newest + 1) % memory
            for i in 0..<d {
                s[next][i] = trialX[i] - x[i]
                y[next][i] = trialG[i] - g[i]
            }
            let sy = BLAS.dot(s[next], y[next], count: d)
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
        return Result(iterations: iteration, value: f, converged: converged)
    }

    private func maxAbs(_ v: [Float]) -> Double {
        var m: Float = 0
        for e in v { m = max(m, abs(e)) }
        return Double(m)
    }
}
