/// Single handwriting-like digits drawn from strokes, for inspection, tests and documentation.
public enum SyntheticDigit {
    /// One 28×28 image of `digit` (0...9), row-major bytes, white ink on black.
    /// The same `digit` and `seed` give the same pixels; different seeds give different handwriting.
    public static func render(_ digit: Int, seed: UInt64) -> [UInt8] {
        precondition((0...9).contains(digit), "a digit is 0...9, got \(digit)")
        var rng = SynthRandom(seed: seed, stream: UInt64(digit))
        var renderer = DigitRenderer()
        let side = SumDatasetConfig.side
        return [UInt8](unsafeUninitializedCapacity: side * side) { buffer, initialized in
            renderer.render(digit, rng: &rng, into: buffer.baseAddress!)
            initialized = side * side
        }
    }
}
