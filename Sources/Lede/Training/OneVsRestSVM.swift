#if canImport(Glibc)
import Glibc
#endif

/// How the loss of each label's positive and negative documents is weighted against each other.
public enum ClassWeighting: String, Codable, Sendable, CaseIterable {
    /// Every document counts once: C+ = C- = C.
    case none
    /// scikit-learn's "balanced", per binary problem: C+ = C N / (2 N+), C- = C N / (2 N-).
    case balanced
}

/// One squared-hinge SVM per label (`SquaredHingeSolver`, eight labels per pass over the data), optionally
/// also on each cross-validation fold's training part, giving out-of-fold scores for every document.
///
/// With `naiveBayesScaling`, label k's problem sees each feature j multiplied by the log-count ratio
/// `r_kj = ln((p_kj / |p_k|_1) / (q_kj / |q_k|_1))`, `p_kj = 1 + #{positive documents with feature j}`,
/// `q_kj = 1 + #{negative documents with feature j}` (NBSVM: Wang and Manning, ACL 2012), counted on the
/// problem's own training documents; the returned weights include the scale, so the model scores raw
/// tf-idf vectors.
///
/// Every (fold, label block) problem is independent and seeded by (seed, fold); the problems are spread
/// over threads, each writing only its own outputs: the results do not depend on the thread count.
public struct OneVsRestSVM: Sendable {
    public var c: Double
    public var classWeighting: ClassWeighting = .none
    public var naiveBayesScaling = true
    /// The columns naive Bayes scaling applies to: `0..<scaledColumns` (nil: all). The dense word-vector
    /// columns after them keep their values.
    public var scaledColumns: Int?
    public var tolerance: Float = 0.1
    public var seed: UInt64 = 1
    public var threads = 1

    public init(c: Double) { self.c = c }

    /// Most dual variables (label blocks x documents, 32 bytes each) kept for warm starts: 256 MB.
    static let warmStartBudget = 1 << 23

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
    public func train(_ data: SparseMatrix, labels: LabelSets, labelCount k: Int, folds: [Int]? = nil,
                      foldCount: Int = 0, final: Bool = true) -> Result {
        precondition(labels.count == data.rows && (folds.map { $0.count == data.rows } ?? true))
        let problems = LabelBlocks(svm: self, data: data, labels: labels, labelCount: k, folds: folds,
                                   foldCount: folds == nil ? 0 : foldCount)
        let output = BlockOutput(columns: problems.x.columns, labels: k, scoredDocuments: folds == nil ? 0 : data.rows)
        // The final models first; their dual variables warm-start the folds' problems (which drop a
        // fifth of the documents), unless keeping them would take too much memory.
        let keepDuals = final && problems.foldRuns > 0 && problems.blocks * data.rows <= Self.warmStartBudget
        let duals = BlockOutput.Duals(blocks: problems.blocks)
        if final {
            Parallel.forEach(blocks: problems.blocks, threads: threads) { block in
                let solution = problems.solve(run: 0, block: block, start: nil)
                output.storeFinal(solution, block: block, newColumn: problems.newColumn)
                if keepDuals { duals.store(solution.alpha, block: block) }
            }
        }
        Parallel.forEach(blocks: problems.foldRuns * problems.blocks, threads: threads) { job in
            let run = 1 + job / problems.blocks, block = job % problems.blocks
            let solution = problems.solve(run: run, block: block, start: keepDuals ? duals[block] : nil)
            output.storeScores(solution, block: block, of: problems.splits[run - 1].heldOut, in: problems.x)
        }
        return output.result(outOfFold: folds != nil)
    }

    /// The problems of one `train` call: the matrix with its columns by frequency, the folds' splits, and
    /// for each (run, label block) the labels, scales and solver of its SVMs. Run 0 is every document,
    /// run f + 1 fold f's complement.
    private struct LabelBlocks {
        let svm: OneVsRestSVM
        let x: SparseMatrix
        let newColumn: [Int32]
        let labels: LabelSets
        let labelCount: Int
        let blocks: Int
        let foldRuns: Int
        let splits: [(training: [Int32], heldOut: [Int32])]
        let everyone: [Int32]
        /// The columns naive Bayes scaling leaves alone, in the new numbering.
        let unscaled: [Bool]

