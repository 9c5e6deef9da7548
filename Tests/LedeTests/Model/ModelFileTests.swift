import Foundation
import XCTest
import Lede

final class ModelFileTests: XCTestCase {
    var directory: URL!
    var modelPath: String!
    var model: LedeModel!

    override func setUpWithError() throws {
        directory = try TestSupport.temporaryDirectory()
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        model = try Trainer(options: options).train(try LabeledDataReader(path: TestSupport.toyMultiLabel(in: directory).path)).model
        modelPath = directory.appendingPathComponent("toy.lede").path
        try ModelFile.write(model, to: modelPath)
    }

    override func tearDown() {
        model = nil  // XCTest keeps test case instances until the end of the run
    }

    func testRoundTripScoresIdentically() throws {
        let loaded = try ModelFile.load(modelPath)
        XCTAssertEqual(loaded.metadata, model.metadata)
        let text = "sanctions after troops attack the border"
        XCTAssertEqual(DocumentScorer(model: loaded).scores(text), DocumentScorer(model: model).scores(text))
        XCTAssertEqual(loaded.space.columns, model.space.columns)
        XCTAssertEqual((0..<loaded.space.columns).map(loaded.space.termText), (0..<model.space.columns).map(model.space.termText))
    }

    func testWriteLeavesNoTemporaryFile() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertFalse(names.contains { $0.contains(".tmp-") }, "\(names)")
    }

    func assertRefused(_ bytes: [UInt8], mentions expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = directory.appendingPathComponent("bad-\(UUID().uuidString).lede").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ModelFile.load(path), file: file, line: line) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains(expected), "\(message) should mention \(expected)", file: file, line: line)
            XCTAssertTrue(message.contains(path), "\(message) should name the file", file: file, line: line)
        }
    }

    func testCorruptFilesAreRefusedWithAReason() throws {
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: modelPath)))
        try assertRefused([], mentions: "empty")
        try assertRefused(Array("PK\u{3}\u{4} not a model".utf8), mentions: "not a Lede model")
        try assertRefused(Array(good[0..<40]), mentions: "truncated")
        try assertRefused(Array(good[0..<(good.count / 2)]), mentions: "truncated")
        try assertRefused(Array(good.dropLast()), mentions: "truncated")
        try assertRefused(good + [0], mentions: "trailing")
        var flipped = good
        flipped[good.count - 10] ^= 0x10
        try assertRefused(flipped, mentions: "checksum")
        var newer = good
        newer[8] = 99
        try assertRefused(newer, mentions: "newer")
        var magic = good
        magic[0] = UInt8(ascii: "X")
        try assertRefused(magic, mentions: "not a Lede model")
    }

    func testBitFlipsAnywhereAreRefused() throws {
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: modelPath)))
        for offset in stride(from: 64, to: good.count, by: max(1, good.count / 40)) {
            var bad = good
            bad[offset] ^= 0x01
            XCTAssertThrowsError(try {
                let path = directory.appendingPathComponent("flip.lede").path
                try Data(bad).write(to: URL(fileURLWithPath: path))
                _ = try ModelFile.load(path)
            }(), "flip at \(offset)")
        }
    }

    func testDirectoryAndMissingFileAreRefused() {
        XCTAssertThrowsError(try ModelFile.load(directory.path)) { XCTAssertTrue(String(describing: $0).contains("directory")) }
        XCTAssertThrowsError(try ModelFile.load(directory.appendingPathComponent("missing.lede").path)) {
            XCTAssertTrue(String(describing: $0).contains("No such file"))
        }
    }

    /// (tag, offset, length) of each section, read from the file's section table.
    func sections(_ bytes: [UInt8]) -> [(tag: String, offset: Int, length: Int)] {
        func integer(_ at: Int, _ size: Int) -> Int { (0..<size).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        return (0..<integer(16, 4)).map { index in
            let entry = 64 + index * 32
            return (String(decoding: bytes[entry..<entry + 4], as: UTF8.self), integer(entry + 8, 8), integer(entry + 16, 8))
        }
    }

    func testTruncationAtEverySectionBoundaryAndSampledOffsets() throws {
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: modelPath)))
        let table = sections(good)
        XCTAssertEqual(Set(table.map(\.tag)), ["META", "VIDX", "BIAS", "TOFF", "TTXT"])
        var cuts = Set<Int>([1, 7, 8, 63, 64, 64 + 32 * table.count])
        for section in table { cuts.formUnion([section.offset, section.offset + section.length / 2, section.offset + section.length]) }
        cuts.formUnion(stride(from: 0, to: good.count, by: max(1, good.count / 100)))
        cuts = cuts.filter { $0 > 0 && $0 < good.count }
        for cut in cuts.sorted() {
            try assertRefused(Array(good[0..<cut]), mentions: cut < 8 ? "not a Lede model" : "truncated")
        }
    }

    func testABitFlippedInAnySectionIsRefused() throws {
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: modelPath)))
        for section in sections(good) where section.length > 0 {
            for position in [section.offset, section.offset + section.length / 2, section.offset + section.length - 1] {
                var bad = good
                bad[position] ^= 0x80
                try assertRefused(bad, mentions: "checksum")
            }
        }
        var sectionCount = good
        sectionCount[16] = 0xFF
        try assertRefused(sectionCount, mentions: "sections")
    }

    /// `bytes` with the header's checksum made right again: what a file damaged by a writer, not in
    /// transit, would look like.
    func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let checksum = bytes.withUnsafeBytes { Checksum.compute(UnsafeRawBufferPointer(rebasing: $0[64...])) }
        for k in 0..<8 { bytes[32 + k] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt64(k))) }
        return bytes
    }

    func testInconsistentWordVectorSectionsAreRefused() throws {
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        options.wordVectors = .on
        options.wordVectorDimensions = 8
        let withVectors = try Trainer(options: options).train(try LabeledDataReader(path: TestSupport.toyMultiLabel(in: directory).path)).model
        let good = try ModelFile.serialize(withVectors)
        XCTAssertEqual(resealed(good), good)
        let table = sections(good)
        XCTAssertTrue(Set(table.map(\.tag)).isSuperset(of: ["WVRW", "WVCD", "WVSC"]))
        let rows = try XCTUnwrap(table.first { $0.tag == "WVRW" })
        var outOfRange = good
        for k in 0..<4 { outOfRange[rows.offset + k] = k == 3 ? 0x7F : 0xFF }  // column 0's row: Int32.max
        try assertRefused(resealed(outOfRange), mentions: "out of range")
        // Every column given a word vector: more columns with one than there are vectors (one vector shared
        // by many columns would multiply the rows that scoring lays out).
        let columnCount = rows.length / 4
        let words = (0..<columnCount).filter { c in
            good.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: rows.offset + 4 * c, as: Int32.self) } >= 0
        }.count
        XCTAssertLessThan(words, columnCount, "the toy model has columns without a word vector")
        var shared = good
        for c in 0..<columnCount { for k in 0..<4 { shared[rows.offset + 4 * c + k] = 0 } }  // every column: row 0
        try assertRefused(resealed(shared), mentions: "columns have word vectors")
        let codesIndex = try XCTUnwrap(table.firstIndex { $0.tag == "WVCD" })
        let codesEntry = 64 + 32 * codesIndex
        var missing = good
        missing.replaceSubrange(codesEntry..<codesEntry + 4, with: Array("XXXX".utf8))
        try assertRefused(resealed(missing), mentions: "WVCD is missing")
    }

    func testAHeaderClaimingMoreBytesThanTheFileIsRefusedFirst() throws {
        var huge = [UInt8](try Data(contentsOf: URL(fileURLWithPath: modelPath)))
        for k in 0..<8 { huge[24 + k] = k == 7 ? 0x10 : 0 }  // declared size 2^60 bytes
        try assertRefused(huge, mentions: "truncated")
    }

    func testAFailedWriteKeepsThePreviousModelAndLeavesNoTemporaryFile() throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: modelPath))
        // Data whose model outgrows 1 MB: 40,000 distinct words.
        let data = directory.appendingPathComponent("wide.tsv")
        try TestSupport.write((0..<2000).map { d in "\(d % 2 == 0 ? "a" : "b")\t" + (0..<20).map { "w\(d)x\($0)" }.joined(separator: " ") }
            .joined(separator: "\n") + "\n", to: data)
        let train = CommandLineTests.productsDirectory.appendingPathComponent("lede-train").path
        // A file-size limit (1 MB) below the model's size makes the write fail (EFBIG, as a full disk
        // would); SIGXFSZ ignored so the process sees the error instead of dying.
        let result = try TestSupport.run("/bin/bash", [
            "-c", "trap '' XFSZ; ulimit -f 1024; exec '\(train)' '\(data.path)' -o '\(modelPath!)' --min-df 1 --ngrams 1 --folds 0 -q",
        ])
        let message = result.stderr
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(message.contains("cannot write") && message.contains("unchanged"), message)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: modelPath)), before, "the previous model is intact")
        XCTAssertNoThrow(try ModelFile.load(modelPath))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertFalse(names.contains { $0.contains(".tmp-") }, "\(names)")
    }
}

