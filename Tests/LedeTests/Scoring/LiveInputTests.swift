import Foundation
import XCTest

/// `lede-classify` reading live input (a feed piped in, a terminal): each record comes out as soon as its
/// line is in, without waiting for more input; a terminal with nothing to read is told so and Ctrl-C ends it.
final class LiveInputTests: XCTestCase {
    private var classifier: String { Bundle.main.bundleURL.appendingPathComponent("lede-classify").path }

    /// Reads what `fd` delivers until `lines` newlines have arrived or `seconds` pass.
    private func readLines(_ fd: Int32, _ lines: Int, within seconds: Double) -> String {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.filter({ $0 == 0x0A }).count < lines {
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard left > 0, poll(&descriptor, 1, left) > 0 else { break }
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            received += buffer[0..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }

    func testEachRecordFollowsItsLineWhileTheFeedStaysOpen() throws {
        for format in ["jsonl", "lines", "tsv"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: classifier)
            process.arguments = ["--quiet", "--input-format", format, "-"]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let lines = [
                "jsonl": [#"{"id": "a", "text": "UN imposes sanctions on North Korea"}"#, #"{"id": "b", "text": "Troops shelled the city"}"#],
                "lines": ["UN imposes sanctions on North Korea", "Troops shelled the city"],
                "tsv": ["a\tUN imposes sanctions on North Korea", "b\tTroops shelled the city"],
            ][format]!
            let outputFD = output.fileHandleForReading.fileDescriptor
            for (index, line) in lines.enumerated() {
                // The feed stays open: the record must come without more input and without the end of input.
                input.fileHandleForWriting.write(Data((line + "\n").utf8))
                let sent = Date()
                let record = readLines(outputFD, 1, within: 10)
                let latency = Date().timeIntervalSince(sent)
                XCTAssertTrue(record.hasSuffix("}\n"), "\(format): record \(index + 1) written while the feed is open: \(record)")
                XCTAssertTrue(record.contains(format == "lines" ? #""id": "\#(index + 1)""# : #""id": "\#(["a", "b"][index])""#), record)
                XCTAssertLessThan(latency, 5, "\(format): record \(index + 1) came \(latency) s after its line")
            }
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
        }
    }

    func testAFeedInFilesModeStillGivesOneDocumentAtItsEnd() throws {
        let run = try TestSupport.run("/bin/sh", ["-c", "(echo 'UN imposes'; sleep 0.3; echo 'sanctions on Iran') | \"$0\" --quiet", classifier])
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stdout.split(separator: "\n").count, 1, run.stdout)
        let record = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(record?["id"] as? String, "-")
        XCTAssertTrue((record?["labels"] as? [String])?.contains("sanctions") == true, "both lines make the document: \(run.stdout)")
    }

    /// A pseudo-terminal: the controller's descriptor and the terminal's path. (Swift's Glibc module
    /// leaves out the X/Open terminal calls, so they are looked up by name.)
    private func openTerminal() throws -> (controller: Int32, terminal: String) {
        typealias Open = @convention(c) (Int32) -> Int32
        typealias Name = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        guard let openSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_openpt"),
              let grantSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "grantpt"),
              let unlockSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "unlockpt"),
              let nameSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "ptsname") else {
            throw XCTSkip("the C library has no posix_openpt: the terminal case cannot be tested")
        }
        let controller = unsafeBitCast(openSymbol, to: Open.self)(O_RDWR | O_NOCTTY)
        guard controller >= 0, unsafeBitCast(grantSymbol, to: Open.self)(controller) == 0,
              unsafeBitCast(unlockSymbol, to: Open.self)(controller) == 0,
              let name = unsafeBitCast(nameSymbol, to: Name.self)(controller) else {
            throw XCTSkip("no pseudo-terminal on this machine (posix_openpt failed): the terminal case cannot be tested")
        }
        return (controller, String(cString: name))
    }

    func testATerminalWithNothingToReadIsToldSoAndCtrlCEndsIt() throws {
        for (signal, status) in [(SIGINT, 130), (SIGTERM, 143)] as [(Int32, Int32)] {
            let (controller, terminal) = try openTerminal()
            defer { close(controller) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: classifier)
            let errors = Pipe()
            process.standardInput = FileHandle(forReadingAtPath: terminal)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            let note = readLines(errors.fileHandleForReading.fileDescriptor, 1, within: 10)
            XCTAssertTrue(note.contains("reading standard input") && note.contains("Ctrl-D"), "a note on stderr: \(note)")
            let sent = Date()
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, status, "signal \(signal) while waiting on a terminal")
            XCTAssertLessThan(Date().timeIntervalSince(sent), 5)
        }
    }
}
