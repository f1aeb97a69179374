import Synth
import Testing

/// Settings and pools that cannot work are refused with a sentence naming the problem.
@Suite struct SumDatasetValidationTests {
    @Test(arguments: [
        (SumDatasetConfig(count: 0), "number of images"),
        (SumDatasetConfig(count: 10, minDigits: 0), "fewest digits"),
        (SumDatasetConfig(count: 10, minDigits: 4, maxDigits: 3), "must not exceed"),
        (SumDatasetConfig(count: 10, maxDigits: 6, slots: 5), "do not fit into 5 slots"),
        (SumDatasetConfig(count: 10, minDigits: 1, maxDigits: 1, slots: 0), "slots"),
        (SumDatasetConfig(count: 10, jitter: -1), "jitter"),
        (SumDatasetConfig(count: 10, jitter: 15), "jitter"),
    ])
    func badSettingsAreRefused(config: SumDatasetConfig, phrase: String) {
        let error = #expect(throws: SynthError.self) { try SumDatasetGenerator(config) }
        #expect(error?.description.contains(phrase) == true, "\(String(describing: error))")
    }

    @Test func defaultSettingsAreValid() throws {
        let config = SumDatasetConfig(count: 1)
        try config.validate()
        #expect(config.width == 140 && config.height == 28 && config.classes == 46)
    }

    @Test func poolsWithMismatchedSizesOrBadLabelsAreRefused() {
        let image = [UInt8](repeating: 1, count: 784)
        #expect(throws: SynthError("the digit pool holds no digits")) { try DigitPool(images: [], labels: []) }
        #expect(throws: SynthError("the digit pool has 2 labels but 784 pixels, not 2 images of 28×28")) {
            try DigitPool(images: image, labels: [1, 2])
        }
        #expect(throws: SynthError("the digit pool: label 1 is 10, but digit labels must be 0...9")) {
            try DigitPool(images: image + image, labels: [3, 10])
        }
    }

    @Test func poolSlicesMustBeNonEmptyAndInside() throws {
        let pool = try DigitPool(images: [UInt8](repeating: 0, count: 3 * 784), labels: [0, 1, 2])
        #expect(throws: SynthError.self) { try pool.slice(2..<4) }
        #expect(throws: SynthError.self) { try pool.slice(1..<1) }
        #expect(try pool.slice(1..<3).labels == [1, 2])
    }
}
