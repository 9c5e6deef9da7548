import Foundation
import XCTest
import Lede

/// A directory is walked one entry at a time, in sorted depth-first order: files (with their sizes, a
/// link's target's), links to files followed, links to directories not, dangling links reported as files.
final class DirectoryWalkTests: XCTestCase {
    func testStepsComeInSortedDepthFirstOrderWithTheLinkRules() throws {
        let root = try TestSupport.temporaryDirectory().appendingPathComponent("tree")
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("b"), withIntermediateDirectories: true)
        try manager.createDirectory(at: root.appendingPathComponent("z/nested"), withIntermediateDirectories: true)
        try manager.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        for (path, text) in [("a.txt", "four"), ("b/c.txt", "c"), ("b/a.txt", "twelve bytes"), ("z/nested/x.txt", "x!")] {
            try TestSupport.write(text, to: root.appendingPathComponent(path))
        }
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("link-to-z").path, withDestinationPath: "z")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("file-link").path, withDestinationPath: "a.txt")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("dangling").path, withDestinationPath: "nothing")

        var walk = try DirectoryWalk(RawPath(root.path))
        var steps: [String] = []
        while let step = walk.next() {
            switch step {
            case .file(let path, let bytes): steps.append("\(path.description.dropFirst(root.path.count + 1)) \(bytes)")
            case .unreadable(let path, let error): steps.append("unreadable \(path) \(error)")
            }
        }
        XCTAssertEqual(steps, ["a.txt 4", "b/a.txt 12", "b/c.txt 1", "dangling 0", "file-link 4", "z/nested/x.txt 2"])
        XCTAssertNil(walk.next(), "a finished walk stays finished")

        var listed: [String] = []
        try FileSystem.walk(RawPath(root.path), { path, bytes in listed.append("\(path.description.dropFirst(root.path.count + 1)) \(bytes)") },
                            unreadable: { path, _ in listed.append("unreadable \(path)") })
        XCTAssertEqual(listed, steps, "FileSystem.walk lists what the walk steps through")
        XCTAssertThrowsError(try DirectoryWalk(RawPath(root.appendingPathComponent("missing").path)))
    }
}
