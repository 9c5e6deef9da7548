#if canImport(Glibc)
import Glibc
#endif

/// Learns word vectors from the training text itself (no outside data): the positive pointwise mutual
/// information of words co-occurring within `window` tokens, factored by a randomized truncated SVD
/// (Levy, Goldberg and Dagan, TACL 2015; Halko, Martinsson and Tropp, SIAM Review 2011).
///
/// With `#(w, c)` the co-occurrences of words w and c at distance 1...window (either order), `#(w)` its
/// row sums and D their total, `PPMI(w, c) = max(0, ln(#(w, c) D / (#(w) P(c))))`, where the context
/// distribution is smoothed: `P(c) = D #(c)^0.75 / sum_c' #(c')^0.75`. The truncated SVD
/// `PPMI ~ U S V^T` gives each word the row of `U S^(1/2)` (its first `dimensions` columns), scaled to
/// unit length. Words that never co-occur get a zero vector.
public struct WordVectorLearner: Sendable {
    public var dimensions = 300
    public var window = 5
    /// Subspace iterations of the randomized SVD (each two passes over the PPMI matrix) ...
    public var powerIterations = 2
    /// ... and the extra random directions it carries beyond `dimensions`.
    public var oversampling = 10
    public var seed: UInt64 = 1
    public var threads = 1

    public init() {}

    /// Word vectors (words x dimensions, row-major) from documents given as word numbers in `0..<words`:
    /// document d is `tokens[offsets[d] ..< offsets[d + 1]]`.
    public func learn(tokens: [Int32], offsets: [Int], words: Int) -> [Float] {
        let ppmi = Self.ppmi(tokens: tokens, offsets: offsets, words: words, window: window)
        let rank = min(dimensions, words)
        let width = min(rank + oversampling, words)
        guard rank > 0, ppmi.nonZeros > 0 else { return [Float](repeating: 0, count: words * dimensions) }
        var random = GaussianRandom(seed: SeedMix.wordVectors(seed))
        var omega = [Float](repeating: 0, count: words * width)
        for i in omega.indices { omega[i] = random.gaussian() }
        // Y = (M M^T)^q M Omega, re-orthonormalized once per M M^T: in single precision that keeps the
        // spread of the columns' lengths (the squared singular values' ratios) well inside 24 bits.
        var y = ppmi.multiply(omega, width: width, transposed: false, threads: threads)
        for _ in 0..<powerIterations {
            Self.orthonormalize(&y, rows: words, columns: width, passes: 1, threads: threads)
            let z = ppmi.multiply(y, width: width, transposed: true, threads: threads)
            y = ppmi.multiply(z, width: width, transposed: false, threads: threads)
        }
        Self.orthonormalize(&y, rows: words, columns: width, passes: 2, threads: threads)
        // B = Q^T PPMI (width x words); B B^T = Z^T Z with Z = PPMI^T Q; B = W S V^T gives PPMI ~ (Q W) S V^T.
        let z = ppmi.multiply(y, width: width, transposed: true, threads: threads)
        let gram = Self.gram(z, rows: words, columns: width, threads: threads)
        let eigen = SymmetricEigen(gram, n: width)
        var basis = [Float](repeating: 0, count: width * rank)  // W's first columns scaled by S^(1/2)
        for i in 0..<rank {
            let singular = max(eigen.values[i], 0).squareRoot()
            let scale = singular.squareRoot()
            for j in 0..<width { basis[j * rank + i] = Float(eigen.vectors[i * width + j] * scale) }
        }
        var vectors = [Float](repeating: 0, count: words * dimensions)
        let u = Self.multiply(y, rows: words, columns: width, by: basis, width: rank, threads: threads)
        for w in 0..<words {
            var norm = 0.0
            for i in 0..<rank { norm += Double(u[w * rank + i]) * Double(u[w * rank + i]) }
            guard norm > 0, norm.isFinite else { continue }
            let inverse = Float(1 / norm.squareRoot())
            for i in 0..<rank { vectors[w * dimensions + i] = u[w * rank + i] * inverse }
        }
        return vectors
    }

    // MARK: - The PPMI matrix

    /// A square sparse matrix with a symmetric pattern, holding both M and its transpose's values.
    struct PairMatrix {
        var rowOffsets: [Int]
        var columns: [Int32]
        /// `values[e]` is M[r, columns[e]]; `transposedValues[e]` is M[columns[e], r].
        var values: [Float]
        var transposedValues: [Float]
        var nonZeros: Int { columns.count }

