import XCTest

/// Equality checks for large byte and value arrays whose failure message has a useful size: how many
/// differ, where (for a model file, in which sections) and the first difference, never the arrays.
enum SameBytes {
    /// Where a byte lies: `part` is "header", "section table", a section's tag or "padding" in a model
    /// file (nil in other bytes); `description` says it in words.
    struct Location {
        var part: String?
        var description: String
    }

    /// The location of byte `offset` of `file`.
    static func locate(_ offset: Int, in file: [UInt8]) -> Location {
        let plain = "offset \(offset)"
        guard file.count >= 64, Array(file.prefix(8)) == Array("LEDEMODL".utf8) else { return Location(part: nil, description: plain) }
        func integer(_ at: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(file[at + $1]) << (8 * $1) }
        }
        if offset < 64 { return Location(part: "header", description: plain + ", in the header") }
        let sections = integer(16, 4)
        let table = 64 + 32 * sections
        guard table <= file.count else { return Location(part: nil, description: plain + ", past a truncated section table") }
        if offset < table {
            return Location(part: "section table", description: plain + ", in the section table (entry \((offset - 64) / 32))")
        }
        for index in 0..<sections {
            let entry = 64 + 32 * index
            let tag = String(decoding: file[entry..<entry + 4], as: UTF8.self)
            let start = integer(entry + 8, 8), length = integer(entry + 16, 8)
            if offset >= start && offset < start + length {
                return Location(part: tag, description: plain + ", in section \(tag) (its byte \(offset - start) of \(length))")
            }
        }
        return Location(part: "padding", description: plain + ", in padding between sections")
    }

    /// nil when `a` and `b` are the same bytes; else a one-line description of the difference: how many
    /// bytes differ (per part, for model files) and the first difference.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> String? {
        guard a != b else { return nil }
        let common = min(a.count, b.count)
        var differing = 0, first: Int?
        var perPart: [(part: String, count: Int)] = []
        for i in 0..<common where a[i] != b[i] {
            differing += 1
            if first == nil { first = i }
            guard let part = locate(i, in: a).part else { continue }
            if perPart.last?.part == part { perPart[perPart.count - 1].count += 1 } else { perPart.append((part, 1)) }
        }
        let at = first ?? common
        let values = at < common ? " (\(a[at]) against \(b[at]))" : ""
        let parts = perPart.isEmpty ? "" : " [" + perPart.map { "\($0.part): \($0.count)" }.joined(separator: ", ") + "]"
        return "\(differing) of \(common) common bytes differ (sizes \(a.count) and \(b.count))\(parts); first at "
            + locate(at, in: a).description + values
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
