/// A generated "sum of digits" dataset: images, their sums, and which digit sits in which place.
public struct SumDataset: Sendable {
    /// The settings it was made with.
    public let config: SumDatasetConfig
    /// Pixels, `(count, height, width)` row-major, 0 = black.
    public let images: [UInt8]
    /// Sum of the digits in each image, `(count)`.
    public let labels: [Int64]
    /// The digit in each place (`config.places`: a row's slots, or a square's digits in placing
    /// order), `(count, places)`, or -1 for an empty one.
    public let slotDigits: [Int8]

    /// NumPy shape of `images`: `[count, height, width]`.
    public var shape: [Int] { [config.count, config.height, config.width] }

    /// The digits in image `index`, by place.
    public func digits(inImage index: Int) -> [Int] {
        let row = slotDigits[index * config.places..<(index + 1) * config.places]
        return row.filter { $0 >= 0 }.map(Int.init)
    }
}
