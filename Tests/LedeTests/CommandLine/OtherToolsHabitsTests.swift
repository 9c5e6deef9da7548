import Foundation
import XCTest
import LedeCommandLine

/// Habits from other tools get a message that says what to write instead, never the help with status 0,
/// a misleading suggestion or a silent misreading.
final class OtherToolsHabitsTests: XCTestCase {
    private func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> TestSupport.Run {
        let binary = Bundle.main.bundleURL.appendingPathComponent(tool).path
        guard let directory else { return try TestSupport.run(binary, arguments) }
        return try TestSupport.run("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", directory.path, binary] + arguments)
    }

    func testFastTextOptionsAreMappedToLedesOrRefusedWithAReason() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try TestSupport.toyMultiLabel(in: directory)
        let cases: [([String], String)] = [
            (["-epoch", "5"], "no equivalent: Lede's solvers run to convergence"),
            (["-thread", "2"], "use --threads"),
            (["-lr", "0.5"], "the regularization is -C"),
            (["-wordNgrams", "2"], "use --ngrams 1...N"),
            (["-dim", "50"], "use --word-vector-dimensions"),
            (["-minCount", "3"], "use --min-df"),
            (["-loss", "softmax"], "--single-label"),
        ]
        for (options, expected) in cases {
            let result = try run("lede-train", [data.path, "-o", directory.appendingPathComponent("m.lede").path] + options)
            XCTAssertEqual(result.status, 64, "\(options): a usage error, not the help")
            XCTAssertTrue(result.stderr.contains("'\(options[0])' is a fastText option: ") && result.stderr.contains(expected), "\(options): \(result.stderr)")
            XCTAssertFalse(result.stdout.contains("USAGE"), "no help printed for \(options)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.lede").path))
        }
        let unknown = try run("lede-train", [data.path, "-o", "m.lede", "-seeed", "3"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("unknown option '-seeed': long options take two dashes ('--seeed')"), unknown.stderr)
        let classify = try run("lede-classify", ["-thread", "2", data.path])
        XCTAssertEqual(classify.status, 64)
        XCTAssertTrue(classify.stderr.contains("'-thread' is a fastText option: use --threads"), classify.stderr)
        // Lede's own short options, alone or grouped, and values after '--' stay as they were.
        XCTAssertTrue(ForeignOptions.problems(in: ["-C", "1", "-q", "-qh", "--", "-epoch"], shortOptions: ["o", "C", "q", "h"]).isEmpty)
    }

    func testAMistypedSubcommandIsSuggestedNotTrainedOn() throws {
        let result = try run("lede-train", ["evalute", "models/topics.lede", "datasets/topics/dev.jsonl"], in: TestSupport.packageRoot)
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("'evalute' is neither a file nor a command; did you mean 'evaluate'?"), result.stderr)
        XCTAssertEqual(MistypedSubcommand.suggestion(for: "inpsect", among: ["train", "inspect"], fileExists: { _ in false }), "inspect")
        XCTAssertEqual(MistypedSubcommand.suggestion(for: "eval", among: ["train", "evaluate"], fileExists: { _ in false }), "evaluate")
        // A file of that name is data, and a name far from every command is left to the parser.
        XCTAssertNil(MistypedSubcommand.suggestion(for: "evalute", among: ["evaluate"], fileExists: { _ in true }))
        XCTAssertNil(MistypedSubcommand.suggestion(for: "news.jsonl", among: ["train", "evaluate"], fileExists: { _ in false }))
    }

    func testADataFileClassifiedWholeIsNamedWithTheOptionThatSplitsIt() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tsv = directory.appendingPathComponent("test.tsv")
        try TestSupport.write("sanctions\tThe UN imposed sanctions.\nconflict\tTroops shelled the city.\n", to: tsv)
        let whole = try run("lede-classify", [tsv.path])
        XCTAssertEqual(whole.stdout.split(separator: "\n").count, 1)
        XCTAssertTrue(whole.stderr.contains("note: \(tsv.path) is read as ONE document") && whole.stderr.contains("--input-format tsv (id<TAB>text)")
                      && whole.stderr.contains("lede-train evaluate"), whole.stderr)
        // Asked for explicitly, files mode says nothing more; so does tsv mode, which gives a record per line.
        let explicit = try run("lede-classify", ["--input-format", "files", tsv.path])
        XCTAssertFalse(explicit.stderr.contains("note:"), explicit.stderr)
        let lines = try run("lede-classify", ["--input-format", "tsv", tsv.path])
        XCTAssertEqual(lines.stdout.split(separator: "\n").count, 2)
        XCTAssertTrue(DataFileNote.notes(for: ["a.jsonl", "b.CSV", "c.txt"]).count == 2)
    }
}
