import CLedeSupport

/// Dense features from word vectors: the direction of a document's tf-idf-weighted sum of word vectors,
///
///     m = sum_j x_j e_j,    features = weight * m / ||m||   (none when m = 0),
///
/// over the document's unigram columns j that have a vector `e_j` (`WordVectorLearner`), appended to
/// its sparse vector as columns `firstColumn ..< firstColumn + dimensions`. They let the linear model
/// see that documents share a subject when they share no word; the normalization makes them a
/// direction, not a length, which the linear terms cannot express.
///
/// Vectors are stored as 8-bit codes with one scale per word: `e_j ~ scales[r] * codes[r * dimensions + i]`
/// for `r = rowOfColumn[j]` (-1: no vector); training and scoring both read the codes.
public struct WordVectors: Sendable {
    public let dimensions: Int
    public let weight: Float
    /// The first dense column: the feature space's column count.
    public let firstColumn: Int
    public let rowOfColumn: Storage<Int32>
    public let codes: Storage<Int8>
    public let scales: Storage<Float>
    /// Bit j set when column j has a row (derived from `rowOfColumn`): a document's other columns, its
    /// bigrams among them, are passed over in a table small enough for the core's own cache.
    let hasRow: Storage<UInt64>

    public var rows: Int { scales.count }

    public init(dimensions: Int, weight: Float, firstColumn: Int, rowOfColumn: Storage<Int32>, codes: Storage<Int8>,
                scales: Storage<Float>) {
        precondition(rowOfColumn.count == firstColumn && codes.count == scales.count * dimensions)
        self.dimensions = dimensions
        self.weight = weight
        self.firstColumn = firstColumn
        self.rowOfColumn = rowOfColumn
        self.codes = codes
        self.scales = scales
        var bits = [UInt64](repeating: 0, count: (firstColumn + 63) / 64)
        for column in 0..<firstColumn where rowOfColumn[column] >= 0 { bits[column >> 6] |= 1 << UInt64(column & 63) }
        hasRow = Storage(bits)
    }

    /// Quantizes `vectors` (one row of `dimensions` values per entry of `columnOfRow`) for the columns of a
    /// space of `columns` columns.
    public init(vectors: [Float], columnOfRow: [Int32], dimensions: Int, weight: Float, columns: Int) {
        var rowOfColumn = [Int32](repeating: -1, count: columns)
        var codes = [Int8](repeating: 0, count: columnOfRow.count * dimensions)
        var scales = [Float](repeating: 0, count: columnOfRow.count)
        for (row, column) in columnOfRow.enumerated() {
            rowOfColumn[Int(column)] = Int32(row)
            let values = vectors[(row * dimensions)..<((row + 1) * dimensions)]
            let largest = values.reduce(Float(0)) { max($0, abs($1)) }
            guard largest > 0, values.allSatisfy(\.isFinite) else { continue }  // no vector
            scales[row] = largest / 127
            for (i, value) in values.enumerated() {
                codes[row * dimensions + i] = Int8((value / scales[row]).rounded())
            }
        }
        self.init(dimensions: dimensions, weight: weight, firstColumn: columns, rowOfColumn: Storage(rowOfColumn),
                  codes: Storage(codes), scales: Storage(scales))
    }

    /// A thread's buffers for `append`: the sum, and the rows and scales of one document's words.
    public final class Scratch {
        let sum: UnsafeMutablePointer<Float>
        private(set) var rows: UnsafeMutablePointer<UnsafePointer<Int8>?>
        private(set) var scales: UnsafeMutablePointer<Float>
        private var capacity = 1024

        public init(dimensions: Int) {
            sum = .allocate(capacity: max(dimensions, 1))
            rows = .allocate(capacity: capacity)
            scales = .allocate(capacity: capacity)
        }

        deinit {
            sum.deallocate()
            rows.deallocate()
            scales.deallocate()
        }

        /// Room for `count` rows.
        func reserve(_ count: Int) {
            guard count > capacity else { return }
            while capacity < count { capacity *= 2 }
            rows = rows.reallocated(capacity: capacity, keeping: 0)
            scales = scales.reallocated(capacity: capacity, keeping: 0)
        }
    }

    /// Appends the dense features of the document in `vector` (its tf-idf entries) to it. The words that
    /// have vectors are listed first (their rows fetched as they are found), then summed four rows at a
    /// time (`lede_add_scaled_rows`: each element's additions in the vector's order, as one at a time).
    @inline(__always)
    public func append(to vector: SparseVector, scratch: Scratch) {
        let d = dimensions, m = scratch.sum
        m.update(repeating: 0, count: d)
        let rowOf = rowOfColumn.base, codes = self.codes.base, scales = self.scales.base, hasRow = self.hasRow.base
        scratch.reserve(vector.count)
        let rows = scratch.rows, rowScales = scratch.scales
        let lines = (d + 63) / 64, columns = vector.columns, count = vector.count
        // The row of each column is fetched `ahead` entries early; a row's codes and scale as soon as the
        // row is known; the scales are read in a second pass, once they have arrived.
        let ahead = 16
        @inline(__always) func hasVector(_ e: Int) -> Bool {
            let column = Int(columns[e])
            return hasRow[column >> 6] >> UInt64(column & 63) & 1 != 0
        }
        for e in 0..<min(ahead, count) where hasVector(e) { lede_prefetch(rowOf + Int(columns[e])) }
        var found = 0
        for e in 0..<count {
            if e + ahead < count && hasVector(e + ahead) { lede_prefetch(rowOf + Int(columns[e + ahead])) }
            guard hasVector(e) else { continue }
            let row = Int(rowOf[Int(columns[e])])
            let start = codes + row * d
            for line in 0..<lines { lede_prefetch(start + line * 64) }
            lede_prefetch(scales + row)
            rows[found] = start
            rowScales[found] = vector.values[e]
            found += 1
        }
        guard found > 0 else { return }
        for f in 0..<found { rowScales[f] *= scales[(rows[f]! - codes) / d] }
        lede_add_scaled_rows(m, rows, rowScales, found, d)
        var squares: Float = 0
        for i in 0..<d { squares += m[i] * m[i] }
        guard squares > 0 else { return }
        let factor = weight / squares.squareRoot()
        for i in 0..<d { vector.append(column: Int32(firstColumn + i), value: m[i] * factor) }
    }

    /// `x` with every row's dense features appended (`dimensions` more columns).
    public func augment(_ x: SparseMatrix) -> SparseMatrix {
        precondition(x.columns == firstColumn)
        var builder = SparseMatrix.Builder(columns: firstColumn + dimensions)
        builder.reserve(rows: x.rows, nonZeros: x.nonZeros + x.rows * dimensions)
        let vector = SparseVector()
        let scratch = Scratch(dimensions: dimensions)
        for r in 0..<x.rows {
            vector.load(row: r, of: x)
            append(to: vector, scratch: scratch)
            builder.appendRow(columns: Array(UnsafeBufferPointer(start: vector.columns, count: vector.count)),
                              values: Array(UnsafeBufferPointer(start: vector.values, count: vector.count)))
        }
        return builder.build()
    }
}
