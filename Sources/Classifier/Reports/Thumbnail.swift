/// One image of a batch shown in `S.report.html`: a misclassified image, or in an unlabelled batch
/// one the model was least sure of. Only these few images are copied out of the batch, so a report
/// of a million images costs no more memory than one of a hundred.
public struct Thumbnail: Sendable, Equatable {
    /// Index of the image in the batch (its row in `S.predictions.csv`).
    public var index: Int
    public var width: Int
    public var height: Int
    /// Row-major 8-bit gray levels, 0 = black; `width × height` of them.
    public var pixels: [UInt8]

    public init(index: Int, width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height)
        self.index = index
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// At most this many thumbnails per report: 48 of the test images (28×140) take about 250 KB of
    /// the HTML, and more would not be looked at.
    public static let limit = 48

    /// Larger images are shrunk (by averaging whole blocks of pixels) to fit this box.
    public static let maxWidth = 256, maxHeight = 64

    /// Which images to show: with labels the mistakes, most confident first (the surprising ones);
    /// without, the least confident images. At most `limit`, in that order.
    public static func pick(predicted: [Int], confidence: [Float], labels: [Int]?, limit: Int = Thumbnail.limit) -> [Int] {
        if let labels {
            let mistakes = predicted.indices.filter { predicted[$0] != labels[$0] }
            return Array(mistakes.sorted { (confidence[$0], $1) > (confidence[$1], $0) }.prefix(limit))
        }
        return Array(predicted.indices.sorted { (confidence[$0], $0) < (confidence[$1], $1) }.prefix(limit))
    }
}

extension ImageSet {
    /// The thumbnail of image `index`: gray levels scaled to 0…255 (uint8 images as they are, float
    /// images from [0, 1]) and shrunk by a whole factor if larger than `Thumbnail.maxWidth × maxHeight`.
    /// Throws what `fill` throws for pixels that could not be predicted either.
    public func thumbnail(of index: Int) throws -> Thumbnail {
        var values = [Float](repeating: 0, count: height * width)
        try values.withUnsafeMutableBufferPointer { try fill(index..<(index + 1), into: $0, scale: scale(uint8Scale: 1.0 / 255)) }
        let factor = max(1, (height + Thumbnail.maxHeight - 1) / Thumbnail.maxHeight, (width + Thumbnail.maxWidth - 1) / Thumbnail.maxWidth)
        let (smallHeight, smallWidth) = ((height + factor - 1) / factor, (width + factor - 1) / factor)
        var pixels = [UInt8](repeating: 0, count: smallHeight * smallWidth)
        for row in 0..<smallHeight {
            for column in 0..<smallWidth {
                var sum: Float = 0
                var count: Float = 0
                for y in (row * factor)..<min(height, (row + 1) * factor) {
                    for x in (column * factor)..<min(width, (column + 1) * factor) {
                        sum += values[y * width + x]
                        count += 1
                    }
                }
                pixels[row * smallWidth + column] = UInt8((min(1, max(0, sum / count)) * 255).rounded())
            }
        }
        return Thumbnail(index: index, width: smallWidth, height: smallHeight, pixels: pixels)
    }
}

extension BatchOutcome {
    /// Copies the images `Thumbnail.pick` chooses out of `images` (the batch this outcome is of)
    /// into `thumbnails`. An image that cannot be converted is left out: by the time a batch has
    /// an outcome every image was converted once, so that does not happen, and a report without a
    /// picture beats no report.
    public mutating func attachThumbnails(from images: ImageSet) {
        precondition(images.count == self.images)
        thumbnails = Thumbnail.pick(predicted: predicted, confidence: confidence, labels: labels)
            .compactMap { try? images.thumbnail(of: $0) }
    }
}
