import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// The dense vector math of training, through the system's CBLAS (`libblas.so`: the reference BLAS, or
/// OpenBLAS when Debian's alternatives point there). This is the only file that imports CBLAS.
///
/// Lede runs its own threads, so OpenBLAS is kept to one thread of its own: no oversubscription, and
/// results that do not depend on how many threads OpenBLAS would have picked.
public enum BLAS {
    private static let configured: Bool = {
        typealias SetThreads = @convention(c) (Int32) -> Void
        let process = dlopen(nil, RTLD_NOW)  // the program and every library it loaded
        if let symbol = dlsym(process, "openblas_set_num_threads") {
            unsafeBitCast(symbol, to: SetThreads.self)(1)
        }
        return true
    }()

    @inline(__always)
    private static func ensureConfigured() { _ = configured }

    /// sum x_i * y_i, accumulated in Double (`cblas_dsdot`).
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Double {
        ensureConfigured()
        return cblas_dsdot(Int32(count), x, 1, y, 1)
    }

    /// y += alpha * x (`cblas_saxpy`).
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        ensureConfigured()
        cblas_saxpy(Int32(count), alpha, x, 1, y, 1)
    }

    /// x *= alpha (`cblas_sscal`).
    public static func scale(_ alpha: Float, _ x: UnsafeMutablePointer<Float>, count: Int) {
        ensureConfigured()
        cblas_sscal(Int32(count), alpha, x, 1)
    }

    /// y = x (`cblas_scopy`).
    public static func copy(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        ensureConfigured()
        cblas_scopy(Int32(count), x, 1, y, 1)
    }

    /// Euclidean norm, accumulated in Double.
    public static func norm(_ x: UnsafePointer<Float>, count: Int) -> Double {
        dot(x, x, count: count).squareRoot()
    }

    /// C = alpha * op(A) * B + beta * C for row-major op(A) (m x k), B (k x n), C (m x n), where op(A) is A
    /// or, with `transposeA`, the transpose of a row-major k x m A (`cblas_sgemm`).
    public static func gemm(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, transposeA: Bool = false,
                            b: UnsafePointer<Float>, beta: Float, c: UnsafeMutablePointer<Float>) {
        ensureConfigured()
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(transposeA ? m : k), b, Int32(n), beta, c, Int32(n))
    }
}
