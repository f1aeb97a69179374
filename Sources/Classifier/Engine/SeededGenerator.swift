/// A small, fast, seeded random number generator (SplitMix64) whose stream is fixed forever.
///
/// Weight initialisation, data splits and shuffles all draw from it, so a run is reproducible from
/// its seed on any machine and Swift version (the standard library's generators promise neither).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits (Steele, Lea & Flood's SplitMix64 finaliser).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform `Float` in `[0, 1)` built from the top 24 bits of one draw (every value is exact).
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform `Float` in `[-bound, bound)`.
    public mutating func nextFloat(symmetricBound bound: Float) -> Float {
        (2 * nextUnitFloat() - 1) * bound
    }

    /// A uniform integer in `0..<upperBound` without modulo bias (Lemire's method).
    public mutating func nextIndex(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "nextIndex(below:) needs a positive bound")
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// Fisher–Yates shuffle with this generator's stream (the same order for the same seed, always).
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ items: inout C) where C.Index == Int {
        guard items.count > 1 else { return }
        let start = items.startIndex
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = nextIndex(below: i + 1)
            items.swapAt(start + i, start + j)
        }
    }
}
