import Foundation
import XCTest
import Lede

final class WordVectorTests: XCTestCase {
    // MARK: - Symmetric eigendecomposition

    func testEigenOfAHandMadeMatrix() {
        // [[2, 1, 0], [1, 2, 0], [0, 0, 5]]: eigenvalues 5, 3, 1 with vectors e3, (1, 1)/sqrt 2, (1, -1)/sqrt 2.
        let eigen = SymmetricEigen([2, 1, 0, 1, 2, 0, 0, 0, 5], n: 3)
        XCTAssertEqual(eigen.values[0], 5, accuracy: 1e-12)
        XCTAssertEqual(eigen.values[1], 3, accuracy: 1e-12)
        XCTAssertEqual(eigen.values[2], 1, accuracy: 1e-12)
        XCTAssertEqual(abs(eigen.vectors[2]), 1, accuracy: 1e-12)
        XCTAssertEqual(abs(eigen.vectors[3] + eigen.vectors[4]), 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(eigen.vectors[6], -eigen.vectors[7], accuracy: 1e-12)
    }

    func testEigenOfARandomMatrixReconstructsIt() {
        let n = 40
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0...i { a[i * n + j] = next(); a[j * n + i] = a[i * n + j] } }
        let eigen = SymmetricEigen(a, n: n)
        XCTAssertEqual(eigen.values, eigen.values.sorted(by: >))
        for i in 0..<n {
            let v = eigen.vectors[(i * n)..<((i + 1) * n)].map { $0 }
            for row in 0..<n {  // A v = lambda v
                let av = (0..<n).reduce(0.0) { $0 + a[row * n + $1] * v[$1] }
                XCTAssertEqual(av, eigen.values[i] * v[row], accuracy: 1e-9)
            }
            for j in 0..<n {  // orthonormal
                let dot = (0..<n).reduce(0.0) { $0 + v[$1] * eigen.vectors[j * n + $1] }
                XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-9)
            }
        }
    }

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
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        defer { scratch.deallocate() }
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

    func testTheWordStreamHoldsWholeDocumentsUntilDiscarded() {
        let builder = VocabularyBuilder(settings: FeatureSettings())
        let words = WordStream(limit: 100)
        builder.tokenObserver = words
        for text in ["one two three", "four five"] {
            Array(text.utf8).withUnsafeBytes { builder.add($0) }
        }
        XCTAssertEqual(words.hashes.count, 5)
        XCTAssertEqual(words.offsets, [0, 3, 5])
        XCTAssertEqual(words.hashes[0], Array("one".utf8).withUnsafeBytes { TokenHash.hash($0, seed: builder.settings.hashSeed) })
        words.discard()
        Array("six seven".utf8).withUnsafeBytes { builder.add($0) }
        XCTAssertEqual(words.hashes, [])
        XCTAssertEqual(words.offsets, [0])
        XCTAssertEqual(builder.corpus.documentCount, 3, "documents are still counted after the stream is discarded")
    }

    func testPairedBootstrapFavoursTheModelThatIsRightMoreOften() {
        // 40 documents, 2 labels; the truth is label 0 on even documents, label 1 on odd ones.
        var weak = PairedBootstrap.Decisions(labels: 2), strong = weak, same = weak
        for d in 0..<40 {
            let truth = [d % 2]
            weak.add(predicted: d % 4 == 0 ? [1 - d % 2] : truth, truth: truth)  // a quarter wrong
            strong.add(predicted: truth, truth: truth)
            same.add(predicted: d % 4 == 0 ? [1 - d % 2] : truth, truth: truth)
        }
        XCTAssertEqual(PairedBootstrap.fractionSecondBetter(weak, same, multiLabel: true), 0.5, "identical decisions tie")
        XCTAssertGreaterThan(PairedBootstrap.fractionSecondBetter(weak, strong, multiLabel: true), 0.99)
        XCTAssertLessThan(PairedBootstrap.fractionSecondBetter(strong, weak, multiLabel: false), 0.01)
        XCTAssertEqual(PairedBootstrap.fractionSecondBetter(weak, strong, multiLabel: true, seed: 3),
                       PairedBootstrap.fractionSecondBetter(weak, strong, multiLabel: true, seed: 3))

        // One document of 40 apart: a difference the resampling cannot tell from chance.
        var almost = PairedBootstrap.Decisions(labels: 2)
        for d in 0..<40 { almost.add(predicted: d == 0 ? [1] : [d % 2], truth: [d % 2]) }
        let fraction = PairedBootstrap.fractionSecondBetter(almost, strong, multiLabel: false)
        XCTAssertGreaterThan(fraction, 0.5)
        XCTAssertLessThan(fraction, PairedBootstrap.confidence)
    }

    func testNaiveBayesScalingLeavesTheDenseColumnsAlone() {
        var builder = SparseMatrix.Builder(columns: 3)
        builder.appendRow(columns: [0, 2], values: [1, 0.5])
        builder.appendRow(columns: [1, 2], values: [1, 0.5])
        let x = builder.build()
        let lanes = 8
        var positive = [Bool](repeating: false, count: 2 * lanes)
        positive[0] = true  // document 0 is positive for the first problem
        let ratios = OneVsRestSVM.logCountRatios(x, rows: [0, 1], positive: positive, problems: 1, unscaled: [false, false, true])
        XCTAssertGreaterThan(ratios[0][0], 0)
        XCTAssertLessThan(ratios[1][0], 0)
        XCTAssertEqual(ratios[2][0], 1)
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
            let e = (0..<scorerVector.count).first { scorerVector.columns[$0] == term.column }!
            return scorerVector.values[e] * loaded.linear.weights[Int(term.column) * k]
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
        XCTAssertThrowsError(try options.validate())
        options.wordVectorDimensions = 300
        options.wordVectorWeight = -1
        XCTAssertThrowsError(try options.validate())
    }
}
