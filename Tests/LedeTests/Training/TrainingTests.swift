import Foundation
import XCTest
import Lede

final class TrainingTests: XCTestCase {
    /// A tiny problem: 3 documents, 4 features, 3 labels.
    func tinyProblem(multiLabel: Bool, lambda: Double) -> LogisticObjective {
        var builder = SparseMatrix.Builder(columns: 4)
        builder.appendRow(columns: [0, 2], values: [0.6, 0.8])
        builder.appendRow(columns: [1], values: [1.0])
        builder.appendRow(columns: [0, 1, 3], values: [0.5, 0.5, 0.7071])
        let labels = multiLabel ? LabelSets([[0, 2], [], [1]]) : LabelSets([[0], [2], [1]])
        return LogisticObjective(x: builder.build(), labels: labels, labelCount: 3, multiLabel: multiLabel, lambda: lambda, threads: 1)
    }

    func checkGradient(multiLabel: Bool) {
        let objective = tinyProblem(multiLabel: multiLabel, lambda: 0.1)
        let d = objective.dimension
        var theta = (0..<d).map { Float(sin(Double($0) * 1.7)) * 0.5 }
        var gradient = [Float](repeating: 0, count: d)
        _ = theta.withUnsafeBufferPointer { t in gradient.withUnsafeMutableBufferPointer { objective.evaluate(t.baseAddress!, gradient: $0.baseAddress!) } }
        var scratch = [Float](repeating: 0, count: d)
        let h: Float = 1e-2
        for i in 0..<d {
            let saved = theta[i]
            theta[i] = saved + h
            let up = theta.withUnsafeBufferPointer { t in scratch.withUnsafeMutableBufferPointer { objective.evaluate(t.baseAddress!, gradient: $0.baseAddress!) } }
            theta[i] = saved - h
            let down = theta.withUnsafeBufferPointer { t in scratch.withUnsafeMutableBufferPointer { objective.evaluate(t.baseAddress!, gradient: $0.baseAddress!) } }
            theta[i] = saved
            let numeric = (up - down) / Double(2 * h)
            XCTAssertEqual(Double(gradient[i]), numeric, accuracy: 2e-3, "coordinate \(i) (\(multiLabel ? "sigmoid" : "softmax"))")
        }
    }

    func testSoftmaxGradientMatchesFiniteDifferences() { checkGradient(multiLabel: false) }

    func testSigmoidGradientMatchesFiniteDifferences() { checkGradient(multiLabel: true) }

    func testLossAtZeroIsKnown() {
        // Softmax at theta = 0: every document has loss ln 3. Sigmoid: 3 labels x ln 2.
        for (multi, expected) in [(false, log(3.0)), (true, 3 * log(2.0))] {
            let objective = tinyProblem(multiLabel: multi, lambda: 0.1)
            let theta = [Float](repeating: 0, count: objective.dimension)
            var gradient = theta
            let f = theta.withUnsafeBufferPointer { t in gradient.withUnsafeMutableBufferPointer { objective.evaluate(t.baseAddress!, gradient: $0.baseAddress!) } }
            XCTAssertEqual(f, expected, accuracy: 1e-6)
        }
    }

    func testSeparableToySetIsLearned() throws {
        let directory = try TestSupport.temporaryDirectory()
        let data = try TestSupport.toyMultiLabel(in: directory)
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        let outcome = try Trainer(options: options).train(try LabeledDataReader(path: data.path))
        XCTAssertTrue(outcome.model.linear.multiLabel)
        XCTAssertEqual(outcome.model.labels, ["conflict", "sanctions"])
        let scorer = DocumentScorer(model: outcome.model)
        let sanctions = scorer.scores("the embargo and new sanctions on exports")
        XCTAssertGreaterThan(sanctions[1], 0.5)
        XCTAssertLessThan(sanctions[0], 0.5)
        let war = scorer.scores("troops attack and fighting continue")
        XCTAssertGreaterThan(war[0], 0.5)
        XCTAssertLessThan(war[1], 0.5)
    }

