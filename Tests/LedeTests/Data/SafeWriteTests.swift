import Foundation
import XCTest
import Lede

/// Writes replace only what they should: no write through a planted link, no device, FIFO, directory or
/// link replaced, no input or second output overwritten, no temporary files left to accumulate.
final class SafeWriteTests: XCTestCase {
    private static var productsDirectory: URL { Bundle.main.bundleURL }

    private func contents(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    func testLinkPlantedAtTheTemporaryNameIsNotWrittenThrough() throws {
        let directory = try TestSupport.temporaryDirectory().path
        let victim = directory + "/victim.txt", output = directory + "/out.bin"
        try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
        // The names a temporary file of this process could have had.
        try FileManager.default.createSymbolicLink(atPath: output + ".tmp-\(getpid())", withDestinationPath: victim)
        try AtomicFile.write(Array("new contents".utf8), to: output)
        XCTAssertEqual(contents(victim), "precious", "the link's target is untouched")
        XCTAssertEqual(contents(output), "new contents")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("partial") }
        XCTAssertEqual(left, [], "no temporary file left")
    }

    func testNonRegularTargetsAreRefused() throws {
        let directory = try TestSupport.temporaryDirectory().path
        let fifo = directory + "/fifo", folder = directory + "/folder", link = directory + "/link"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try "target".write(toFile: directory + "/target", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory + "/target")
        for (path, kind) in [(fifo, "a FIFO"), (folder, "a directory"), (link, "a symbolic link")] {
            XCTAssertThrowsError(try AtomicFile.write([1, 2, 3], to: path)) { error in
                XCTAssertTrue(String(describing: error).contains(kind), "\(path): \(error)")
            }
        }
        var info = stat()
        XCTAssertEqual(lstat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "the FIFO is still a FIFO")
        XCTAssertEqual(contents(directory + "/target"), "target")
        // A device, checked without writing (as root a write would replace the node).
        XCTAssertThrowsError(try OutputPaths.check([.init(option: "--output", path: "/dev/full")], inputs: [])) { error in
            XCTAssertTrue(String(describing: error).contains("a device"), "\(error)")
        }
    }

    func testStaleTemporaryFileOfAKilledRunIsRemoved() throws {
        let directory = try TestSupport.temporaryDirectory().path
        // A process that has ended: its pid names no running process.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let stale = directory + "/.m.lede.partial-\(ended.processIdentifier)-1f", live = directory + "/.m.lede.partial-1-2e"
        try "half a model".write(toFile: stale, atomically: false, encoding: .utf8)
        try "another writer's".write(toFile: live, atomically: false, encoding: .utf8)
        try AtomicFile.write(Array("model".utf8), to: directory + "/m.lede")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "the killed run's temporary file is gone")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a running process's temporary file is kept")
    }

    func testOutputsThatWouldDestroyInputsOrEachOtherAreRefused() throws {
        let directory = try TestSupport.temporaryDirectory()
        let data = try TestSupport.toyMultiLabel(in: directory).path
        let original = try Data(contentsOf: URL(fileURLWithPath: data))
        let hardLink = directory.appendingPathComponent("same-data.jsonl").path
        XCTAssertEqual(link(data, hardLink), 0)
        let trainer = Self.productsDirectory.appendingPathComponent("lede-train").path
        let model = directory.appendingPathComponent("m.lede").path
        let cases: [([String], String)] = [
            ([data, "--output", data, "--min-df", "1"], "same file as the input"),
            ([data, "--output", hardLink, "--min-df", "1"], "same file as the input"),
            ([data, "--output", model, "--validation", data, "--report", model, "--min-df", "1"], "name the same file"),
            (["count", data, "--output", data], "same file as the input"),
        ]
        for (arguments, message) in cases {
            let run = try TestSupport.run(trainer, arguments)
            XCTAssertNotEqual(run.status, 0, "\(arguments)")
            XCTAssertTrue(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: data)), original, "\(arguments): the data is intact")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: model), "nothing was written")
        // With distinct paths the same command works.
        let fine = try TestSupport.run(trainer, [data, "--output", model, "--min-df", "1", "--quiet"])
        XCTAssertEqual(fine.status, 0, fine.stderr)
    }
}
