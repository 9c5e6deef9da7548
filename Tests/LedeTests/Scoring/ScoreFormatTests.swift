import Foundation
import XCTest
import Lede

/// Scores are written with significant digits, byte for byte as printf's %.Ng, so that labels rank.
final class ScoreFormatTests: XCTestCase {
    private func written(_ p: Float, digits: Int) -> String {
        var out: [UInt8] = []
        ScoreFormat(digits: digits).append(p, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func testEveryDigitCountMatchesPrintf() {
        var generator = SystemRandomNumberGenerator()
        var values: [Float] = [0, 1, 0.5, 0.125, 0.0001, 0.00009999, 0.99999994, 1e-7, 1.4e-45, 0.1, 0.3, 0.95, 0.0312, 0.99995]
        for _ in 0..<20_000 {  // log-uniform over [1e-12, 1], and uniform over [0, 1]
            values.append(Float(pow(10, -12 * Double.random(in: 0...1, using: &generator))))
            values.append(Float.random(in: 0...1, using: &generator))
        }
        for digits in ScoreFormat.digitRange {
            var mismatches: [String] = []
            for value in values {
                let expected = String(format: "%.\(digits)g", Double(value))
                let actual = written(value, digits: digits)
                if actual != expected && mismatches.count < 5 { mismatches.append("\(value): \(actual) vs printf \(expected)") }
            }
            XCTAssertEqual(mismatches, [], "\(digits) digits")
        }
        XCTAssertEqual(written(.nan, digits: 6), "null")
        XCTAssertEqual(written(1.5, digits: 6), "1", "clamped to [0, 1]")
    }

    func testTheRunnerUpOfTopKHasAScoreThatRanks() throws {
        let binary = Bundle.main.bundleURL.appendingPathComponent("lede-classify").path
        let samples = TestSupport.packageRoot.appendingPathComponent("datasets/samples").path
        let run = try TestSupport.run(binary, ["--quiet", "--top-k", "2", "--threshold", "0", samples])
        XCTAssertEqual(run.status, 0, run.stderr)
        for line in run.stdout.split(separator: "\n") {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let labels = record["labels"] as! [String], scores = record["scores"] as! [String: Double]
            XCTAssertEqual(labels.count, 2)
            XCTAssertGreaterThan(scores[labels[1]]!, 0, "the runner-up's score is not rounded away: \(line)")
            XCTAssertGreaterThanOrEqual(scores[labels[0]]!, scores[labels[1]]!)
        }
        // The same bytes on one thread and two.
        let one = try TestSupport.run(binary, ["--quiet", "--threads", "1", samples]).stdout
        let two = try TestSupport.run(binary, ["--quiet", "--threads", "2", samples]).stdout
        XCTAssertEqual(one, two)
    }
}
