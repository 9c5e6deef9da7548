import Foundation

/// Writes classification records as bytes, without `String` formatting per record.
///
/// JSONL: `{"id": "...", "labels": ["a", ...], "scores": {"a": 0.9312, ...}}` or
/// `{"id": "...", "error": "..."}`. TSV: a header `id labels <label>... error`, then one row per document
/// (labels comma-joined; scores and error empty where they do not apply). Scores are written by `ScoreFormat`
/// (6 significant digits by default).
/// With explanations (JSONL only), a scored record ends with
/// `"explain": {"a": [["term", 0.4100], ...], ...}`: each term's contribution to the label's margin.
public struct RecordFormatter: Sendable {
    public enum Format: String, CaseIterable, Sendable { case jsonl, tsv }

    public let format: Format
    public let labels: [String]
    private let escapedLabels: [[UInt8]]
    /// What goes before each score: `"label": ` (`, ` before all but the first) in JSONL, a tab in TSV;
    /// in one buffer: key `k` is `scoreKeyBytes[scoreKeyEnds[k] ..< scoreKeyEnds[k + 1]]` (no array per
    /// key to retain per record), then `keyPadding` zeros, so that keys are copied 16 bytes at a time.
    private let scoreKeyBytes: [UInt8]
    private static let keyPadding = 16
    private let scoreKeyEnds: [Int]
    /// Zeros, as many as the keys and scores of a record can take (appended at once, then written over).
    private let scoreRoom: [UInt8]
    private let labelsKey = Array(", \"labels\": [".utf8)
    private let scoresKey = Array("], \"scores\": {".utf8)
    public let scores: ScoreFormat

    public init(format: Format, labels: [String], scores: ScoreFormat = ScoreFormat()) {
        self.format = format
        self.labels = labels
        self.scores = scores
        var escaped: [[UInt8]] = []
        for label in labels {
            var bytes: [UInt8] = []
            if format == .jsonl {
                RecordFormatter.appendJSONString(Array(label.utf8)[...], to: &bytes)
            } else {
                bytes = Array(label.utf8).map { ($0 == 0x09 || $0 == 0x0A || $0 == 0x0D) ? 0x20 : $0 }
            }
            escaped.append(bytes)
        }
        escapedLabels = escaped
        let keys = format == .tsv ? escaped.map { _ in [UInt8(0x09)] }
            : escaped.enumerated().map { i, e in Array((i == 0 ? "" : ", ").utf8) + e + Array(": ".utf8) }
        scoreKeyBytes = keys.flatMap { $0 } + Array(repeating: 0, count: RecordFormatter.keyPadding)
        scoreKeyEnds = [0] + keys.reduce(into: [Int]()) { ends, key in ends.append((ends.last ?? 0) + key.count) }
        scoreRoom = [UInt8](repeating: 0, count: scoreKeyEnds.last! + RecordFormatter.keyPadding + labels.count * ScoreFormat.maximumBytes)
    }

    /// The TSV header line (empty for JSONL).
    public var header: [UInt8] {
        guard format == .tsv else { return [] }
        var line = Array("id\tlabels".utf8)
        for label in escapedLabels { line.append(0x09); line.append(contentsOf: label) }
        line.append(contentsOf: Array("\terror\n".utf8))
        return line
    }

    /// Appends a scored record; `explanations` (JSONL; given, even empty, the record has an "explain" key)
    /// name their terms through `space`.
    public func appendScored(id: UnsafeRawBufferPointer, chosen: [Int], probabilities: UnsafePointer<Float>,
                             explanations: [Explanation]? = nil, space: FeatureSpace? = nil, to out: inout [UInt8]) {
        switch format {
        case .jsonl:
            out.append(contentsOf: [0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x20])  // {"id": 
            RecordFormatter.appendJSONString(id, to: &out)
            out.append(contentsOf: labelsKey)
            for (n, label) in chosen.enumerated() {
                if n > 0 { out.append(contentsOf: [0x2C, 0x20]) }
                out.append(contentsOf: escapedLabels[label])
            }
            out.append(contentsOf: scoresKey)
            appendScores(probabilities, to: &out)
            out.append(0x7D)  // }
            if let explanations { appendExplanations(explanations, space: space, to: &out) }
            out.append(contentsOf: [0x7D, 0x0A])  // }\n
        case .tsv:
            RecordFormatter.appendTSVField(id, to: &out)
            out.append(0x09)
            for (n, label) in chosen.enumerated() {
                if n > 0 { out.append(0x2C) }
                out.append(contentsOf: escapedLabels[label])
            }
            appendScores(probabilities, to: &out)
            out.append(contentsOf: [0x09, 0x0A])
        }
    }

