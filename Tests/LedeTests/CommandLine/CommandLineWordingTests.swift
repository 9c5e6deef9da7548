import Foundation
import XCTest

/// The commands' wording: counts with their noun in the right number, help that reads whole when piped,
/// inspect's columns named and its feature count the trainer's, --folds 1 refused, bytes that are not
/// UTF-8 in training text reported, and placeholders that name what they take.
final class CommandLineWordingTests: XCTestCase {
    private func run(_ tool: String, _ arguments: [String], stdin: String? = nil) throws -> TestSupport.Run {
        try TestSupport.run(Bundle.main.bundleURL.appendingPathComponent(tool).path, arguments, stdin: stdin)
    }

    func testOneDocumentIsSingular() throws {
        let one = try run("lede-classify", ["-"], stdin: "Sanctions on Iran.")
        XCTAssertTrue(one.stderr.contains("classified 1 document (0 errors)"), one.stderr)
    }

    func testPipedHelpKeepsItsSentencesWhole() throws {
        for arguments in [["--help"], ["train", "--help"], ["evaluate", "--help"], ["inspect", "--help"], ["count", "--help"], ["merge-counts", "--help"]] {
            let help = try run("lede-train", arguments).stdout.components(separatedBy: "\n")
            guard let usage = help.firstIndex(where: { $0.hasPrefix("USAGE") }) else { return XCTFail("no usage in \(arguments)") }
            // A line too long for the 80 columns of a pipe is wrapped, leaving a word or two alone on a line.
            for index in 1..<max(1, usage - 1) where !help[index].isEmpty && !help[index + 1].isEmpty {
                XCTAssertFalse(help[index].split(separator: " ").count < 3 && help[index - 1].count >= 70,
                               "\(arguments): '\(help[index - 1])' wrapped, leaving '\(help[index])'")
            }
        }
        let classify = try run("lede-classify", ["--help"]).stdout
        XCTAssertTrue(classify.contains("--explain <n>") && classify.contains("--input-format <format>"), classify)
        XCTAssertFalse(classify.contains("<explain>"))
    }

    func testOneFoldIsRefused() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run("lede-train", [try TestSupport.toyMultiLabel(in: directory).path, "-o", directory.appendingPathComponent("m").path, "--folds", "1"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--folds must be 0 (no cross-validation) or 2 to 100"), result.stderr)
    }

    func testInspectNamesItsColumnsAndCountsFeaturesAsTrainingDid() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("m.lede").path
        let trained = try run("lede-train", [try TestSupport.toyMultiLabel(in: directory).path, "-o", model, "--word-vectors", "on",
                                             "--word-vector-dimensions", "8", "--min-df", "1"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let wrote = try XCTUnwrap(trained.stderr.split(separator: "\n").first { $0.hasPrefix("wrote ") })
        let pattern = try Regex(#"(\d+) term features \+ 8 word-vector dimensions"#)
        let match = try XCTUnwrap(wrote.firstMatch(of: pattern), String(wrote))
        let terms = String(try XCTUnwrap(match.output[1].substring))
        let inspected = try run("lede-train", ["inspect", model]).stdout
        XCTAssertTrue(inspected.contains("features: \(terms) term columns + 8 word-vector dimensions = \(Int(terms)! + 8) features"), inspected)
        XCTAssertTrue(inspected.contains("  weight  term (towards conflict)"), inspected)
    }

    func testBytesThatAreNotUTF8InTrainingTextAreReported() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var data = Data()
        for round in 0..<10 {
            data.append(Data("sport\tthe match ended in a draw \(round)\n".utf8))
            data.append(Data("food\tthe caf".utf8) + Data([0xE9]) + Data(" served soup \(round)\n".utf8))
        }
        let file = directory.appendingPathComponent("latin1.tsv")
        try data.write(to: file)
        let result = try run("lede-train", [file.path, "-o", directory.appendingPathComponent("m").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("note: 10 training documents hold bytes that are not UTF-8 (first: \(file.path) line 2)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("iconv"), result.stderr)
    }
}