        /// `M X` (or `M^T X`) for a dense row-major X (rows x width).
        func multiply(_ x: [Float], width: Int, transposed: Bool, threads: Int) -> [Float] {
            let rows = rowOffsets.count - 1
            var out = [Float](repeating: 0, count: rows * width)
            let block = 512
            let source = transposed ? transposedValues : values
            out.withUnsafeMutableBufferPointer { outBuffer in
                let o = outBuffer.baseAddress!
                x.withUnsafeBufferPointer { xBuffer in
                    let xs = xBuffer.baseAddress!
                    columns.withUnsafeBufferPointer { c in
                        source.withUnsafeBufferPointer { v in
                            Parallel.forEach(blocks: (rows + block - 1) / block, threads: threads) { b in
                                for r in (b * block)..<min(rows, (b + 1) * block) {
                                    let target = o + r * width
                                    for e in rowOffsets[r]..<rowOffsets[r + 1] {
                                        let value = v[e]
                                        let from = xs + Int(c[e]) * width
                                        for t in 0..<width { target[t] += value * from[t] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return out
        }
    }

    /// The PPMI matrix of the documents (see the type's description).
    static func ppmi(tokens: [Int32], offsets: [Int], words: Int, window: Int) -> PairMatrix {
        let pairs = countPairs(tokens: tokens, offsets: offsets, window: window)
        // Symmetric counts: (a, b) and (b, a) for a != b; the diagonal twice, as both orders were seen.
        var rowCounts = [Int](repeating: 0, count: words + 1)
        var rowSums = [Double](repeating: 0, count: words)
        for (key, count) in zip(pairs.keys, pairs.counts) {
            let (a, b) = (Int(key >> 32), Int(key & 0xFFFF_FFFF))
            rowCounts[a + 1] += 1
            rowSums[a] += Double(count)
            rowSums[b] += Double(count)
            if a != b { rowCounts[b + 1] += 1 }
        }
        for w in 0..<words { rowCounts[w + 1] += rowCounts[w] }

        let smoothedTotal = rowSums.reduce(0) { $0 + PortableMath.pow($1, 0.75) }
        // ln(#(w, c) D / (#(w) P(c))) = ln #(w, c) - ln #(w) - 0.75 ln #(c) + ln(sum #^0.75)
        let logRow = rowSums.map { $0 > 0 ? PortableMath.log($0) : 0 }
        let logSmoothedTotal = PortableMath.log(smoothedTotal)
        var next = Array(rowCounts[0..<words])
        var columns = [Int32](repeating: 0, count: rowCounts[words])
        var values = [Float](repeating: 0, count: rowCounts[words])
        var transposedValues = values
        func ppmi(_ count: Double, _ w: Int, _ c: Int) -> Float {
            Float(max(0, PortableMath.log(count) - logRow[w] - 0.75 * logRow[c] + logSmoothedTotal))
        }
        for (key, count) in zip(pairs.keys, pairs.counts) {
            let (a, b) = (Int(key >> 32), Int(key & 0xFFFF_FFFF))
            let m = a == b ? 2 * Double(count) : Double(count)
            columns[next[a]] = Int32(b)
            values[next[a]] = ppmi(m, a, b)
            transposedValues[next[a]] = ppmi(m, b, a)
            next[a] += 1
            if a != b {
                columns[next[b]] = Int32(a)
                values[next[b]] = ppmi(m, b, a)
                transposedValues[next[b]] = ppmi(m, a, b)
                next[b] += 1
            }
        }
        return PairMatrix(rowOffsets: rowCounts, columns: columns, values: values, transposedValues: transposedValues)
    }

    /// Distinct unordered word pairs at distance 1...window, as keys `a << 32 | b` (a <= b) sorted, with
    /// their counts. Pairs are bucketed by their first word (two passes: sizes, then fill), and each bucket
    /// sorted on its own.
    static func countPairs(tokens: [Int32], offsets: [Int], window: Int) -> (keys: [UInt64], counts: [UInt32]) {
        let words = Int(tokens.max() ?? -1) + 1
        func forEachPair(_ body: (Int32, Int32) -> Void) {
            for d in 0..<(offsets.count - 1) {
                let end = offsets[d + 1]
                for i in offsets[d]..<end {
                    let a = tokens[i]
                    for j in (i + 1)..<min(end, i + 1 + window) {
                        let b = tokens[j]
                        if a <= b { body(a, b) } else { body(b, a) }
                    }
                }
            }
        }
        var bucketStart = [Int](repeating: 0, count: words + 1)
        forEachPair { a, _ in bucketStart[Int(a) + 1] += 1 }
        for w in 0..<words { bucketStart[w + 1] += bucketStart[w] }
        var seconds = [Int32](repeating: 0, count: bucketStart[words])
        var next = Array(bucketStart.prefix(words))
        forEachPair { a, b in
            seconds[next[Int(a)]] = b
            next[Int(a)] += 1
        }
        var keys: [UInt64] = [], counts: [UInt32] = []
        for a in 0..<words {
            let range = bucketStart[a]..<bucketStart[a + 1]
            seconds[range].sort()
            var k = range.lowerBound
            while k < range.upperBound {
                let b = seconds[k]
                var end = k + 1
                while end < range.upperBound && seconds[end] == b { end += 1 }
                keys.append(UInt64(a) << 32 | UInt64(UInt32(b)))
                counts.append(UInt32(end - k))
                k = end
            }
        }
        return (keys, counts)
    }

    // MARK: - Dense steps

    /// Rows per block of the dense products, which run a block per thread.
    static let denseBlock = 4096

    /// Calls `body(block, first, count)` for each non-empty block of `count` (up to `denseBlock`) rows
    /// starting at row `first`, the blocks spread over `threads`; `block` is below `rowBlockCount(rows:)`.
    static func forEachRowBlock(rows: Int, threads: Int, _ body: (_ block: Int, _ first: Int, _ count: Int) -> Void) {
        Parallel.forEach(blocks: rowBlockCount(rows: rows), threads: threads) { block in
            let first = block * denseBlock, count = min(rows, first + denseBlock) - first
            if count > 0 { body(block, first, count) }
        }
    }

    /// The number of blocks `forEachRowBlock` visits.
    static func rowBlockCount(rows: Int) -> Int { max(1, (rows + denseBlock - 1) / denseBlock) }

    /// `X^T X` (columns x columns) in Double, for row-major X (rows x columns): per row block, summed.
    static func gram(_ x: [Float], rows: Int, columns n: Int, threads: Int = 1) -> [Double] {
        let blocks = rowBlockCount(rows: rows)
        var partial = [Float](repeating: 0, count: blocks * n * n)
        x.withUnsafeBufferPointer { a in
            partial.withUnsafeMutableBufferPointer { c in
                let a = a.baseAddress!, c = c.baseAddress!
                forEachRowBlock(rows: rows, threads: threads) { block, first, count in
                    FixedOrderBLAS.gemm(m: n, n: n, k: count, a: a + first * n, transposeA: true,
                                        b: a + first * n, c: c + block * n * n)
                }
            }
        }
        var g = [Double](repeating: 0, count: n * n)
        for block in 0..<blocks {
            for i in 0..<(n * n) { g[i] += Double(partial[block * n * n + i]) }
        }
        return g
    }

    /// `X B` for row-major X (rows x n) and B (n x width), a row block per thread.
    static func multiply(_ x: [Float], rows: Int, columns n: Int, by b: [Float], width: Int, threads: Int = 1) -> [Float] {
        var out = [Float](repeating: 0, count: rows * width)
        x.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { c in
                    let a = a.baseAddress!, b = b.baseAddress!, c = c.baseAddress!
                    forEachRowBlock(rows: rows, threads: threads) { _, first, count in
                        FixedOrderBLAS.gemm(m: count, n: width, k: n, a: a + first * n, b: b, c: c + first * width)
                    }
                }
            }
        }
        return out
    }

    /// Replaces the columns of X (rows x columns) by an orthonormal basis of their span: Cholesky QR
    /// (`X^T X = R^T R`, `X <- X R^-1`), `passes` times (a second pass restores the orthogonality the
    /// first loses in single precision). A tiny ridge keeps the factorization defined for dependent columns.
    static func orthonormalize(_ x: inout [Float], rows: Int, columns n: Int, passes: Int, threads: Int = 1) {
        for _ in 0..<passes {
            var g = gram(x, rows: rows, columns: n, threads: threads)
            var trace = 0.0
            for i in 0..<n { trace += g[i * n + i] }
            let ridge = max(trace / Double(n), .leastNormalMagnitude) * 1e-6
            for i in 0..<n { g[i * n + i] += ridge }
            x = multiply(x, rows: rows, columns: n, by: upperCholeskyInverse(g, n: n), width: n, threads: threads)
        }
    }

    /// `R^-1` (row-major, Float) for the upper-triangular Cholesky factor of a symmetric positive
    /// definite G = R^T R.
    static func upperCholeskyInverse(_ g: [Double], n: Int) -> [Float] {
        var r = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = g[j * n + j]
            for k in 0..<j { diagonal -= r[k * n + j] * r[k * n + j] }
            let pivot = max(diagonal, 1e-300).squareRoot()
            r[j * n + j] = pivot
            for i in (j + 1)..<max(n, j + 1) {
                var sum = g[j * n + i]
                for k in 0..<j { sum -= r[k * n + j] * r[k * n + i] }
                r[j * n + i] = sum / pivot
            }
        }
        // Back substitution column by column: R X = I.
        var inverse = [Double](repeating: 0, count: n * n)
        for column in 0..<n {
            var i = column
            while i >= 0 {
                var sum = i == column ? 1.0 : 0.0
                for k in (i + 1)..<max(column + 1, i + 1) { sum -= r[i * n + k] * inverse[k * n + column] }
                inverse[i * n + column] = sum / r[i * n + i]
                i -= 1
            }
        }
        return inverse.map(Float.init)
    }
}
