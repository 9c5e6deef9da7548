import Foundation
import XCTest
import Lede

/// Document-frequency counts made in shards and merged equal one pass, and train the same model.
final class CountsTests: XCTestCase {
    func counts(of lines: ArraySlice<String>, in directory: URL, name: String) throws -> NGramCounts {
        let file = directory.appendingPathComponent(name)
        try TestSupport.write(lines.joined(separator: "\n") + "\n", to: file)
        let builder = VocabularyBuilder(settings: FeatureSettings())
        try LabeledDataReader(path: file.path).forEach { record in record.text.withUnsafeBytes { builder.add($0) } }
        return builder.counts
    }

    func testFourShardsMergeIntoTheCountsOfOnePass() throws {
        let train = TestSupport.packageRoot.appendingPathComponent("datasets/topics/train.jsonl")
        let lines = try String(contentsOf: train, encoding: .utf8).split(separator: "\n").map(String.init)
        let directory = try TestSupport.temporaryDirectory()
        let whole = try counts(of: lines[...], in: directory, name: "all.jsonl")
        let quarter = (lines.count + 3) / 4
        var merged: NGramCounts?
        for shard in 0..<4 {
            let part = try counts(of: lines[(shard * quarter)..<min(lines.count, (shard + 1) * quarter)], in: directory, name: "part-\(shard).jsonl")
            // Through the file format, as shards travel.
            let file = directory.appendingPathComponent("part-\(shard).counts")
            try Data(part.serialized()).write(to: file)
            let loaded = try NGramCounts.load(file.path)
            XCTAssertEqual(loaded, part)
            if merged == nil { merged = loaded } else { try merged!.merge(loaded) }
        }
        XCTAssertEqual(merged, whole)
        SameBytes.assertEqual(merged!.serialized(), whole.serialized(), "merged counts against one pass: byte-identical files")
        XCTAssertEqual(whole.documents, lines.count)

        // The vocabulary and idf fitted from the merged counts are the one pass's: the same model file.
        var options = TrainingOptions()
        options.threads = 2
        options.wordVectors = .on  // learned from the documents' text in both cases
        options.wordVectorDimensions = 16
        let direct = try Trainer(options: options).train(try LabeledDataReader(path: train.path)).model
        let fromCounts = try Trainer(options: options).train(try LabeledDataReader(path: train.path), counts: merged).model
        SameBytes.assertEqual(try ModelFile.serialize(direct), try ModelFile.serialize(fromCounts), "model from one pass against from merged counts")
    }

    /// Counts files of version 1 named no token hash: they hold murmur hashes, and a model trained from
    /// them uses that hash, as one trained directly with it does.
    func testVersion1CountsTrainAModelWithTheMurmurHash() throws {
        let directory = try TestSupport.temporaryDirectory()
        let data = try TestSupport.toyMultiLabel(in: directory)
        var murmur = FeatureSettings()
        murmur.tokenHash = .murmur
        let builder = VocabularyBuilder(settings: murmur)
        try LabeledDataReader(path: data.path).forEach { record in record.text.withUnsafeBytes { builder.add($0) } }
        var text = String(decoding: builder.counts.serialized(), as: UTF8.self)
        let header = try XCTUnwrap(text.firstIndex(of: "\n"))
        XCTAssertTrue(text[..<header].hasPrefix("lede-counts\t2\t") && text[..<header].hasSuffix("\t1"), String(text[..<header]))
        var fields = text[..<header].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        fields[1] = "1"
        fields.removeLast()
        text.replaceSubrange(..<header, with: fields.joined(separator: "\t"))
        let file = directory.appendingPathComponent("old.counts")
        try TestSupport.write(text, to: file)
        let loaded = try NGramCounts.load(file.path)
        XCTAssertEqual(loaded.tokenHash, .murmur)
        XCTAssertEqual(loaded, builder.counts)

        var options = TrainingOptions()
        options.features.minDF = .count(1)
        let fromCounts = try Trainer(options: options).train(try LabeledDataReader(path: data.path), counts: loaded).model
        XCTAssertEqual(fromCounts.space.settings.tokenHash, .murmur)
        options.features.tokenHash = .murmur
        let direct = try Trainer(options: options).train(try LabeledDataReader(path: data.path)).model
        SameBytes.assertEqual(try ModelFile.serialize(fromCounts), try ModelFile.serialize(direct), "from version 1 counts against trained with the murmur hash")

        var fold = NGramCounts(settings: FeatureSettings())
        XCTAssertThrowsError(try fold.merge(loaded)) { error in
            XCTAssertTrue(String(describing: error).contains("another token hash"), "\(error)")
        }
    }

    func testMismatchedOrForeignCountsAreClearErrors() throws {
        var settings = FeatureSettings()
        settings.ngramMax = 3
        var trigrams = NGramCounts(settings: settings)
        XCTAssertThrowsError(try trigrams.merge(NGramCounts(settings: FeatureSettings()))) { error in
            XCTAssertTrue(String(describing: error).contains("same options"), "\(error)")
        }
        XCTAssertThrowsError(try VocabularyBuilder(settings: FeatureSettings(), counts: trigrams)) { error in
            XCTAssertTrue(String(describing: error).contains("train with the same ngramMin...ngramMax and hashBits"), "\(error)")
        }
        let directory = try TestSupport.temporaryDirectory()
        let foreign = directory.appendingPathComponent("foreign.counts")
        try TestSupport.write("hello\tworld\n", to: foreign)
        XCTAssertThrowsError(try NGramCounts.load(foreign.path)) { error in
            XCTAssertTrue(String(describing: error).contains("lede-train count"), "\(error)")
        }
        trigrams.documents = 1
        XCTAssertTrue(trigrams.matches(settings))
    }
}
