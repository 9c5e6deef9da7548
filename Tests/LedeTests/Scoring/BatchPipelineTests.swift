import Foundation
import XCTest
import Lede

/// The workers score the batches read without a pause between one batch and the next, while the calling
/// thread writes the oldest batch's records: every document still gets exactly one record, in input order,
/// whatever the thread count, and a run that ends early leaves no worker behind.
final class BatchPipelineTests: XCTestCase {
    private struct WriteFailed: Error {}

    /// Lines enough for more batches than the pipeline holds at once (batches close at 2,048 documents),
    /// some of them empty (error records) and some long, so that slices take unequal times.
    private func lines() -> String {
        let words = ["sanctions", "on", "oil", "exports", "troops", "crossed", "the", "border", "talks", "between",
                     "two", "governments", "a", "film", "wins", "an", "award"]
        return (0..<9_000).map { i -> String in
            if i % 997 == 0 { return "" }
            let length = i % 50 == 0 ? 3_000 : 5 + i % 40
            return (0..<length).map { words[($0 * 7 + i) % words.count] }.joined(separator: " ") + " line\(i)"
        }.joined(separator: "\n") + "\n"
    }

    private func model() throws -> LedeModel {
        try ModelFile.load(TestSupport.packageRoot.appendingPathComponent("models/topics.lede").path)
    }

    private func classify(_ file: URL, threads: Int, model: LedeModel) throws -> (output: [UInt8], totals: BatchClassifier.Totals) {
        var options = BatchClassifier.Options()
        options.threads = threads
        let classifier = BatchClassifier(model: model, options: options)
        var output: [UInt8] = []
        try classifier.run(paths: [RawPath(file.path)], format: .lines, write: { output += $0 })
        return (output, classifier.totals)
    }

    func testEveryLineGetsOneRecordInInputOrderWhateverTheThreadCount() throws {
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("lines.txt")
        try TestSupport.write(lines(), to: file)
        let model = try model()
        let one = try classify(file, threads: 1, model: model)
        let records = String(decoding: one.output, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(records.count, 9_000)
        for (index, record) in records.enumerated() {
            XCTAssertTrue(record.hasPrefix("{\"id\": \"\(index + 1)\", "), "record \(index + 1) out of order: \(record.prefix(40))")
        }
        XCTAssertEqual(records.filter { $0.contains("\"error\": \"empty document") }.count, 10)
        XCTAssertEqual(one.totals.documents, 9_000)
        XCTAssertEqual(one.totals.errors, 10)
        for threads in [2, 3, 5] {
            let many = try classify(file, threads: threads, model: model)
            XCTAssertEqual(many.output, one.output, "\(threads) threads write other records than one")
            XCTAssertEqual(many.totals.documents, 9_000)
            XCTAssertEqual(many.totals.errors, 10)
        }
    }

    func testARunWhoseOutputFailsEndsWithThatErrorAndTheNextRunIsWhole() throws {
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("lines.txt")
        try TestSupport.write(lines(), to: file)
        let model = try model()
        var options = BatchClassifier.Options()
        options.threads = 2
        let classifier = BatchClassifier(model: model, options: options)
        var writes = 0
        XCTAssertThrowsError(try classifier.run(paths: [RawPath(file.path)], format: .lines, write: { _ in
            writes += 1
            if writes == 3 { throw WriteFailed() }
        })) { XCTAssertTrue($0 is WriteFailed, "the run ends with the output's own error, not \($0)") }
        XCTAssertEqual(writes, 3, "nothing is written after the write that failed")
        // The same classifier again: its workers were ended with the failed run, and its scratch state is whole.
        var output: [UInt8] = []
        try classifier.run(paths: [RawPath(file.path)], format: .lines, write: { output += $0 })
        XCTAssertEqual(output, try classify(file, threads: 1, model: model).output)
    }

    /// A signal that arrives while batches are being scored and the output is blocked (nobody reads it)
    /// ends the run promptly with the signal's status, and what was written is whole records, in order,
    /// from the first line on: nothing of a batch in flight is written out of turn or cut.
    func testASignalWhileBatchesAreInFlightLeavesWholeRecordsInOrder() throws {
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("lines.txt")
        try TestSupport.write(lines() + lines(), to: file)
        let classifier = Bundle.main.bundleURL.appendingPathComponent("lede-classify").path
        for (signal, status) in [(SIGINT, 130), (SIGTERM, 143)] as [(Int32, Int32)] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: classifier)
            process.arguments = ["--quiet", "--threads", "2", "--input-format", "lines",
                                 "--model", TestSupport.packageRoot.appendingPathComponent("models/topics.lede").path, file.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Records are coming once the first of them arrives; the pipe then fills (nothing reads it)
            // and the next write waits, with batches read and being scored behind it.
            let first = output.fileHandleForReading.availableData
            Thread.sleep(forTimeInterval: 0.3)
            let sent = Date()
            kill(process.processIdentifier, signal)
            let records = String(decoding: first + output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertLessThan(Date().timeIntervalSince(sent), 5, "ended promptly")
            XCTAssertEqual(process.terminationStatus, status, "signal \(signal)")
            XCTAssertTrue(records.hasSuffix("}\n"), "whole records: \(records.suffix(80))")
            let lines = records.split(separator: "\n")
            XCTAssertGreaterThan(lines.count, 0)
            XCTAssertLessThan(lines.count, 18_000, "the run ended early")
            for (index, record) in lines.enumerated() where !record.hasPrefix("{\"id\": \"\(index + 1)\", ") {
                XCTFail("record \(index + 1) out of order or cut: \(record.prefix(60))")
                break
            }
        }
    }
}
