import Foundation
import XCTest
import Lede

/// The Spark integration in local mode (integrations/spark): output equal to one lede-classify process, and
/// partition counts merged equal to one pass. Needs PySpark, Java and ../shared/corpora; skipped otherwise.
final class SparkTests: XCTestCase {
    func testSparkLocalModeMatchesOneProcess() throws {
        let shared = try TestSupport.requireShared()
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import pyspark, shutil, sys; sys.exit(0 if shutil.which('java') else 1)"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            throw XCTSkip("PySpark or Java is not installed (pip install pyspark; Java 17): the Spark integration is not run")
        }
        let root = TestSupport.packageRoot
        let run = Process()
        run.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        run.arguments = ["python3", root.appendingPathComponent("integrations/spark/run_local.py").path, "--quick",
                         "--corpora", shared.appendingPathComponent("corpora").path,
                         "--bin", CommandLineTests.productsDirectory.path,
                         "--work", try TestSupport.temporaryDirectory().path]
        let out = Pipe()
        run.standardOutput = out
        run.standardError = FileHandle.nullDevice
        try run.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("Spark output equals one process after sorting by id: yes"), output)
        XCTAssertTrue(output.contains("merged, equal to one pass"), output)
        print(output)
    }
}
