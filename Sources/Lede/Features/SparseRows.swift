/// The rows of a `SparseMatrix` as raw pointers, for the inner loops of solvers: row r holds the
/// entries `range(of: r)`, entry e being `(columns[e], values[e])`. Only `SparseMatrix.withUnsafeRows`
/// makes one, valid inside its closure.
public struct SparseRows {
    public let offsets: UnsafePointer<Int>
    public let columns: UnsafePointer<Int32>
    public let values: UnsafePointer<Float>

    @inline(__always) public func range(of row: Int) -> Range<Int> { offsets[row]..<offsets[row + 1] }
}

extension SparseMatrix {
    /// Calls `body` with the rows as pointers into this matrix's arrays, which stay alive and unchanged
    /// for the call; the pointers must not escape it.
    public func withUnsafeRows<R>(_ body: (SparseRows) throws -> R) rethrows -> R {
        try rowOffsets.withUnsafeBufferPointer { offsets in
            try columnIndices.withUnsafeBufferPointer { columns in
                try values.withUnsafeBufferPointer { values in
                    // A matrix always has `rows + 1` offsets; without entries its empty arrays may have no base
                    // address, and an aligned placeholder stands in (every row's range is then empty).
                    try body(SparseRows(offsets: offsets.baseAddress!,
                                        columns: columns.baseAddress ?? UnsafePointer(bitPattern: 64)!,
                                        values: values.baseAddress ?? UnsafePointer(bitPattern: 64)!))
                }
            }
        }
    }
}
