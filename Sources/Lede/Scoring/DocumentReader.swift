import Dispatch

/// Reads `lede-classify`'s inputs (files, directories, or `-` for stdin) and fills batches of documents,
/// streaming: files are listed as they are walked, lines are read in chunks.
///
/// Every document found becomes exactly one entry, even when it cannot be read (then it carries the
/// error), so the output accounts for every input. Paths travel as bytes (`RawPath`).
final class DocumentReader {
    let inputs: [RawPath]
    let format: InputFormat
    /// Batches close at this many documents or bytes of text.
    let maxDocuments: Int
    let maxBytes: Int
    /// The most bytes one document may have; a longer one becomes an error entry.
    let maxDocumentBytes: Int

    /// A file to classify, or a sub-directory that could not be listed (with the reason).
    private enum Found {
        case file(RawPath)
        case unreadable(RawPath, LedeError)
    }

    private var inputIndex = 0
    /// Entries still to hand out, last first: a file named on the command line, or a whole directory walk
    /// when the total bytes are estimated (which needs the walk first). Other walks go through `walk`.
    private var pending: [Found] = []
    /// The directory being walked one entry at a time.
    private var walk: DirectoryWalk?
    private var lineReader: LineReader?
    private var lineReaderPath = RawPath("")
    /// How long (nanoseconds) a document read from live input may wait for more input before it is
    /// scored and written anyway: short against the 100 ms a record may lag its line, long against the
    /// pauses of a busy producer that refills the pipe (closing batches at every such pause would leave
    /// them small and the threads idle).
    static let liveInputLatency: UInt64 = 25_000_000
    /// When the first document of the batch being filled was read, and of the batch returned last (which
    /// the caller is scoring while this one fills): the oldest unwritten document is the latter's.
    private var fillingSince: UInt64?
    private var inFlightSince: UInt64?
    /// The batch being filled, for the live-input hook.
    private var filling: DocumentBatch?
    /// Called when reading would wait for live input (a pipe or terminal) and the documents read earlier
    /// have waited `liveInputLatency`: the place to write what earlier batches produced, so that a record
    /// follows its input line within that time.
    var onIdle: (() throws -> Void)?
    private static let standardInput = RawPath("-")
    /// The bytes of the inputs, for an estimate of the time left: files given by name count from the
    /// start, a directory once it is walked (the walk that lists its files); nil with standard input, and
    /// when not estimating.
    private(set) var expectedBytes: Int?
    /// Directories not walked yet; -1: no estimate (standard input, or not asked for).
    private var unwalkedDirectories = -1
    private var knownBytes = 0

    /// `estimatingTotalBytes`: fill `expectedBytes` (a look-up of each named input's size first).
    init(inputs: [RawPath], format: InputFormat, maxDocuments: Int = 2048, maxBytes: Int = 8 << 20,
         maxDocumentBytes: Int = .max, estimatingTotalBytes: Bool = false) {
        self.inputs = inputs.isEmpty ? [Self.standardInput] : inputs
        self.format = format
        self.maxDocuments = maxDocuments
        self.maxBytes = maxBytes
        self.maxDocumentBytes = maxDocumentBytes
        guard estimatingTotalBytes, !self.inputs.contains(Self.standardInput) else { return }
        unwalkedDirectories = 0
        for input in self.inputs {
            if format == .files && FileSystem.isDirectory(input) {
                unwalkedDirectories += 1
            } else {
                knownBytes += FileSystem.regularFileSize(input)
            }
        }
        if unwalkedDirectories == 0 { expectedBytes = knownBytes }
    }

    /// Fills `batch` with the next documents; false when the inputs are exhausted. Throws only
    /// `Interruption.Requested` and what `onIdle` throws: every other problem becomes an error entry.
    ///
    /// With live input (a pipe or terminal), a batch also closes when its next line has not arrived yet,
    /// so that the documents already read are scored without waiting for more.
    func next(into batch: DocumentBatch) throws -> Bool {
        batch.removeAll()
        filling = batch
        defer { filling = nil }
        inFlightSince = fillingSince  // the batch returned last is being scored now
        fillingSince = nil
        while batch.count < maxDocuments && batch.bytes.count < maxBytes {
            try Interruption.check()
            if format == .files {
                if !(try nextFile(into: batch)) { break }
            } else {
                if !(try nextLine(into: batch)) { break }
            }
            if fillingSince == nil && batch.count > 0 { fillingSince = DispatchTime.now().uptimeNanoseconds }
        }
        return batch.count > 0
    }

    /// Live input has nothing to read yet. Waits for it while the oldest pending document is younger than
    /// `liveInputLatency`; past that, ends the batch being filled (`LineReader.WouldWait`) if it holds
    /// documents and `canEndBatch`, else has the earlier batches' records written (`onIdle`) and lets the
    /// reader wait for as long as it takes.
    private func beforeWaiting(_ reader: LineReader, canEndBatch: Bool) throws {
        guard let since = inFlightSince ?? fillingSince else { return }
        let age = DispatchTime.now().uptimeNanoseconds &- since
        if age < DocumentReader.liveInputLatency {
            let left = Int32((DocumentReader.liveInputLatency - age + 999_999) / 1_000_000)
            if try reader.waitForInput(milliseconds: left) { return }
        }
        if canEndBatch, let batch = filling, batch.count > 0 { throw LineReader.WouldWait() }
        try idle()
        inFlightSince = nil
    }

