import XCTest

/// Equality checks for large byte and value arrays whose failure message has a useful size: how many
/// differ, where the first difference is (for a model file, in which section) and the two values there,
/// never the arrays themselves.
enum SameBytes {
    /// Where byte `offset` of a model file lies: the header, the section table, a named section or the
    /// padding between sections (plain "offset N" for bytes that are not a model file).
    static func place(of offset: Int, in file: [UInt8]) -> String {
        guard file.count >= 64, Array(file.prefix(8)) == Array("LEDEMODL".utf8) else { return "offset \(offset)" }
        func integer(_ at: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(file[at + $1]) << (8 * $1) }
        }
        if offset < 64 { return "offset \(offset), in the header" }
        let sections = integer(16, 4)
        let table = 64 + 32 * sections
        guard table <= file.count else { return "offset \(offset), past a truncated section table" }
        if offset < table { return "offset \(offset), in the section table (entry \((offset - 64) / 32))" }
        for index in 0..<sections {
            let entry = 64 + 32 * index
            let tag = String(decoding: file[entry..<entry + 4], as: UTF8.self)
            let start = integer(entry + 8, 8), length = integer(entry + 16, 8)
            if offset >= start && offset < start + length {
                return "offset \(offset), in section \(tag) (its byte \(offset - start) of \(length))"
            }
        }
        return "offset \(offset), in padding between sections"
    }

    /// nil when `a` and `b` are the same bytes; else a one-line description of the difference.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> String? {
        guard a != b else { return nil }
        let common = min(a.count, b.count)
        var differing = 0, first: Int?
        for i in 0..<common where a[i] != b[i] {
            differing += 1
            if first == nil { first = i }
        }
        let at = first ?? common
        let values = at < common ? " (\(a[at]) against \(b[at]))" : ""
        return "\(differing) of \(common) common bytes differ (sizes \(a.count) and \(b.count)); first at "
            + place(of: at, in: a) + values
    }

    /// Fails, with `difference`'s description, unless `a` and `b` are the same bytes.
    static func assertEqual(_ a: [UInt8], _ b: [UInt8], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        if let difference = difference(a, b) { XCTFail("\(message): \(difference)", file: file, line: line) }
    }

    /// Fails unless `a` and `b` hold the same Float bits, saying how many differ, the first index and the
    /// largest difference.
    static func assertEqual(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        guard a.count == b.count else {
            XCTFail("\(message): \(a.count) against \(b.count) values", file: file, line: line)
            return
        }
        let differing = a.indices.filter { a[$0].bitPattern != b[$0].bitPattern }
        guard let first = differing.first else { return }
        let largest = differing.map { abs(Double(a[$0]) - Double(b[$0])) }.max()!
        XCTFail("\(message): \(differing.count) of \(a.count) values differ; first at \(first) (\(a[first]) against \(b[first])), "
                + "largest difference \(largest)", file: file, line: line)
    }
}
