#if canImport(Glibc)
import Glibc
#endif

/// The L2-regularized logistic loss of a linear model on sparse data, and its gradient.
///
/// With parameters theta = (W, b), N documents x_i with label sets Y_i and K labels:
/// ```
/// f(theta) = (1/N) sum_i loss_i + (lambda/2) ||W||^2          (the bias is not regularized)
/// softmax (single-label):  loss_i = ln sum_k e^{z_ik} - z_{i,y_i}
/// one-vs-rest (multi-label): loss_i = sum_k ln(1 + e^{z_ik}) - [k in Y_i] z_ik
/// z_i = x_i W + b
/// grad_W = (1/N) X^T R + lambda W,  grad_b = (1/N) sum_i R_i,  R_ik = p_ik - [k in Y_i]
/// ```
/// scikit-learn's `C` corresponds to `lambda = 1 / (C N)`.
///
/// Rows are processed in fixed blocks and columns through the transposed matrix, each block writing its
/// own outputs, so the value and gradient are bit-identical for any thread count.
public final class LogisticObjective {
    let x: SparseMatrix
    let labels: LabelSets
    let labelCount: Int
    let multiLabel: Bool
    let lambda: Double
    let threads: Int
    /// Per-document weights (class weighting); nil means 1 for every document.
    let documentWeights: [Float]?

    private let transposed: (offsets: [Int], rowIndices: [Int32], values: [Float])
    /// Residuals R (N x K), reused between evaluations.
    private var residuals: [Float]
    private static let rowBlock = 512
    private static let columnBlock = 2048

    public var dimension: Int { x.columns * labelCount + labelCount }

    public init(x: SparseMatrix, labels: LabelSets, labelCount: Int, multiLabel: Bool, lambda: Double, threads: Int,
         documentWeights: [Float]? = nil) {
        self.x = x
        self.labels = labels
        self.labelCount = labelCount
        self.multiLabel = multiLabel
        self.lambda = lambda
        self.threads = threads
        self.documentWeights = documentWeights
        self.transposed = x.transposed()
        self.residuals = [Float](repeating: 0, count: x.rows * labelCount)
    }

    /// Returns f(theta) and writes grad f(theta) into `gradient`.
    public func evaluate(_ theta: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>) -> Double {
        let n = x.rows, k = labelCount, features = x.columns
        let weights = theta, bias = theta + features * k
        let rowBlocks = (n + Self.rowBlock - 1) / Self.rowBlock
        var blockLoss = [Double](repeating: 0, count: rowBlocks)
        residuals.withUnsafeMutableBufferPointer { r in
            blockLoss.withUnsafeMutableBufferPointer { losses in
                let r = r.baseAddress!, losses = losses.baseAddress!
                x.rowOffsets.withUnsafeBufferPointer { offsets in
                x.columnIndices.withUnsafeBufferPointer { columns in
                x.values.withUnsafeBufferPointer { values in
                    Parallel.forEach(blocks: rowBlocks, threads: threads) { block in
                        var loss = 0.0
                        let end = min(n, (block + 1) * Self.rowBlock)
                        for i in block * Self.rowBlock..<end {
                            let z = r + i * k
                            z.update(from: bias, count: k)
                            for e in offsets[i]..<offsets[i + 1] {
                                let row = weights + Int(columns[e]) * k
                                let v = values[e]
                                for label in 0..<k { z[label] += v * row[label] }
                            }
                            let w = Double(documentWeights?[i] ?? 1)
                            loss += w * residualsInPlace(z, document: i)
                            if w != 1 { for label in 0..<k { z[label] *= Float(w) } }
                        }
                        losses[block] = loss
                    }
                }}}
            }
        }
        let inverseN = 1 / Double(n)
        // grad_W: one column of X^T at a time, blocks of columns in parallel.
        residuals.withUnsafeBufferPointer { r in
            transposed.offsets.withUnsafeBufferPointer { offsets in
            transposed.rowIndices.withUnsafeBufferPointer { rows in
            transposed.values.withUnsafeBufferPointer { values in
                let r = r.baseAddress!
                let columnBlocks = (features + Self.columnBlock - 1) / Self.columnBlock
                Parallel.forEach(blocks: columnBlocks, threads: threads) { block in
                    let end = min(features, (block + 1) * Self.columnBlock)
                    for j in block * Self.columnBlock..<end {
                        let g = gradient + j * k
                        for label in 0..<k { g[label] = 0 }
                        for e in offsets[j]..<offsets[j + 1] {
                            let residual = r + Int(rows[e]) * k
                            let v = values[e]
                            for label in 0..<k { g[label] += v * residual[label] }
                        }
                        for label in 0..<k { g[label] = Float(Double(g[label]) * inverseN) }
                    }
                }
            }}}
        }
        let weightCount = features * k
        FixedOrderBLAS.axpy(Float(lambda), weights, gradient, count: weightCount)
        // grad_b, summed in row order.
        let gb = gradient + weightCount
        residuals.withUnsafeBufferPointer { r in
            var sums = [Double](repeating: 0, count: k)
            for i in 0..<n { for label in 0..<k { sums[label] += Double(r[i * k + label]) } }
            for label in 0..<k { gb[label] = Float(sums[label] * inverseN) }
        }
        let dataLoss = blockLoss.reduce(0, +) * inverseN
        return dataLoss + 0.5 * lambda * FixedOrderBLAS.dot(weights, weights, count: weightCount)
    }

    /// Replaces the margins `z` of document i by the residuals p - y, returning the document's loss.
    @inline(__always)
    private func residualsInPlace(_ z: UnsafeMutablePointer<Float>, document i: Int) -> Double {
        let k = labelCount
        let truth = labels[i]
        var loss = 0.0
        if multiLabel {
            var next = truth.startIndex
            for label in 0..<k {
                let m = Double(z[label])
                var y = 0.0
                if next < truth.endIndex && Int(truth[next]) == label { y = 1; next += 1 }
                loss += Probabilities.softplus(m) - y * m
                z[label] = Float(Probabilities.sigmoid(m) - y)
            }
            return loss
        }
        var top = -Float.infinity
        for label in 0..<k { top = max(top, z[label]) }
        var total = 0.0
        for label in 0..<k { total += PortableMath.exp(Double(z[label] - top)) }
        let logTotal = PortableMath.log(total) + Double(top)
        let y = Int(truth.first ?? 0)
        loss = logTotal - Double(z[y])
        for label in 0..<k {
            z[label] = Float(PortableMath.exp(Double(z[label]) - logTotal))
        }
        z[y] -= 1
        return loss
    }
}
