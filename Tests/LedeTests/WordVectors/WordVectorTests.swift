import Foundation
import XCTest
import Lede

final class WordVectorTests: XCTestCase {
    // MARK: - Learning

    /// "cat" and "dog" share every context; "car" has contexts of its own.
    func testWordsInTheSameContextsGetCloseVectors() {
        let vocabulary = ["cat", "dog", "car", "the", "purrs", "sleeps", "eats", "drives", "brakes", "fuel", "road", "pet"]
        let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, Int32($0)) })
        var tokens: [Int32] = [], offsets = [0]
        let sentences = ["the cat purrs pet sleeps eats", "the dog purrs pet sleeps eats", "the car drives road brakes fuel"]
        for round in 0..<30 {
            for sentence in sentences {
                let words = sentence.split(separator: " ").map(String.init)
                let shift = round % 3
                tokens += (words[shift...] + words[..<shift]).map { index[$0]! }
                offsets.append(tokens.count)
            }
        }
        var learner = WordVectorLearner()
        learner.dimensions = 4
        learner.window = 3
        let vectors = learner.learn(tokens: tokens, offsets: offsets, words: vocabulary.count)
        func vector(_ word: String) -> [Float] { Array(vectors[(Int(index[word]!) * 4)..<(Int(index[word]!) * 4 + 4)]) }
        func cosine(_ a: String, _ b: String) -> Float { zip(vector(a), vector(b)).reduce(0) { $0 + $1.0 * $1.1 } }
        for word in vocabulary { XCTAssertEqual(cosine(word, word), 1, accuracy: 1e-4, word) }
        XCTAssertGreaterThan(cosine("cat", "dog"), 0.9)
        XCTAssertGreaterThan(cosine("cat", "dog"), cosine("cat", "car") + 0.3)
    }

    func testLearningIsDeterministic() {
        let tokens: [Int32] = (0..<2000).map { Int32(($0 * 7919) % 50) }
        var learner = WordVectorLearner()
        learner.dimensions = 8
        let offsets = Array(stride(from: 0, through: 2000, by: 100))
        SameBytes.assertEqual(learner.learn(tokens: tokens, offsets: offsets, words: 50),
                              learner.learn(tokens: tokens, offsets: offsets, words: 50), "the same run twice")
        learner.threads = 2
        let two = learner.learn(tokens: tokens, offsets: offsets, words: 50)
        learner.threads = 1
        SameBytes.assertEqual(two, learner.learn(tokens: tokens, offsets: offsets, words: 50), "2 threads and 1")
    }

    func testManyWordsGiveTheSameVectorsOnOneAndTwoThreads() {
        // 10,000 words: the dense steps run over several row blocks, which two threads share.
        let words = 10_000
        let tokens: [Int32] = (0..<60_000).map { Int32(($0 * 7919 + $0 / 7) % words) }
        let offsets = Array(stride(from: 0, through: tokens.count, by: 200))
        var learner = WordVectorLearner()
        learner.dimensions = 8
        learner.threads = 1
        let one = learner.learn(tokens: tokens, offsets: offsets, words: words)
        learner.threads = 2
        let two = learner.learn(tokens: tokens, offsets: offsets, words: words)
        XCTAssertEqual(one.count, words * 8)
        SameBytes.assertEqual(one, two, "1 thread and 2")
        XCTAssertTrue(one.allSatisfy(\.isFinite))
        let unitRows = (0..<words).filter { w in
            abs(one[(w * 8)..<(w * 8 + 8)].reduce(0) { $0 + $1 * $1 } - 1) < 1e-3
        }
        XCTAssertEqual(unitRows.count, words, "every word co-occurs, so every word gets a unit vector")
    }

    // MARK: - Features

    func testFeaturesAreTheWeightedDirectionOfTheWordVectors() {
        // Columns 0 and 1 have vectors (1, 0) and (0, 1); column 2 has none.
        let features = WordVectors(vectors: [1, 0, 0, 1], columnOfRow: [0, 1], dimensions: 2, weight: 0.5, columns: 3)
        let scratch = WordVectors.Scratch(dimensions: 2)
        let vector = SparseVector()
        vector.append(column: 0, value: 0.6)
        vector.append(column: 1, value: 0.8)
        vector.append(column: 2, value: 1)
        features.append(to: vector, scratch: scratch)
        let pairs = vector.sortedPairs
        XCTAssertEqual(pairs.map(\.column), [0, 1, 2, 3, 4])
        XCTAssertEqual(pairs[3].value, 0.5 * 0.6, accuracy: 1e-2)  // 8-bit codes: (1, 0) and (0, 1) are exact
        XCTAssertEqual(pairs[4].value, 0.5 * 0.8, accuracy: 1e-2)

        let without = SparseVector()
        without.append(column: 2, value: 1)
        features.append(to: without, scratch: scratch)
        XCTAssertEqual(without.count, 1, "a document with no word that has a vector gets no dense features")
    }

    /// The rows of a document's words are summed four at a time; every element must still get its terms
    /// in the vector's order, one row after another: the same bits as the plain loop, for every count of
    /// rows (blocks of four and the rest) and a dimension that is no multiple of the vector width.
    func testRowsSummedFourAtATimeGiveTheBitsOfOneAtATime() {
        let d = 37, words = 9
        let vectors = (0..<(words * d)).map { Float(sin(Double($0) * 0.7)) }
        let features = WordVectors(vectors: vectors, columnOfRow: (0..<words).map(Int32.init), dimensions: d, weight: 1,
                                   columns: words + 1)
        let scratch = WordVectors.Scratch(dimensions: d)
        for used in 1...words {
            let vector = SparseVector()
            for w in 0..<used { vector.append(column: Int32(w), value: 0.1 + Float(w) * 0.37) }
            vector.append(column: Int32(words), value: 2)  // a column without a vector
            features.append(to: vector, scratch: scratch)
            var m = [Float](repeating: 0, count: d)
            for w in 0..<used {
                let row = Int(features.rowOfColumn[w]), scale = (0.1 + Float(w) * 0.37) * features.scales[row]
                for i in 0..<d { m[i] = m[i] + scale * Float(features.codes[row * d + i]) }
            }
            var squares: Float = 0
            for i in 0..<d { squares += m[i] * m[i] }
            let factor = 1 / squares.squareRoot()
            XCTAssertEqual((0..<d).map { vector[used + 1 + $0].value }, m.map { $0 * factor }, "\(used) rows")
        }
    }

    func testTheWordStreamHoldsWholeDocumentsUntilDiscarded() {
        let builder = VocabularyBuilder(settings: FeatureSettings())
        let words = WordStream(limit: 100)
        builder.tokenObserver = words
        for text in ["one two three", "four five"] {
            Array(text.utf8).withUnsafeBytes { builder.add($0) }
        }
        XCTAssertEqual(words.hashes.count, 5)
        XCTAssertEqual(words.offsets, [0, 3, 5])
        XCTAssertEqual(words.hashes[0], Array("one".utf8).withUnsafeBytes { TokenHash.hash($0, seed: builder.settings.hashSeed, version: builder.settings.tokenHash) })
        words.discard()
        Array("six seven".utf8).withUnsafeBytes { builder.add($0) }
        XCTAssertEqual(words.hashes, [])
        XCTAssertEqual(words.offsets, [0])
        XCTAssertEqual(builder.corpus.documentCount, 3, "documents are still counted after the stream is discarded")
    }

    // MARK: - Models

    func testAModelWithWordVectorsRoundTripsThroughItsFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        options.wordVectors = .on
        options.wordVectorDimensions = 8
        let model = try Trainer(options: options).train(try LabeledDataReader(path: TestSupport.toyMultiLabel(in: directory).path)).model
        let vectors = try XCTUnwrap(model.wordVectors)
        XCTAssertEqual(model.linear.features, model.space.columns + 8)
        XCTAssertEqual(model.metadata.wordVectors, WordVectorSettings(dimensions: 8, weight: options.wordVectorWeight, words: vectors.rows))
        let path = directory.appendingPathComponent("vectors.lede").path
        try ModelFile.write(model, to: path)
        let raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(raw[8], UInt8(ModelFile.formatVersion), "models are written in the current format")
        let loaded = try ModelFile.load(path)
        XCTAssertEqual(loaded.metadata, model.metadata)
        for text in ["sanctions after troops attack the border", "football match", "nothing known here"] {
            XCTAssertEqual(DocumentScorer(model: loaded).scores(text), DocumentScorer(model: model).scores(text), text)
        }
        let scorer = DocumentScorer(model: loaded)
        _ = scorer.scores("embargo imposed after fighting")
        let explanation = scorer.explain(label: 0, top: 100)
        XCTAssertTrue(explanation.terms.allSatisfy { Int($0.column) < loaded.space.columns }, "the dense features are shared among the words")
        let sum = explanation.terms.reduce(explanation.bias) { $0 + $1.contribution }
        XCTAssertEqual(sum, explanation.margin, accuracy: 1e-4, "terms and bias give the margin, word vectors included")
        // Each word's share of the dense part: removing the word-vector weights leaves the terms' own contributions.
        let k = loaded.labels.count
        let own = explanation.terms.map { term -> Float in
            let scorerVector = scorer.featurizer.vector
            let e = (0..<scorerVector.count).first { scorerVector[$0].column == term.column }!
            return scorerVector[e].value * loaded.linear.weights[Int(term.column) * k]
        }
        XCTAssertNotEqual(own, explanation.terms.map(\.contribution), "the word vectors add to the words' contributions")

        options.wordVectors = .auto
        let chosen = try Trainer(options: options).train(try LabeledDataReader(path: TestSupport.toyMultiLabel(in: directory).path)).model
        let choice = try XCTUnwrap(chosen.metadata.training?.wordVectorChoice, "auto records its comparison")
        XCTAssertEqual(choice.kept, chosen.wordVectors != nil)
        XCTAssertEqual(choice.kept, choice.bootstrapFraction > PairedBootstrap.confidence)

        options.wordVectors = .off
        let plain = try Trainer(options: options).train(try LabeledDataReader(path: TestSupport.toyMultiLabel(in: directory).path)).model
        XCTAssertNil(plain.wordVectors)
        try ModelFile.write(plain, to: path)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))[8], UInt8(ModelFile.formatVersion), "one format with or without word vectors")
    }

    func testTrainingRefusesBadWordVectorOptions() {
        var options = TrainingOptions()
        options.wordVectorDimensions = 0
        XCTAssertThrowsError(try options.validate()) { error in
            XCTAssertEqual((error as? LedeError)?.message,
                           "wordVectorDimensions must be between 1 and 1024 (turn them off with wordVectors off)")
        }
        options.wordVectorDimensions = 1025
        XCTAssertThrowsError(try options.validate())
        options.wordVectorDimensions = 300
        options.wordVectorWeight = -1
        XCTAssertThrowsError(try options.validate()) { error in
            XCTAssertEqual((error as? LedeError)?.message, "wordVectorWeight must be a positive number, such as 0.5")
        }
        options.wordVectorWeight = .nan
        XCTAssertThrowsError(try options.validate())
        options.wordVectorWeight = 0.5
        XCTAssertNoThrow(try options.validate())
    }
}
