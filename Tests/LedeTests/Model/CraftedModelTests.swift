import Foundation
import XCTest
import Lede

/// Model files with a valid checksum but contents no trainer writes: the loader refuses each with its
/// reason, before anything indexes with it (no endless probe, trap or read past a section).
final class CraftedModelTests: XCTestCase {
    private var good: [UInt8] = []
    private var sections: [ModelFile.Section] = []

    override func setUpWithError() throws {
        let directory = try TestSupport.temporaryDirectory()
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        let model = try Trainer(options: options).train(try LabeledDataReader(path: TestSupport.toyMultiLabel(in: directory).path)).model
        good = try ModelFile.serialize(model)
        sections = try XCTUnwrap(ModelFile.sections(in: good))
    }

    /// Texts that two models which should score alike are compared on.
    private let sampleTexts = ["sanctions on oil exports", "troops crossed the border", "a quiet day", "oil oil oil border"]

    private func index(_ tag: String) -> Int { sections.firstIndex { $0.tag == tag }! }

    private func metadata() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(sections[index("META")].bytes)) as! [String: Any]
    }

    /// The file with `edit` applied to its sections, laid out and sealed as a writer would.
    private func crafted(_ edit: (inout [ModelFile.Section]) throws -> Void) rethrows -> [UInt8] {
        var edited = sections
        try edit(&edited)
        return ModelFile.assemble(edited, version: ModelFile.formatVersion)
    }

    private func withMetadata(_ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
        var meta = try metadata()
        change(&meta)
        let bytes = Array(try JSONSerialization.data(withJSONObject: meta))
        return crafted { $0[index("META")].bytes = bytes }
    }

    private func assertRefused(_ bytes: [UInt8], mentions expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModelFile.load(bytes: bytes, name: "crafted.lede"), file: file, line: line) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains(expected), "\(message) should mention \(expected)", file: file, line: line)
        }
    }

    private func int32s(_ bytes: [UInt8]) -> [Int32] {
        bytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    }

    private func bytes(_ values: [Int32]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    func testTheUneditedSectionsLoad() throws {
        XCTAssertEqual(ModelFile.assemble(sections, version: ModelFile.formatVersion), good, "assemble rebuilds the writer's bytes")
        XCTAssertNoThrow(try ModelFile.load(bytes: good, name: "good.lede"))
    }

    /// The slots of the VIDX section: (byte offset of the slot, column).
    private func slotColumns(_ bytes: [UInt8], stride: Int) -> [(offset: Int, column: Int32)] {
        stride == 0 ? [] : (0..<(bytes.count / stride)).map { index in
            (index * stride, bytes.withUnsafeBytes { $0.load(fromByteOffset: index * stride + 8, as: Int32.self) })
        }
    }

    func testAVocabularyTableWithoutAnEmptySlotIsRefused() {
        // Every slot taken: a probe for an unknown word would never end.
        let file = crafted { sections in
            let stride = sections[index("VIDX")].elementSize
            let slots = slotColumns(sections[index("VIDX")].bytes, stride: stride)
            let columns = Int32(slots.filter { $0.column >= 0 }.count)
            for (n, slot) in slots.enumerated() {
                withUnsafeBytes(of: Int32(n) % columns) { sections[index("VIDX")].bytes.replaceSubrange(slot.offset + 8..<slot.offset + 12, with: $0) }
            }
        }
        assertRefused(file, mentions: "twice")
    }

    func testSlotsOfTheWrongSizeOrANaNIdfAreRefused() {
        let narrow = crafted { sections in
            sections[index("VIDX")].elementSize = 16
        }
        assertRefused(narrow, mentions: "-byte slots")
        let notANumber = crafted { sections in
            let stride = sections[index("VIDX")].elementSize
            let taken = slotColumns(sections[index("VIDX")].bytes, stride: stride).first { $0.column >= 0 }!
            withUnsafeBytes(of: Float.nan) { sections[index("VIDX")].bytes.replaceSubrange(taken.offset + 12..<taken.offset + 16, with: $0) }
        }
        assertRefused(notANumber, mentions: "idf")
    }

    /// Format 3 kept vocabulary tables at most half full; format 4 reads such a file as it is.
    func testAFormat3FileWithAHalfFullTableLoadsAndScoresAlike() throws {
        let vidx = sections[index("VIDX")], stride = vidx.elementSize
        let capacity = 2 * vidx.bytes.count / stride
        var wide = [UInt8](repeating: 0, count: capacity * stride)
        let empty = VocabularyTable.Slot.empty
        for slot in 0..<capacity { withUnsafeBytes(of: empty) { wide.replaceSubrange(slot * stride..<slot * stride + 16, with: $0) } }
        for (offset, column) in slotColumns(vidx.bytes, stride: stride) where column >= 0 {
            let key = vidx.bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            var slot = Int(truncatingIfNeeded: key) & (capacity - 1)
            while wide.withUnsafeBytes({ $0.loadUnaligned(fromByteOffset: slot * stride + 8, as: Int32.self) }) >= 0 {
                slot = (slot + 1) & (capacity - 1)
            }
            wide.replaceSubrange(slot * stride..<(slot + 1) * stride, with: vidx.bytes[offset..<offset + stride])
        }
        var halfFull = sections
        halfFull[index("VIDX")].bytes = wide
        let format3 = ModelFile.assemble(halfFull, version: 3)
        let old = try ModelFile.load(bytes: format3, name: "format3.lede")
        let directory = try TestSupport.temporaryDirectory()
        for (bytes, version) in [(format3, UInt32(3)), (good, ModelFile.formatVersion)] {
            let path = directory.appendingPathComponent("format\(version).lede").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(try ModelFile.loadWithLayout(path).version, version)
        }
        let current = try ModelFile.load(bytes: good, name: "good.lede")
        func tableSlots(_ model: LedeModel) -> Int {
            if case .vocabulary(let table) = model.space.lookup { return table.capacity }
            return 0
        }
        XCTAssertEqual(tableSlots(old), 2 * tableSlots(current))
        for text in sampleTexts {
            XCTAssertEqual(DocumentScorer(model: old).scores(text), DocumentScorer(model: current).scores(text), text)
        }
    }

    /// Format 4 named no token hash: its files are read with the murmur hash they were written with, and
    /// score as the same model trained with that hash today; a model trained with either hash decides alike.
    func testAFormat4FileIsReadWithTheMurmurHash() throws {
        let directory = try TestSupport.temporaryDirectory()
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        options.features.tokenHash = .murmur
        let murmur = try Trainer(options: options).train(try LabeledDataReader(path: TestSupport.toyMultiLabel(in: directory).path)).model
        var old = try XCTUnwrap(ModelFile.sections(in: try ModelFile.serialize(murmur)))
        let m = try XCTUnwrap(old.firstIndex { $0.tag == "META" })
        var meta = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(old[m].bytes)) as? [String: Any])
        var features = try XCTUnwrap(meta["features"] as? [String: Any])
        XCTAssertEqual(features["tokenHash"] as? Int, TokenHash.Version.murmur.rawValue)
        features.removeValue(forKey: "tokenHash")
        meta["features"] = features
        old[m].bytes = Array(try JSONSerialization.data(withJSONObject: meta))
        let format4 = try ModelFile.load(bytes: ModelFile.assemble(old, version: 4), name: "format4.lede")
        let current = try ModelFile.load(bytes: good, name: "good.lede")
        XCTAssertEqual(format4.space.settings.tokenHash, .murmur)
        XCTAssertEqual(current.space.settings.tokenHash, .fold)
        for text in sampleTexts {
            let scores = DocumentScorer(model: format4).scores(text)
            XCTAssertEqual(scores, DocumentScorer(model: murmur).scores(text), text)
            for (a, b) in zip(scores, DocumentScorer(model: current).scores(text)) { XCTAssertEqual(a, b, accuracy: 1e-5, text) }
        }
    }

    func testAnUnknownTokenHashIsRefused() throws {
        let unknown = try withMetadata { meta in
            var features = meta["features"] as! [String: Any]
            features["tokenHash"] = 9
            meta["features"] = features
        }
        assertRefused(unknown, mentions: "unreadable metadata")
    }

    func testFilesOfAnOlderFormatAreRefusedWithAWayOut() {
        assertRefused(ModelFile.assemble(sections, version: 2), mentions: "retrain the model")
        assertRefused(ModelFile.assemble(sections, version: 1), mentions: "older Lede")
    }

    func testTermOffsetsThatDecreaseOrPassTheTextAreRefused() {
        let decreasing = crafted { sections in
            var offsets = int32s(sections[index("TOFF")].bytes)
            offsets.swapAt(1, 2)
            sections[index("TOFF")].bytes = bytes(offsets)
        }
        assertRefused(decreasing, mentions: "decrease")
        let past = crafted { sections in
            var offsets = int32s(sections[index("TOFF")].bytes)
            offsets[1] = 1 << 30
            sections[index("TOFF")].bytes = bytes(offsets)
        }
        assertRefused(past, mentions: "term")
    }

    func testASectionOverTheHeaderOrAnotherIsRefused() {
        var overHeader = good
        let entry = 64 + 32 * index("TTXT")
        for i in 0..<8 { overHeader[entry + 8 + i] = 0 }  // offset 0: the header's own bytes
        ModelFile.seal(&overHeader)
        assertRefused(overHeader, mentions: "header")
        var overlapping = good
        let first = 64 + 32 * index("VIDX"), second = 64 + 32 * index("BIAS")
        overlapping.replaceSubrange(second + 8..<second + 16, with: overlapping[first + 8..<first + 16])
        ModelFile.seal(&overlapping)
        assertRefused(overlapping, mentions: "overlap")
    }

    func testHugeCountsAreRefusedWithoutOverflow() throws {
        assertRefused(try withMetadata { $0["columns"] = Int.max / 2 }, mentions: "inconsistent metadata")
        assertRefused(try withMetadata { $0["columns"] = 1 << 40 }, mentions: "inconsistent metadata")
    }

    func testInvalidNGramRangesAreRefused() throws {
        for (low, high) in [(0, 0), (-5, -1), (3, 1), (1, 99)] {
            let file = try withMetadata { meta in
                var features = meta["features"] as! [String: Any]
                features["ngramMin"] = low
                features["ngramMax"] = high
                meta["features"] = features
            }
            assertRefused(file, mentions: "feature settings")
        }
    }

    func testDuplicateLabelsAndBadThresholdsAreRefused() throws {
        assertRefused(try withMetadata { meta in
            let labels = meta["labels"] as! [String]
            meta["labels"] = [labels[0], labels[0]]
        }, mentions: "a label appears twice")
        assertRefused(try withMetadata { meta in
            meta["thresholds"] = (meta["thresholds"] as! [Any]).dropLast().map { $0 }
        }, mentions: "inconsistent metadata")
    }
}
