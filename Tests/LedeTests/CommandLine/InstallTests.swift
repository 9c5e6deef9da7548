import Foundation
import XCTest

/// `scripts/install.sh` puts both commands and the shipped model under a prefix; the installed
/// `lede-classify`, found through `PATH` from another directory, finds its model without `--model`.
final class InstallTests: XCTestCase {
    func testTheInstalledCommandFoundThroughPATHFindsTheShippedModel() throws {
        let prefix = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: prefix) }
        let script = TestSupport.packageRoot.appendingPathComponent("scripts/install.sh").path
        let install = try TestSupport.run("/bin/bash", [script, prefix.path], environment: ["LEDE_BIN": Bundle.main.bundleURL.path])
        XCTAssertEqual(install.status, 0, install.stderr)
        for file in ["bin/lede-classify", "bin/lede-train", "share/lede/topics.lede"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(file).path), "installed \(file)")
        }
        let elsewhere = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        try TestSupport.write("The UN imposed new sanctions on North Korea's oil imports.", to: elsewhere.appendingPathComponent("article.txt"))
        // A bare command name, resolved through PATH, run from a directory with no models/ in it; LEDE_MODEL unset.
        let path = prefix.appendingPathComponent("bin").path + ":/usr/bin:/bin"
        let run = try TestSupport.run("/usr/bin/env", ["-u", "LEDE_MODEL", "PATH=\(path)", "/bin/sh", "-c", "cd \"$0\" && lede-classify --quiet article.txt", elsewhere.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix(#"{"id": "article.txt", "labels": ["#) && run.stdout.contains(#""sanctions""#), run.stdout)
        // Without the model beside it, the error says where it looked and how to fix it.
        try FileManager.default.removeItem(at: prefix.appendingPathComponent("share/lede/topics.lede"))
        let missing = try TestSupport.run("/usr/bin/env", ["-u", "LEDE_MODEL", "PATH=\(path)", "/bin/sh", "-c", "cd \"$0\" && lede-classify article.txt", elsewhere.path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("share/lede") && missing.stderr.contains("--model"), missing.stderr)
    }
}
