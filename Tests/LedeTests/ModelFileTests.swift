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
}
