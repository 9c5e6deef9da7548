import Foundation

/// Classifies batches of documents on several threads and formats one record per document, in input order.
///
/// Each batch is cut into `slicesPerThread` contiguous slices per thread (small enough that a slice of long
/// documents does not leave the other threads idle); a slice's records go to its own buffer, and the
/// buffers are written in slice order, so the output is the same for any thread count. The workers take the
/// slices of the batches read in order, without waiting at the end of a batch for the others to finish
/// theirs, while the calling thread writes the records of the oldest batch and reads the next one, so that
/// the workers never wait for the input or the output.
public final class BatchClassifier {
    public struct Options: Sendable {
        public var threads = Parallel.availableCores
        public var threshold: Float? = nil
        public var topK: Int? = nil
        public var format = RecordFormatter.Format.jsonl
        /// Significant digits of the scores written (`ScoreFormat`).
        public var scoreDigits = ScoreFormat.defaultDigits
        /// Explain each predicted label (or every label, with `explainAll`) by its `explain` strongest terms.
        public var explain = 0
        public var explainAll = false
        /// Inputs are HTML: classify their text (`HTMLText`).
        public var html = false
        /// The most bytes one document (file, line or standard input) may have; a larger one gets an error
        /// record instead of exhausting memory or time.
        public var maxDocumentBytes = BatchClassifier.defaultMaxDocumentBytes
        /// Fill `Totals.expectedBytes` (a progress display's time left): the size of every input named
        /// is looked up before the run.
        public var estimatesTotalBytes = false
        public init() {}
    }

    public struct Totals: Sendable {
        public var documents = 0
        public var errors = 0
        public var bytes = 0
        /// What `bytes` will reach at the end, once the inputs are listed (nil before, with standard input,
        /// and without `Options.estimatesTotalBytes`).
        public var expectedBytes: Int?
    }

    public let model: LedeModel
    public let options: Options
    public let formatter: RecordFormatter
    private let workers: [Worker]
    public private(set) var totals = Totals()
    static let slicesPerThread = 16
    public static let defaultMaxDocumentBytes = 64 << 20

    /// A thread's scratch state, and its own copies of what every record reads (the decision rule, the
    /// formatter), so that threads share no reference count on the per-document path.
    final class Worker {
        let scorer: DocumentScorer
        let decision: LabelDecision
        let formatter: RecordFormatter
        // `@exclusivity(unchecked)`: as in `Featurizer`, one thread's state, never accessed overlapping.
        @exclusivity(unchecked) var chosen: [Int] = []
        /// The text of the current HTML document, and the UTF-8 form of the current UTF-16 one.
        var text: [UInt8] = []
        var decoded: [UInt8] = []
        /// Reads the lines of JSONL input: the common ones at once, the others through `json`.
        var scanner = JSONLineScanner()
        let json = InputRecordParser.jsonDecoder()

        init(model: LedeModel, options: Options) {
            scorer = DocumentScorer(model: model)
            decision = model.linear.decision.withOwnStorage()
            formatter = RecordFormatter(format: options.format, labels: model.labels,
                                        scores: ScoreFormat(digits: options.scoreDigits))
        }
    }

    /// One slice's records and counts, held by the batch between runs of its slice.
    final class Slice {
        var records = SliceRecords()
    }

    /// What a slice produced: filled in a local of the thread that runs the slice, then stored in its
    /// `Slice` once (slices of different threads lie side by side in memory: writing them per record
    /// would bounce their cache lines between cores).
    struct SliceRecords {
        var output: [UInt8] = []
        var errors = 0
        var bytes = 0
    }

    public init(model: LedeModel, options: Options) {
        self.model = model
        self.options = options
        formatter = RecordFormatter(format: options.format, labels: model.labels, scores: ScoreFormat(digits: options.scoreDigits))
        workers = (0..<max(1, options.threads)).map { _ in Worker(model: model, options: options) }
    }

    public func run(inputs: [String], format: InputFormat, write: ([UInt8]) throws -> Void,
                    flush: () throws -> Void = {}, progress: (Totals) -> Void = { _ in }) throws {
        try run(paths: inputs.map(RawPath.init), format: format, write: write, flush: flush, progress: progress)
    }

    /// Batches read ahead of the one whose records are written next: the calling thread reads one batch
    /// while the workers score up to `depth - 1` others.
    static let depth = 3

    /// A batch and its slices, filled and written in turn.
    final class Stage {
        let batch = DocumentBatch()
        let slices: [Slice]
        init(slices: Int) { self.slices = (0..<slices).map { _ in Slice() } }
    }

