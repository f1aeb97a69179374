import Synth
import Testing

/// Single synthetic digits look like MNIST digits: centred ink about 20 px tall on black, and varied.
@Suite struct SyntheticDigitTests {
    @Test(arguments: 0...9)
    func aDigitIsCentredInkOnBlack(digit: Int) {
        for seed in UInt64(0)..<20 {
            let image = SyntheticDigit.render(digit, seed: seed)
            #expect(image.count == 784)
            let inked = image.indices.filter { image[$0] > 64 }
            let rows = inked.map { $0 / 28 }
            let columns = inked.map { $0 % 28 }
            let height = rows.max()! - rows.min()! + 1
            #expect((14...24).contains(height), "digit \(digit) seed \(seed) is \(height) px tall")
            #expect(image.max()! >= 250, "stroke cores saturate as in MNIST")
            let centerX = Double(columns.reduce(0, +)) / Double(columns.count)
            let centerY = Double(rows.reduce(0, +)) / Double(rows.count)
            #expect(abs(centerX - 13.5) < 5 && abs(centerY - 13.5) < 5, "digit \(digit) seed \(seed) centred at \(centerX), \(centerY)")
            // The 2-px border stays black, like MNIST's 20×20 box in a 28×28 frame.
            #expect((0..<28).allSatisfy { image[$0] == 0 && image[27 * 28 + $0] == 0 })
            // Ink is a minority of pixels: strokes, not blobs.
            #expect(image.filter { $0 > 0 }.count < 784 / 2)
        }
    }

    @Test func sameSeedSameImageAndDifferentSeedsVary() {
        #expect(SyntheticDigit.render(3, seed: 42) == SyntheticDigit.render(3, seed: 42))
        let variants = Set((UInt64(0)..<30).map { SyntheticDigit.render(3, seed: $0) })
        #expect(variants.count == 30)
    }

    @Test func digitsAreFurtherFromOtherDigitsThanFromThemselvesOnAverage() {
        // A nearest-class-mean check: the mean image of each digit over 40 seeds classifies
        // 40 fresh samples well above chance (10%), so the shapes are distinguishable.
        let train = (0...9).map { digit in meanImage((UInt64(0)..<40).map { SyntheticDigit.render(digit, seed: $0) }) }
        var correct = 0
        for digit in 0...9 {
            for seed in UInt64(1000)..<1040 {
                let image = SyntheticDigit.render(digit, seed: seed).map(Float.init)
                let distances = train.map { mean in zip(mean, image).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
                if distances.firstIndex(of: distances.min()!) == digit { correct += 1 }
            }
        }
        #expect(correct > 200, "nearest mean classifies \(correct) of 400")
    }

    private func meanImage(_ images: [[UInt8]]) -> [Float] {
        var sum = [Float](repeating: 0, count: 784)
        for image in images { for i in 0..<784 { sum[i] += Float(image[i]) } }
        return sum.map { $0 / Float(images.count) }
    }
}
