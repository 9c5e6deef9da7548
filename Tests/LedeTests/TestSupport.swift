import Foundation
import XCTest
import Lede

/// Paths and helpers shared by the tests.
enum TestSupport {
    /// The package root (three levels above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the package root, if present.
    static var shared: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("corpora").path) ? url : nil
    }

    /// Skips the test with a clear message when `../shared` is absent.
    static func requireShared() throws -> URL {
        guard let shared else {
            throw XCTSkip("../shared/corpora is not present beside the package (it holds the benchmark corpora); skipping real-data check")
        }
        return shared
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lede-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    /// Tokens of `text` as strings.
    static func tokens(_ text: String) -> [String] {
        tokens(Array(text.utf8))
    }

    static func tokens(_ bytes: [UInt8], chunk: Int? = nil) -> [String] {
        let tokenizer = Tokenizer()
        var out: [String] = []
        let emit: (UnsafeRawBufferPointer) -> Void = { out.append(String(decoding: $0, as: UTF8.self)) }
        bytes.withUnsafeBytes { raw in
            let size = chunk ?? max(raw.count, 1)
            var start = 0
            while start < raw.count {
                let end = min(raw.count, start + size)
                tokenizer.feed(UnsafeRawBufferPointer(rebasing: raw[start..<end]), emit: emit)
                start = end
            }
        }
        tokenizer.finish(emit: emit)
        return out
    }

    /// A small multi-label training set, written as JSONL.
    static func toyMultiLabel(in directory: URL) throws -> URL {
        var lines: [String] = []
        let sanction = ["sanctions embargo imposed", "new sanctions on oil exports", "embargo and asset freeze"]
        let war = ["troops attack border town", "shelling and fighting continue", "army offensive kills soldiers"]
        let other = ["football match ends in draw", "new phone released today", "film wins award at festival"]
        for round in 0..<12 {
            for (i, s) in sanction.enumerated() { lines.append(#"{"id": "s\#(round)-\#(i)", "text": "\#(s) round \#(round)", "labels": ["sanctions"]}"#) }
            for (i, w) in war.enumerated() { lines.append(#"{"id": "w\#(round)-\#(i)", "text": "\#(w) day \#(round)", "labels": ["conflict"]}"#) }
            for (i, o) in other.enumerated() { lines.append(#"{"id": "o\#(round)-\#(i)", "text": "\#(o) week \#(round)", "labels": []}"#) }
            lines.append(#"{"id": "b\#(round)", "text": "sanctions after troops attack border \#(round)", "labels": ["sanctions", "conflict"]}"#)
        }
        let url = directory.appendingPathComponent("toy.jsonl")
        try write(lines.joined(separator: "\n") + "\n", to: url)
        return url
    }

    /// A finished process's status and output.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments` (and `stdin`), reading its two outputs concurrently; `environment`
    /// adds to (or overrides) this process's variables.
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil,
                    environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // stderr drains on another thread, so that neither pipe fills up while the other is read.
        final class Collected: @unchecked Sendable { var data = Data() }
        let stderrData = Collected()
        let stderrDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            stderrData.data = err.fileHandleForReading.readDataToEndOfFile()
            stderrDone.signal()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        stderrDone.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: stderrData.data, as: UTF8.self))
    }
}

