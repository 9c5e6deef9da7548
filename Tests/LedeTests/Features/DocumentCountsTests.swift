import XCTest
import Lede

/// The per-document n-gram counts behind every tf-idf vector, checked against a dictionary on documents
/// that stay in the small table, outgrow it several times, and follow one another in one featurizer.
final class DocumentCountsTests: XCTestCase {
    func testCountsMatchADictionaryWhateverTheDocumentSize() {
        var settings = FeatureSettings()
        settings.hashBits = 20
        settings.sublinearTF = false
        settings.useIDF = false
        settings.norm = .none
        let mask = UInt64(1 << 20 - 1)
        let space = FeatureSpace(settings: settings, lookup: .hashing(mask: mask), columns: 1 << 20,
                                 idf: Storage([Float](repeating: 1, count: 1 << 20)), terms: nil)
        let featurizer = Featurizer(space: space)
        var state: UInt64 = 99
        for (round, (words, vocabulary)) in [(12, 5), (9000, 4000), (40, 30), (60000, 30000), (3, 3), (2500, 2500), (20000, 12000), (60000, 30000), (500, 400)].enumerated() {
            let text = (0..<words).map { _ -> String in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return "w\(Int(state >> 33) % vocabulary)"
            }.joined(separator: " ")
            var expected: [Int: Float] = [:]
            var window = NGramWindow(ngramMin: 1, ngramMax: 2, tokenHash: space.settings.tokenHash)
            for token in TestSupport.tokens(text) {
                window.push(TokenHash.hash(token, version: space.settings.tokenHash)) { ngram, _ in expected[Int(ngram & mask), default: 0] += 1 }
            }
            var copy = text
            let vector = copy.withUTF8 { featurizer.featurize(UnsafeRawBufferPointer($0)) }
            var found: [Int: Float] = [:]
            for e in 0..<vector.count {
                XCTAssertNil(found[Int(vector[e].column)], "round \(round): column \(vector[e].column) listed twice")
                found[Int(vector[e].column)] = vector[e].value
            }
            XCTAssertEqual(found, expected, "round \(round): \(words) words")
        }
    }

    /// The same in a vocabulary space, where words and pairs take their own path per token: every n-gram
    /// of the text is in the vocabulary, the text arrives whole or in chunks that cut tokens, and documents
    /// of one and two words come between longer ones.
    func testWordsAndPairsInAVocabularySpaceMatchTheWindow() {
        var settings = FeatureSettings()
        settings.sublinearTF = false
        settings.useIDF = false
        settings.norm = .none
        var state: UInt64 = 7
        let documents = [(1, 1), (300, 50), (2, 2), (5000, 900), (1, 1), (64, 64)].map { words, vocabulary in
            (0..<words).map { _ -> String in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return "w\(Int(state >> 33) % vocabulary)"
            }.joined(separator: " ")
        }
        var columnOf: [UInt64: Int] = [:]
        var hashes: [UInt64] = []
        func expectedCounts(_ text: String) -> [Int: Float] {
            var counts: [Int: Float] = [:]
            var window = NGramWindow(ngramMin: 1, ngramMax: 2, tokenHash: settings.tokenHash)
            for token in TestSupport.tokens(text) {
                window.push(TokenHash.hash(token, version: settings.tokenHash)) { ngram, _ in
                    let column = columnOf[ngram] ?? { hashes.append(ngram); columnOf[ngram] = hashes.count - 1; return hashes.count - 1 }()
                    counts[column, default: 0] += 1
                }
            }
            return counts
        }
        let expected = documents.map(expectedCounts)
        let table = VocabularyTable(hashes: hashes, idf: [Float](repeating: 1, count: hashes.count))
        let space = FeatureSpace(settings: settings, lookup: .vocabulary(table), columns: hashes.count,
                                 idf: Storage([Float](repeating: 1, count: hashes.count)), terms: nil)
        let featurizer = Featurizer(space: space)
        for (index, text) in documents.enumerated() {
            let bytes = Array(text.utf8)
            featurizer.begin()
            var start = 0
            let chunk = index % 2 == 0 ? max(bytes.count, 1) : 7  // whole, or in pieces that cut most tokens
            while start < bytes.count {
                let end = min(start + chunk, bytes.count)
                bytes[start..<end].withUnsafeBytes { featurizer.feed($0) }
                start = end
            }
            let vector = featurizer.finish()
            var found: [Int: Float] = [:]
            for e in 0..<vector.count { found[Int(vector[e].column), default: 0] += vector[e].value }
            XCTAssertEqual(found, expected[index], "document \(index)")
        }
    }
}
