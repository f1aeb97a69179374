/// ReLU forward and the ReLU mask used by every backward pass.

/// `output[i] = max(input[i], 0)`.
func reluForward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = max(input[i], 0) }
}

/// Zeroes `gradient[i]` where the ReLU output `activation[i]` is 0 (PyTorch: the gradient of ReLU
/// at x ≤ 0 is 0, and x > 0 exactly when the output is positive).
func reluMask(_ gradient: UnsafeMutablePointer<Float>, activation: UnsafePointer<Float>, count: Int) {
    for i in 0..<count where !(activation[i] > 0) { gradient[i] = 0 }
}
