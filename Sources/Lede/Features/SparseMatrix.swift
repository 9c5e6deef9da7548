/// A sparse matrix in compressed sparse row form (the training data: one row per document), with its
/// compressed sparse column transpose built on demand for column-parallel gradient sums.
public struct SparseMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    /// Row r holds `columnIndices[rowOffsets[r] ..< rowOffsets[r + 1]]`, sorted, with `values` alongside.
    public let rowOffsets: [Int]
    public let columnIndices: [Int32]
    public let values: [Float]

    public var nonZeros: Int { values.count }

    /// Calls `body` with each entry `(column, value)` of row `r`, in order: the one loop over a row that
    /// training, evaluation and the word vectors share (each sums in its own precision).
    @inline(__always)
    public func forEachEntry(inRow r: Int, _ body: (_ column: Int, _ value: Float) -> Void) {
        for e in rowOffsets[r]..<rowOffsets[r + 1] { body(Int(columnIndices[e]), values[e]) }
    }

    public struct Builder {
        let columns: Int
        var rowOffsets: [Int] = [0]
        var columnIndices: [Int32] = []
        var values: [Float] = []

        public init(columns: Int) { self.columns = columns }

        public mutating func reserve(rows: Int, nonZeros: Int) {
            rowOffsets.reserveCapacity(rows + 1)
            columnIndices.reserveCapacity(nonZeros)
            values.reserveCapacity(nonZeros)
        }

        public mutating func appendRow(columns: [Int32], values: [Float]) {
            columnIndices.append(contentsOf: columns)
            self.values.append(contentsOf: values)
            rowOffsets.append(columnIndices.count)
        }

        public func build() -> SparseMatrix {
            SparseMatrix(rows: rowOffsets.count - 1, columns: columns, rowOffsets: rowOffsets,
                         columnIndices: columnIndices, values: values)
        }
    }

    /// The rows `selection`, in that order.
    public func rows(_ selection: [Int]) -> SparseMatrix {
        var builder = Builder(columns: columns)
        for r in selection {
            let range = rowOffsets[r]..<rowOffsets[r + 1]
            builder.appendRow(columns: Array(columnIndices[range]), values: Array(values[range]))
        }
        return builder.build()
    }

    /// The same matrix with its columns renumbered by decreasing number of non-zeros (ties keep their
    /// order), and the new number of each old column. Solvers that update one weight per non-zero then
    /// find the weights of frequent features side by side, in cache.
    public func columnsByFrequency() -> (matrix: SparseMatrix, newColumn: [Int32]) {
        var counts = [Int](repeating: 0, count: columns)
        for c in columnIndices { counts[Int(c)] += 1 }
        let order = (0..<columns).sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        var newColumn = [Int32](repeating: 0, count: columns)
        for (position, old) in order.enumerated() { newColumn[old] = Int32(position) }
        var indices = [Int32](repeating: 0, count: nonZeros)
        var newValues = [Float](repeating: 0, count: nonZeros)
        var entries: [(Int32, Float)] = []
        for r in 0..<rows {
            entries.removeAll(keepingCapacity: true)
            for e in rowOffsets[r]..<rowOffsets[r + 1] { entries.append((newColumn[Int(columnIndices[e])], values[e])) }
            entries.sort { $0.0 < $1.0 }
            for (offset, entry) in entries.enumerated() {
                indices[rowOffsets[r] + offset] = entry.0
                newValues[rowOffsets[r] + offset] = entry.1
            }
        }
        return (SparseMatrix(rows: rows, columns: columns, rowOffsets: rowOffsets, columnIndices: indices, values: newValues),
                newColumn)
    }

    /// The transpose in compressed sparse column form: column c holds `rowIndices[offsets[c] ..< offsets[c + 1]]`
    /// in increasing row order.
    public func transposed() -> (offsets: [Int], rowIndices: [Int32], values: [Float]) {
        var offsets = [Int](repeating: 0, count: columns + 1)
        for c in columnIndices { offsets[Int(c) + 1] += 1 }
        for c in 0..<columns { offsets[c + 1] += offsets[c] }
        var next = offsets
        var rowIndices = [Int32](repeating: 0, count: nonZeros)
        var transposedValues = [Float](repeating: 0, count: nonZeros)
        for r in 0..<rows {
            for k in rowOffsets[r]..<rowOffsets[r + 1] {
                let c = Int(columnIndices[k])
                rowIndices[next[c]] = Int32(r)
                transposedValues[next[c]] = values[k]
                next[c] += 1
            }
        }
        return (offsets, rowIndices, transposedValues)
    }
}
