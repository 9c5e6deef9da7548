import Foundation
import XCTest
import Lede

/// The weight slots' layout and their binary16 rounding.
final class WeightRowsTests: XCTestCase {
    func testLayoutKeepsFloat32WhileItFitsInALine() {
        XCTAssertEqual([1, 3, 4, 12].map { WeightRows(labels: $0).precision }, [.float32, .float32, .float32, .float32])
        XCTAssertEqual([13, 20, 24, 90].map { WeightRows(labels: $0).precision }, [.float16, .float16, .float16, .float16])
        XCTAssertEqual([3, 12, 20, 24, 25, 90].map { WeightRows(labels: $0).stride }, [32, 64, 64, 64, 128, 256])
        for labels in 1...200 {
            let rows = WeightRows(labels: labels)
            let bytes = VocabularyTable.slotHeaderBytes + rows.lanes * (rows.precision == .float32 ? 4 : 2)
            XCTAssertLessThanOrEqual(bytes, rows.stride, "\(labels) labels: whole vector lanes fit in the slot")
            XCTAssertEqual(rows.lanes % (rows.precision == .float32 ? 4 : 8), 0)
        }
    }

    /// Stored and read back, a binary16 weight is the value rounded to nearest even, as Swift's Float16
    /// rounds it; beyond the largest half it saturates instead of becoming infinite.
    func testBinary16RoundsToNearestEvenAndSaturates() {
        let rows = WeightRows(labels: 20)
        var state: UInt64 = 5
        var values: [Float] = [0, -0.0, 1, -1, 0x1p-24, 0x1p-25, 0x1.8p-25, 0x1p-14, 0x1.ffcp-15, 65504, 65519, -65519,
                               1 + 0x1p-11, 1 + 0x1.8p-11, 2049, 2051, 6.1e-5, 3.14159, -2.71828]
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let exponent = Float(Int(state >> 58) - 30)  // 2^-30 ... 2^33
            let mantissa = Float(state >> 40 & 0xFFFFFF) / Float(1 << 24) + 1
            values.append((state & 1 == 0 ? 1 : -1) * mantissa * Float(pow(2.0, Double(exponent))))
        }
        let slot = UnsafeMutableRawPointer.allocate(byteCount: rows.stride, alignment: 64)
        defer { slot.deallocate() }
        for start in stride(from: 0, to: values.count - 20, by: 20) {
            let row = Array(values[start..<start + 20])
            row.withUnsafeBufferPointer { rows.store($0.baseAddress!, into: slot) }
            for (label, value) in row.enumerated() {
                let stored = rows.weight(UnsafeRawPointer(slot), label: label)
                let expected: Float = abs(value) >= 65520 ? (value < 0 ? -65504 : 65504) : Float(Float16(value))
                XCTAssertEqual(stored.bitPattern, expected.bitPattern, "\(value)")
            }
        }
    }
}
