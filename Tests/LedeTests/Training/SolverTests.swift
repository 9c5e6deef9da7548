import Foundation
import XCTest
import Lede

/// The squared-hinge solver, the naive Bayes scaling, the folds and the calibration, each against a property
/// that holds whatever the implementation: optimality conditions, hand counts, partitions, known parameters.
final class SolverTests: XCTestCase {
    /// Ten documents over six features, deterministic but irregular.
    func smallMatrix(rows: Int = 40, columns: Int = 12) -> SparseMatrix {
        var random = SplitMix64(seed: 7)
        var builder = SparseMatrix.Builder(columns: columns)
        for _ in 0..<rows {
            var used: [Int32] = [], values: [Float] = []
            for c in 0..<columns where random.next() % 3 == 0 {
                used.append(Int32(c))
                values.append(Float(random.next() % 1000) / 1000 + 0.1)
            }
            builder.appendRow(columns: used, values: values)
        }
        return builder.build()
    }

    /// Primal gradient of (1/2)||w||^2 + sum_i C max(0, 1 - y_i (w.x_i + b B))^2 with the bias feature B = 1.
    func primalGradient(_ x: SparseMatrix, y: [Float], c: Double, weights: [Double], bias: Double) -> [Double] {
        var gradient = weights + [bias]
        for r in 0..<x.rows {
            var margin = bias
            for e in x.rowOffsets[r]..<x.rowOffsets[r + 1] { margin += weights[Int(x.columnIndices[e])] * Double(x.values[e]) }
            let slack = 1 - Double(y[r]) * margin
            guard slack > 0 else { continue }
            let factor = -2 * c * slack * Double(y[r])
            for e in x.rowOffsets[r]..<x.rowOffsets[r + 1] { gradient[Int(x.columnIndices[e])] += factor * Double(x.values[e]) }
            gradient[x.columns] += factor
        }
        return gradient
    }

    func testSquaredHingeSolutionZeroesThePrimalGradient() {
        let x = smallMatrix()
        let lanes = SquaredHingeSolver.lanes
        // Three problems at once: labels from different rules.
        var positive = [Bool](repeating: false, count: x.rows * lanes)
        for r in 0..<x.rows {
            positive[r * lanes + 0] = r % 2 == 0
            positive[r * lanes + 1] = r % 5 == 0
            positive[r * lanes + 2] = x.rowOffsets[r + 1] - x.rowOffsets[r] > 4
        }
        var solver = SquaredHingeSolver(positiveC: [1, 2, 0.5], negativeC: [1, 2, 0.5])
        solver.tolerance = 1e-5
        let solution = solver.solve(x, rows: (0..<x.rows).map(Int32.init), positive: positive)
        XCTAssertEqual(solution.converged, [true, true, true])
        for (lane, c) in [1.0, 2, 0.5].enumerated() {
            let y = (0..<x.rows).map { positive[$0 * lanes + lane] ? Float(1) : -1 }
            let weights = (0..<x.columns).map { Double(solution.weights[$0][lane]) }
            let gradient = primalGradient(x, y: y, c: c, weights: weights, bias: Double(solution.bias[lane]))
            let size = gradient.map { $0 * $0 }.reduce(0, +).squareRoot()
            XCTAssertLessThan(size, 1e-3, "lane \(lane): primal gradient norm \(size)")
            XCTAssertGreaterThan(weights.map(abs).max()!, 0.01, "lane \(lane) learned something")
        }
        // Lanes past the problems stay zero.
        XCTAssertEqual(solution.weights.map { $0[lanes - 1] }.max(), 0)
    }

    func testNaiveBayesRatiosMatchHandCounts() {
        // Feature 0 in both positives and one negative; feature 1 in one negative only; feature 2 nowhere.
        var builder = SparseMatrix.Builder(columns: 3)
        builder.appendRow(columns: [0], values: [0.5])
        builder.appendRow(columns: [0], values: [1])
        builder.appendRow(columns: [0, 1], values: [0.2, 0.3])
        builder.appendRow(columns: [], values: [])
        let x = builder.build()
        let lanes = SquaredHingeSolver.lanes
        var positive = [Bool](repeating: false, count: 4 * lanes)
        positive[0 * lanes] = true
        positive[1 * lanes] = true
        let r = OneVsRestSVM.logCountRatios(x, rows: [0, 1, 2, 3], positive: positive, problems: 1)
        // p = 1 + (2, 0, 0) = (3, 1, 1), |p| = 5; q = 1 + (1, 1, 0) = (2, 2, 1), |q| = 5.
        XCTAssertEqual(Double(r[0][0]), log((3.0 / 5) / (2.0 / 5)), accuracy: 1e-6)
        XCTAssertEqual(Double(r[1][0]), log((1.0 / 5) / (2.0 / 5)), accuracy: 1e-6)
        XCTAssertEqual(Double(r[2][0]), 0, accuracy: 1e-6)
        XCTAssertEqual(r[0][1], 1, "unused lanes are not scaled")
    }

