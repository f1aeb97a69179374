import Synth
import Testing

/// Digits anywhere in squares: sizes, sums, digit counts, spacing, determinism.
@Suite struct SquareLayoutTests {
    /// Ten 28×28 "digits" that are one pixel at the box's centre, of value `20 × (d + 1)`: the
    /// image then shows where each digit's centre went and which digit it was.
    static func dotPool() throws -> DigitPool {
        let images = (0..<10).flatMap { d -> [UInt8] in
            var image = [UInt8](repeating: 0, count: 28 * 28)
            image[14 * 28 + 14] = UInt8(20 * (d + 1))
            return image
        }
        return try DigitPool(images: images, labels: Array(0..<10))
    }

    @Test func digitsLieAnywhereApartAndAddUp() throws {
        let config = SumDatasetConfig.anywhere(count: 400, seed: 3)
        let dataset = try SumDatasetGenerator(config, pool: Self.dotPool()).generate()
        #expect(dataset.shape == [400, 64, 64])
        var columns = Set<Int>()
        var rows = Set<Int>()
        for i in 0..<400 {
            let digits = dataset.digits(inImage: i)
            #expect((2...4).contains(digits.count))
            #expect(dataset.labels[i] == Int64(digits.reduce(0, +)))
            let pixels = dataset.images[(i * 64 * 64)..<((i + 1) * 64 * 64)]
            let dots = pixels.indices.filter { pixels[$0] > 0 }.map { index in
                (row: (index - i * 64 * 64) / 64, column: (index - i * 64 * 64) % 64, digit: Int(pixels[index]) / 20 - 1)
            }
            #expect(dots.count == digits.count, "every digit's centre is visible: none overlaps another")
            #expect(dots.map(\.digit).sorted() == digits.sorted())
            for a in dots.indices {
                for b in dots.indices where b > a {
                    #expect(max(abs(dots[a].row - dots[b].row), abs(dots[a].column - dots[b].column)) >= SumDatasetConfig.minimumSpacing)
                }
                #expect((14...50).contains(dots[a].row) && (14...50).contains(dots[a].column), "boxes stay inside the square")
                rows.insert(dots[a].row)
                columns.insert(dots[a].column)
            }
        }
        #expect(rows.count > 30 && columns.count > 30, "centres spread over the square, not onto a grid")
    }

    @Test func sameSeedSameSquares() throws {
        let config = SumDatasetConfig.anywhere(count: 50, seed: 9)
        let first = try SumDatasetGenerator(config).generate()
        let again = try SumDatasetGenerator(config).generate()
        #expect(first.images == again.images && first.labels == again.labels)
    }

    @Test func tooManyDigitsForTheSquareAreRefused() {
        #expect(throws: SynthError.self) { try SumDatasetConfig.anywhere(count: 1, maxDigits: 5).validate() }
        #expect(throws: SynthError.self) { try SumDatasetConfig(count: 1, square: 20).validate() }
        #expect(SumDatasetConfig.squareCapacity(side: 64) == 4)
    }
}
