import Foundation
import XCTest
import Lede

/// Runs the built `lede-train` and `lede-classify` end to end.
final class CommandLineTests: XCTestCase {
    typealias Run = TestSupport.Run

    static var productsDirectory: URL { Bundle.main.bundleURL }

    func run(_ tool: String, _ arguments: [String], stdin: String? = nil) throws -> Run {
        try TestSupport.run(Self.productsDirectory.appendingPathComponent(tool).path, arguments, stdin: stdin)
    }

    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    func testTrainClassifyEvaluateInspect() throws {
        let directory = try TestSupport.temporaryDirectory()
        let data = try TestSupport.toyMultiLabel(in: directory)
        let model = directory.appendingPathComponent("toy.lede").path
        let train = try run("lede-train", [data.path, "--output", model, "--min-df", "1", "--json", "--quiet"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as! [String: Any]
        XCTAssertNotNil(report["micro"] as? [String: Any])

        // Classify: files, a directory, an empty file and a missing file: one record each, in order.
        let articles = directory.appendingPathComponent("articles")
        try FileManager.default.createDirectory(at: articles, withIntermediateDirectories: true)
        try TestSupport.write("new sanctions and an oil embargo were imposed", to: articles.appendingPathComponent("a.txt"))
        try TestSupport.write("troops attack as fighting continue on the border", to: articles.appendingPathComponent("b.txt"))
        try TestSupport.write("", to: articles.appendingPathComponent("c.txt"))
        let missing = directory.appendingPathComponent("missing.txt").path
        let classify = try run("lede-classify", ["--model", model, articles.path, missing, "--quiet"])
        XCTAssertEqual(classify.status, 1, "errors make the exit status non-zero")
        let records = try jsonLines(classify.stdout)
        XCTAssertEqual(records.count, 4)
        XCTAssertEqual(records.map { $0["id"] as! String },
                       ["a.txt", "b.txt", "c.txt"].map { articles.appendingPathComponent($0).path } + [missing])
        XCTAssertEqual(records[0]["labels"] as! [String], ["sanctions"])
        XCTAssertEqual(records[1]["labels"] as! [String], ["conflict"])
        XCTAssertNotNil(records[0]["scores"] as? [String: Double])
        XCTAssertTrue((records[2]["error"] as! String).contains("empty"))
        XCTAssertTrue((records[3]["error"] as! String).contains("No such file"))

        // Lines from stdin, TSV output, a threshold override, and the same output with one thread.
        let lines = "sanctions embargo imposed\nfilm wins award\n\n"
        let tsv = try run("lede-classify", ["--model", model, "--input-format", "lines", "--output-format", "tsv", "--threshold", "0.5", "-q"], stdin: lines)
        let rows = tsv.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(rows.first, "id\tlabels\tconflict\tsanctions\terror")
        XCTAssertEqual(rows.count, 4)
        XCTAssertTrue(rows[1].hasPrefix("1\tsanctions\t"))
        XCTAssertTrue(rows[3].hasPrefix("3\t\t\t\t"), String(rows[3]))
        let one = try run("lede-classify", ["--model", model, "--input-format", "lines", "--threads", "1", "-q"], stdin: lines)
        let two = try run("lede-classify", ["--model", model, "--input-format", "lines", "--threads", "2", "-q"], stdin: lines)
        XCTAssertEqual(one.stdout, two.stdout)

        // JSONL input keeps ids; a broken line becomes an error record naming the problem.
        let jsonl = try run("lede-classify", ["--model", model, "--input-format", "jsonl", "-q"],
                            stdin: "{\"id\": \"k1\", \"text\": \"embargo\"}\n{oops\n")
        let jrecords = try jsonLines(jsonl.stdout)
        XCTAssertEqual(jrecords.map { $0["id"] as! String }, ["k1", "2"])
        XCTAssertTrue((jrecords[1]["error"] as! String).contains("invalid JSON"))

        let evaluate = try run("lede-train", ["evaluate", model, data.path, "--json"])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        let evaluation = try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(evaluation["documents"] as? Int, 120)
        XCTAssertGreaterThan((evaluation["micro"] as! [String: Double])["f1"]!, 0.9)
        XCTAssertNotNil((evaluation["labels"] as! [String: Any])["sanctions"])

        let inspect = try run("lede-train", ["inspect", model, "--top", "3"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("sanctions  threshold"))
        // The label's strongest term is one of its own words, listed under it.
        let sanctionsBlock = try XCTUnwrap(inspect.stdout.components(separatedBy: "sanctions  threshold").last)
        let strongest = sanctionsBlock.split(separator: "\n").dropFirst(2).first.map(String.init) ?? ""
        XCTAssertTrue(["sanctions", "embargo", "imposed", "oil", "exports", "asset", "freeze"].contains { strongest.contains("  \($0)") }, inspect.stdout)
    }

    func testUsefulErrors() throws {
        let bad = try run("lede-classify", ["--model", "/nonexistent/model.lede", "x"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("/nonexistent/model.lede"), bad.stderr)
        let format = try run("lede-classify", ["--input-format", "xml"])
        XCTAssertNotEqual(format.status, 0)
        XCTAssertTrue(format.stderr.contains("--input-format"), format.stderr)
        let help = try run("lede-train", ["--help"])
        XCTAssertTrue(help.stdout.contains("evaluate") && help.stdout.contains("inspect"), help.stdout)
    }

    func testShippedModelClassifiesTheSamples() throws {
        let samples = TestSupport.packageRoot.appendingPathComponent("datasets/samples").path
        let result = try run("lede-classify", [samples, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let records = try jsonLines(result.stdout)
        let files = try FileManager.default.contentsOfDirectory(atPath: samples).filter { $0.hasSuffix(".txt") }
        XCTAssertEqual(records.count, files.count)
        for record in records {
            let scores = record["scores"] as! [String: Double]
            XCTAssertEqual(Set(scores.keys), ["geopolitics", "sanctions", "conflict"])
        }
    }

    func testExplainNamesTheStrongestTermsOfEachPredictedLabel() throws {
        let samples = TestSupport.packageRoot.appendingPathComponent("datasets/samples").path
        let result = try run("lede-classify", [samples, "--quiet", "--explain", "3"])
        XCTAssertEqual(result.status, 0, result.stderr)
        var explained = 0
        for record in try jsonLines(result.stdout) {
            let labels = record["labels"] as! [String]
            let explain = try XCTUnwrap(record["explain"] as? [String: [[Any]]], "every scored record has \"explain\"")
            XCTAssertEqual(Set(explain.keys), Set(labels))
            for terms in explain.values {
                XCTAssertTrue((1...3).contains(terms.count))
                let contributions = terms.map { $0[1] as! Double }
                XCTAssertEqual(contributions, contributions.sorted(by: >), "strongest first")
                XCTAssertFalse((terms[0][0] as! String).isEmpty)
                explained += 1
            }
        }
        XCTAssertGreaterThan(explained, 0, "the samples have predicted labels to explain")
        let all = try run("lede-classify", [samples, "--quiet", "--explain", "2", "--explain-all"])
        for record in try jsonLines(all.stdout) {
            XCTAssertEqual((record["explain"] as! [String: Any]).count, 3)
        }
        let tsv = try run("lede-classify", [samples, "--explain", "2", "--output-format", "tsv"])
        XCTAssertNotEqual(tsv.status, 0)
        XCTAssertTrue(tsv.stderr.contains("--output-format jsonl"), tsv.stderr)
    }
}

