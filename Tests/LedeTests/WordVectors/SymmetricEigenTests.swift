import XCTest
import Lede

final class SymmetricEigenTests: XCTestCase {
    func testEigenOfAHandMadeMatrix() {
        // [[2, 1, 0], [1, 2, 0], [0, 0, 5]]: eigenvalues 5, 3, 1 with vectors e3, (1, 1)/sqrt 2, (1, -1)/sqrt 2.
        let eigen = SymmetricEigen([2, 1, 0, 1, 2, 0, 0, 0, 5], n: 3)
        XCTAssertEqual(eigen.values[0], 5, accuracy: 1e-12)
        XCTAssertEqual(eigen.values[1], 3, accuracy: 1e-12)
        XCTAssertEqual(eigen.values[2], 1, accuracy: 1e-12)
        XCTAssertEqual(abs(eigen.vectors[2]), 1, accuracy: 1e-12)
        XCTAssertEqual(abs(eigen.vectors[3] + eigen.vectors[4]), 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(eigen.vectors[6], -eigen.vectors[7], accuracy: 1e-12)
    }

    func testEigenOfARandomMatrixReconstructsIt() {
        let n = 40
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0...i { a[i * n + j] = next(); a[j * n + i] = a[i * n + j] } }
        let eigen = SymmetricEigen(a, n: n)
        XCTAssertEqual(eigen.values, eigen.values.sorted(by: >))
        for i in 0..<n {
            let v = eigen.vectors[(i * n)..<((i + 1) * n)].map { $0 }
            for row in 0..<n {  // A v = lambda v
                let av = (0..<n).reduce(0.0) { $0 + a[row * n + $1] * v[$1] }
                XCTAssertEqual(av, eigen.values[i] * v[row], accuracy: 1e-9)
            }
            for j in 0..<n {  // orthonormal
                let dot = (0..<n).reduce(0.0) { $0 + v[$1] * eigen.vectors[j * n + $1] }
                XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-9)
            }
        }
    }
}
