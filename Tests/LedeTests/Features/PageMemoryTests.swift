import XCTest
import Lede

/// Page memory starts on a 2 MiB boundary (where the kernel can back it with huge pages), comes zeroed,
/// and holds what is written to every byte of it; tables of either size come zeroed and aligned.
final class PageMemoryTests: XCTestCase {
    func testPagesStartOnAHugePageBoundaryZeroedAndWritableToTheEnd() throws {
        for count in [1 << 20, (2 << 20) + 12_345, 5 << 20] {
            let pages = try XCTUnwrap(PageMemory(zeroed: count))
            XCTAssertEqual(Int(bitPattern: pages.base) % PageMemory.hugePageBytes, 0, "\(count) bytes")
            let bytes = pages.base.bindMemory(to: UInt8.self, capacity: count)
            XCTAssertTrue(UnsafeBufferPointer(start: bytes, count: count).allSatisfy { $0 == 0 }, "\(count) bytes")
            for i in stride(from: 0, to: count, by: 4093) { bytes[i] = UInt8(truncatingIfNeeded: i) }
            bytes[count - 1] = 0xA5
            for i in stride(from: 0, to: count - 1, by: 4093) { XCTAssertEqual(bytes[i], UInt8(truncatingIfNeeded: i)) }
            XCTAssertEqual(bytes[count - 1], 0xA5)
        }
        XCTAssertNil(PageMemory(zeroed: 0))
        XCTAssertNil(PageMemory(zeroed: .max))
    }

    func testTablesLargeAndSmallAreZeroedAndAligned() {
        let large = Storage<UInt8>(zeroedPages: 3 << 20)
        XCTAssertEqual(large.count, 3 << 20)
        large.withUnsafeBufferPointer { bytes in
            XCTAssertEqual(Int(bitPattern: bytes.baseAddress) % PageMemory.hugePageBytes, 0)
            XCTAssertTrue(bytes.allSatisfy { $0 == 0 })
        }
        let small = Storage<UInt8>(zeroedPages: 1000)
        XCTAssertEqual(small.count, 1000)
        small.withUnsafeBufferPointer { bytes in
            XCTAssertEqual(Int(bitPattern: bytes.baseAddress) % 64, 0, "heap tables are 64-byte aligned")
            XCTAssertTrue(bytes.allSatisfy { $0 == 0 })
        }
    }
}
