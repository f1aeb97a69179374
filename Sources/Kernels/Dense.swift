import KernelInterface

/// Backward pass of a fully connected layer on a batch of row vectors (`Y[N, out] = X[N, in] · Wᵀ + b`),
/// on `tiledProduct`'s register tiles. The forward pass is `blockedDenseForward`.

extension Kernels {
    /// Backward: accumulates dW += dYᵀ·X and db += Σ dY into `gradients` (arena layout) and, if
    /// `inputGradient` is given, overwrites it with dY·W. `outputGradient` must include the ReLU mask.
    /// With `accumulateWeights: false`, dW is overwritten instead, so a training step need not zero
    /// the largest part of its gradient arena first (fc1's weights are 97% of the seed network's).
    public static func denseBackward(
        _ g: DenseGeometry, parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?, rows: Int,
        accumulateWeights: Bool = true
    ) {
        let out = g.outFeatures
        let fin = g.inFeatures
        // dW[out, in] (+)= dYᵀ[out, rows] · X[rows, in]: row o of dYᵀ is column o of dY.
        tiledProduct(
            m: out, n: fin, k: rows, a: outputGradient, aRowStride: 1, aDepthStride: out,
            b: input, c: gradients + g.weight, accumulate: accumulateWeights)
        let biasGradient = gradients + g.bias
        for r in 0..<rows {
            let row = outputGradient + r * out
            for j in 0..<out { biasGradient[j] += row[j] }
        }
        guard let inputGradient else { return }
        // dX[rows, in] = dY[rows, out] · W[out, in].
        tiledProduct(
            m: rows, n: fin, k: out, a: outputGradient, aRowStride: out, aDepthStride: 1,
            b: parameters + g.weight, c: inputGradient, accumulate: false)
    }
}
