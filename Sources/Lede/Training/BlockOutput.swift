import Foundation

/// What the label blocks of `OneVsRestSVM.train` write while they run on several threads: the final
/// weights, biases, epochs and convergence of their labels, and the out-of-fold scores of their labels for
/// the documents a fold held out.
///
/// The one place where threads write shared memory: every block writes only the entries of its own labels
/// (and each held-out document belongs to one fold), so no two writes touch the same entry, and the
/// results do not depend on which thread ran which block. Read it (`result`) after the workers are done.
final class BlockOutput: @unchecked Sendable {
    private let columns: Int
    private let labels: Int
    private let weights: UnsafeMutableBufferPointer<Float>
    private let bias: UnsafeMutableBufferPointer<Float>
    private let epochs: UnsafeMutableBufferPointer<Int>
    private let converged: UnsafeMutableBufferPointer<Bool>
    /// Documents x labels, row-major.
    private let scores: UnsafeMutableBufferPointer<Double>

    init(columns: Int, labels: Int, scoredDocuments: Int) {
        self.columns = columns
        self.labels = labels
        weights = .allocate(capacity: columns * labels)
        weights.initialize(repeating: 0)
        bias = .allocate(capacity: labels)
        bias.initialize(repeating: 0)
        epochs = .allocate(capacity: labels)
        epochs.initialize(repeating: 0)
        converged = .allocate(capacity: labels)
        converged.initialize(repeating: true)
        scores = .allocate(capacity: scoredDocuments * labels)
        scores.initialize(repeating: 0)
    }

    deinit {
        weights.deallocate()
        bias.deallocate()
        epochs.deallocate()
        converged.deallocate()
        scores.deallocate()
    }

    /// The labels of `block`: `firstLabel ..< firstLabel + count`.
    private func span(_ block: Int) -> (firstLabel: Int, count: Int) {
        let firstLabel = block * SquaredHingeSolver.lanes
        return (firstLabel, min(SquaredHingeSolver.lanes, labels - firstLabel))
    }

    /// The final model of `block`'s labels; its weights are by the solver's column order (`newColumn[j]`
    /// is the solver's column of feature j).
    func storeFinal(_ solution: SquaredHingeSolver.Solution, block: Int, newColumn: [Int32]) {
        let (firstLabel, count) = span(block), k = labels
        for j in 0..<columns {
            let w = solution.weights[Int(newColumn[j])]
            for l in 0..<count { weights[j * k + firstLabel + l] = w[l] }
        }
        for l in 0..<count {
            bias[firstLabel + l] = solution.bias[l]
            epochs[firstLabel + l] = solution.epochs[l]
            converged[firstLabel + l] = solution.converged[l]
        }
    }

    /// The scores of a fold's model for `block`'s labels on the documents the fold held out (rows of `x`,
    /// the matrix the solver saw).
    func storeScores(_ solution: SquaredHingeSolver.Solution, block: Int, of heldOut: [Int32], in x: SparseMatrix) {
        let (firstLabel, count) = span(block), k = labels
        for r in heldOut {
            let r = Int(r)
            var score = solution.bias
            x.forEachEntry(inRow: r) { column, value in score += value * solution.weights[column] }
            for l in 0..<count { scores[r * k + firstLabel + l] = Double(score[l]) }
        }
    }

    func result(outOfFold: Bool) -> OneVsRestSVM.Result {
        OneVsRestSVM.Result(weights: Array(weights), bias: Array(bias), outOfFold: outOfFold ? Array(scores) : nil,
                            epochs: epochs.max() ?? 0, converged: !converged.contains(false))
    }

    /// Each block's final dual variables, written by that block only, read by the folds after the final
    /// models are done.
    final class Duals: @unchecked Sendable {
        private var values: [[SquaredHingeSolver.Lanes]]
        private let lock = NSLock()

        init(blocks: Int) { values = Array(repeating: [], count: blocks) }

        func store(_ alpha: [SquaredHingeSolver.Lanes], block: Int) {
            lock.withLock { values[block] = alpha }
        }

        subscript(block: Int) -> [SquaredHingeSolver.Lanes] { lock.withLock { values[block] } }
    }
}