    /// Appends each label's key and score. The room they can take is appended first and written in
    /// place, 16 bytes at a time, then what was not used is removed: no call per key or score.
    private func appendScores(_ probabilities: UnsafePointer<Float>, to out: inout [UInt8]) {
        let labelCount = scoreKeyEnds.count - 1
        let start = out.count, room = scoreRoom.count
        scoreRoom.withUnsafeBufferPointer { out.append(contentsOf: $0) }
        let end = out.withUnsafeMutableBytes { target in
            scoreKeyBytes.withUnsafeBytes { keys in
                scoreKeyEnds.withUnsafeBufferPointer { ends in
                    var at = target.baseAddress! + start
                    for label in 0..<labelCount {
                        let keyStart = ends[label], keyLength = ends[label + 1] - keyStart
                        var copied = 0
                        repeat {  // up to 15 bytes past the key: `keyPadding` in the source, room in the target
                            (at + copied).storeBytes(of: keys.loadUnaligned(fromByteOffset: keyStart + copied, as: UInt128.self),
                                                     as: UInt128.self)
                            copied += 16
                        } while copied < keyLength
                        at += keyLength
                        at += scores.write(probabilities[label], to: at)
                    }
                    return at - target.baseAddress!
                }
            }
        }
        out.removeLast(start + room - end)
    }

    /// Appends an error record.
    public func appendError(id: UnsafeRawBufferPointer, message: String, to out: inout [UInt8]) {
        let text = Array(message.utf8)
        switch format {
        case .jsonl:
            out.append(contentsOf: Array("{\"id\": ".utf8))
            RecordFormatter.appendJSONString(id, to: &out)
            out.append(contentsOf: Array(", \"error\": ".utf8))
            text.withUnsafeBytes { RecordFormatter.appendJSONString($0, to: &out) }
            out.append(contentsOf: [0x7D, 0x0A])
        case .tsv:
            RecordFormatter.appendTSVField(id, to: &out)
            out.append(0x09)
            for _ in 0..<labels.count { out.append(0x09) }
            out.append(0x09)
            text.withUnsafeBytes { RecordFormatter.appendTSVField($0, to: &out) }
            out.append(0x0A)
        }
    }

    static let hex = Array("0123456789abcdef".utf8)

    /// Appends `bytes` as a JSON string: quotes, `\"`, `\\`, control characters as `\uXXXX`, valid UTF-8 as
    /// it is, and each byte that is not part of valid UTF-8 as the escape `\udcXX` (XX: the byte), the
    /// lone low surrogate that Python's "surrogateescape" uses: no valid text contains one, so two
    /// different byte strings never give the same JSON string, and `os.fsencode(value)` gives the bytes back.
    public static func appendJSONString<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(0x22)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b < 0x80 {
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                case 0..<0x20, 0x7F:
                    out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
                default: out.append(b)
                }
                i = bytes.index(after: i)
                continue
            }
            let length = Tokenizer.validSequenceLength(bytes, at: i)
            if length > 0 {
                let end = bytes.index(i, offsetBy: length)
                out.append(contentsOf: bytes[i..<end])
                i = end
            } else {
                out.append(contentsOf: [0x5C, 0x75, 0x64, 0x63, hex[Int(b >> 4)], hex[Int(b & 15)]])  // \udcXX
                i = bytes.index(after: i)
            }
        }
        out.append(0x22)
    }

    /// Appends a TSV field: tabs, newlines and carriage returns become spaces.
    static func appendTSVField(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        for b in bytes { out.append(b == 0x09 || b == 0x0A || b == 0x0D ? 0x20 : b) }
    }

    /// Appends `"explain": {label: [[term, contribution], ...], ...}`.
    private func appendExplanations(_ explanations: [Explanation], space: FeatureSpace?, to out: inout [UInt8]) {
        out.append(contentsOf: Array(#", "explain": {"#.utf8))
        for (n, explanation) in explanations.enumerated() {
            if n > 0 { out.append(contentsOf: [0x2C, 0x20]) }
            out.append(contentsOf: escapedLabels[explanation.label])
            out.append(contentsOf: [0x3A, 0x20, 0x5B])  // : [
            for (t, term) in explanation.terms.enumerated() {
                if t > 0 { out.append(contentsOf: [0x2C, 0x20]) }
                out.append(0x5B)
                let text = space?.termText(Int(term.column)) ?? "#\(term.column)"
                RecordFormatter.appendJSONString(Array(text.utf8)[...], to: &out)
                out.append(contentsOf: Array(", \(String(format: "%.4f", term.contribution))]".utf8))
            }
            out.append(0x5D)
        }
        out.append(0x7D)
    }
}