    func testFoldsAreDisjointCoverTheDataAndSpreadEachLabel() {
        var sets: [[Int]] = []
        for d in 0..<103 { sets.append(d % 10 == 0 ? [2] : d % 3 == 0 ? [0, 1] : d % 7 == 0 ? [] : [1]) }
        let labels = LabelSets(sets)
        let folds = Folds.assign(labels, labelCount: 3, count: 5, seed: 1)
        XCTAssertEqual(folds.count, 103)
        XCTAssertTrue(folds.allSatisfy { (0..<5).contains($0) })
        var heldOutTotal = 0
        for fold in 0..<5 {
            let split = Folds.split(folds, fold)
            XCTAssertTrue(Set(split.training).isDisjoint(with: split.heldOut))
            XCTAssertEqual(split.training.count + split.heldOut.count, 103)
            XCTAssertTrue((20...21).contains(split.heldOut.count), "fold sizes differ by at most one")
            heldOutTotal += split.heldOut.count
        }
        XCTAssertEqual(heldOutTotal, 103, "each document held out exactly once")
        // The rare label 2 (11 documents) has 2 or 3 in every fold.
        for fold in 0..<5 {
            let count = (0..<103).filter { folds[$0] == fold && labels.contains($0, 2) }.count
            XCTAssertTrue((2...3).contains(count), "fold \(fold): \(count) documents of the rare label")
        }
        XCTAssertEqual(folds, Folds.assign(labels, labelCount: 3, count: 5, seed: 1), "deterministic")
        XCTAssertNotEqual(folds, Folds.assign(labels, labelCount: 3, count: 5, seed: 2), "the seed matters")
    }

    func testPlattScalingRecoversKnownParameters() {
        // Labels drawn from P(y = 1 | f) = sigma(2 f - 1).
        var random = SplitMix64(seed: 3)
        var scores: [Double] = [], positives: [Bool] = []
        for _ in 0..<20000 {
            let f = Double(random.next() % 10000) / 1000 - 5
            let u = Double(random.next() >> 11) / Double(1 << 53)
            scores.append(f)
            positives.append(u < Probabilities.sigmoid(2 * f - 1))
        }
        let (a, c) = Calibration.platt(scores: scores, positives: positives)
        XCTAssertEqual(a, 2, accuracy: 0.15)
        XCTAssertEqual(c, -1, accuracy: 0.15)
        XCTAssertEqual(Calibration.platt(scores: [1, 2], positives: [true, true]).a, 1, "one class only: unchanged")
    }

    func testTemperatureRecoversKnownScaleAndKeepsDecisions() {
        // Rows of three scores; the label drawn from softmax(3 z).
        var random = SplitMix64(seed: 5)
        var scores: [Double] = [], truth: [Int] = []
        for _ in 0..<10000 {
            let z = (0..<3).map { _ in Double(random.next() % 2000) / 1000 - 1 }
            let e = z.map { exp(3 * $0) }
            var u = Double(random.next() >> 11) / Double(1 << 53) * e.reduce(0, +)
            var y = 0
            while y < 2 && u > e[y] { u -= e[y]; y += 1 }
            scores += z
            truth.append(y)
        }
        let a = Calibration.temperature(scores: scores, labels: 3, truth: truth)
        XCTAssertEqual(a, 3, accuracy: 0.25)
    }

    func testOutOfFoldScoresComeFromModelsThatDidNotSeeTheDocument() {
        // A document whose only feature appears nowhere else: its own fold's model has no weight for it,
        // so its out-of-fold score is the bias alone, while the final model learned the feature.
        var builder = SparseMatrix.Builder(columns: 3)
        var sets: [[Int]] = []
        for d in 0..<20 {
            builder.appendRow(columns: [d % 2 == 0 ? 0 : 1], values: [1])
            sets.append([d % 2])
        }
        builder.appendRow(columns: [2], values: [1])
        sets.append([0])
        let x = builder.build()
        let labels = LabelSets(sets)
        let folds = Folds.assign(labels, labelCount: 2, count: 4, seed: 1)
        var svm = OneVsRestSVM(c: 1)
        svm.naiveBayesScaling = false
        let result = svm.train(x, labels: labels, labelCount: 2, folds: folds, foldCount: 4)
        XCTAssertNotEqual(result.weights[2 * 2 + 0], 0, "the final model uses the unique feature")
        let unique = result.outOfFold![20 * 2 + 0]
        // Without the unique feature, the held-out document scores like an empty document: the bias of its
        // fold's model, which is below the score of a document with feature 0.
        XCTAssertLessThan(unique, result.outOfFold![0 * 2 + 0])
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
}
