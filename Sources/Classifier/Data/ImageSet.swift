import ArrayFormats
import Foundation

/// Images (and optionally their true sums) from a `.npy` or `.npz` file, memory-mapped and
/// checked before any work starts.
///
/// Accepted image arrays: `(N, H, W)`, `(N, 1, H, W)` (PyTorch's NCHW with one channel),
/// `(N, H, W, 1)` (channels-last, as Keras and PIL stacks give it) and `(H, W)` for a single image,
/// of dtype uint8 (scaled by the checkpoint's input scale, 1/255), float16/32/64 in [0, 1] or bool
/// (used as they are). Float pixels outside [0, 1] are refused, since the usual cause is 0–255
/// values someone forgot to divide, which the network would silently misread. Pixels are converted
/// chunk by chunk, so a multi-gigabyte file is never held in memory whole.
public struct ImageSet: Sendable {
    /// Where the images came from, for messages (`x.npy` or `bundle.npz[images]`).
    public let source: String
    public let count: Int
    public let height: Int
    public let width: Int
    /// True sums, one per image, when labels were attached.
    public private(set) var labels: [Int]?
    /// Where the labels came from.
    public private(set) var labelSource: String?

    private let array: NpyArray

    /// Wraps an image array after checking its rank, size and dtype.
    public init(_ array: NpyArray, source: String) throws {
        let shape = array.shape
        switch shape.count {
        case 2: (count, height, width) = (1, shape[0], shape[1])
        case 3: (count, height, width) = (shape[0], shape[1], shape[2])
        case 4 where shape[1] == 1: (count, height, width) = (shape[0], shape[2], shape[3])
        // One trailing channel stores the same C-order elements as (N, H, W).
        case 4 where shape[3] == 1: (count, height, width) = (shape[0], shape[1], shape[2])
        case 4:
            throw DataError(
                source,
                "images shaped \(Self.describe(shape)) have more than one channel; sumd reads grayscale images, shaped (N, H, W), (N, 1, H, W) or (N, H, W, 1)"
            )
        default:
            throw DataError(
                source, "images must be shaped (N, H, W), (N, 1, H, W), (N, H, W, 1) or (H, W), but this array is \(Self.describe(shape))")
        }
        guard count > 0 else { throw DataError(source, "holds no images (shape \(Self.describe(shape)))") }
        guard height > 0, width > 0 else { throw DataError(source, "images are empty (shape \(Self.describe(shape)))") }
        switch array.dtype {
        case .uint8, .bool, .float16, .float32, .float64: break
        default:
            throw DataError(
                source,
                "images are \(array.dtype); sumd reads uint8 pixels (0–255) or float pixels in [0, 1]: send 0–255 values as images.astype(np.uint8), or scaled as (images / 255).astype(np.float32)"
            )
        }
        self.array = array
        self.source = source
    }

    /// Loads `images` (`.npy` or `.npz` with arrays `images` and optionally `labels`) and, if given,
    /// a separate `labels` `.npy`.
    public static func load(images url: URL, labels labelsURL: URL? = nil) throws -> ImageSet {
        var set: ImageSet
        if url.pathExtension == "npz" {
            let archive = try NpzArchive(contentsOf: url)
            guard archive.names.contains("images") else {
                throw DataError(
                    url.path,
                    "has no array named 'images' (it has: \(archive.names.joined(separator: ", "))); save with np.savez(path, images=..., labels=...)"
                )
            }
            set = try ImageSet(archive.array(named: "images"), source: "\(url.path)[images]")
            if labelsURL == nil, archive.names.contains("labels") {
                try set.attachLabels(archive.array(named: "labels"), source: "\(url.path)[labels]")
            }
        } else {
            set = try ImageSet(NpyArray(contentsOf: url), source: url.path)
        }
        if let labelsURL {
            try set.attachLabels(NpyArray(contentsOf: labelsURL), source: labelsURL.path)
        }
        return set
    }

    /// Pixel scale applied while converting: `uint8Scale` for uint8 images, 1 otherwise.
    public func scale(uint8Scale: Float) -> Float { array.dtype == .uint8 ? uint8Scale : 1 }

