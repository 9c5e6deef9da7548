import Foundation
import Synchronization
import XCTest
import Lede

/// `lede-classify` against inputs that change, names that are not UTF-8, old line endings, odd ids,
/// unreadable directories, endless files and signals: one whole record per document, never a crash,
/// never a silent merge or drop.
final class AdversarialInputTests: XCTestCase {
    private static var productsDirectory: URL { Bundle.main.bundleURL }
    private var classifier: String { Self.productsDirectory.appendingPathComponent("lede-classify").path }

    private func shell(_ script: String, environment: [String: String] = [:]) throws -> TestSupport.Run {
        try TestSupport.run("/bin/sh", ["-c", script], environment: ["CLASSIFY": classifier].merging(environment) { $1 })
    }

    /// The id fields of JSONL records, as their raw JSON text (escapes kept).
    private func rawIDs(_ output: String) -> [String] {
        output.split(separator: "\n").map { line in
            let start = line.range(of: #"{"id": ""#)!.upperBound
            var end = start
            while line[end] != "\"" { end = line.index(after: line[end] == "\\" ? line.index(after: end) : end) }
            return String(line[start..<end])
        }
    }

    func testFileNamesThatAreNotUTF8KeepTheirBytes() throws {
        let directory = try TestSupport.temporaryDirectory().path
        // x\xff.txt (not UTF-8) and x\xef\xbf\xbd.txt (U+FFFD, what a repair would turn the first into).
        let run = try shell("""
            cd '\(directory)' && mkdir d && printf 'The football team won the cup.' > "d/$(printf 'x\\377.txt')" &&
            printf 'Sanctions on Iran over its oil exports.' > "d/$(printf 'x\\357\\277\\275.txt')" &&
            "$CLASSIFY" --quiet d/ && "$CLASSIFY" --quiet "$(printf 'd/x\\377.txt')"
            """)
        XCTAssertEqual(run.status, 0, run.stderr)
        let ids = rawIDs(run.stdout)
        // Sorted by bytes: 0xEF before 0xFF.
        XCTAssertEqual(ids, ["d/x\u{FFFD}.txt", "d/x\\udcff.txt", "d/x\\udcff.txt"], run.stdout)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertTrue(lines[0].contains("sanctions"), "the sanctions file is scored as itself: \(lines[0])")
        XCTAssertTrue(lines[1].contains(#""labels": []"#), "the football file is scored as itself: \(lines[1])")
        XCTAssertEqual(lines[1], lines[2], "named on the command line: the same file, the same record")
    }

    func testCarriageReturnsAloneEndLines() throws {
        let directory = try TestSupport.temporaryDirectory()
        let tsv = directory.appendingPathComponent("cr.tsv"), lines = directory.appendingPathComponent("cr.txt")
        try TestSupport.write("a\tSanctions on Iran.\rb\tFootball.\rc\tWar.\r", to: tsv)
        try TestSupport.write("Sanctions on Iran.\rFootball.\r\nWar.", to: lines)
        let byTSV = try TestSupport.run(classifier, ["--quiet", "--input-format", "tsv", tsv.path])
        XCTAssertEqual(rawIDs(byTSV.stdout), ["a", "b", "c"], byTSV.stdout)
        let byLine = try TestSupport.run(classifier, ["--quiet", "--input-format", "lines", lines.path])
        XCTAssertEqual(rawIDs(byLine.stdout), ["1", "2", "3"], byLine.stdout)
    }

    func testIDsThatAreNeitherStringsNorNumbersAreErrors() throws {
        let directory = try TestSupport.temporaryDirectory()
        let jsonl = directory.appendingPathComponent("ids.jsonl")
        try TestSupport.write("""
            {"id": true, "text": "war"}
            {"id": false, "text": "war"}
            {"id": ["a"], "text": "war"}
            {"id": 1, "text": "war"}
            {"id": null, "text": "war"}
            {"id": "x", "text": "war"}

            """, to: jsonl)
        let run = try TestSupport.run(classifier, ["--quiet", "--input-format", "jsonl", jsonl.path])
        XCTAssertEqual(run.status, 1)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 6)
        for line in lines[0..<3] { XCTAssertTrue(line.contains(#""error": "\"id\" must be a string or a number""#), String(line)) }
        XCTAssertEqual(rawIDs(run.stdout), ["1", "2", "3", "1", "5", "x"])
        for line in lines[3...] { XCTAssertTrue(line.contains("scores"), String(line)) }
    }

    func testAnUnreadableSubdirectoryIsOneErrorAmongTheOtherFiles() throws {
        let directory = try TestSupport.temporaryDirectory()
        let tree = directory.appendingPathComponent("tree")
        for sub in ["a", "b-locked", "c"] {
            try FileManager.default.createDirectory(at: tree.appendingPathComponent(sub), withIntermediateDirectories: true)
            try TestSupport.write("Troops shelled the border town for a second day.", to: tree.appendingPathComponent("\(sub)/article.txt"))
        }
        chmod(tree.appendingPathComponent("b-locked").path, 0)
        defer { chmod(tree.appendingPathComponent("b-locked").path, 0o755) }
        var command = [classifier, "--quiet", tree.path]
        if getuid() == 0 {
            // Root reads any directory: run as nobody, if the system can.
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
                throw XCTSkip("running as root without setpriv (util-linux): permissions cannot be tested")
            }
            chmod(directory.path, 0o755)
            command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        }
        let run = try TestSupport.run(command[0], Array(command.dropFirst()))
        let ids = rawIDs(run.stdout)
        XCTAssertEqual(ids, [tree.path + "/a/article.txt", tree.path + "/b-locked", tree.path + "/c/article.txt"], run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.split(separator: "\n")[1].contains("cannot list directory"), run.stdout)
        XCTAssertEqual(run.status, 1)
    }

    func testAFileTruncatedWhileReadIsNeverACrash() throws {
        let directory = try TestSupport.temporaryDirectory()
        let file = directory.appendingPathComponent("big.txt")
        let paragraph = String(repeating: "Sanctions were imposed on oil exports after troops crossed the border. ", count: 14_000)
        let content = Data(paragraph.utf8)  // about 1 MB
        try content.write(to: file)
        // Another thread truncates and rewrites the file as fast as it can while it is classified.
        final class Flag: Sendable { let stop = Atomic(false) }
        let flag = Flag(), stopped = DispatchSemaphore(value: 0)
        let writer = Thread {
            while !flag.stop.load(ordering: .acquiring) {
                truncate(file.path, 0)
                try? content.write(to: file)
                truncate(file.path, Int.random(in: 0..<content.count))
            }
            stopped.signal()
        }
        writer.start()
        defer {
            flag.stop.store(true, ordering: .releasing)
            stopped.wait()
        }
        for _ in 0..<30 {
            let run = try TestSupport.run(classifier, ["--quiet", file.path, file.path])
            XCTAssertTrue(run.status == 0 || run.status == 1, "status \(run.status): \(run.stderr)")
            XCTAssertEqual(run.stdout.split(separator: "\n").count, 2, run.stdout)
        }
    }

    func testAModelRewrittenInPlaceDoesNotChangeARunningClassifier() throws {
        let directory = try TestSupport.temporaryDirectory()
        let live = directory.appendingPathComponent("live.lede").path
        let shipped = TestSupport.packageRoot.appendingPathComponent("models/topics.lede").path
        var options = TrainingOptions()
        options.features.minDF = .count(1)
        let other = try Trainer(options: options).train(try LabeledDataReader(path: TestSupport.toyMultiLabel(in: directory).path)).model
        try FileManager.default.copyItem(atPath: shipped, toPath: live)
        let text = "Sanctions on Iran over its nuclear programme."
        let expected = try TestSupport.run(classifier, ["--quiet", "-m", shipped, "--input-format", "lines", "-"], stdin: text + "\n")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: classifier)
        process.arguments = ["--quiet", "-m", live, "--input-format", "lines", "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        Thread.sleep(forTimeInterval: 1)  // the model is loaded at start
        // As cp, scp or rsync --inplace deploy: the same inode, truncated and rewritten.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: live))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: try ModelFile.serialize(other))
        try handle.close()
        input.fileHandleForWriting.write(Data((text + "\n").utf8))
        try input.fileHandleForWriting.close()
        let got = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(got, expected.stdout, "the run kept the model it loaded")
    }

    func testEndlessInputsAndHugeLinesAreBounded() throws {
        let directory = try TestSupport.temporaryDirectory()
        let fifo = directory.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        for format in ["files", "lines", "jsonl", "tsv"] {
            for input in ["/dev/zero", fifo] {
                let run = try TestSupport.run(classifier, ["--quiet", "--input-format", format, input])
                XCTAssertEqual(run.status, 1, "\(format) \(input)")
                XCTAssertTrue(run.stdout.contains("not a regular file"), "\(format) \(input): \(run.stdout)")
            }
        }
        // A line over the limit is one error record; the lines around it are scored.
        let long = String(repeating: "war ", count: 1000)
        let run = try TestSupport.run(classifier, ["--quiet", "--input-format", "lines", "--max-document-bytes", "1000", "-"],
                                      stdin: "Troops attack.\n\(long)\nSanctions on Iran.\n")
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, run.stdout)
        XCTAssertTrue(lines[1].contains(#""id": "2", "error""#) && lines[1].contains("limit of 1000 bytes"), String(lines[1]))
        XCTAssertTrue(lines[2].contains("scores"), String(lines[2]))
        // A file over the limit too.
        let big = directory.appendingPathComponent("big.txt")
        try TestSupport.write(long, to: big)
        let file = try TestSupport.run(classifier, ["--quiet", "--max-document-bytes", "1000", big.path])
        XCTAssertTrue(file.stdout.contains("limit of 1000 bytes"), file.stdout)
        // More threads than cores: capped, with a note.
        let threads = try TestSupport.run(classifier, ["--threads", "100000", big.path])
        XCTAssertTrue(threads.stderr.contains("capped at the \(ProcessInfo.processInfo.activeProcessorCount) cores")
                      || threads.stderr.contains("capped at the"), threads.stderr)
    }

    func testALongLineFromAPipeIsReadInLinearTime() throws {
        // 64 MB in one line, from a pipe (64 KB reads): linear reading takes well under a second per
        // 64 MB; rescanning from the line's start after each read took minutes.
        let run = try shell("head -c 67108864 /dev/zero | tr '\\\\0' 'a' | timeout 60 \"$CLASSIFY\" --quiet --input-format lines --max-document-bytes 100000000 -")
        XCTAssertNotEqual(run.status, 124, "timed out: reading is not linear")
        XCTAssertEqual(run.stdout.split(separator: "\n").count, 1, run.stdout.prefix(200) + run.stderr)
    }

    func testSignalsEndABlockedReadWithWholeRecords() throws {
        for (signal, status) in [(SIGTERM, 143), (SIGINT, 130), (SIGHUP, 129)] as [(Int32, Int32)] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: classifier)
            process.arguments = ["--quiet", "--input-format", "lines", "-"]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data("Troops attack the border.\nSanctions on Iran.\n".utf8))
            Thread.sleep(forTimeInterval: 0.5)  // then it waits for more input
            let sent = Date()
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertLessThan(Date().timeIntervalSince(sent), 5, "ended promptly")
            XCTAssertEqual(process.terminationStatus, status, "signal \(signal)")
            let records = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertTrue(records.isEmpty || records.hasSuffix("}\n"), "whole records: \(records)")
            try? input.fileHandleForWriting.close()
        }
    }
}
