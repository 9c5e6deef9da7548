import Foundation
import XCTest
import Lede

/// A file read in two halves at once (as model files are) gives the bytes read in order gives.
final class FileContentsTests: XCTestCase {
    func testReadingInHalvesGivesTheFilesBytes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lede-file-contents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        // Sizes around the smallest one read in halves and the 2 MiB boundary the upper half starts at.
        for size in [(8 << 20) - 1, 8 << 20, (8 << 20) + 12_345, (13 << 20) + 7] {
            var bytes = [UInt8](repeating: 0, count: size)
            for i in 0..<size {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes[i] = UInt8(truncatingIfNeeded: state >> 56)
            }
            let file = directory.appendingPathComponent("\(size).bin")
            try Data(bytes).write(to: file)
            for inHalves in [false, true] {
                let contents = try FileContents(path: file.path, inHalves: inHalves)
                XCTAssertEqual(contents.count, size, "\(size) bytes, in halves: \(inHalves)")
                contents.withBytes { read in XCTAssertTrue(read.elementsEqual(bytes), "\(size) bytes, in halves: \(inHalves)") }
            }
        }
    }
}
