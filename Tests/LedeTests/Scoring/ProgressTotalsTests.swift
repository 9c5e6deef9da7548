import XCTest
import Lede
import LedeCommandLine

/// The total that progress estimates the time left from comes from the one walk that lists the inputs.
final class ProgressTotalsTests: XCTestCase {
    func testExpectedBytesAreTheInputsSizesOnceListed() throws {
        let directory = try TestSupport.temporaryDirectory()
        let nested = directory.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let texts = ["sanctions on oil exports", "troops crossed the border at dawn", "a film wins an award"]
        for (i, text) in texts.enumerated() {
            try TestSupport.write(text, to: (i == 0 ? directory : nested).appendingPathComponent("\(i).txt"))
        }
        let single = directory.appendingPathComponent("single.txt")
        try TestSupport.write("talks between the two governments", to: single)
        let model = try ModelFile.load(TestSupport.packageRoot.appendingPathComponent("models/topics.lede").path)
        var options = BatchClassifier.Options()
        options.estimatesTotalBytes = true
        let classifier = BatchClassifier(model: model, options: options)
        var seen: [BatchClassifier.Totals] = []
        // The directory's files are listed once, by the walk that reads them (single.txt is inside it too).
        try classifier.run(paths: [RawPath(directory.path), RawPath(single.path)], format: .files,
                           write: { _ in }, progress: { seen.append($0) })
        let total = texts.map(\.utf8.count).reduce(0, +) + 2 * "talks between the two governments".utf8.count
        XCTAssertEqual(seen.last?.expectedBytes, total)
        XCTAssertEqual(seen.last?.bytes, total, "every listed byte was read")
        XCTAssertEqual(seen.last?.documents, 5)

        var lines: [BatchClassifier.Totals] = []
        try BatchClassifier(model: model, options: options)
            .run(paths: [RawPath(single.path)], format: .lines, write: { _ in }, progress: { lines.append($0) })
        XCTAssertEqual(lines.last?.expectedBytes, "talks between the two governments".utf8.count)
        var unasked: [BatchClassifier.Totals] = []
        try BatchClassifier(model: model, options: BatchClassifier.Options())
            .run(paths: [RawPath(single.path)], format: .lines, write: { _ in }, progress: { unasked.append($0) })
        XCTAssertNil(unasked.last?.expectedBytes, "no sizes are looked up unless asked")
    }

    func testTheProgressLineShowsTheTimeLeftOnlyWhenTheTotalIsKnown() {
        let known = Progress.line(documents: 10, bytes: 25_000_000, expectedBytes: 100_000_000, seconds: 2)
        XCTAssertEqual(known, "\r10 documents, 25.0 MB, 5 docs/s, 25% of 100.0 MB, ETA 0m06s   ")
        let unknown = Progress.line(documents: 10, bytes: 25_000_000, expectedBytes: nil, seconds: 2)
        XCTAssertEqual(unknown, "\r10 documents, 25.0 MB, 5 docs/s   ")
        XCTAssertEqual(Progress.duration(3725), "1h02m")
    }
}
