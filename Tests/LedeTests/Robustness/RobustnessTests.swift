import Foundation
import XCTest
import Lede

/// Bad input of every kind: no crash, no hang, one record per input document (an "error" record where it
/// could not be scored, naming what was wrong), exit status 1 when any failed.
extension CommandLineTests {
    func records(_ result: Run) throws -> [String: [String: Any]] {
        var byID: [String: [String: Any]] = [:]
        for record in try jsonLines(result.stdout) { byID[record["id"] as! String] = record }
        return byID
    }

    func testBadFilesEachGetOneRecord() throws {
        let directory = try TestSupport.temporaryDirectory()
        let folder = directory.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func file(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        let text = Array("UN sanctions and an arms embargo after troops crossed the border".utf8)
        try file("empty.txt", [])
        try file("spaces.txt", Array("  \n\t \r\n".utf8))
        try file("lone-continuation.txt", text + [0x80, 0x20] + text)
        try file("overlong.txt", text + [0xC0, 0xAF] + text)
        try file("truncated.txt", text + [0xE4, 0xB8])
        try file("latin1.txt", Array("Caf".utf8) + [0xE9] + Array(" au lait, d".utf8) + [0xE9, 0x6A, 0xE0] + text)
        try file("bom.txt", [0xEF, 0xBB, 0xBF] + text)
        try file("utf16le.txt", [0xFF, 0xFE] + text.flatMap { [$0, 0] })
        try file("utf16be.txt", [0xFE, 0xFF] + text.flatMap { [0, $0] })
        try file("utf16-unpaired.txt", [0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00])
        try file("crlf.txt", Array("first line\r\nsecond line about sanctions\r\n".utf8))
        try file("nul.txt", text + [0] + text)
        try file("image.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52])
        try file("million-tokens.txt", Array(String(repeating: "word ", count: 1_000_000).utf8))
        XCTAssertEqual(mkfifo(folder.appendingPathComponent("fifo").path, 0o644), 0)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop").path, withDestinationPath: "loop")
        // Listed, then gone when read: a link to nothing.
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("vanished").path, withDestinationPath: "no-such-file")
        let missing = directory.appendingPathComponent("deleted.txt").path

        let result = try run("lede-classify", [folder.path, folder.appendingPathComponent("fifo").path, "/dev/zero", missing, "--quiet"])
        XCTAssertEqual(result.status, 1, "some documents failed")
        let lines = try jsonLines(result.stdout)
        XCTAssertEqual(lines.count, 17 + 3, "one record per file met in the folder and per explicit input")
        let byID = try records(result)
        func error(_ name: String) -> String? { byID[folder.appendingPathComponent(name).path]?["error"] as? String }
        func scored(_ name: String) -> Bool { byID[folder.appendingPathComponent(name).path]?["scores"] != nil }
        XCTAssertTrue(error("empty.txt")!.contains("empty document"))
        XCTAssertTrue(error("spaces.txt")!.contains("empty document"))
        for name in ["lone-continuation.txt", "overlong.txt", "truncated.txt", "latin1.txt"] {
            XCTAssertTrue(error(name)?.contains("not valid UTF-8") == true, name)
        }
        for name in ["bom.txt", "utf16le.txt", "utf16be.txt", "crlf.txt", "million-tokens.txt"] { XCTAssertTrue(scored(name), name) }
        XCTAssertEqual(byID[folder.appendingPathComponent("utf16le.txt").path]?["labels"] as? [String],
                       byID[folder.appendingPathComponent("bom.txt").path]?["labels"] as? [String], "UTF-16 is decoded")
        XCTAssertTrue(error("utf16-unpaired.txt")!.contains("not valid UTF-16"))
        XCTAssertTrue(error("nul.txt")!.contains("binary data"))
        XCTAssertTrue(error("image.png")!.contains("binary data"))
        XCTAssertTrue(error("fifo")!.contains("not a regular file"))
        XCTAssertTrue(error("loop")!.lowercased().contains("symbolic links"))
        XCTAssertTrue(error("vanished")!.contains("No such file"))
        XCTAssertTrue((byID["/dev/zero"]?["error"] as? String)?.contains("not a regular file") == true)
        XCTAssertTrue((byID[missing]?["error"] as? String)?.contains("No such file") == true)
    }

    func testUnreadableFileIsAnErrorRecord() throws {
        guard geteuid() != 0 else { throw XCTSkip("running as root, which reads any file: permissions cannot be tested") }
        let directory = try TestSupport.temporaryDirectory()
        let locked = directory.appendingPathComponent("locked.txt")
        try TestSupport.write("sanctions", to: locked)
        chmod(locked.path, 0)
        let result = try run("lede-classify", [locked.path, "--quiet"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue((try records(result)[locked.path]?["error"] as? String)?.contains("ermission") == true)
    }

    func testBadLinesInJSONLAndTSVInputs() throws {
        let directory = try TestSupport.temporaryDirectory()
        let jsonl = directory.appendingPathComponent("in.jsonl")
        try TestSupport.write("""
        {"id": "a", "text": "troops attack the border"}
        {"id": "a", "text": "the same id again"}
        {"id": "b", "text": 42}
        {"id": "c"}
        {"id": "d", "text": "broken
        not json at all
        {"id": "e", "text": "a last line without newline"}
        """, to: jsonl)
        let result = try run("lede-classify", ["--input-format", "jsonl", jsonl.path, "--quiet"])
        XCTAssertEqual(result.status, 1)
        let lines = try jsonLines(result.stdout)
        XCTAssertEqual(lines.count, 7, "one record per line, duplicates kept")
        XCTAssertEqual(lines.map { $0["id"] as! String }, ["a", "a", "3", "4", "5", "6", "e"])
        XCTAssertTrue((lines[2]["error"] as! String).contains("\"text\" must be a string"))
        XCTAssertTrue((lines[3]["error"] as! String).contains("missing \"text\""))
        XCTAssertTrue((lines[4]["error"] as! String).contains("invalid JSON"))
        XCTAssertNotNil(lines[6]["scores"])
        let tsv = directory.appendingPathComponent("in.tsv")
        try TestSupport.write("x\tsanctions on oil\nno tab on this line\ny\tlast without newline", to: tsv)
        let tsvResult = try run("lede-classify", ["--input-format", "tsv", tsv.path, "--quiet"])
        let tsvLines = try jsonLines(tsvResult.stdout)
        XCTAssertEqual(tsvLines.count, 3)
        XCTAssertTrue((tsvLines[1]["error"] as! String).contains("missing tab"))
        XCTAssertEqual(tsvLines[2]["id"] as? String, "y")
    }

    func testHugeSingleLineAndManySmallFiles() throws {
        let directory = try TestSupport.temporaryDirectory()
        // One 200 MB line, as a file and as a line.
        let huge = directory.appendingPathComponent("huge.txt")
        let chunk = Array(String(repeating: "sanctions embargo troops border talks ", count: 27_000).utf8)  // ~1 MB
        _ = FileManager.default.createFile(atPath: huge.path, contents: nil)
        let handle = try FileHandle(forWritingTo: huge)
        for _ in 0..<200 { handle.write(Data(chunk)) }
        try handle.close()
        for format in ["files", "lines"] {
            // Above the default limit of 64 MiB per document: one error record that names the limit.
            let refused = try run("lede-classify", ["--input-format", format, huge.path, "--quiet"])
            XCTAssertEqual(refused.status, 1, "\(format): \(refused.stderr)")
            let records = try jsonLines(refused.stdout)
            XCTAssertEqual(records.count, 1, format)
            XCTAssertTrue((records.first?["error"] as? String)?.contains("limit of 67108864 bytes") == true, "\(format): \(refused.stdout)")
            // Within a raised limit: classified.
            let result = try run("lede-classify", ["--input-format", format, "--max-document-bytes", "300000000", huge.path, "--quiet"])
            XCTAssertEqual(result.status, 0, "\(format): \(result.stderr)")
            XCTAssertEqual(try jsonLines(result.stdout).count, 1, format)
        }
        try FileManager.default.removeItem(at: huge)
        // 100,000 small files in one directory.
        let many = directory.appendingPathComponent("many")
        try FileManager.default.createDirectory(at: many, withIntermediateDirectories: true)
        for i in 0..<100_000 {
            _ = FileManager.default.createFile(atPath: many.appendingPathComponent(String(format: "%06d.txt", i)).path,
                                           contents: Data("article \(i) about sanctions".utf8))
        }
        let result = try run("lede-classify", [many.path, "--quiet", "--output-format", "tsv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 100_001, "a header and one row per file")
    }

    func testOutputIsTheSameForAnyThreadCountAndForAFolderOrItsFiles() throws {
        let samples = TestSupport.packageRoot.appendingPathComponent("datasets/samples")
        let files = try FileManager.default.contentsOfDirectory(atPath: samples.path).sorted().map { samples.appendingPathComponent($0).path }
        let one = try run("lede-classify", [samples.path, "--threads", "1", "--quiet"])
        let two = try run("lede-classify", [samples.path, "--threads", "2", "--quiet"])
        let listed = try run("lede-classify", files + ["--threads", "2", "--quiet"])
        XCTAssertEqual(one.stdout, two.stdout)
        XCTAssertEqual(one.stdout.replacingOccurrences(of: samples.path + "/", with: ""),
                       listed.stdout.replacingOccurrences(of: samples.path + "/", with: ""))
        XCTAssertEqual(try jsonLines(one.stdout).count, files.count)
    }

    func testClosedPipeAndInterruptionEndCleanly() throws {
        let directory = try TestSupport.temporaryDirectory()
        let big = directory.appendingPathComponent("lines.txt")
        let line = "sanctions and troops at the border, talks in Geneva about the embargo\n"
        try TestSupport.write(String(repeating: line, count: 400_000), to: big)
        let tool = Self.productsDirectory.appendingPathComponent("lede-classify").path
        // `lede-classify ... | head -1`: the usual SIGPIPE status, nothing on stderr.
        let piped = Process()
        piped.executableURL = URL(fileURLWithPath: "/bin/bash")
        piped.arguments = ["-c", "'\(tool)' --input-format lines '\(big.path)' --quiet | head -1; echo \"status ${PIPESTATUS[0]}\" >&2"]
        let out = Pipe(), err = Pipe()
        piped.standardOutput = out
        piped.standardError = err
        try piped.run()
        let first = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        piped.waitUntilExit()
        XCTAssertEqual(try jsonLines(first).count, 1)
        XCTAssertEqual(errors.trimmingCharacters(in: .whitespacesAndNewlines), "status 141", "killed by SIGPIPE, no crash report")
        // Ctrl-C: stops between records, status 130.
        let output = directory.appendingPathComponent("out.jsonl")
        let interrupted = Process()
        interrupted.executableURL = URL(fileURLWithPath: tool)
        interrupted.arguments = ["--input-format", "lines", big.path, "--quiet", "--threads", "1"]
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        interrupted.standardOutput = try FileHandle(forWritingTo: output)
        interrupted.standardError = FileHandle.nullDevice
        try interrupted.run()
        usleep(300_000)
        kill(interrupted.processIdentifier, SIGINT)
        interrupted.waitUntilExit()
        let written = try String(contentsOf: output, encoding: .utf8)
        if interrupted.terminationStatus == 130 {
            XCTAssertTrue(written.isEmpty || written.hasSuffix("}\n"), "the last record is whole")
            XCTAssertNoThrow(try jsonLines(written))
            XCTAssertLessThan(written.split(separator: "\n").count, 400_000)
        } else {
            XCTAssertEqual(interrupted.terminationStatus, 0, "finished before the signal")
        }
    }

    func testBadTrainingDataGivesClearErrors() throws {
        let directory = try TestSupport.temporaryDirectory()
        func train(_ name: String, _ content: String, _ extra: [String] = []) throws -> Run {
            let data = directory.appendingPathComponent(name)
            try TestSupport.write(content, to: data)
            return try run("lede-train", [data.path, "-o", directory.appendingPathComponent("m.lede").path, "-q"] + extra)
        }
        let unknown = try train("data.xyz", "no format can be told from this line\n")
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("--format"), unknown.stderr)
        let broken = try train("broken.jsonl", "{\"text\": \"a\", \"labels\": [\"x\"]}\n{\"text\": \"b\", \"labels\": \n")
        XCTAssertTrue(broken.stderr.contains("broken.jsonl:2"), broken.stderr)
        let noText = try train("notext.jsonl", "{\"labels\": [\"x\"]}\n")
        XCTAssertTrue(noText.stderr.contains("notext.jsonl:1") && noText.stderr.contains("text"), noText.stderr)
        let oneLabel = try train("one.tsv", "a\tfirst\na\tsecond\n", ["--single-label"])
        XCTAssertTrue(oneLabel.stderr.contains("only one label"), oneLabel.stderr)
        let pruned = try train("pruned.tsv", "a\tapple\nb\tbanana\n", ["--min-df", "5"])
        XCTAssertNotEqual(pruned.status, 0)
        XCTAssertTrue(pruned.stderr.contains("--min-df"), pruned.stderr)
        let tooBig = try train("big.tsv", "a\tapple pie\nb\tbanana split\n", ["--hash-bits", "30", "--min-df", "1"])
        XCTAssertNotEqual(tooBig.status, 0)
        XCTAssertTrue(tooBig.stderr.contains("lower --max-features or --hash-bits"), tooBig.stderr)
        // A UTF-16 file (its byte-order mark written as raw bytes, which a Swift string cannot hold).
        let wide = directory.appendingPathComponent("wide.tsv")
        try Data([0xFF, 0xFE] + Array("a\tword\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: wide)
        let utf16 = try run("lede-train", [wide.path, "-o", directory.appendingPathComponent("m.lede").path, "-q"])
        XCTAssertNotEqual(utf16.status, 0)
        XCTAssertTrue(utf16.stderr.contains("UTF-16") && utf16.stderr.contains("iconv"), utf16.stderr)
        // Accepted: invalid UTF-8 inside TSV text (its bytes separate words), CRLF, a label with a single
        // example, and 1,000 distinct labels.
        var lines = ["b\tfine text\r"]
        for label in 0..<1000 { lines.append("label\(label)\tdocument number \(label) word\(label) shared words") }
        lines.append("single\tonly one example of this label")
        let many = directory.appendingPathComponent("many.tsv")
        try Data(Array("a\tcaf".utf8) + [0xE9] + Array(" latin-1 text\n".utf8) + Array((lines.joined(separator: "\n") + "\n").utf8)).write(to: many)
        let accepted = try run("lede-train", [many.path, "-o", directory.appendingPathComponent("m.lede").path, "-q", "--min-df", "1", "--folds", "2"])
        XCTAssertEqual(accepted.status, 0, accepted.stderr)
        let model = try ModelFile.load(directory.appendingPathComponent("m.lede").path)
        XCTAssertEqual(model.labels.count, 1003)
    }

    func testBadFilesInALabeledDirectory() throws {
        let directory = try TestSupport.temporaryDirectory()
        let data = directory.appendingPathComponent("labeled")
        for label in ["a", "b"] {
            try FileManager.default.createDirectory(at: data.appendingPathComponent(label), withIntermediateDirectories: true)
        }
        try TestSupport.write("sanctions embargo text", to: data.appendingPathComponent("a/1.txt"))
        try TestSupport.write("troops attack the border", to: data.appendingPathComponent("b/1.txt"))
        try Data().write(to: data.appendingPathComponent("a/empty.txt"))
        try Data([0x78, 0x00, 0x79]).write(to: data.appendingPathComponent("b/binary.txt"))
        try Data([0x63, 0x61, 0x66, 0xE9]).write(to: data.appendingPathComponent("a/latin1.txt"))
        XCTAssertEqual(mkfifo(data.appendingPathComponent("b/fifo").path, 0o644), 0)
        let model = directory.appendingPathComponent("m.lede").path
        let strict = try run("lede-train", [data.path, "-o", model, "--min-df", "1", "-q"])
        XCTAssertEqual(strict.status, 1, "no hang on the FIFO: a clear error")
        XCTAssertTrue(strict.stderr.contains("b/fifo") && strict.stderr.contains("not a regular file"), strict.stderr)
        let lenient = try run("lede-train", [data.path, "-o", model, "--min-df", "1", "-q", "--skip-invalid"])
        XCTAssertEqual(lenient.status, 0, lenient.stderr)
        XCTAssertTrue(lenient.stderr.contains("skipped 1 invalid records"), lenient.stderr)
    }
}

