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

    /// Appends the dense features of the document in `vector` (its tf-idf entries) to it; `scratch`
    /// holds `dimensions` floats.
    @inline(__always)
    public func append(to vector: SparseVector, scratch m: UnsafeMutablePointer<Float>) {
        let d = dimensions
        m.update(repeating: 0, count: d)
        let rowOf = rowOfColumn.base, codes = self.codes.base, scales = self.scales.base
        var found = false
        let ahead = 4  // rows fetched ahead: a row is a few cache lines, usually not in cache
        let lines = (d + 63) / 64
        for e in 0..<vector.count {
            if e + ahead < vector.count {
                let next = Int(rowOf[Int(vector.columns[e + ahead])])
                if next >= 0 { for line in 0..<lines { lede_prefetch(codes + next * d + line * 64) } }
            }
            let row = Int(rowOf[Int(vector.columns[e])])
            guard row >= 0 else { continue }
            found = true
            lede_add_scaled_codes(m, codes + row * d, vector.values[e] * scales[row], d)
        }
        guard found else { return }
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
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: dimensions)
        defer { scratch.deallocate() }
        for r in 0..<x.rows {
            vector.load(row: r, of: x)
            append(to: vector, scratch: scratch)
            builder.appendRow(columns: Array(UnsafeBufferPointer(start: vector.columns, count: vector.count)),
                              values: Array(UnsafeBufferPointer(start: vector.values, count: vector.count)))
        }
        return builder.build()
    }
}
