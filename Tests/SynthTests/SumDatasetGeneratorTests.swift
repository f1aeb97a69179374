import Synth
import Testing

/// Composing rows: determinism, labels, digit counts and slot layout, for both digit sources.
@Suite struct SumDatasetGeneratorTests {
    /// Ten constant 28×28 images: digit `d` has every pixel `20 × (d + 1)`, so a pasted patch
    /// reveals which pool digit it came from.
    static func constantPool() throws -> DigitPool {
        let images = (0..<10).flatMap { d in [UInt8](repeating: UInt8(20 * (d + 1)), count: 28 * 28) }
        return try DigitPool(images: images, labels: Array(0..<10))
    }

    @Test func sameSeedGivesIdenticalDataAndOtherSeedsDiffer() throws {
        let config = SumDatasetConfig(count: 64, seed: 7)
        let first = try SumDatasetGenerator(config).generate()
        let again = try SumDatasetGenerator(config).generate()
        #expect(first.images == again.images)
        #expect(first.labels == again.labels)
        #expect(first.slotDigits == again.slotDigits)

        var other = config
        other.seed = 8
        let different = try SumDatasetGenerator(other).generate()
        #expect(first.images != different.images)
        #expect(first.labels != different.labels)
    }

    @Test func aPrefixOfTheDatasetDoesNotDependOnItsSize() throws {
        // Image i uses only stream i, so splitting the work differently cannot change it.
        let small = try SumDatasetGenerator(SumDatasetConfig(count: 3, seed: 5)).generate()
        let large = try SumDatasetGenerator(SumDatasetConfig(count: 101, seed: 5)).generate()
        #expect(Array(large.images.prefix(small.images.count)) == small.images)
        #expect(Array(large.labels.prefix(3)) == small.labels)
    }

    @Test(arguments: [(1, 5, 5), (2, 3, 4), (3, 3, 3), (1, 1, 1)])
    func labelsAreTheSumsOfBetweenMinAndMaxDigits(minDigits: Int, maxDigits: Int, slots: Int) throws {
        let config = SumDatasetConfig(count: 300, minDigits: minDigits, maxDigits: maxDigits, slots: slots, seed: 11)
        let dataset = try SumDatasetGenerator(config).generate()
        #expect(dataset.shape == [300, 28, 28 * slots])
        #expect(dataset.images.count == 300 * 28 * 28 * slots)
        var counts = Set<Int>()
        for i in 0..<config.count {
            let digits = dataset.digits(inImage: i)
            #expect((minDigits...maxDigits).contains(digits.count))
            #expect(digits.allSatisfy { (0...9).contains($0) })
            #expect(Int(dataset.labels[i]) == digits.reduce(0, +))
            counts.insert(digits.count)
        }
        #expect(counts == Set(minDigits...maxDigits), "every digit count in range should occur in 300 images")
    }

    @Test func syntheticDigitsInkTheirSlotsAndLeaveEmptySlotsBlack() throws {
        let config = SumDatasetConfig(count: 100, minDigits: 1, maxDigits: 4, slots: 6, jitter: 0, seed: 3)
        let dataset = try SumDatasetGenerator(config).generate()
        for i in 0..<config.count {
            for slot in 0..<config.slots {
                let ink = slotPixels(dataset, image: i, slot: slot).max()!
                if dataset.slotDigits[i * config.slots + slot] < 0 {
                    #expect(ink == 0, "image \(i) slot \(slot) is empty but not black")
                } else {
                    #expect(ink > 200, "image \(i) slot \(slot) holds a digit but has almost no ink")
                }
            }
        }
    }

    @Test func poolDigitsArePastedUnchanged() throws {
        let config = SumDatasetConfig(count: 200, minDigits: 1, maxDigits: 5, slots: 5, jitter: 0, seed: 9)
        let dataset = try SumDatasetGenerator(config, pool: Self.constantPool()).generate()
        for i in 0..<config.count {
            for slot in 0..<config.slots {
                let digit = Int(dataset.slotDigits[i * config.slots + slot])
                let expected = digit < 0 ? 0 : UInt8(20 * (digit + 1))
                #expect(
                    slotPixels(dataset, image: i, slot: slot).allSatisfy { $0 == expected },
                    "image \(i) slot \(slot) should be all \(expected)")
            }
        }
    }

    @Test func jitterShiftsPoolDigitsWithinBoundsAndPastesWithMax() throws {
        // With jitter, a constant patch shifted by (dy, dx) leaves a black band of at most `jitter`
        // rows or columns at the image's border, and overlaps keep the brighter digit.
        let config = SumDatasetConfig(count: 200, minDigits: 5, maxDigits: 5, slots: 5, jitter: 2, seed: 4)
        let dataset = try SumDatasetGenerator(config, pool: Self.constantPool()).generate()
        let pixels = Set(dataset.images)
        #expect(pixels.isSubset(of: Set([0] + (1...10).map { UInt8(20 * $0) })))
        for i in 0..<config.count {
            let slotDigits = (0..<5).map { Int(dataset.slotDigits[i * 5 + $0]) }
            // Row 14 is inside every shifted patch; its pixel at the centre of slot s is that digit's value.
            for slot in 0..<5 {
                let center = dataset.images[i * 28 * 140 + 14 * 140 + slot * 28 + 14]
                #expect(center == UInt8(20 * (slotDigits[slot] + 1)))
            }
        }
    }

    @Test func poolSliceRestrictsTheDigitsDrawn() throws {
        let pool = try Self.constantPool().slice(5..<7)
        #expect(pool.count == 2)
        let dataset = try SumDatasetGenerator(SumDatasetConfig(count: 100, seed: 1), pool: pool).generate()
        let used = Set((0..<100).flatMap { dataset.digits(inImage: $0) })
        #expect(used == [5, 6])
        #expect(Set(dataset.images).isSubset(of: [0, 120, 140]))
    }

    private func slotPixels(_ dataset: SumDataset, image: Int, slot: Int) -> [UInt8] {
        let width = dataset.config.width
        return (0..<28).flatMap { y in
            let start = image * 28 * width + y * width + slot * 28
            return dataset.images[start..<(start + 28)]
        }
    }
}
