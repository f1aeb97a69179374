import KernelInterface

extension Kernels {
    /// One Adam step over the arena (`AdamStep` gives the order of operations, PyTorch's).
    ///
    /// No subnormal floats: gradients below 1e-19 (whose square would be subnormal) and moments
    /// below 1e-30 are taken as 0. Moments of weights that stop receiving gradient decay into the
    /// subnormal range within a few hundred steps, and on x86 every operation on a subnormal costs
    /// ~100 cycles: on the seed network this loop had grown to half of all training time by the
    /// fourth epoch. What is dropped changes an update by less than 1e-20 (it is divided by √v + ε).
    ///
    /// One register of lanes at a time, each lane computing exactly what the scalar tail does.
    public static func adamUpdate(
        _ step: AdamStep, parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
        m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, count: Int
    ) {
        let stepSize = step.stepSize
        let correction2 = step.correction2
        let epsilon = step.epsilon
        let oneMinusBeta1 = 1 - step.beta1
        let beta2 = step.beta2
        let oneMinusBeta2 = 1 - step.beta2
        typealias V = Lane
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
    private static func flushedLanes(_ x: Lane, below floor: Float) -> Lane {
        x.replacing(with: 0, where: (x .< floor) .& (x .> -floor))
    }
}
