import Foundation
import XCTest
import Lede

/// Lede's vectors against scikit-learn's `TfidfVectorizer` (fixture made by Fixtures/make_tfidf_fixture.py).
final class TFIDFParityTests: XCTestCase {
    struct Fixture: Decodable {
        struct Case: Decodable {
            struct Settings: Decodable {
                var ngram_range: [Int]
                var min_df: Double
                var max_df: Double
                var max_features: Int?
                var sublinear_tf: Bool
                var use_idf: Bool
                var smooth_idf: Bool
                var norm: String?
            }
            var settings: Settings
            var terms: [String]
            var rows: [[String: Double]]
        }
        var documents: [String]
        var cases: [Case]
    }

    func testVectorsEqualScikitLearn() throws {
        let url = Bundle.module.url(forResource: "tfidf_fixture", withExtension: "json", subdirectory: "Fixtures")!
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        XCTAssertEqual(fixture.cases.count, 6)
        for (index, c) in fixture.cases.enumerated() {
            var settings = FeatureSettings()
            settings.ngramMin = c.settings.ngram_range[0]
            settings.ngramMax = c.settings.ngram_range[1]
            // In the fixture every min_df is a count; max_df is a count above 1, a proportion otherwise.
            settings.minDF = .count(Int(c.settings.min_df))
            settings.maxDF = c.settings.max_df > 1 ? .count(Int(c.settings.max_df)) : .fraction(c.settings.max_df)
            settings.maxFeatures = c.settings.max_features
            settings.sublinearTF = c.settings.sublinear_tf
            settings.useIDF = c.settings.use_idf
            settings.smoothIDF = c.settings.smooth_idf
            settings.norm = c.settings.norm.flatMap(VectorNorm.init(rawValue:)) ?? .none
            let builder = VocabularyBuilder(settings: settings)
            for document in fixture.documents {
                var text = document
                text.withUTF8 { builder.add(UnsafeRawBufferPointer($0)) }
            }
            let space = try builder.fit()
            let terms = (0..<space.columns).map(space.termText)
            XCTAssertEqual(terms, c.terms, "case \(index): vocabulary (in scikit-learn's column order)")
            let featurizer = Featurizer(space: space)
            for (row, document) in fixture.documents.enumerated() {
                var text = document
                let vector = text.withUTF8 { featurizer.featurize(UnsafeRawBufferPointer($0)) }
                var ours: [String: Double] = [:]
                for (column, value) in vector.sortedPairs { ours[space.termText(column)] = Double(value) }
                let expected = c.rows[row]
                XCTAssertEqual(Set(ours.keys), Set(expected.keys), "case \(index) row \(row): non-zero terms")
                for (term, value) in expected {
                    XCTAssertEqual(ours[term] ?? .nan, value, accuracy: 1e-6, "case \(index) row \(row) term \(term)")
                }
            }
        }
    }

    func testIdfFormulas() {
        // n = 4 documents, term in 1: smooth ln(5/2) + 1, plain ln(4) + 1
        XCTAssertEqual(FeatureSpace.idf(documentFrequency: 1, documents: 4, smooth: true), log(2.5) + 1, accuracy: 1e-12)
        XCTAssertEqual(FeatureSpace.idf(documentFrequency: 1, documents: 4, smooth: false), log(4.0) + 1, accuracy: 1e-12)
        XCTAssertEqual(FeatureSpace.idf(documentFrequency: 4, documents: 4, smooth: false), 1, accuracy: 1e-12)
    }

    func testHashingSpaceUsesMaskedHashes() throws {
        var settings = FeatureSettings()
        settings.hashBits = 10
        settings.ngramMax = 1
        let builder = VocabularyBuilder(settings: settings)
        var text = "alpha beta alpha"
        text.withUTF8 { builder.add(UnsafeRawBufferPointer($0)) }
        let space = try builder.fit()
        XCTAssertEqual(space.columns, 1024)
        let vector = text.withUTF8 { Featurizer(space: space).featurize(UnsafeRawBufferPointer($0)) }
        let columns = Set(vector.sortedPairs.map(\.column))
        XCTAssertEqual(columns, [Int(TokenHash.hash("alpha", version: .current) & 1023), Int(TokenHash.hash("beta", version: .current) & 1023)])
    }

    func testEmptyVocabularyErrorNamesTheParameter() {
        var settings = FeatureSettings()
        settings.minDF = .count(5)
        let builder = VocabularyBuilder(settings: settings)
        var text = "only one document"
        text.withUTF8 { builder.add(UnsafeRawBufferPointer($0)) }
        XCTAssertThrowsError(try builder.fit()) { error in
            XCTAssertTrue(String(describing: error).contains("allows fewer documents than minDF (5); raise maxDF or lower minDF"), "\(error)")
        }
    }
}