        init(svm: OneVsRestSVM, data: SparseMatrix, labels: LabelSets, labelCount k: Int, folds: [Int]?, foldCount: Int) {
            self.svm = svm
            (x, newColumn) = data.columnsByFrequency()
            self.labels = labels
            labelCount = k
            blocks = (k + SquaredHingeSolver.lanes - 1) / SquaredHingeSolver.lanes
            foldRuns = foldCount
            splits = folds.map { folds in (0..<foldCount).map { Folds.split(folds, $0) } } ?? []
            everyone = (0..<data.rows).map(Int32.init)
            var unscaled = [Bool](repeating: false, count: data.columns)
            for old in min(svm.scaledColumns ?? data.columns, data.columns)..<data.columns { unscaled[Int(newColumn[old])] = true }
            self.unscaled = unscaled
        }

        /// Solves label block `block` on run `run`, warm-started from `start` (the final run's duals).
        func solve(run: Int, block: Int, start: [SquaredHingeSolver.Lanes]?) -> SquaredHingeSolver.Solution {
            let lanes = SquaredHingeSolver.lanes
            let firstLabel = block * lanes, problems = min(lanes, labelCount - firstLabel)
            let rows = run == 0 ? everyone : splits[run - 1].training
            var positive = [Bool](repeating: false, count: rows.count * lanes)
            for (i, r) in rows.enumerated() {
                for label in labels[Int(r)] where Int(label) >= firstLabel && Int(label) < firstLabel + problems {
                    positive[i * lanes + Int(label) - firstLabel] = true
                }
            }
            let scale = svm.naiveBayesScaling
                ? OneVsRestSVM.logCountRatios(x, rows: rows, positive: positive, problems: problems, unscaled: unscaled) : nil
            return svm.solver(positive: positive, count: rows.count, problems: problems, run: run)
                .solve(x, rows: rows, positive: positive, squaredScale: scale?.map { $0 * $0 },
                       start: start.map { start in rows.map { start[Int($0)] } })
        }
    }

    /// Each feature's log-count ratio r (see the type's description) for every lane; 1 for the `unscaled`
    /// columns.
    public static func logCountRatios(_ x: SparseMatrix, rows: [Int32], positive: [Bool], problems: Int,
                                      unscaled: [Bool]? = nil) -> [SquaredHingeSolver.Lanes] {
        typealias Lanes = SquaredHingeSolver.Lanes
        let lanes = SquaredHingeSolver.lanes
        var inPositive = [Lanes](repeating: .zero, count: x.columns)
        var inNegative = [Lanes](repeating: .zero, count: x.columns)
        for (i, r) in rows.enumerated() {
            var mask = Lanes.zero
            for l in 0..<lanes where positive[i * lanes + l] { mask[l] = 1 }
            let negativeMask = 1 - mask
            x.forEachEntry(inRow: Int(r)) { c, value in
                guard value != 0 else { return }
                inPositive[c] += mask
                inNegative[c] += negativeMask
            }
        }
        var positiveTotal = SIMD8<Double>.zero, negativeTotal = SIMD8<Double>.zero
        for c in 0..<x.columns {
            positiveTotal += SIMD8<Double>(inPositive[c] + 1)
            negativeTotal += SIMD8<Double>(inNegative[c] + 1)
        }
        return (0..<x.columns).map { c in
            var ratio = Lanes(repeating: 1)
            if unscaled?[c] == true { return ratio }
            for l in 0..<problems {
                let p = (Double(inPositive[c][l]) + 1) / positiveTotal[l]
                let q = (Double(inNegative[c][l]) + 1) / negativeTotal[l]
                ratio[l] = Float(PortableMath.log(p / q))
            }
            return ratio
        }
    }

    fileprivate func solver(positive: [Bool], count: Int, problems: Int, run: Int) -> SquaredHingeSolver {
        let lanes = SquaredHingeSolver.lanes
        var positiveC = [Double](repeating: c, count: problems), negativeC = positiveC
        if classWeighting == .balanced {
            for l in 0..<problems {
                let n = Double(count)
                let positives = Double((0..<count).lazy.filter { positive[$0 * lanes + l] }.count)
                if positives > 0 && positives < n {
                    positiveC[l] = c * n / (2 * positives)
                    negativeC[l] = c * n / (2 * (n - positives))
                }
            }
        }
        var solver = SquaredHingeSolver(positiveC: positiveC, negativeC: negativeC)
        solver.tolerance = tolerance
        solver.seed = SeedMix.solverRun(seed, run: run)
        return solver
    }
}
