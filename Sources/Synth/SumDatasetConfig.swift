/// The settings of a synthetic "sum of digits" dataset in the row layout.
///
/// Each image is 28 px high and `28 × slots` px wide. It holds `k` digits, `k` uniform in
/// `minDigits...maxDigits`, in `k` distinct random slots, each shifted by up to `jitter` px on
/// each axis; its label is the sum of the digits. This mirrors `compose_row.py`.
public struct SumDatasetConfig: Sendable, Hashable {
    /// Number of images.
    public var count: Int
    /// Fewest and most digits in one image.
    public var minDigits: Int
    public var maxDigits: Int
    /// 28-px cells per row; the image is `28 × slots` px wide.
    public var slots: Int
    /// Largest shift of a digit from its cell, in pixels, on each axis.
    public var jitter: Int
    /// Same seed, same settings and same pool ⇒ byte-identical images and labels.
    public var seed: UInt64

    public init(count: Int, minDigits: Int = 1, maxDigits: Int = 5, slots: Int = 5, jitter: Int = 2, seed: UInt64 = 0) {
        self.count = count
        self.minDigits = minDigits
        self.maxDigits = maxDigits
        self.slots = slots
        self.jitter = jitter
        self.seed = seed
    }

    /// Digits are 28×28 and so is every slot.
    public static let side = 28
    /// A shift beyond half a cell would put a digit mostly into its neighbour's slot.
    public static let maxJitter = side / 2

    /// Image height and width in pixels.
    public var height: Int { Self.side }
    public var width: Int { Self.side * slots }

    /// Number of label classes: sums `0...9 × maxDigits`.
    public var classes: Int { 9 * maxDigits + 1 }

    /// Throws a `SynthError` naming the first setting that cannot work.
    public func validate() throws(SynthError) {
        guard count >= 1 else { throw SynthError("the number of images must be at least 1, got \(count)") }
        guard slots >= 1 else { throw SynthError("the number of slots must be at least 1, got \(slots)") }
        guard minDigits >= 1 else { throw SynthError("the fewest digits per image must be at least 1, got \(minDigits)") }
        guard minDigits <= maxDigits else {
            throw SynthError("the fewest digits per image (\(minDigits)) must not exceed the most (\(maxDigits))")
        }
        guard maxDigits <= slots else {
            throw SynthError("\(maxDigits) digits do not fit into \(slots) slots: the most digits per image must be at most the number of slots")
        }
        guard (0...Self.maxJitter).contains(jitter) else {
            throw SynthError("the jitter must be between 0 and \(Self.maxJitter) pixels, got \(jitter)")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: height * width)
        guard !overflow, bytes <= 1 << 40 else {
            throw SynthError("\(count) images of \(height)×\(width) pixels are too many to hold in memory")
        }
    }
}
