/// A seeded split of `count` samples into training and validation indices.
///
/// The indices are shuffled with `SeededGenerator(seed:)`, then the last `round(count × validationFraction)`
/// become the validation set (at least one when `validationFraction > 0` and `count ≥ 2`).
public struct DataSplit: Sendable, Equatable {
    public var training: [Int]
    public var validation: [Int]

    public init(count: Int, validationFraction: Double, seed: UInt64) {
        var order = Array(0..<count)
        var generator = SeededGenerator(seed: seed ^ 0x5EED_5B11_7000_0000)
        generator.shuffle(&order)
        var validationCount = Int((Double(count) * validationFraction).rounded())
        if validationFraction > 0, count >= 2 { validationCount = min(max(validationCount, 1), count - 1) }
        training = Array(order[..<(count - validationCount)])
        validation = Array(order[(count - validationCount)...])
    }
}
