import XCTest
import Lede

/// `FixedOrderBLAS` computes exactly the sums its documentation spells out, whatever the tiling.
final class FixedOrderBLASTests: XCTestCase {
    private func randomMatrix(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)  // about -1...1, full mantissas
        }
    }

    /// C[i][j] summed term by term in increasing l, in Float: the definition.
    private func naiveProduct(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for l in 0..<k {
                    let product = (transposeA ? a[l * m + i] : a[i * k + l]) * b[l * n + j]
                    sum = sum + product
                }
                c[i * n + j] = sum
            }
        }
        return c
    }

    func testMatrixProductIsTheTermByTermSumBitForBit() {
        // Edges of every tile (4 rows, 16 columns) and more than one depth block (256).
        for (m, n, k) in [(1, 1, 1), (4, 16, 256), (7, 21, 300), (13, 35, 513), (3, 5, 2), (20, 48, 1000)] {
            for transposeA in [false, true] {
                let a = randomMatrix(m * k, seed: UInt64(m * 1000 + k)), b = randomMatrix(k * n, seed: UInt64(n * 7 + k))
                var c = [Float](repeating: .nan, count: m * n)
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            FixedOrderBLAS.gemm(m: m, n: n, k: k, a: a.baseAddress!, transposeA: transposeA,
                                                b: b.baseAddress!, c: c.baseAddress!)
                        }
                    }
                }
                let expected = naiveProduct(a, b, m: m, n: n, k: k, transposeA: transposeA)
                let differing = zip(c, expected).filter { $0.bitPattern != $1.bitPattern }.count
                XCTAssertEqual(differing, 0, "\(m) x \(n) x \(k), transposeA \(transposeA): \(differing) elements differ")
            }
        }
    }

    func testDotProductSumsFourInterleavedPartialSums() {
        let x = randomMatrix(1003, seed: 3), y = randomMatrix(1003, seed: 4)
        var partial = [Double](repeating: 0, count: 4)
        for i in 0..<1000 { partial[i % 4] += Double(x[i]) * Double(y[i]) }
        for i in 1000..<1003 { partial[0] += Double(x[i]) * Double(y[i]) }
        let expected = (partial[0] + partial[1]) + (partial[2] + partial[3])
        let got = FixedOrderBLAS.dot(x, y, count: 1003)
        XCTAssertEqual(got.bitPattern, expected.bitPattern, "\(got) against \(expected)")
        XCTAssertEqual(FixedOrderBLAS.norm(x, count: 0), 0)
    }

    func testAxpyRoundsTheProductThenTheSum() {
        let x = randomMatrix(100, seed: 5)
        var y = randomMatrix(100, seed: 6)
        let expected = zip(x, y).map { x, y in y + Float(0.3) * x }
        FixedOrderBLAS.axpy(0.3, x, &y, count: 100)
        XCTAssertEqual(y.map(\.bitPattern), expected.map(\.bitPattern))
    }
}
