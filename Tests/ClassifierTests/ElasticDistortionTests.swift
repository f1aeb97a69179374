import Classifier
import Testing

/// Training-time elastic distortion: it moves ink without creating or losing much of it, is
/// reproducible per seed, and leaves images alone at magnitude 0.
@Suite("Elastic distortion")
struct ElasticDistortionTests {
    static let height = 28, width = 84

    /// Three filled 10×10 squares on black, one per 28-px slot.
    static func squares() -> [Float] {
        var image = [Float](repeating: 0, count: height * width)
        for slot in 0..<3 {
            for i in 9..<19 {
                for j in (slot * 28 + 9)..<(slot * 28 + 19) { image[i * width + j] = 1 }
            }
        }
        return image
    }

    static func distorted(_ image: [Float], magnitude: Float, seed: UInt64, copies: Int = 1) -> [Float] {
        var images = [Float]((0..<copies).map { _ in image }.joined())
        var generator = SeededGenerator(seed: seed)
        let distortion = ElasticDistortion(magnitude: magnitude)
        let workspace = ElasticDistortion.Workspace(height: height, width: width, spacing: distortion.spacing)
        images.withUnsafeMutableBufferPointer {
            distortion.apply(to: $0.baseAddress!, count: copies, workspace: workspace, generator: &generator)
        }
        return images
    }

    @Test func magnitudeZeroLeavesImagesUnchanged() {
        let image = Self.squares()
        #expect(Self.distorted(image, magnitude: 0, seed: 1) == image)
    }

    @Test func movesInkButKeepsAboutAsMuch() {
        let image = Self.squares()
        let ink = image.reduce(0, +)
        let result = Self.distorted(image, magnitude: 2, seed: 7, copies: 8)
        for copy in 0..<8 {
            let pixels = Array(result[(copy * image.count)..<((copy + 1) * image.count)])
            let changed = zip(pixels, image).filter { abs($0 - $1) > 0.05 }.count
            let total = pixels.reduce(0, +)
            #expect(changed > 20, "copy \(copy): only \(changed) pixels changed")
            #expect(abs(total - ink) < 0.2 * ink, "copy \(copy): ink \(total) vs \(ink)")
            // Ink stays near its slot: nothing lands in the gaps between squares' reach.
            for i in 0..<Self.height {
                for j in [0, 1, 27, 28, 55, 56, 83] { #expect(pixels[i * Self.width + j] == 0) }
            }
            #expect(pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    @Test func sameSeedSameDistortionOtherSeedAnother() {
        let image = Self.squares()
        #expect(Self.distorted(image, magnitude: 2, seed: 3) == Self.distorted(image, magnitude: 2, seed: 3))
        #expect(Self.distorted(image, magnitude: 2, seed: 3) != Self.distorted(image, magnitude: 2, seed: 4))
    }
}