    func testExplanationContributionsAndBiasAddUpToTheScore() throws {
        let directory = try TestSupport.temporaryDirectory()
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        let model = try Trainer(options: options).train(try LabeledDataReader(path: TestSupport.toyMultiLabel(in: directory).path)).model
        let scorer = DocumentScorer(model: model)
        let probabilities = scorer.scores("new sanctions after troops attack the border town")
        var margins = [Float](repeating: 0, count: model.labels.count)
        model.linear.margins(scorer.featurizer.vector, into: &margins)
        for label in 0..<model.labels.count {
            let explanation = scorer.explain(label: label, top: .max)
            XCTAssertEqual(explanation.terms.count, scorer.featurizer.vector.count, "every term")
            let total = explanation.terms.reduce(explanation.bias) { $0 + $1.contribution }
            XCTAssertEqual(total, margins[label], accuracy: 1e-4)
            XCTAssertEqual(explanation.margin, margins[label], accuracy: 1e-4)
            XCTAssertEqual(Float(Probabilities.sigmoid(Double(total))), probabilities[label], accuracy: 1e-4)
            let top = scorer.explain(label: label, top: 2).terms
            XCTAssertEqual(top.map(\.column), explanation.terms.prefix(2).map(\.column))
        }
    }

    func testThresholdMaximizesF1OnHandMadeScores() {
        // Positives at 0.9, 0.7, 0.4; negatives at 0.8, 0.3, 0.1.
        let scores: [Float] = [0.9, 0.8, 0.7, 0.4, 0.3, 0.1]
        let positives = [true, false, true, true, false, false]
        let best = Thresholds.bestF1(scores: scores, positives: positives)
        // Cut below 0.4: TP 3, FP 1 -> F1 = 6/7, better than any higher cut.
        XCTAssertEqual(best.f1, 6.0 / 7.0, accuracy: 1e-12)
        XCTAssertEqual(best.threshold, 0.35, accuracy: 1e-6)
        XCTAssertEqual(Thresholds.bestF1(scores: [0.2, 0.1], positives: [false, false]).threshold, 0.5)
    }

    func testMetricsMatchHandCounts() {
        var metrics = MetricsAccumulator(labels: ["a", "b"])
        metrics.add(predicted: [0], truth: [0])
        metrics.add(predicted: [0, 1], truth: [1])
        metrics.add(predicted: [], truth: [0])
        let report = metrics.report
        // a: TP 1, FP 1, FN 1 -> P 0.5 R 0.5; b: TP 1 -> P 1 R 1.
        XCTAssertEqual(report.labels["a"]!.f1, 0.5, accuracy: 1e-12)
        XCTAssertEqual(report.labels["b"]!.f1, 1, accuracy: 1e-12)
        XCTAssertEqual(report.micro.precision, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(report.micro.recall, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(report.macro.f1, 0.75, accuracy: 1e-12)
        XCTAssertEqual(report.accuracy, 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(report.labels["a"]!.support, 2)
    }

    func testSameSeedGivesIdenticalModelWhateverTheThreadCount() throws {
        let directory = try TestSupport.temporaryDirectory()
        let data = try TestSupport.toyMultiLabel(in: directory)
        var files: [[UInt8]] = []
        for threads in [1, 2, 2] {
            var options = TrainingOptions()
            options.threads = threads
            options.features.minDF = .count(1)
            let outcome = try Trainer(options: options).train(try LabeledDataReader(path: data.path))
            files.append(try ModelFile.serialize(outcome.model))
        }
        SameBytes.assertEqual(files[0], files[1], "1 and 2 threads")
        SameBytes.assertEqual(files[1], files[2], "2 threads, twice")
    }

    func testSingleLabelWithOneLabelIsAClearError() throws {
        let directory = try TestSupport.temporaryDirectory()
        let url = directory.appendingPathComponent("one.tsv")
        try TestSupport.write("a\tfirst text\na\tsecond text\n", to: url)
        XCTAssertThrowsError(try Trainer(options: TrainingOptions()).train(try LabeledDataReader(path: url.path))) { error in
            XCTAssertTrue(String(describing: error).contains("only one label"), "\(error)")
        }
    }
}
