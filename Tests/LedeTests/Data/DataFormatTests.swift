import Foundation
import XCTest
import Lede

final class DataFormatTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try TestSupport.temporaryDirectory()
    }

    func read(_ name: String, _ content: String, format: LabeledDataFormat? = nil) throws -> [LabeledRecord] {
        let url = directory.appendingPathComponent(name)
        try TestSupport.write(content, to: url)
        var records: [LabeledRecord] = []
        try LabeledDataReader(path: url.path, format: format).forEach { records.append($0) }
        return records
    }

    func text(_ r: LabeledRecord) -> String { String(decoding: r.text, as: UTF8.self) }

    func testJSONLWithLabelsLabelAndIds() throws {
        let records = try read("a.jsonl", """
        {"id": "x1", "text": "first", "labels": ["a", "b"]}
        {"id": 7, "text": "second", "label": "c"}

        {"text": "third", "labels": []}
        """)
        XCTAssertEqual(records.map(\.labels), [["a", "b"], ["c"], []])
        XCTAssertEqual(records.map(\.id), ["x1", "7", nil])
        XCTAssertEqual(records.map(\.line), [1, 2, 4])
    }

    /// One decoder reads JSONL for training and for scoring: numeric ids as written, the checks in order
    /// (text, labels, id), a line that is JSON but not an object named as such.
    func testJSONLRecordsAreCheckedFieldByField() throws {
        let records = try read("ids.jsonl", """
        {"id": -3, "text": "a", "label": "x"}
        {"id": 1.5, "text": "b", "label": "x"}
        {"id": 12345678901234567890, "text": "c", "label": "x"}
        {"id": null, "text": "d", "labels": [" y ", ""]}
        """)
        XCTAssertEqual(records.map(\.id), ["-3", "1.5", "12345678901234567890", nil])
        XCTAssertEqual(records.last?.labels, ["y"], "labels are trimmed and empty ones dropped")
        let problems: [(String, String)] = [
            ("{\"id\": true, \"text\": \"a\", \"label\": \"x\"}", "\"id\" must be a string or a number"),
            ("{\"text\": 5, \"label\": \"x\"}", "\"text\" must be a string"),
            ("{\"label\": \"x\"}", "missing \"text\""),
            ("{\"text\": \"a\", \"labels\": [1]}", "\"labels\" must be a list of strings"),
            ("{\"text\": \"a\", \"labels\": [\"x\", null]}", "\"labels\" must be a list of strings"),
            ("{\"text\": \"a\", \"labels\": null}", "\"labels\" must be a list of strings and \"label\" a string"),
            ("{\"text\": \"a\", \"id\": true}", "missing \"labels\" (a list) or \"label\" (a string)"),
            ("[1, 2]", "expected a JSON object per line"),
            ("{oops", "invalid JSON (or invalid UTF-8 inside it)"),
        ]
        for (line, message) in problems {
            XCTAssertThrowsError(try read("bad.jsonl", line + "\n"), line) { error in
                XCTAssertTrue(String(describing: error).contains("bad.jsonl:1: " + message), "\(line): \(error)")
            }
        }
    }

    /// Scoring reads the same records and ignores their labels, whatever they hold.
    func testScoringReadsJSONLWithTheSameDecoderAndIgnoresLabels() throws {
        let classify = CommandLineTests.productsDirectory.appendingPathComponent("lede-classify").path
        let input = """
        {"id": 7, "text": "sanctions on oil exports", "labels": 5}
        {"text": "troops at the border", "label": ["not", "read"]}
        {"id": false, "text": "x"}
        [1]

        """
        let result = try TestSupport.run(classify, ["--input-format", "jsonl", "-"], stdin: input)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, result.stdout)
        XCTAssertTrue(lines[0].hasPrefix("{\"id\": \"7\", \"labels\": ["), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("{\"id\": \"2\", \"labels\": ["), lines[1])
        XCTAssertEqual(lines[2], "{\"id\": \"3\", \"error\": \"\\\"id\\\" must be a string or a number\"}")
        XCTAssertEqual(lines[3], "{\"id\": \"4\", \"error\": \"expected a JSON object per line\"}")
        XCTAssertEqual(result.status, 1)
    }

    func testTSVWithEmptyLabelsCRLFAndBOM() throws {
        let records = try read("a.tsv", "\u{FEFF}a,b\tfirst text\r\n\tno label\r\nc\tlast line without newline")
        XCTAssertEqual(records.map(\.labels), [["a", "b"], [], ["c"]])
        XCTAssertEqual(records.map(text), ["first text", "no label", "last line without newline"])
    }

    func testCSVWithQuotedCommasQuotesAndNewlines() throws {
        let records = try read("a.csv", """
        id,text,labels
        1,"Hello, world","a,b"
        2,"He said ""stop""
        and left",c
        3,plain,
        """)
        XCTAssertEqual(records.map(text), ["Hello, world", "He said \"stop\"\nand left", "plain"])
        XCTAssertEqual(records.map(\.labels), [["a", "b"], ["c"], []])
        XCTAssertEqual(records.map(\.line), [2, 3, 5])
    }

    func testFastTextLabels() throws {
        let records = try read("a.txt", "__label__a __label__b some text here\n__label__c other\n")
        XCTAssertEqual(records.map(\.labels), [["a", "b"], ["c"]])
        XCTAssertEqual(records.map(text), ["some text here", "other"])
    }

    func testDirectoryPerLabel() throws {
        let root = directory.appendingPathComponent("corpus")
        for (label, files) in [("sport", ["1.txt", "2.txt"]), ("tech", ["x.txt"])] {
            let sub = root.appendingPathComponent(label)
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            for f in files { try TestSupport.write("\(label) \(f)", to: sub.appendingPathComponent(f)) }
        }
        var records: [LabeledRecord] = []
        try LabeledDataReader(path: root.path).forEach { records.append($0) }
        XCTAssertEqual(records.map(\.labels), [["sport"], ["sport"], ["tech"]])
        XCTAssertEqual(records.map(text), ["sport 1.txt", "sport 2.txt", "tech x.txt"])
    }

    func testMalformedRecordsNameFileAndLine() throws {
        let url = directory.appendingPathComponent("bad.jsonl")
        try TestSupport.write("{\"text\": \"ok\", \"labels\": [\"a\"]}\n{broken\n{\"text\": 3, \"labels\": []}\n", to: url)
        XCTAssertThrowsError(try LabeledDataReader(path: url.path).forEach { _ in }) { error in
            XCTAssertTrue(String(describing: error).hasPrefix("\(url.path):2: invalid JSON"), "\(error)")
        }
        var reader = try LabeledDataReader(path: url.path)
        reader.skipInvalid = true
        var kept = 0
        let summary = try reader.forEach { _ in kept += 1 }
        XCTAssertEqual(kept, 1)
        XCTAssertEqual(summary.skipped, 2)
        let tsv = directory.appendingPathComponent("bad.tsv")
        try TestSupport.write("a\tfine\nno tab here\n", to: tsv)
        XCTAssertThrowsError(try LabeledDataReader(path: tsv.path).forEach { _ in }) { error in
            XCTAssertTrue(String(describing: error).contains("bad.tsv:2: missing tab"), "\(error)")
        }
    }

    func testFormatDetection() throws {
        let plain = directory.appendingPathComponent("data.txt")
        try TestSupport.write("\n{\"text\": \"x\", \"labels\": []}\n", to: plain)
        XCTAssertEqual(try LabeledDataFormat.detect(path: plain.path), .jsonl)
        try TestSupport.write("__label__a text\n", to: plain)
        XCTAssertEqual(try LabeledDataFormat.detect(path: plain.path), .fasttext)
        try TestSupport.write("a\ttext\n", to: plain)
        XCTAssertEqual(try LabeledDataFormat.detect(path: plain.path), .tsv)
        try TestSupport.write("just words\n", to: plain)
        XCTAssertThrowsError(try LabeledDataFormat.detect(path: plain.path)) {
            XCTAssertTrue(String(describing: $0).hasSuffix("cannot tell the format from the file name or its first line; pass format jsonl|tsv|csv|fasttext|dir"), "\($0)")
        }
    }
}
