/// One labeled training or evaluation document.
public struct LabeledRecord: Sendable {
    public var id: String?
    /// UTF-8 text (invalid sequences are kept; the tokenizer treats them as separators).
    public var text: [UInt8]
    /// Label names; empty means "none of the labels" (multi-label data only).
    public var labels: [String]
    public var file: String
    /// Line where the record starts (0 for whole-file records).
    public var line: Int

    public init(id: String?, text: [UInt8], labels: [String], file: String, line: Int) {
        self.id = id
        self.text = text
        self.labels = labels
        self.file = file
        self.line = line
    }
}

/// The formats of labeled data `lede-train` reads.
public enum LabeledDataFormat: String, CaseIterable, Sendable {
    /// `{"text": "...", "labels": ["a", "b"]}` (or `"label": "a"`), optional `"id"`, one per line.
    case jsonl
    /// `labels<TAB>text`, labels joined by commas; an empty label field means no label.
    case tsv
    /// RFC 4180 CSV with a header row; the text and label columns are chosen by name.
    case csv
    /// fastText: `__label__a __label__b text`.
    case fasttext
    /// A directory with one sub-directory per label, one document per file.
    case dir

    /// The format of `path`: a directory, then by extension, then by the first non-empty line.
    /// What a labeled-data reader adds when it is given a directory to read as a file.
    static let directoryHint = " (or \(Parameter.format) dir for labeled directories)"

    public static func detect(path: String) throws -> LabeledDataFormat {
        if path != "-", FileSystem.isDirectory(path) { return .dir }
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonl }
        if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return .tsv }
        if lower.hasSuffix(".csv") { return .csv }
        guard path != "-" else {
            throw LedeError.invalidOption("cannot detect the format of standard input; pass \(Parameter.format) jsonl|tsv|csv|fasttext")
        }
        let reader = try LineReader(path: path)
        while let line = try reader.nextLine({ Array($0.prefix(64)) }) {
            guard let first = line.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            if line[first] == UInt8(ascii: "{") { return .jsonl }
            if line[first...].starts(with: Array("__label__".utf8)) { return .fasttext }
            if line.contains(0x09) { return .tsv }
            break
        }
        throw LedeError.invalidData("cannot tell the format from the file name or its first line; pass \(Parameter.format) jsonl|tsv|csv|fasttext|dir", file: path)
    }
}