    /// Attaches true sums: a 1-D array of non-negative integers (integral floats accepted), one per image.
    public mutating func attachLabels(_ labelArray: NpyArray, source labelSource: String) throws {
        let shape = labelArray.shape
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw DataError(labelSource, "labels must be a 1-D array of sums, one per image, but this array is \(Self.describe(shape))")
        }
        guard labelArray.count == count else {
            throw DataError(labelSource, "has \(labelArray.count) labels but \(source) has \(count) images")
        }
        guard labelArray.dtype != .bool else { throw DataError(labelSource, "labels are bool; they must be integer sums") }
        let values: [Int]
        do { values = try labelArray.integers() } catch let error as ArrayFormatError {
            throw DataError(labelSource, "labels must be integer sums: \(error.problem)")
        }
        if let index = values.firstIndex(where: { $0 < 0 }) {
            throw DataError(labelSource, "label \(index) is \(values[index]); sums cannot be negative")
        }
        labels = values
        self.labelSource = labelSource
    }

    /// Checks that every label is a class the model has (0..<classes).
    public func checkLabels(classes: Int) throws {
        guard let labels, let labelSource else { return }
        if let index = labels.firstIndex(where: { $0 >= classes }) {
            throw DataError(labelSource, "label \(index) is \(labels[index]), but the model only knows sums 0…\(classes - 1)")
        }
    }

    /// Checks that the images have the size the model takes.
    public func checkSize(height expectedHeight: Int, width expectedWidth: Int) throws {
        guard height == expectedHeight, width == expectedWidth else {
            throw DataError(source, "images are \(height)×\(width) but the checkpoint takes \(expectedHeight)×\(expectedWidth) (H×W)")
        }
    }

    /// Converts images `range` to Float (scaled) into `buffer` (`range.count × H × W` floats, NCHW),
    /// refusing NaN, infinite and (float images) out-of-[0, 1] pixels with the index of the first bad image.
    public func fill(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>, scale: Float) throws {
        let pixels = height * width
        precondition(buffer.count >= range.count * pixels && range.lowerBound >= 0 && range.upperBound <= count)
        let target = UnsafeMutableBufferPointer(rebasing: buffer[0..<(range.count * pixels)])
        let elements = (range.lowerBound * pixels)..<(range.upperBound * pixels)
        array.copyFloats(elements: elements, into: target, scale: scale)
        if !array.isFortranOrder { array.releasePages(elements: elements) }
        guard array.dtype.isFloatingPoint, let index = target.firstIndex(where: { !Self.floatPixelRange.contains($0) }) else { return }
        let first = index / pixels * pixels
        throw pixelError(image: range.lowerBound + index / pixels, pixels: target[first..<(first + pixels)])
    }

    /// What float pixels may be (uint8 pixels are scaled into it).
    public static let floatPixelRange: ClosedRange<Float> = 0...1

    /// Scans every image for pixels `fill` would refuse (float images only) without converting
    /// them all, so bad data fails before any work; the error is `fill`'s for the first bad image.
    public func checkPixels() throws {
        let bounds = Double(Self.floatPixelRange.lowerBound)...Double(Self.floatPixelRange.upperBound)
        guard let index = array.firstElement(outside: bounds) else { return }
        let image = index / (height * width)
        var buffer = [Float](repeating: 0, count: height * width)
        try buffer.withUnsafeMutableBufferPointer { try fill(image..<(image + 1), into: $0, scale: 1) }
    }

    /// The sentence for an image with a pixel outside `floatPixelRange`: which kind, the range of
    /// its values, and the fix for the common cause (0–255 values stored as floats).
    private func pixelError(image: Int, pixels: Slice<UnsafeMutableBufferPointer<Float>>) -> DataError {
        if let bad = pixels.first(where: { !$0.isFinite }) {
            return DataError(source, "image \(image) has \(bad.isNaN ? "a NaN" : "an infinite") pixel; pixels must be finite")
        }
        let low = pixels.min() ?? 0
        let high = pixels.max() ?? 0
        let fix =
            low >= 0 && high <= 255
            ? "these look like 0–255 values: divide by 255 (images / 255.0) or send them as uint8 (images.astype(np.uint8))"
            : "scale them into [0, 1] (undo any mean/std normalisation)"
        return DataError(source, "image \(image) has float pixels from \(low) to \(high), but float pixels must be in [0, 1]; \(fix)")
    }

    static func describe(_ shape: [Int]) -> String {
        "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    }
}