    /// Reads every input and writes its records through `write` (called in order, from this thread).
    /// `progress` is called after each batch with the running totals. When the input is live (a pipe or a
    /// terminal) and its next line has not arrived, the records of what was read are written and `flush`
    /// is called before waiting, so that each record follows its input line at once. A signal caught by
    /// `Interruption` while the next batch is read ends the run with `Interruption.Requested` once the
    /// batches being scored have gone to `write` (which may itself stop at the request, between whole
    /// records).
    ///
    /// The calling thread reads batches and writes records; the workers score the slices of the batches
    /// read, in order, with no pause between one batch and the next (`SliceQueue`), while up to
    /// `depth - 1` batches wait for their records to be written.
    public func run(paths: [RawPath], format: InputFormat, write: ([UInt8]) throws -> Void,
                    flush: () throws -> Void = {}, progress: (Totals) -> Void = { _ in }) throws {
        let reader = DocumentReader(inputs: paths, format: format, maxDocumentBytes: options.maxDocumentBytes,
                                    estimatingTotalBytes: options.estimatesTotalBytes)
        if !formatter.header.isEmpty { try write(formatter.header) }
        let stages = (0..<BatchClassifier.depth).map { _ in Stage(slices: workers.count * BatchClassifier.slicesPerThread) }
        let queue = SliceQueue(workers: workers.count) { [unowned self] stage, slice, worker in
            classify(slice: slice, of: stages[stage], worker: workers[worker])
        }
        // Whatever ends the run, no worker may still be filling a batch's slice when it returns.
        var drained = false
        defer { queue.finish(abandoning: !drained) }
        /// Stages being scored, oldest first, and their tickets.
        var inFlight: [(stage: Int, ticket: SliceQueue.Ticket)] = []
        /// Waits for the oldest batch being scored and writes its records.
        func writeOldest() throws {
            let (index, ticket) = inFlight.removeFirst()
            queue.wait(for: ticket)
            let stage = stages[index]
            totals.documents += stage.batch.count
            totals.bytes += stage.batch.inputBytes
            totals.expectedBytes = reader.expectedBytes
            for slice in stage.slices {
                try write(slice.records.output)
                totals.errors += slice.records.errors
                totals.bytes += slice.records.bytes
            }
            progress(totals)
        }
        func writeAll() throws {
            while !inFlight.isEmpty { try writeOldest() }
        }
        // The hook lives only while this function runs (it is cleared before the closures it holds end).
        try withoutActuallyEscaping(writeAll) { writeAll in
            try withoutActuallyEscaping(flush) { flush in
                reader.onIdle = {
                    try writeAll()
                    try flush()
                }
                defer { reader.onIdle = nil }
                var next = 0
                while true {
                    // Stages are used in turn: the next one is free once the oldest batch is written.
                    if inFlight.count == BatchClassifier.depth { try writeOldest() }
                    let more: Bool
                    do {
                        more = try reader.next(into: stages[next].batch)
                    } catch let requested as Interruption.Requested {
                        try writeAll()
                        throw requested
                    }
                    guard more else { break }
                    inFlight.append((next, queue.enqueue(batch: next, slices: stages[next].slices.count)))
                    next = (next + 1) % BatchClassifier.depth
                }
                try writeAll()
            }
        }
        drained = true
    }

    /// Scores slice `index` of the stage's batch into the slice's records.
    func classify(slice index: Int, of stage: Stage, worker: Worker) {
        let batch = stage.batch, slice = stage.slices[index]
        let perSlice = (batch.count + stage.slices.count - 1) / stage.slices.count
        var records = slice.records
        slice.records = SliceRecords()  // the local is now the output buffer's only reference
        records.output.removeAll(keepingCapacity: true)
        records.errors = 0
        records.bytes = 0
        let end = min(batch.count, (index + 1) * perSlice)
        if index * perSlice < end {
            batch.bytes.withUnsafeBytes { buffer in
                for d in index * perSlice..<end {
                    process(batch.documents[d], buffer, worker, &records)
                }
            }
        }
        slice.records = records
    }

    private func process(_ document: PendingDocument, _ buffer: UnsafeRawBufferPointer, _ worker: Worker, _ slice: inout SliceRecords) {
        let id = UnsafeRawBufferPointer(rebasing: buffer[document.id])
        switch document.source {
        case .inline:
            score(id: id, text: UnsafeRawBufferPointer(rebasing: buffer[document.text]), worker, &slice)
        case .file(let path):
            do {
                let file = try FileContents(path: path, limit: options.maxDocumentBytes)
                slice.bytes += file.bytes.count
                score(id: id, text: file.bytes, worker, &slice)
            } catch {
                fail(id: id, message: (error as? LedeError)?.message ?? String(describing: error), &slice)
            }
        case .record(let format):
            let line = UnsafeRawBufferPointer(rebasing: buffer[document.text])
            if format == .tsv {
                guard let tab = line.firstIndex(of: 0x09) else { return fail(id: id, message: "missing tab: expected id<TAB>text", &slice) }
                return score(id: UnsafeRawBufferPointer(rebasing: line[..<tab]), text: UnsafeRawBufferPointer(rebasing: line[(tab + 1)...]),
                             worker, &slice)
            }
            if worker.scanner.scan(line) {
                let scanned = worker.scanner
                return scanned.text.withUnsafeBytes { text in
                    guard scanned.hasID else { return score(id: id, text: text, worker, &slice) }
                    return scanned.id.withUnsafeBytes { score(id: $0, text: text, worker, &slice) }
                }
            }
            switch InputRecordParser.parse(line, json: worker.json) {
            case .success(let record):
                if let recordID = record.id {
                    recordID.withUnsafeBytes { idBytes in
                        record.text.withUnsafeBytes { score(id: idBytes, text: $0, worker, &slice) }
                    }
                } else {
                    record.text.withUnsafeBytes { score(id: id, text: $0, worker, &slice) }
                }
            case .failure(let problem):
                fail(id: id, message: problem.message, &slice)
            }
        case .failed(let message):
            fail(id: id, message: message, &slice)
        }
    }

