/// The settings of a synthetic "sum of digits" dataset.
///
/// Row layout (`square == nil`): each image is 28 px high and `28 × slots` px wide. It holds `k`
/// digits, `k` uniform in `minDigits...maxDigits`, in `k` distinct random slots, each shifted by up
/// to `jitter` px on each axis; its label is the sum of the digits. This mirrors `compose_row.py`.
///
/// Square layout (`square` = side): each image is `side × side` px and its `k` digits lie anywhere
/// in it: each at a uniformly random position, redrawn until its 28-px box's centre is at least
/// `minimumSpacing` px (on some axis) from every other digit's, so no two digits' ink overlaps
/// (MNIST ink fills the central 20×20 px of its box). `slots` plays no part.
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
    /// The side of square images with digits anywhere; nil for rows.
    public var square: Int?

    public init(
        count: Int, minDigits: Int = 1, maxDigits: Int = 5, slots: Int = 5, jitter: Int = 2, seed: UInt64 = 0,
        square: Int? = nil
    ) {
        self.count = count
        self.minDigits = minDigits
        self.maxDigits = maxDigits
        self.slots = slots
        self.jitter = jitter
        self.seed = seed
        self.square = square
    }

    /// Rows of 2–4 digits anywhere in 64×64 squares: the "any layout" benchmark.
    public static func anywhere(count: Int, minDigits: Int = 2, maxDigits: Int = 4, side: Int = 64, seed: UInt64 = 0) -> Self {
        SumDatasetConfig(count: count, minDigits: minDigits, maxDigits: maxDigits, seed: seed, square: side)
    }

    /// In the square layout, digits' centres are at least this far apart on some axis.
    public static let minimumSpacing = 20

    /// Digits are 28×28 and so is every slot.
    public static let side = 28
    /// A shift beyond half a cell would put a digit mostly into its neighbour's slot.
    public static let maxJitter = side / 2

    /// Image height and width in pixels.
    public var height: Int { square ?? Self.side }
    public var width: Int { square ?? Self.side * slots }

    /// Digit places recorded per image in `SumDataset.slotDigits`: the slots of a row, or the
    /// digits of a square in the order they were placed.
    public var places: Int { square == nil ? slots : maxDigits }

    /// Most digits that surely fit a `side`-px square at `minimumSpacing`: a grid of them.
    public static func squareCapacity(side: Int) -> Int {
        let perAxis = (side - Self.side) / minimumSpacing + 1
        return perAxis * perAxis
    }

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
        if let square {
            guard square >= Self.side else { throw SynthError("a square image must be at least \(Self.side) px wide, got \(square)") }
            guard maxDigits <= Self.squareCapacity(side: square) else {
                throw SynthError(
                    "\(maxDigits) digits do not fit a \(square)×\(square) square \(Self.minimumSpacing) px apart: at most \(Self.squareCapacity(side: square))"
                )
            }
        } else {
            guard maxDigits <= slots else {
                throw SynthError(
                    "\(maxDigits) digits do not fit into \(slots) slots: the most digits per image must be at most the number of slots")
            }
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
