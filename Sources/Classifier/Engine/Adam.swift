import Foundation

/// Adam's hyperparameters; the defaults are `torch.optim.Adam`'s.
public struct AdamConfiguration: Sendable, Hashable {
    public var learningRate: Float = 1e-3
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
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

/// One Adam step over the arena, in the order of operations PyTorch's single-tensor Adam uses:
/// `m ← m + (1−β1)(g − m)`, `v ← β2·v + (1−β2)·g²`,
/// `p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)`, the bias corrections computed in Double.
///
/// No subnormal floats: gradients below 1e-19 (whose square would be subnormal) and moments
/// below 1e-30 are taken as 0. Moments of weights that stop receiving gradient decay into the
/// subnormal range within a few hundred steps, and on x86 every operation on a subnormal costs
/// ~100 cycles: on the seed network this loop had grown to half of all training time by the
/// fourth epoch. What is dropped changes an update by less than 1e-20 (it is divided by √v + ε).
///
/// Sixteen lanes at a time, each lane computing exactly what the scalar tail does.
func adamUpdate(
    _ config: AdamConfiguration, step: Int, parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
    m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, count: Int
) {
    let t = Double(step)
    let stepSize = Float(Double(config.learningRate) / (1 - pow(Double(config.beta1), t)))
    let correction2 = Float((1 - pow(Double(config.beta2), t)).squareRoot())
    let oneMinusBeta1 = 1 - config.beta1, beta2 = config.beta2, oneMinusBeta2 = 1 - config.beta2, epsilon = config.epsilon
    typealias V = SIMD16<Float>
    let size = MemoryLayout<Float>.stride
    var i = 0
    while i &+ V.scalarCount <= count {
        let offset = i &* size
        let g = flushedLanes(UnsafeRawPointer(gradients).loadUnaligned(fromByteOffset: offset, as: V.self), below: 1e-19)
        let oldM = UnsafeRawPointer(m).loadUnaligned(fromByteOffset: offset, as: V.self)
        let oldV = UnsafeRawPointer(v).loadUnaligned(fromByteOffset: offset, as: V.self)
        let mi = flushedLanes(oldM + oneMinusBeta1 * (g - oldM), below: 1e-30)
        let vi = flushedLanes(beta2 * oldV + oneMinusBeta2 * g * g, below: 1e-30)
        UnsafeMutableRawPointer(m).storeBytes(of: mi, toByteOffset: offset, as: V.self)
        UnsafeMutableRawPointer(v).storeBytes(of: vi, toByteOffset: offset, as: V.self)
        let p = UnsafeMutableRawPointer(parameters).loadUnaligned(fromByteOffset: offset, as: V.self)
        let update = stepSize * mi / (vi.squareRoot() / correction2 + epsilon)
        UnsafeMutableRawPointer(parameters).storeBytes(of: p - update, toByteOffset: offset, as: V.self)
        i &+= V.scalarCount
    }
    @inline(__always) func flushed(_ x: Float, below floor: Float) -> Float { abs(x) < floor ? 0 : x }
    while i < count {
        let g = flushed(gradients[i], below: 1e-19)
        let mi = flushed(m[i] + oneMinusBeta1 * (g - m[i]), below: 1e-30)
        let vi = flushed(beta2 * v[i] + oneMinusBeta2 * g * g, below: 1e-30)
        m[i] = mi
        v[i] = vi
        parameters[i] -= stepSize * mi / (vi.squareRoot() / correction2 + epsilon)
        i &+= 1
    }
}

/// `x` with the lanes whose magnitude is below `floor` set to 0 (what the scalar `flushed` does per lane).
@inline(__always)
private func flushedLanes(_ x: SIMD16<Float>, below floor: Float) -> SIMD16<Float> {
    x.replacing(with: 0, where: (x .< floor) .& (x .> -floor))
}
