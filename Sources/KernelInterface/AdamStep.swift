/// The constants of one Adam step, in the order of operations PyTorch's single-tensor Adam uses:
/// `m ← m + (1−β1)(g − m)`, `v ← β2·v + (1−β2)·g²`, `p ← p − stepSize · m / (√v / correction2 + ε)`,
/// with `stepSize = lr / (1−β1ᵗ)` and `correction2 = √(1−β2ᵗ)` computed in Double by the caller.
public struct AdamStep: Sendable {
    public var stepSize: Float
    public var correction2: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float

    public init(stepSize: Float, correction2: Float, beta1: Float, beta2: Float, epsilon: Float) {
        self.stepSize = stepSize
        self.correction2 = correction2
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}
