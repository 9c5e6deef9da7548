import XCTest
import Lede
#if canImport(Glibc)
import Glibc
#endif

/// `PortableMath` agrees with the C library to within one unit in the last place everywhere it is used,
/// and gives exact results where they are exact.
final class PortableMathTests: XCTestCase {
    /// The distance between two doubles in units in the last place (ordered bit patterns).
    private func ulps(_ a: Double, _ b: Double) -> UInt64 {
        func ordered(_ x: Double) -> Int64 {
            let bits = Int64(bitPattern: x.bitPattern)
            return bits < 0 ? Int64.min - bits : bits
        }
        let (x, y) = (ordered(a), ordered(b))
        return x > y ? UInt64(x &- y) : UInt64(y &- x)
    }

    private func check(_ name: String, _ portable: (Double) -> Double, _ reference: (Double) -> Double,
                       inputs: [Double], file: StaticString = #filePath, line: UInt = #line) {
        var worst: UInt64 = 0, worstInput = 0.0
        for x in inputs {
            let distance = ulps(portable(x), reference(x))
            if distance > worst { worst = distance; worstInput = x }
        }
        XCTAssertLessThanOrEqual(worst, 1, "\(name)(\(worstInput)): \(portable(worstInput)) against \(reference(worstInput))",
                                 file: file, line: line)
    }

    /// Inputs spread over `range`, seeded.
    private func samples(_ range: ClosedRange<Double>, count: Int = 200_000, logarithmic: Bool = false) -> [Double] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            if logarithmic {
                return Foundation.exp(Foundation.log(range.lowerBound) + u * (Foundation.log(range.upperBound) - Foundation.log(range.lowerBound)))
            }
            return range.lowerBound + u * (range.upperBound - range.lowerBound)
        }
    }

    func testExpIsWithinOneUlpOfTheCLibrary() {
        check("exp", PortableMath.exp, Foundation.exp, inputs: samples(-745...709.7))
        check("exp", PortableMath.exp, Foundation.exp, inputs: samples(-2...2))
        check("exp", PortableMath.exp, Foundation.exp, inputs: samples(-1e-6...1e-6))
    }

    func testLogIsWithinOneUlpOfTheCLibrary() {
        check("log", PortableMath.log, Foundation.log, inputs: samples(1e-300...1e300, logarithmic: true))
        check("log", PortableMath.log, Foundation.log, inputs: samples(0.5...2))
        check("log", PortableMath.log, Foundation.log, inputs: (1...100_000).map(Double.init))
        check("log", PortableMath.log, Foundation.log, inputs: [.leastNonzeroMagnitude, .leastNormalMagnitude / 3, .leastNormalMagnitude, .greatestFiniteMagnitude])
    }

    func testLog1pIsWithinOneUlpOfTheCLibrary() {
        check("log1p", PortableMath.log1p, Foundation.log1p, inputs: samples(0...1))
        check("log1p", PortableMath.log1p, Foundation.log1p, inputs: samples(-0.999...1e6))
        check("log1p", PortableMath.log1p, Foundation.log1p, inputs: samples(1e-300...1, logarithmic: true))
    }

    /// Bit for bit the results of fdlibm itself (Fixtures/fdlibm.txt, written by Java's StrictMath, which is
    /// fdlibm): what makes a trained model the same on every machine is that these bits never change.
    func testBitsMatchFdlibm() throws {
        let url = Bundle.module.url(forResource: "fdlibm", withExtension: "txt", subdirectory: "Fixtures")!
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1200)
        var mismatches: [String] = []
        for line in lines {
            let bits = line.split(separator: " ").map { UInt64($0, radix: 16)! }
            let x = Double(bitPattern: bits[0])
            for (name, function, expected) in [("exp", PortableMath.exp, bits[1]), ("log", PortableMath.log, bits[2]),
                                               ("log1p", PortableMath.log1p, bits[3])] as [(String, (Double) -> Double, UInt64)] {
                let got = function(x).bitPattern
                // NaNs compare by kind, not payload.
                if got != expected && !(Double(bitPattern: got).isNaN && Double(bitPattern: expected).isNaN) {
                    mismatches.append("\(name)(\(x)) = \(Double(bitPattern: got)), fdlibm \(Double(bitPattern: expected))")
                }
            }
        }
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) of 3600 differ, first: \(mismatches.prefix(5))")
    }

    func testSpecialValues() {
        XCTAssertEqual(PortableMath.exp(0), 1)
        XCTAssertEqual(PortableMath.exp(-.infinity), 0)
        XCTAssertEqual(PortableMath.exp(.infinity), .infinity)
        XCTAssertEqual(PortableMath.exp(710), .infinity)
        XCTAssertEqual(PortableMath.exp(-746), 0)
        XCTAssertTrue(PortableMath.exp(.nan).isNaN)
        XCTAssertEqual(PortableMath.log(1), 0)
        XCTAssertEqual(PortableMath.log(0), -.infinity)
        XCTAssertTrue(PortableMath.log(-1).isNaN)
        XCTAssertEqual(PortableMath.log(.infinity), .infinity)
        XCTAssertEqual(PortableMath.log1p(0), 0)
        XCTAssertEqual(PortableMath.log1p(-1), -.infinity)
        XCTAssertTrue(PortableMath.log1p(-2).isNaN)
        XCTAssertEqual(PortableMath.log1p(1e-300), 1e-300)
        // fdlibm's exp(1) is one ulp above the correctly rounded e (2.718281828459045), as Java's StrictMath.exp(1).
        XCTAssertEqual(PortableMath.exp(1), 2.7182818284590455)
        XCTAssertEqual(PortableMath.log(2), 0.6931471805599453)
        XCTAssertEqual(PortableMath.log(10), 2.302585092994046)
        XCTAssertEqual(PortableMath.log1p(1), 0.6931471805599453)
        XCTAssertEqual(PortableMath.pow(16, 0.75), 8, accuracy: 8 * 4 * Double.ulpOfOne)
    }
}
