import Foundation

/// Adam's hyperparameters; the defaults are `torch.optim.Adam`'s. A `weightDecay` above 0 makes
/// it AdamW (`torch.optim.AdamW`: decay decoupled from the gradient), on weights but not biases.
public struct AdamConfiguration: Sendable, Hashable {
    public var learningRate: Float = 1e-3
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }
}

/// Adam's moments over the whole parameter arena and the number of steps taken.
public struct AdamState: Sendable, Equatable {
    /// Steps taken so far (the `t` of the bias corrections).
    public var step: Int
    /// First and second moment estimates, one per parameter, in arena order.
    public var m: [Float]
    public var v: [Float]

    /// Zero moments before the first step.
    public init(parameterCount: Int) {
        step = 0
        m = [Float](repeating: 0, count: parameterCount)
        v = m
    }

    public init(step: Int, m: [Float], v: [Float]) {
        self.step = step
        self.m = m
        self.v = v
    }
}
