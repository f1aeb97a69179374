import CBLAS

/// Row-major single-precision GEMM through OpenBLAS: `C = alpha·op(A)·op(B) + beta·C`,
/// with `op(A)` of shape `[m, k]` and `op(B)` of shape `[k, n]`.
@inline(__always)
func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), 1, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
}

/// Makes every OpenBLAS call run on its calling thread: the engine parallelises over images itself,
/// one worker per core, and a multi-threaded BLAS underneath would oversubscribe the cores.
let singleThreadedBLAS: Void = openblas_set_num_threads(1)

/// The CPU kernel family OpenBLAS chose at load time (e.g. `SkylakeX`, or `Prescott` when it does
/// not recognise the CPU; `OPENBLAS_CORETYPE=SkylakeX` in the environment overrides that).
/// Only convolutions the blocked and Winograd kernels skip (im2col + sgemm) depend on it.
public var blasCoreName: String {
    openblas_get_corename().map { String(cString: $0) } ?? "unknown"
}
