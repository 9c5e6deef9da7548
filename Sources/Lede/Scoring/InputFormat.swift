/// How `lede-classify` splits its inputs into documents.
public enum InputFormat: String, CaseIterable, Sendable {
    /// Each regular file is one document (directories are walked); id = the path. `-` is stdin as one document.
    case files
    /// One JSON object per line with `"text"` and optional `"id"` (default: the line number).
    case jsonl
    /// `id<TAB>text` per line.
    case tsv
    /// One document per line; id = the line number (`path:line` when several inputs are given).
    case lines
}

/// One document waiting to be scored: where its id and text are, or what to read.
struct PendingDocument {
    enum Source {
        /// Text already in the batch's byte buffer; id as well.
        case inline
        /// A whole file to read (files mode); id = its path.
        case file(RawPath)
        /// A JSONL or TSV line in the batch buffer, parsed by the worker.
        case record(InputFormat)
        /// Could not be read; the message becomes the record's error.
        case failed(String)
    }

    var source: Source
    var id: Range<Int>
    var text: Range<Int>
}

/// A run of documents read together and scored in parallel; its buffers are reused from batch to batch.
final class DocumentBatch {
    // `@exclusivity(unchecked)`: as in `Featurizer`, one thread's state, never accessed overlapping.
    var documents: [PendingDocument] = []
    var bytes: [UInt8] = []
    /// Raw input bytes this batch accounts for (for throughput figures).
    @exclusivity(unchecked) var inputBytes = 0

    var count: Int { documents.count }

    func removeAll() {
        documents.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        inputBytes = 0
    }

    /// Appends bytes to the buffer and returns their range.
    func store(_ raw: UnsafeRawBufferPointer) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: raw)
        return start..<bytes.count
    }

    func store(_ path: RawPath) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: path.bytes)
        return start..<bytes.count
    }

    func store(_ text: String) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        return start..<bytes.count
    }

    /// Appends the decimal digits of `n`.
    func storeNumber(_ n: Int) -> Range<Int> {
        let start = bytes.count
        if n == 0 { bytes.append(0x30); return start..<bytes.count }
        var value = n
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while value > 0 {
                d[count] = UInt8(0x30 + value % 10)
                value /= 10
                count += 1
            }
            for k in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[k]) }
        }
        return start..<bytes.count
    }
}
