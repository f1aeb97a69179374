import Classifier
import Testing

/// Cutting images into pieces along blank rows and columns (the XY-cut behind `--pieces`).
@Suite("Ink pieces")
struct InkPiecesTests {
    /// A `height × width` image with a filled rectangle (rows `y`, columns `x`) per blob.
    static func image(height: Int, width: Int, blobs: [(y: Range<Int>, x: Range<Int>)]) -> [Float] {
        var pixels = [Float](repeating: 0, count: height * width)
        for blob in blobs {
            for y in blob.y {
                for x in blob.x { pixels[y * width + x] = 0.5 + Float(y * width + x % 7) / Float(4 * height * width) }
            }
        }
        return pixels
    }

    /// Cuts `image` and checks that every piece keeps its pixels in place and that the pieces
    /// add up to the image (each inked pixel in exactly one piece); returns the piece count.
    static func cutAndCheck(_ image: [Float], height: Int, width: Int) -> Int {
        let pixels = height * width
        var output = [Float](repeating: .nan, count: InkPieces.maximum * pixels)
        let count = image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer {
                InkPieces.cut(source.baseAddress!, height: height, width: width, into: $0.baseAddress!)
            }
        }
        for index in 0..<pixels {
            let values = (0..<count).map { output[$0 * pixels + index] }
            #expect(values.reduce(0, +) == image[index])
            #expect(values.filter { $0 != 0 }.count <= 1)
        }
        return count
    }

    @Test func twoDigitsSideBySideComeApart() {
        let image = Self.image(height: 12, width: 20, blobs: [(2..<9, 1..<6), (4..<11, 9..<15)])
        let boxes = image.withUnsafeBufferPointer { InkPieces.boxes(of: $0.baseAddress!, height: 12, width: 20) }
        // Cut through the middle of the blank columns 6…8.
        #expect(boxes == [InkPieces.Box(top: 0, bottom: 12, left: 1, right: 7), InkPieces.Box(top: 0, bottom: 12, left: 7, right: 15)])
        #expect(Self.cutAndCheck(image, height: 12, width: 20) == 2)
    }

    @Test func cutsRecurseAlongTheOtherAxis() {
        // Two blobs on top (apart in x) and one wide blob below: a row cut, then a column cut.
        let image = Self.image(height: 20, width: 20, blobs: [(1..<6, 1..<6), (2..<7, 10..<16), (10..<18, 3..<17)])
        let boxes = image.withUnsafeBufferPointer { InkPieces.boxes(of: $0.baseAddress!, height: 20, width: 20) }
        #expect(boxes.count == 3)
        #expect(Self.cutAndCheck(image, height: 20, width: 20) == 3)
    }

    @Test func interlockedDigitsStayWhole() {
        // A pinwheel of four blobs: every row and column in the inked extent has ink, so no cut.
        let blobs: [(y: Range<Int>, x: Range<Int>)] = [(0..<4, 0..<8), (0..<8, 8..<12), (8..<12, 4..<12), (4..<12, 0..<4)]
        let image = Self.image(height: 12, width: 12, blobs: blobs)
        let boxes = image.withUnsafeBufferPointer { InkPieces.boxes(of: $0.baseAddress!, height: 12, width: 12) }
        #expect(boxes.count == 1)
        #expect(Self.cutAndCheck(image, height: 12, width: 12) == 1)
    }

    @Test func tooManyPiecesOrNoneKeepTheImageWhole() {
        let dots = (0..<(InkPieces.maximum + 1)).map { (y: 1..<3, x: (3 * $0)..<(3 * $0 + 2)) }
        let crowded = Self.image(height: 4, width: 3 * dots.count, blobs: dots)
        let boxes = crowded.withUnsafeBufferPointer { InkPieces.boxes(of: $0.baseAddress!, height: 4, width: 3 * dots.count) }
        #expect(boxes.count == InkPieces.maximum + 1)
        #expect(Self.cutAndCheck(crowded, height: 4, width: 3 * dots.count) == 1)
        let blank = [Float](repeating: 0, count: 64)
        #expect(blank.withUnsafeBufferPointer { InkPieces.boxes(of: $0.baseAddress!, height: 8, width: 8) }.isEmpty)
        #expect(Self.cutAndCheck(blank, height: 8, width: 8) == 1)
    }
}
