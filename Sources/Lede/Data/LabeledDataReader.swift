import Foundation

/// Reads labeled documents from a file or directory in any `LabeledDataFormat`, streaming.
///
/// A malformed record is an error that names the file and line; with `skipInvalid` it is counted in
/// `skipped` instead.
public struct LabeledDataReader {
    public var path: String
    public var format: LabeledDataFormat
    public var skipInvalid = false
    /// CSV: the header names of the text and label columns.
    public var csvTextColumn = "text"
    public var csvLabelColumn = "labels"
    /// Separator between several labels in one TSV or CSV field.
    public var labelSeparator: Character = ","
    /// When false, a JSONL record without "labels" or "label" reads as unlabeled (for counting text).
    public var requireLabels = true

    public init(path: String, format: LabeledDataFormat? = nil) throws {
        self.path = path
        self.format = try format ?? LabeledDataFormat.detect(path: path)
    }

    public struct Summary: Sendable {
        public var records = 0
        public var skipped = 0
        /// The first skipped record's problem, for the report.
        public var firstProblem: String?
    }

    /// Calls `body` with every record in order.
    @discardableResult
    public func forEach(_ body: (LabeledRecord) throws -> Void) throws -> Summary {
        var summary = Summary()
        func deliver(_ result: Result<LabeledRecord, LedeError>) throws {
            switch result {
            case .success(let record):
                summary.records += 1
                try body(record)
            case .failure(let error):
                guard skipInvalid else { throw error }
                summary.skipped += 1
                if summary.firstProblem == nil { summary.firstProblem = error.description }
            }
        }
        switch format {
        case .dir: try readDirectory(deliver)
        case .csv: try CSVRecords(path: path, textColumn: csvTextColumn, labelColumn: csvLabelColumn,
                                  labelSeparator: labelSeparator).forEach(deliver)
        case .jsonl, .tsv, .fasttext:
            let reader = try LineReader(path: path, directoryHint: LabeledDataFormat.directoryHint)
            let json = JSONLineDecoder(readingLabels: true, invalidJSON: "invalid JSON (or invalid UTF-8 inside it); expected {\"text\": \"...\", \"labels\": [...]}")
            while let result = try reader.nextLine({ line -> Result<LabeledRecord, LedeError>? in
                if isBlank(line) { return nil }
                return parseLine(line, number: reader.lineNumber, json: json)
            }) {
                if let result { try deliver(result) }
            }
        }
        return summary
    }

    private func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    private func parseLine(_ line: UnsafeRawBufferPointer, number: Int, json: JSONLineDecoder) -> Result<LabeledRecord, LedeError> {
        switch format {
        case .jsonl: return parseJSON(line, number, json)
        case .tsv: return parseTSV(line, number)
        default: return parseFastText(line, number)
        }
    }

    private func fail(_ message: String, _ line: Int) -> Result<LabeledRecord, LedeError> {
        .failure(.invalidData(message, file: path, line: line))
    }

    private func parseJSON(_ line: UnsafeRawBufferPointer, _ number: Int, _ json: JSONLineDecoder) -> Result<LabeledRecord, LedeError> {
        let record: JSONLineRecord
        switch json.decode(line) {
        case .success(let decoded): record = decoded
        case .failure(let problem): return fail(problem.message, number)
        }
        guard let labels = record.labels ?? (requireLabels ? nil : []) else {
            return fail("missing \"labels\" (a list) or \"label\" (a string)", number)
        }
        let id: String?
        switch record.id {
        case .success(let value): id = value
        case .failure(let problem): return fail(problem.message, number)
        }
        return .success(LabeledRecord(id: id, text: Array(record.text.utf8),
                                      labels: labels.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                                      file: path, line: number))
    }

    private func parseTSV(_ line: UnsafeRawBufferPointer, _ number: Int) -> Result<LabeledRecord, LedeError> {
        guard let tab = line.firstIndex(of: 0x09) else {
            return fail("missing tab: expected LABELS<TAB>TEXT (labels joined by \"\(labelSeparator)\", empty for none)", number)
        }
        let labelField = String(decoding: line[..<tab], as: UTF8.self)
        let labels = splitLabels(labelField)
        return .success(LabeledRecord(id: nil, text: Array(line[(tab + 1)...]), labels: labels, file: path, line: number))
    }

    private func parseFastText(_ line: UnsafeRawBufferPointer, _ number: Int) -> Result<LabeledRecord, LedeError> {
        let prefix = Array("__label__".utf8)
        var labels: [String] = []
        var i = 0
        let bytes = Array(line)
        while true {
            while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
            guard bytes[i...].starts(with: prefix) else { break }
            var j = i + prefix.count
            while j < bytes.count && bytes[j] != 0x20 && bytes[j] != 0x09 { j += 1 }
            let label = String(decoding: bytes[(i + prefix.count)..<j], as: UTF8.self)
            if !label.isEmpty { labels.append(label) }
            i = j
        }
        return .success(LabeledRecord(id: nil, text: Array(bytes[i...]), labels: labels, file: path, line: number))
    }

    func splitLabels(_ field: String) -> [String] {
        field.split(separator: labelSeparator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func readDirectory(_ deliver: (Result<LabeledRecord, LedeError>) throws -> Void) throws {
        var labelCount = 0
        for label in try FileSystem.entries(of: path) {
            let labelDirectory = FileSystem.join(path, label)
            guard FileSystem.isDirectory(labelDirectory) else { continue }
            labelCount += 1
            try FileSystem.walk(RawPath(labelDirectory), { file, _ in
                do {
                    let contents = try FileContents(path: file)
                    try deliver(.success(LabeledRecord(id: file.description, text: Array(contents.bytes), labels: [label],
                                                       file: file.description, line: 0)))
                } catch let error as LedeError {
                    try deliver(.failure(error))
                }
            }, unreadable: { _, error in try deliver(.failure(error)) })
        }
        guard labelCount > 0 else {
            throw LedeError.invalidData("no label sub-directories: a labeled directory holds one sub-directory per label, each with one document per file", file: path)
        }
    }
}

/// The optional `"id"` of a JSON record: a string, or a number written as text; absent or null means none.
/// A boolean, list or object is refused rather than turned into a number or dropped.
