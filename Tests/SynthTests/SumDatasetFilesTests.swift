import ArrayFormats
import Foundation
import Synth
import Testing

/// Reading pools from and writing datasets to `.npy` files.
@Suite struct SumDatasetFilesTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("synth-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test func writtenFilesRoundTripThroughNpyAndAreDeterministic() throws {
        let config = SumDatasetConfig(count: 12, minDigits: 2, maxDigits: 3, slots: 4, seed: 6)
        let dataset = try SumDatasetGenerator(config).generate()
        let out = directory.appendingPathComponent("nested/out")
        let (imagesURL, labelsURL) = try dataset.write(to: out)
        let images = try NpyArray(contentsOf: imagesURL)
        let labels = try NpyArray(contentsOf: labelsURL)
        #expect(images.shape == [12, 28, 112] && images.dtype == .uint8)
        #expect(labels.shape == [12] && labels.dtype == .int64)
        #expect(try images.integers().map { UInt8($0) } == dataset.images)
        #expect(try labels.integers() == dataset.labels.map(Int.init))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["images.npy", "labels.npy"])

        let firstBytes = try Data(contentsOf: imagesURL)
        try SumDatasetGenerator(config).generate().write(to: out)
        #expect(try Data(contentsOf: imagesURL) == firstBytes)
        try FileManager.default.removeItem(at: directory)
    }

    @Test func poolFilesLoadAndBadShapesAreNamed() throws {
        let digits = directory.appendingPathComponent("digits.npy")
        let labels = directory.appendingPathComponent("labels.npy")
        try NpyWriter.write([UInt8](repeating: 7, count: 3 * 784), shape: [3, 28, 28], to: digits)
        try NpyWriter.write([Int64]([4, 0, 9]), shape: [3], to: labels)
        let pool = try DigitPool(imagesFile: digits, labelsFile: labels)
        #expect(pool.labels == [4, 0, 9] && pool.images.count == 3 * 784)

        try NpyWriter.write([UInt8](repeating: 7, count: 3 * 28 * 27), shape: [3, 28, 27], to: digits)
        let shapeError = #expect(throws: SynthError.self) { try DigitPool(imagesFile: digits, labelsFile: labels) }
        #expect(shapeError?.description.contains("digits.npy must hold uint8 digit images of shape (M, 28, 28)") == true)

        try NpyWriter.write([UInt8](repeating: 7, count: 2 * 784), shape: [2, 28, 28], to: digits)
        let countError = #expect(throws: SynthError.self) { try DigitPool(imagesFile: digits, labelsFile: labels) }
        #expect(countError?.description.contains("labels.npy must hold one label per image") == true)
        try FileManager.default.removeItem(at: directory)
    }
}
