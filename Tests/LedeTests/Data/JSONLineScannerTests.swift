import Foundation
import XCTest
import Lede

/// `JSONLineScanner` reads the common JSONL line without `JSONDecoder`; wherever it takes a line,
/// `JSONDecoder` must read the same id and text from it (and it may decline any line, which then goes to
/// `JSONDecoder`). Checked on lines made to cover JSON's corners, and on many mutations of them.
final class JSONLineScannerTests: XCTestCase {
    /// What `JSONDecoder` reads from a record line, as `JSONLineRecord` reads the lines the scanner takes:
    /// "text" a string, "id" absent, null, a string or an integer.
    private struct Oracle: Decodable {
        let text: String
        let id: String?

        private enum Key: String, CodingKey { case text, id }

        init(from decoder: Decoder) throws {
            let record = try decoder.container(keyedBy: Key.self)
            text = try record.decode(String.self, forKey: .text)
            if try !record.contains(.id) || record.decodeNil(forKey: .id) {
                id = nil
            } else if let string = try? record.decode(String.self, forKey: .id) {
                id = string
            } else {
                id = String(try record.decode(Int64.self, forKey: .id))
            }
        }
    }

    /// Lines the scanner must take (and read as `JSONDecoder` does).
    private let valid: [String] = [
        #"{"id": "a1", "text": "Troops crossed the border."}"#,
        #"{"text": "no id at all"}"#,
        #"{"text":"tight","id":"x"}"#,
        "\t{ \"id\" :\r\n \"spaced\" , \"text\" : \"white space of every kind\" }  ",
        #"{"id": 17, "text": "an integer id"}"#,
        #"{"id": -42, "text": "a negative one"}"#,
        #"{"id": 0, "text": "zero"}"#,
        #"{"id": null, "text": "a null id"}"#,
        #"{"id": "e\u0301t\u00e9 \u20ac \ud83d\ude00", "text": "escaped id"}"#,
        #"{"text": "quote \" backslash \\ slash \/ controls \b\f\n\r\t nul \u0000 end"}"#,
        #"{"text": "caf\u00e9, \u4e2d\u6587, \ud834\udd1e, \uFFFF"}"#,
        "{\"text\": \"raw UTF-8: café – 中文 – 𝄞 – \u{7F} del\"}",
        #"{"labels": ["a", "b"], "text": "labels ignored", "id": "l"}"#,
        #"{"meta": {"source": "wire", "n": [1, 2.5, -3e10, 4E+2, 5e-3, 0.0, true, false, null, {"x": []}]}, "text": "nested"}"#,
        #"{"": "empty key", "text": "", "id": ""}"#,
        #"{"text": "escaped other", "other": "a\"b\\c\u00e9\ud83d\ude00"}"#,
        #"{"score": -0.5, "text": "numbers elsewhere", "flag": true, "none": null}"#,
        #"{"other": "twice", "other": "again", "text": "a repeated other key"}"#,
        #"{"id": 123456789012345678, "text": "eighteen digits"}"#,
        #"{"huge": 1e400, "long": 123456789012345678901234567890, "tiny": -0.0e-0, "text": "numbers no type holds"}"#,
        "{\"deep\": " + String(repeating: "[", count: 30) + #"{"a": [1, {"b": null}]}"# + String(repeating: "]", count: 30)
            + #", "text": "nested deep"}"#,
    ]

