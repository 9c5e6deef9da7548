import Foundation
import XCTest
import Lede

/// The Spark integration in local mode (integrations/spark): output equal to one lede-classify process, and
/// partition counts merged equal to one pass. Needs PySpark, Java and ../shared/corpora; skipped otherwise.
final class SparkTests: XCTestCase {
    func testSparkLocalModeMatchesOneProcess() throws {
        let shared = try TestSupport.requireShared()
        let probe = try TestSupport.run("/usr/bin/env", ["python3", "-c", "import pyspark, shutil, sys; sys.exit(0 if shutil.which('java') else 1)"])
        guard probe.status == 0 else {
            throw XCTSkip("PySpark or Java is not installed (pip install pyspark; Java 17): the Spark integration is not run")
        }
        let root = TestSupport.packageRoot
        let run = try TestSupport.run("/usr/bin/env", [
            "python3", root.appendingPathComponent("integrations/spark/run_local.py").path, "--quick",
            "--corpora", shared.appendingPathComponent("corpora").path,
            "--bin", CommandLineTests.productsDirectory.path,
            "--work", try TestSupport.temporaryDirectory().path,
        ])
        let output = run.stdout
        XCTAssertEqual(run.status, 0, output + run.stderr.suffix(2000))
        XCTAssertTrue(output.contains("Spark output equals one process after sorting by id: yes"), output)
        XCTAssertTrue(output.contains("merged, equal to one pass"), output)
        print(output)
    }
}
