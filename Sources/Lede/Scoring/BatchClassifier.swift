import Foundation

/// Classifies batches of documents on several threads and formats one record per document, in input order.
///
/// Each batch is cut into as many contiguous slices as threads; a slice's records go to its own buffer, and
/// the buffers are written in slice order, so the output is the same for any thread count.
public final class BatchClassifier {
    public struct Options: Sendable {
        public var threads = Parallel.availableCores
        public var threshold: Float? = nil
        public var topK: Int? = nil
        public var format = RecordFormatter.Format.jsonl
        public init() {}
    }

    public struct Totals: Sendable {
        public var documents = 0
        public var errors = 0
        public var bytes = 0
    }

    public let model: LedeModel
    public let options: Options
    public let formatter: RecordFormatter
    private var workers: [Worker]
    public private(set) var totals = Totals()

    final class Worker {
        let scorer: DocumentScorer
        var output: [UInt8] = []
        var chosen: [Int] = []
        var errors = 0
        var bytes = 0

        init(model: LedeModel) {
            scorer = DocumentScorer(model: model)
            output.reserveCapacity(1 << 20)
        }
    }

    public init(model: LedeModel, options: Options) {
        self.model = model
        self.options = options
        formatter = RecordFormatter(format: options.format, labels: model.labels)
        workers = (0..<max(1, options.threads)).map { _ in Worker(model: model) }
    }

    /// Reads every input and writes its records through `write` (called in order, from this thread).
    /// `progress` is called after each batch with the running totals.
    public func run(inputs: [String], format: InputFormat, write: ([UInt8]) throws -> Void,
                    progress: (Totals) -> Void = { _ in }) throws {
        let reader = DocumentReader(inputs: inputs, format: format)
        let batch = DocumentBatch()
        if !formatter.header.isEmpty { try write(formatter.header) }
        while reader.next(into: batch) {
            classify(batch)
            totals.documents += batch.count
            totals.bytes += batch.inputBytes
            for worker in workers {
                try write(worker.output)
                totals.errors += worker.errors
                totals.bytes += worker.bytes
            }
            progress(totals)
        }
    }

    func classify(_ batch: DocumentBatch) {
        let slices = workers.count
        let perSlice = (batch.count + slices - 1) / slices
        Parallel.forEach(blocks: slices, threads: slices) { slice in
            let worker = workers[slice]
            worker.output.removeAll(keepingCapacity: true)
            worker.errors = 0
            worker.bytes = 0
            let end = min(batch.count, (slice + 1) * perSlice)
            guard slice * perSlice < end else { return }
            batch.bytes.withUnsafeBytes { buffer in
                for d in slice * perSlice..<end {
                    process(batch.documents[d], buffer, worker)
                }
            }
        }
    }

    private func process(_ document: PendingDocument, _ buffer: UnsafeRawBufferPointer, _ worker: Worker) {
        let id = UnsafeRawBufferPointer(rebasing: buffer[document.id])
        switch document.source {
        case .inline:
            score(id: id, text: UnsafeRawBufferPointer(rebasing: buffer[document.text]), worker)
        case .file(let path):
            do {
                let file = try MappedFile(path: path)
                worker.bytes += file.bytes.count
                score(id: id, text: file.bytes, worker)
            } catch {
                fail(id: id, message: (error as? LedeError)?.message ?? String(describing: error), worker)
            }
        case .record(let format):
            let line = UnsafeRawBufferPointer(rebasing: buffer[document.text])
            switch InputRecordParser.parse(line, format: format) {
            case .success(let record):
                if let recordID = record.id {
                    var recordID = recordID
                    recordID.withUTF8 { idBytes in
                        record.text.withUnsafeBytes { score(id: UnsafeRawBufferPointer(idBytes), text: $0, worker) }
                    }
                } else {
                    record.text.withUnsafeBytes { score(id: id, text: $0, worker) }
                }
            case .failure(let problem):
                fail(id: id, message: problem.message, worker)
            }
        case .failed(let message):
            fail(id: id, message: message, worker)
        }
    }

    private func score(id: UnsafeRawBufferPointer, text: UnsafeRawBufferPointer, _ worker: Worker) {
        let p = worker.scorer.score(text)
        let tokenizer = worker.scorer.featurizer.tokenizer
        if tokenizer.nulByteCount > 0 {
            return fail(id: id, message: "binary data (\(tokenizer.nulByteCount) NUL bytes), not text", worker)
        }
        if tokenizer.invalidByteCount > 0 {
            return fail(id: id, message: "not valid UTF-8 (\(tokenizer.invalidByteCount) invalid bytes); convert it first, e.g. iconv -f latin1 -t utf-8", worker)
        }
        if worker.scorer.featurizer.tokenCount == 0 {
            return fail(id: id, message: "empty document: no words to classify", worker)
        }
        model.linear.decide(p, threshold: options.threshold, topK: options.topK, into: &worker.chosen)
        formatter.appendScored(id: id, chosen: worker.chosen, probabilities: p, to: &worker.output)
    }

    private func fail(id: UnsafeRawBufferPointer, message: String, _ worker: Worker) {
        worker.errors += 1
        formatter.appendError(id: id, message: message, to: &worker.output)
    }
}

/// Parses one line of `lede-classify`'s JSONL or TSV input into an id and a text.
enum InputRecordParser {
    struct Record {
        var id: String?
        var text: [UInt8]
    }

    /// Why a line could not be read as a record.
    struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func parse(_ line: UnsafeRawBufferPointer, format: InputFormat) -> Result<Record, Problem> {
        if format == .tsv {
            guard let tab = line.firstIndex(of: 0x09) else { return .failure(Problem("missing tab: expected id<TAB>text")) }
            return .success(Record(id: String(decoding: line[..<tab], as: UTF8.self), text: Array(line[(tab + 1)...])))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line), options: []) as? [String: Any] else {
            return .failure(Problem("invalid JSON (or invalid UTF-8 inside it): expected {\"id\": ..., \"text\": \"...\"}"))
        }
        guard let text = object["text"] as? String else {
            return .failure(Problem(object["text"] == nil ? "missing \"text\"" : "\"text\" must be a string"))
        }
        return .success(Record(id: JSONRecordID.id(of: object), text: Array(text.utf8)))
    }
}