    /// Lines it must decline: `JSONDecoder` answers for them (some with an error, some with a record).
    private let declined: [String] = [
        #"{"id": "a", "text": "lone high \ud800 surrogate"}"#,
        #"{"text": "lone low \udc00 surrogate"}"#,
        #"{"text": "bad escape \x41"}"#,
        "{\"text\": \"raw control \u{01} char\"}",
        #"{"text": "unterminated}"#,
        #"{"text": "trailing comma",}"#,
        #"{"text" "missing colon"}"#,
        #"{"id": 01, "text": "leading zero"}"#,
        #"{"id": 1.5, "text": "a fractional id"}"#,
        #"{"id": 1e3, "text": "an exponent id"}"#,
        #"{"id": -0, "text": "minus zero"}"#,
        #"{"id": 1234567890123456789, "text": "nineteen digits"}"#,
        #"{"id": true, "text": "a boolean id"}"#,
        #"{"id": ["a"], "text": "a list id"}"#,
        #"{"text": 5}"#,
        #"{"text": null}"#,
        #"{"id": "only an id"}"#,
        #"{"text": "a", "text": "b"}"#,
        #"{"id": "a", "id": "b", "text": "c"}"#,
        #"{"te\u0078t": "an escaped key"}"#,
        #"{"text": "x"} trailing"#,
        #"{"text": "x"}}"#,
        "\u{FEFF}{\"text\": \"a byte-order mark\"}",
        #"["text", "an array"]"#,
        #""just a string""#,
        "",
        "   ",
        #"{"n": 1., "text": "bad number"}"#,
        #"{"n": .5, "text": "bad number"}"#,
        #"{"n": -, "text": "bad number"}"#,
        #"{"n": 1e, "text": "bad number"}"#,
        #"{"n": tru, "text": "bad literal"}"#,
        #"{"n": NaN, "text": "not JSON"}"#,
        #"{'text': 'single quotes'}"#,
        String(repeating: #"{"a": "#, count: 70) + "1" + String(repeating: "}", count: 70),
    ]

    private func scan(_ bytes: [UInt8], with scanner: inout JSONLineScanner) -> Bool {
        bytes.withUnsafeBytes { scanner.scan($0) }
    }

    /// Where the scanner takes `bytes`, `JSONDecoder` reads the same id and text.
    private func assertAgrees(_ bytes: [UInt8], scanner: inout JSONLineScanner, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard scan(bytes, with: &scanner) else { return false }
        let shown = String(decoding: bytes.prefix(120), as: UTF8.self)
        guard let oracle = try? JSONDecoder().decode(Oracle.self, from: Data(bytes)) else {
            XCTFail("taken by the scanner, refused by JSONDecoder: \(shown)", file: file, line: line)
            return true
        }
        XCTAssertEqual(scanner.text, Array(oracle.text.utf8), "text of \(shown)", file: file, line: line)
        XCTAssertEqual(scanner.hasID, oracle.id != nil, "id of \(shown)", file: file, line: line)
        if let id = oracle.id { XCTAssertEqual(scanner.id, Array(id.utf8), "id of \(shown)", file: file, line: line) }
        return true
    }

    func testTakesTheCommonLinesAsJSONDecoderReadsThem() {
        var scanner = JSONLineScanner()
        for line in valid {
            XCTAssertTrue(assertAgrees(Array(line.utf8), scanner: &scanner), "declined: \(line)")
        }
    }

    func testDeclinesWhatItDoesNotReadExactly() {
        var scanner = JSONLineScanner()
        for line in declined {
            XCTAssertFalse(scan(Array(line.utf8), with: &scanner), "taken: \(line.prefix(80))")
        }
        // Invalid UTF-8 inside a string: overlong forms, surrogates, beyond U+10FFFF, cut sequences.
        for bad: [UInt8] in [[0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
                             [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xC3], [0xE2, 0x82],
                             [0xF0, 0x9F, 0x98]] {
            let line = Array(#"{"text": "a"#.utf8) + bad + Array(#"b"}"#.utf8)
            XCTAssertFalse(scan(line, with: &scanner), "taken: invalid UTF-8 \(bad)")
        }
    }

    /// Every line it takes among 40,000 mutations (bytes replaced, inserted, removed or repeated) of the
    /// lines above, JSONDecoder reads the same; and it still takes many of them, so the check has teeth.
    func testMutatedLinesAreTakenOnlyAsJSONDecoderReadsThem() {
        var scanner = JSONLineScanner()
        var state: UInt64 = 2024
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let alphabet = Array(#"{}[]:,"\ /bfnrtu0123456789abcdefABCDEF-+.eE truefalsenull"#.utf8) + [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xE2, 0xED, 0xF0, 0xFF]
        let seeds = (valid + declined).map { Array($0.utf8) }.filter { !$0.isEmpty }
        var taken = 0
        for _ in 0..<40_000 {
            var line = seeds[next(seeds.count)]
            for _ in 0..<(1 + next(3)) {
                let at = next(line.count + 1)
                switch next(4) {
                case 0 where at < line.count: line[at] = alphabet[next(alphabet.count)]
                case 1: line.insert(alphabet[next(alphabet.count)], at: at)
                case 2 where at < line.count: line.remove(at: at)
                default: line.insert(contentsOf: line[at..<min(line.count, at + next(6))], at: at)
                }
            }
            if assertAgrees(line, scanner: &scanner) { taken += 1 }
        }
        XCTAssertGreaterThan(taken, 2_000, "the scanner took few mutated lines: the check compares little")
    }
}
