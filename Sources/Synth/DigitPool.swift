/// Real single digits to compose rows from, e.g. MNIST: 28×28 bytes each (0 = black background,
/// 255 = full ink) with their values 0...9.
public struct DigitPool: Sendable {
    /// Pixels, `(count, 28, 28)` row-major.
    public let images: [UInt8]
    /// The digit each image shows, `(count)`, each in `0...9`.
    public let labels: [Int]

    /// Number of digits in the pool.
    public var count: Int { labels.count }

    /// Checks that there is at least one digit, one label per image, and labels in `0...9`.
    /// `source` names where the pool came from in error messages.
    public init(images: [UInt8], labels: [Int], source: String = "the digit pool") throws(SynthError) {
        let pixels = SumDatasetConfig.side * SumDatasetConfig.side
        guard !labels.isEmpty else { throw SynthError("\(source) holds no digits") }
        guard images.count == labels.count * pixels else {
            throw SynthError("\(source) has \(labels.count) labels but \(images.count) pixels, not \(labels.count) images of 28×28")
        }
        if let bad = labels.firstIndex(where: { !(0...9).contains($0) }) {
            throw SynthError("\(source): label \(bad) is \(labels[bad]), but digit labels must be 0...9")
        }
        self.images = images
        self.labels = labels
    }

    /// The digits with indices in `range`, so train and test sets can draw from disjoint digits.
    public func slice(_ range: Range<Int>) throws(SynthError) -> DigitPool {
        guard range.lowerBound >= 0, range.upperBound <= count, !range.isEmpty else {
            throw SynthError(
                "the pool range \(range.lowerBound)..<\(range.upperBound) must be non-empty and within the pool's 0..<\(count)")
        }
        let pixels = SumDatasetConfig.side * SumDatasetConfig.side
        return try DigitPool(
            images: Array(images[range.lowerBound * pixels..<range.upperBound * pixels]),
            labels: Array(labels[range]))
    }
}
