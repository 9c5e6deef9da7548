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
    /// For each word of `hasRow`, the number of bits set in the words before it: with it, the rank of a
    /// column among the columns that have a row, `rankBefore[j / 64] + popcount(hasRow[j / 64] & (2^(j % 64) - 1))`,
    /// comes from two small tables instead of a read of `rowOfColumn`.
    let rankBefore: Storage<UInt32>
    /// The rows as scoring reads them (derived from `codes`, `scales` and `rowOfColumn`), in the order of
    /// their columns: the row of the column of rank k at byte `k * rowStride`, its `dimensions` codes and
    /// zeros up to `summedDimensions`, then its scale (a `Float`) in the last 4 bytes of the stride. The
    /// stride is a multiple of 64 bytes and the table 64-byte aligned: a row is whole cache lines, its
    /// scale among them. A table of a megabyte or more is in 2 MiB pages where the kernel gives them
    /// (`Storage(zeroedPages:)`): its rows are read at random, ~130 per document (the topic model with
    /// word vectors took 0.92-0.95 of the time it took with them in 4 KiB pages, in paired runs).
    let scoringRows: Storage<UInt8>
    let rowStride: Int
    /// `dimensions` rounded up to a multiple of 8 (`summed(_:)`): the sum runs over whole vectors of 8
    /// codes, the zeros adding 0 to sum elements that no feature reads.
    let summedDimensions: Int

    /// `dimensions` rounded up to a multiple of 8.
    static func summed(_ dimensions: Int) -> Int { (dimensions + 7) / 8 * 8 }

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
        var before = [UInt32](repeating: 0, count: bits.count)
        var ranked: UInt32 = 0
        for (word, value) in bits.enumerated() {
            before[word] = ranked
            ranked += UInt32(value.nonzeroBitCount)
        }
        hasRow = Storage(bits)
        rankBefore = Storage(before)
        summedDimensions = WordVectors.summed(dimensions)
        rowStride = (summedDimensions + MemoryLayout<Float>.size + 63) / 64 * 64
        scoringRows = Storage(zeroedPages: Int(ranked) * rowStride)
        var start = UnsafeMutableRawPointer(mutating: scoringRows.base)
        for column in 0..<firstColumn where rowOfColumn[column] >= 0 {
            let row = Int(rowOfColumn[column])
            start.copyMemory(from: codes.base + row * dimensions, byteCount: dimensions)
            start.storeBytes(of: scales[row], toByteOffset: rowStride - MemoryLayout<Float>.size, as: Float.self)
            start += rowStride
        }
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

    /// A thread's buffers for `append`: the sum, and the rows and tf-idf values of one document's words.
    public final class Scratch {
        let sum: UnsafeMutablePointer<Float>
        private(set) var rows: UnsafeMutablePointer<UnsafePointer<Int8>?>
        private(set) var values: UnsafeMutablePointer<Float>
        private var capacity = 1024

        public init(dimensions: Int) {
            sum = .allocate(capacity: max(WordVectors.summed(dimensions), 1))
            rows = .allocate(capacity: capacity)
            values = .allocate(capacity: capacity)
        }

        deinit {
            sum.deallocate()
            rows.deallocate()
            values.deallocate()
        }

        /// Room for `count` rows.
        func reserve(_ count: Int) {
            guard count > capacity else { return }
            while capacity < count { capacity *= 2 }
            rows = rows.reallocated(capacity: capacity, keeping: 0)
            values = values.reallocated(capacity: capacity, keeping: 0)
        }
    }

    /// Rows whose lines the sum fetches ahead of the ones it adds (`lede_add_scaled_rows`).
    static let rowsAhead = 8

    /// Appends the dense features of the document in `vector` (its tf-idf entries) to it. The words that
    /// have vectors are listed first, their rows found by rank (`rankBefore`) and the lines of the first
    /// `rowsAhead` fetched as they are found; then `lede_add_scaled_rows` sums them four rows at a time,
    /// fetching later rows while it adds: each element's additions in the vector's order, as one row at a
    /// time, each row's term `(x_j * scales[r]) * codes[r][i]`.
    @inline(__always)
    public func append(to vector: SparseVector, scratch: Scratch) {
        let d = dimensions, m = scratch.sum
        m.update(repeating: 0, count: summedDimensions)
        scratch.reserve(vector.count)
        // Whether a column has a row (a word's does, a pair's does not) is as good as random, so it is not
        // branched on: every column's entry is written, and the next one overwrites it unless it has a row.
        // (The rank of a column without a row is that of the next column that has one, at most `rows`: an
        // address at most one past the table, which is fetched at worst, never read.)
        let count = vector.count
        let found = lede_word_rows(vector.columns, vector.values, count, hasRow.base, rankBefore.base,
                                   UnsafePointer<Int8>(OpaquePointer(scoringRows.base)), rowStride, WordVectors.rowsAhead,
                                   scratch.rows, scratch.values)
        guard found > 0 else { return }
        lede_add_scaled_rows(m, scratch.rows, scratch.values, found, summedDimensions, rowStride, WordVectors.rowsAhead)
        var squares: Float = 0
        for i in 0..<d { squares += m[i] * m[i] }
        guard squares > 0 else { return }
        let factor = weight / squares.squareRoot()
        vector.reserve(count + d)
        let denseColumns = vector.columns + count, denseValues = vector.values + count
        for i in 0..<d {
            denseColumns[i] = Int32(truncatingIfNeeded: firstColumn + i)
            denseValues[i] = m[i] * factor
        }
        vector.count = count + d
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