    /// What `onIdle` threw, carried through the line reader untouched.
    private struct IdleFailure: Error {
        let underlying: Error
    }

    private func idle() throws {
        do {
            try onIdle?()
        } catch {
            throw IdleFailure(underlying: error)
        }
    }

    private func failed(_ id: Range<Int>, _ error: Error, into batch: DocumentBatch) {
        batch.documents.append(PendingDocument(source: .failed(String(describing: error)), id: id, text: 0..<0))
    }

    // MARK: - Files

    private func nextFile(into batch: DocumentBatch) throws -> Bool {
        while pending.isEmpty {
            if walk != nil {
                switch walk!.next() {
                case .file(let path, _): append(.file(path), to: batch)
                case .unreadable(let path, let error): append(.unreadable(path, error), to: batch)
                case nil:
                    walk = nil
                    continue
                }
                return true
            }
            guard inputIndex < inputs.count else { return false }
            let input = inputs[inputIndex]
            inputIndex += 1
            if input == Self.standardInput {
                try readStandardInput(into: batch)
                return true
            }
            guard FileSystem.isDirectory(input) else {
                pending = [.file(input)]
                break
            }
            let estimating = unwalkedDirectories > 0
            if estimating { unwalkedDirectories -= 1 }
            do {
                guard estimating else {  // the first files are scored while the rest of the tree is listed
                    walk = try DirectoryWalk(input)
                    continue
                }
                var found: [Found] = []
                try FileSystem.walk(input, { path, bytes in
                    found.append(.file(path))
                    knownBytes += bytes
                }, unreadable: { found.append(.unreadable($0, $1)) })
                pending = found.reversed()
                if unwalkedDirectories == 0 { expectedBytes = knownBytes }
            } catch {
                failed(batch.store(input), error, into: batch)
                return true
            }
        }
        append(pending.removeLast(), to: batch)
        return true
    }

    /// The batch's entry for what a walk found: a file to read, or the error of one that cannot be.
    private func append(_ found: Found, to batch: DocumentBatch) {
        switch found {
        case .file(let path):
            batch.documents.append(PendingDocument(source: .file(path), id: batch.store(path), text: 0..<0))
        case .unreadable(let path, let error):
            failed(batch.store(path), error, into: batch)
        }
    }

    /// Standard input as one document, read in chunks.
    private func readStandardInput(into batch: DocumentBatch) throws {
        let id = batch.store(Self.standardInput)
        do {
            let reader = try LineReader(path: Self.standardInput, maxLineBytes: maxDocumentBytes)
            reader.beforeWaiting = { [unowned self, unowned reader] in try self.beforeWaiting(reader, canEndBatch: false) }
            let start = batch.bytes.count
            var first = true
            while try reader.nextLine({ line -> Bool in
                if !first { batch.bytes.append(0x0A) }
                first = false
                batch.bytes.append(contentsOf: line)
                return !reader.lineTooLong
            }) != nil {
                if reader.lineTooLong || batch.bytes.count - start > maxDocumentBytes {
                    batch.bytes.removeSubrange(start...)
                    throw LedeError.invalidData("standard input is longer than the limit of \(maxDocumentBytes) bytes for one document")
                }
            }
            batch.inputBytes += reader.bytesRead
            batch.documents.append(PendingDocument(source: .inline, id: id, text: start..<batch.bytes.count))
        } catch let interruption as Interruption.Requested {
            throw interruption
        } catch let failure as IdleFailure {
            throw failure.underlying
        } catch {
            failed(id, error, into: batch)
        }
    }

    // MARK: - Lines

    private func nextLine(into batch: DocumentBatch) throws -> Bool {
        while true {
            if lineReader == nil {
                guard inputIndex < inputs.count else { return false }
                let path = inputs[inputIndex]
                inputIndex += 1
                do {
                    let reader = try LineReader(path: path, maxLineBytes: maxDocumentBytes)
                    reader.beforeWaiting = { [unowned self, unowned reader] in try self.beforeWaiting(reader, canEndBatch: true) }
                    lineReader = reader
                    lineReaderPath = path
                } catch {
                    failed(batch.store(path), error, into: batch)
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
                        let start = batch.store(lineReaderPath).lowerBound
                        _ = batch.store(":")
                        id = start..<batch.storeNumber(number).upperBound
                    } else {
                        id = batch.storeNumber(number)
                    }
                    if reader.lineTooLong {
                        failed(id, LedeError.invalidData("line \(number) is longer than the limit of \(maxDocumentBytes) bytes for one document"), into: batch)
                        return true
                    }
                    let text = batch.store(line)
                    let source: PendingDocument.Source = format == .lines ? .inline : .record(format)
                    batch.documents.append(PendingDocument(source: source, id: id, text: text))
                    return true
                }
                batch.inputBytes += reader.bytesRead - before
                if got != nil { return true }
                lineReader = nil
            } catch is LineReader.WouldWait {
                return false
            } catch let interruption as Interruption.Requested {
                throw interruption
            } catch let failure as IdleFailure {
                throw failure.underlying
            } catch {
                failed(batch.store(lineReaderPath), error, into: batch)
                lineReader = nil
                return true
            }
        }
    }
}
