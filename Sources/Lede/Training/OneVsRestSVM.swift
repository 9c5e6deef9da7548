/// How the loss of each label's positive and negative documents is weighted against each other.
public enum ClassWeighting: String, Codable, Sendable, CaseIterable {
    /// Every document counts once: C+ = C- = C.
    case none
    /// scikit-learn's "balanced", per binary problem: C+ = C N / (2 N+), C- = C N / (2 N-).
    case balanced
}

/// One squared-hinge SVM per label (`SquaredHingeSolver`), optionally also on each cross-validation fold's
/// training part, giving out-of-fold scores for every document.
///
/// Every (fold, label) problem is independent and seeded by (seed, fold, label); the problems are spread
/// over threads, each writing only its own outputs: the results do not depend on the thread count.
public struct OneVsRestSVM: Sendable {
    public var c: Double
    public var classWeighting: ClassWeighting = .none
    public var tolerance = 0.1
    public var seed: UInt64 = 1
    public var threads = 1

    public init(c: Double) { self.c = c }

    public struct Result: Sendable {
        /// Feature-major weights of the model trained on every document: `W[j * K + k]`.
        public var weights: [Float]
        public var bias: [Float]
        /// Scores (N x K, row-major) of each document by the model of the fold that held it out; nil
        /// without folds.
        public var outOfFold: [Double]?
        /// The most epochs any final problem took, and whether they all met the tolerance.
        public var epochs: Int
        public var converged: Bool
    }

    /// Trains on `x` with `labels` (unless `final` is false: then the weights stay zero); with `folds` (each
    /// document's fold, in `0..<foldCount`), also trains one model per fold on the other folds and scores
    /// the fold's documents with it.
    public func train(_ x: SparseMatrix, labels: LabelSets, labelCount k: Int, folds: [Int]? = nil,
                      foldCount: Int = 0, final: Bool = true) -> Result {
        precondition(labels.count == x.rows && (folds == nil || folds!.count == x.rows))
        let foldRuns = folds == nil ? 0 : foldCount
        let splits = (0..<foldRuns).map { Folds.split(folds!, $0) }
        let everyone = (0..<x.rows).map(Int32.init)
        var weights = [Float](repeating: 0, count: x.columns * k)
        var bias = [Float](repeating: 0, count: k)
        var outOfFold = [Double](repeating: 0, count: folds == nil ? 0 : x.rows * k)
        var epochs = [Int](repeating: 0, count: k)
        var converged = [Bool](repeating: true, count: k)
        let features = x.columns
        weights.withUnsafeMutableBufferPointer { weights in
        bias.withUnsafeMutableBufferPointer { bias in
        outOfFold.withUnsafeMutableBufferPointer { outOfFold in
        epochs.withUnsafeMutableBufferPointer { epochs in
        converged.withUnsafeMutableBufferPointer { converged in
            let weights = weights.baseAddress!, bias = bias.baseAddress!, outOfFold = outOfFold.baseAddress
            let epochs = epochs.baseAddress!, converged = converged.baseAddress!
            // The final models first: they are the largest problems.
            let firstRun = final ? 0 : 1
            Parallel.forEach(blocks: (foldRuns + 1 - firstRun) * k, threads: threads) { job in
                let run = firstRun + job / k, label = job % k
                let isFinal = run == 0
                let fold = run - 1
                let rows = isFinal ? everyone : splits[fold].training
                let positive = rows.map { labels.contains(Int($0), label) }
                let solution = solver(positive: positive, run: run, label: label).solve(x, rows: rows, positive: positive)
                if isFinal {
                    for j in 0..<features { weights[j * k + label] = Float(solution.weights[j]) }
                    bias[label] = Float(solution.bias)
                    epochs[label] = solution.epochs
                    converged[label] = solution.converged
                    return
                }
                for r in splits[fold].heldOut {
                    let r = Int(r)
                    var score = solution.bias
                    for e in x.rowOffsets[r]..<x.rowOffsets[r + 1] {
                        score += solution.weights[Int(x.columnIndices[e])] * Double(x.values[e])
                    }
                    outOfFold![r * k + label] = score
                }
            }
        }}}}}
        return Result(weights: weights, bias: bias, outOfFold: folds == nil ? nil : outOfFold,
                      epochs: epochs.max() ?? 0, converged: !converged.contains(false))
    }

    private func solver(positive: [Bool], run: Int, label: Int) -> SquaredHingeSolver {
        var positiveC = c, negativeC = c
        if classWeighting == .balanced {
            let n = Double(positive.count), positives = Double(positive.lazy.filter { $0 }.count)
            if positives > 0 && positives < n {
                positiveC = c * n / (2 * positives)
                negativeC = c * n / (2 * (n - positives))
            }
        }
        var solver = SquaredHingeSolver(positiveC: positiveC, negativeC: negativeC)
        solver.tolerance = tolerance
        solver.seed = TokenHash.fmix64(seed ^ UInt64(run) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(label) &* 0xC2B2_AE3D_27D4_EB4F)
        return solver
    }
}
