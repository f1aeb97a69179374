/// A generated "sum of digits" dataset: row images, their sums, and which digit sits in which slot.
public struct SumDataset: Sendable {
    /// The settings it was made with.
    public let config: SumDatasetConfig
    /// Pixels, `(count, 28, 28 × slots)` row-major, 0 = black.
    public let images: [UInt8]
    /// Sum of the digits in each image, `(count)`.
    public let labels: [Int64]
    /// The digit placed in each slot, `(count, slots)`, or -1 for an empty slot.
    public let slotDigits: [Int8]

    /// NumPy shape of `images`: `[count, 28, 28 × slots]`.
    public var shape: [Int] { [config.count, config.height, config.width] }

    /// The digits in image `index`, left to right by slot.
    public func digits(inImage index: Int) -> [Int] {
        let row = slotDigits[index * config.slots..<(index + 1) * config.slots]
        return row.filter { $0 >= 0 }.map(Int.init)
    }
}