    private func score(id: UnsafeRawBufferPointer, text: UnsafeRawBufferPointer, _ worker: Worker, _ slice: inout SliceRecords) {
        guard UTF16Text.hasByteOrderMark(text) else { return scoreUTF8(id: id, text: text, worker, &slice) }
        let invalid = UTF16Text.transcode(text, into: &worker.decoded)
        if invalid > 0 {
            return fail(id: id, message: "not valid UTF-16 (\(invalid) invalid code units after the byte-order mark); convert it first, e.g. iconv -f utf-16 -t utf-8", &slice)
        }
        worker.decoded.withUnsafeBytes { scoreUTF8(id: id, text: $0, worker, &slice) }
    }

    /// Scores UTF-8 text, or the text of an HTML page with `options.html`.
    private func scoreUTF8(id: UnsafeRawBufferPointer, text: UnsafeRawBufferPointer, _ worker: Worker, _ slice: inout SliceRecords) {
        guard options.html else {
            return worker.scorer.score(text) { record(id: id, probabilities: $0, worker, &slice) }
        }
        HTMLText.extract(text, into: &worker.text)
        worker.text.withUnsafeBytes { text in
            worker.scorer.score(text) { record(id: id, probabilities: $0, worker, &slice) }
        }
    }

    /// Appends the record of the document the worker's scorer just scored: an error record when its text
    /// was binary, not UTF-8 or empty.
    private func record(id: UnsafeRawBufferPointer, probabilities p: UnsafeBufferPointer<Float>, _ worker: Worker, _ slice: inout SliceRecords) {
        let tokenizer = worker.scorer.featurizer.tokenizer
        if tokenizer.nulByteCount > 0 {
            return fail(id: id, message: "binary data (\(tokenizer.nulByteCount) NUL bytes), not text", &slice)
        }
        if tokenizer.invalidByteCount > 0 {
            return fail(id: id, message: "not valid UTF-8 (\(tokenizer.invalidByteCount) invalid bytes); convert it first, e.g. iconv -f latin1 -t utf-8", &slice)
        }
        if worker.scorer.featurizer.tokenCount == 0 {
            return fail(id: id, message: "empty document: no words to classify", &slice)
        }
        worker.decision.decide(p.baseAddress!, threshold: options.threshold, topK: options.topK, into: &worker.chosen)
        guard options.explain > 0 else {
            return worker.formatter.appendScored(id: id, chosen: worker.chosen, probabilities: p.baseAddress!, to: &slice.output)
        }
        let explained = options.explainAll ? Array(0..<model.labels.count) : worker.chosen
        let explanations = explained.map { worker.scorer.explain(label: $0, top: options.explain) }
        worker.formatter.appendScored(id: id, chosen: worker.chosen, probabilities: p.baseAddress!, explanations: explanations,
                               space: model.space, to: &slice.output)
    }

    private func fail(id: UnsafeRawBufferPointer, message: String, _ slice: inout SliceRecords) {
        slice.errors += 1
        formatter.appendError(id: id, message: message, to: &slice.output)
    }
}

/// Parses one line of `lede-classify`'s JSONL input into an id and a text, through `JSONDecoder`: the lines
/// that `JSONLineScanner` declines.
enum InputRecordParser {
    struct Record {
        /// The id's bytes (as UTF-8), or nil for the line number.
        var id: [UInt8]?
        var text: [UInt8]
    }

    /// Why a line could not be read as a record.
    struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func jsonDecoder() -> JSONLineDecoder {
        JSONLineDecoder(readingLabels: false, invalidJSON: "invalid JSON (or invalid UTF-8 inside it): expected {\"id\": ..., \"text\": \"...\"}")
    }

    static func parse(_ line: UnsafeRawBufferPointer, json: JSONLineDecoder) -> Result<Record, Problem> {
        switch json.decode(line) {
        case .success(let record):
            switch record.id {
            case .success(let id): return .success(Record(id: id.map { Array($0.utf8) }, text: Array(record.text.utf8)))
            case .failure(let problem): return .failure(Problem(problem.message))
            }
        case .failure(let problem): return .failure(Problem(problem.message))
        }
    }
}
