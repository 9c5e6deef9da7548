/// Reads `lede-classify`'s inputs (files, directories, or `-` for stdin) and fills batches of documents,
/// streaming: files are listed as they are walked, lines are read in chunks.
///
/// Every document found becomes exactly one entry, even when it cannot be read (then it carries the
/// error), so the output accounts for every input.
final class DocumentReader {
    let inputs: [String]
    let format: InputFormat
    /// Batches close at this many documents or bytes of text.
    let maxDocuments: Int
    let maxBytes: Int

    private var inputIndex = 0
    private var pendingFiles: [String] = []
    private var lineReader: LineReader?
    private var lineReaderPath = ""
    private var readStdinWhole = false

    init(inputs: [String], format: InputFormat, maxDocuments: Int = 2048, maxBytes: Int = 8 << 20) {
        self.inputs = inputs.isEmpty ? ["-"] : inputs
        self.format = format
        self.maxDocuments = maxDocuments
        self.maxBytes = maxBytes
    }

    /// Fills `batch` with the next documents; false when the inputs are exhausted.
    func next(into batch: DocumentBatch) -> Bool {
        batch.removeAll()
        while batch.count < maxDocuments && batch.bytes.count < maxBytes {
            if format == .files {
                if !nextFile(into: batch) { break }
            } else {
                if !nextLine(into: batch) { break }
            }
        }
        return batch.count > 0
    }

    // MARK: - Files

    private func nextFile(into batch: DocumentBatch) -> Bool {
        while pendingFiles.isEmpty {
            guard inputIndex < inputs.count else { return false }
            let input = inputs[inputIndex]
            inputIndex += 1
            if input == "-" {
                readStandardInput(into: batch)
                return true
            }
            if FileSystem.isDirectory(input) {
                do {
                    var found: [String] = []
                    try FileSystem.walk(input) { found.append($0) }
                    pendingFiles = found.reversed()
                } catch {
                    let id = batch.store(input)
                    batch.documents.append(PendingDocument(source: .failed(String(describing: error)), id: id, text: 0..<0))
                    return true
                }
            } else {
                pendingFiles = [input]
            }
        }
        let path = pendingFiles.removeLast()
        let id = batch.store(path)
        batch.documents.append(PendingDocument(source: .file(path), id: id, text: 0..<0))
        return true
    }

    /// Standard input as one document, read in chunks.
    private func readStandardInput(into batch: DocumentBatch) {
        let id = batch.store("-")
        do {
            let reader = try LineReader(path: "-")
            let start = batch.bytes.count
            var first = true
            while try reader.nextLine({ line -> Bool in
                if !first { batch.bytes.append(0x0A) }
                first = false
                batch.bytes.append(contentsOf: line)
                return true
            }) != nil {}
            batch.inputBytes += reader.bytesRead
            batch.documents.append(PendingDocument(source: .inline, id: id, text: start..<batch.bytes.count))
        } catch {
            batch.documents.append(PendingDocument(source: .failed(String(describing: error)), id: id, text: 0..<0))
        }
    }

    // MARK: - Lines

    private func nextLine(into batch: DocumentBatch) -> Bool {
        while true {
            if lineReader == nil {
                guard inputIndex < inputs.count else { return false }
                let path = inputs[inputIndex]
                inputIndex += 1
                do {
                    lineReader = try LineReader(path: path)
                    lineReaderPath = path
                } catch {
                    let id = batch.store(path)
                    batch.documents.append(PendingDocument(source: .failed(String(describing: error)), id: id, text: 0..<0))
                    return true
                }
            }
            let reader = lineReader!
            do {
                let before = reader.bytesRead
                let got = try reader.nextLine { line -> Bool in
                    let number = reader.lineNumber
                    let id: Range<Int>
                    if inputs.count > 1 {
                        let start = batch.store(lineReaderPath + ":").lowerBound
                        id = start..<batch.storeNumber(number).upperBound
                    } else {
                        id = batch.storeNumber(number)
                    }
                    let text = batch.store(line)
                    let source: PendingDocument.Source = format == .lines ? .inline : .record(format)
                    batch.documents.append(PendingDocument(source: source, id: id, text: text))
                    return true
                }
                batch.inputBytes += reader.bytesRead - before
                if got != nil { return true }
                lineReader = nil
            } catch {
                let id = batch.store(lineReaderPath)
                batch.documents.append(PendingDocument(source: .failed(String(describing: error)), id: id, text: 0..<0))
                lineReader = nil
                return true
            }
        }
    }
}
