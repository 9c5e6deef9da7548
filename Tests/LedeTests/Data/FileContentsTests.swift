import Foundation
import XCTest
import Lede

/// A file read in chunks on several threads (as model files are) gives the bytes read in order gives.
final class FileContentsTests: XCTestCase {
    func testReadingInParallelGivesTheFilesBytes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lede-file-contents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        // Sizes around the smallest one read in parallel, and ones that end a little past or short of a 2 MiB chunk.
        for size in [(8 << 20) - 1, 8 << 20, (8 << 20) + 12_345, (10 << 20) - 5, (13 << 20) + 7] {
            var bytes = [UInt8](repeating: 0, count: size)
            for i in 0..<size {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes[i] = UInt8(truncatingIfNeeded: state >> 56)
            }
            let file = directory.appendingPathComponent("\(size).bin")
            try Data(bytes).write(to: file)
            for inParallel in [false, true] {
                let contents = try FileContents(path: file.path, inParallel: inParallel)
                XCTAssertEqual(contents.count, size, "\(size) bytes, in parallel: \(inParallel)")
                contents.withBytes { read in XCTAssertTrue(read.elementsEqual(bytes), "\(size) bytes, in parallel: \(inParallel)") }
            }
        }
    }
}
