import CLedeSupport

/// The dense vector and matrix math of training, in an order of operations that Lede fixes rather than the
/// BLAS build or the CPU: the same inputs give the same bits with any BLAS library, on any x86-64 CPU.
///
/// An optimized BLAS may sum a dot product in any order and fuse a multiply with an add (OpenBLAS picks
/// its kernels by CPU), so its last bits differ between builds and machines; through an optimizer's
/// iterations those bits reach the model. Here each product and each sum is rounded once, in the order
/// each function states.
public enum FixedOrderBLAS {
    /// sum x_i * y_i in Double (each product exact): four partial sums over i mod 4, each in increasing
    /// i, then (s0 + s1) + (s2 + s3).
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= count {
            s0 += Double(x[i]) * Double(y[i])
            s1 += Double(x[i + 1]) * Double(y[i + 1])
            s2 += Double(x[i + 2]) * Double(y[i + 2])
            s3 += Double(x[i + 3]) * Double(y[i + 3])
            i += 4
        }
        while i < count {
            s0 += Double(x[i]) * Double(y[i])
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// y_i = y_i + alpha * x_i (the product rounded, then the sum).
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = y[i] + alpha * x[i] }
    }

    /// x_i = alpha * x_i
    public static func scale(_ alpha: Float, _ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = alpha * x[i] }
    }

    /// y = x
    public static func copy(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        y.update(from: x, count: count)
    }

    /// Euclidean norm: `dot(x, x)`'s square root.
    public static func norm(_ x: UnsafePointer<Float>, count: Int) -> Double {
        dot(x, x, count: count).squareRoot()
    }

    /// C = op(A) B for row-major op(A) (m x k), B (k x n), C (m x n, overwritten), where op(A) is A or, with
    /// `transposeA`, the transpose of a row-major k x m A. Each element is summed in Float in increasing k,
    /// as the reference BLAS does (`lede_gemm_fixed_order`: vectorized across columns, never across k).
    public static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, transposeA: Bool = false,
                            b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        lede_gemm_fixed_order(m, n, k, a, transposeA ? 1 : k, transposeA ? m : 1, b, n, c, n)
    }
}
