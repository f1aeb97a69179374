/// Backward pass of a fully connected layer on a batch of row vectors (`Y[N, out] = X[N, in] · Wᵀ + b`),
/// with OpenBLAS. The forward pass is `blockedDenseForward`.

/// Backward: accumulates dW += dYᵀ·X and db += Σ dY into `gradients` (arena layout) and, if
/// `inputGradient` is given, overwrites it with dY·W. `outputGradient` must include the ReLU mask.
func denseBackward(
    _ g: DenseGeometry, parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
    input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?, rows: Int
) {
    let out = g.outFeatures, fin = g.inFeatures
    gemm(transposeA: true, transposeB: false, m: out, n: fin, k: rows,
         a: outputGradient, lda: out, b: input, ldb: fin, beta: 1, c: gradients + g.weight, ldc: fin)
    let biasGradient = gradients + g.bias
    for r in 0..<rows {
        let row = outputGradient + r * out
        for j in 0..<out { biasGradient[j] += row[j] }
    }
    guard let inputGradient else { return }
    gemm(transposeA: false, transposeB: false, m: rows, n: fin, k: out,
         a: outputGradient, lda: out, b: parameters + g.weight, ldb: fin, beta: 0, c: inputGradient, ldc: fin)
}
