/// The seeded random source of the generator: xoshiro256** seeded through SplitMix64.
///
/// Its own algorithm (rather than `SystemRandomNumberGenerator` or the standard library's
/// `random(in:using:)` helpers, whose algorithms may change) keeps datasets byte-identical for a
/// seed across runs and releases. Each image gets its own stream, derived from the dataset seed and
/// the image index, so images can be generated in parallel without changing the result.
struct SynthRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator for stream `stream` of `seed`; different streams are statistically independent.
    init(seed: UInt64, stream: UInt64 = 0) {
        var state = Self.mix(seed ^ Self.mix(stream &+ 0x6A09_E667_F3BC_C909))
        func splitMix() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return Self.mix(state)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// SplitMix64's output function: a bijective 64-bit hash.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits (xoshiro256**).
    @inline(__always)
    mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform integer in `0..<bound` (`bound` > 0), by the multiply-high method.
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(UInt64(bound).multipliedFullWidth(by: next()).high)
    }

    /// A uniform integer in `range`.
    @inline(__always)
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform float in `[0, 1)` with 24 random bits.
    @inline(__always)
    mutating func unit() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform float in `[lower, upper)`.
    @inline(__always)
    mutating func uniform(_ lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * unit()
    }

    /// A float in `[-amplitude, amplitude]`, triangular (the sum of two uniforms), so small
    /// perturbations are more likely than large ones without the unbounded tails of a Gaussian.
    @inline(__always)
    mutating func wobble(_ amplitude: Float) -> Float {
        amplitude * (unit() + unit() - 1)
    }

    /// `true` with probability `probability`.
    @inline(__always)
    mutating func chance(_ probability: Float) -> Bool { unit() < probability }
}
