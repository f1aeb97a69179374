import ArrayFormats
import Foundation

extension DigitPool {
    /// Loads a pool from NumPy files: `images` uint8 `(M, 28, 28)` and `labels` integer `(M)` in `0...9`,
    /// e.g. `mnist-dev/digits.npy` and `mnist-dev/labels.npy`.
    /// Throws `SynthError` naming the file for a wrong dtype, shape or label, `ArrayFormatError` for an unreadable file.
    public init(imagesFile: URL, labelsFile: URL) throws {
        let images = try NpyArray(contentsOf: imagesFile)
        let labels = try NpyArray(contentsOf: labelsFile)
        let side = SumDatasetConfig.side
        guard images.dtype == .uint8, images.shape.count == 3, images.shape[1] == side, images.shape[2] == side else {
            throw SynthError("\(imagesFile.path) must hold uint8 digit images of shape (M, 28, 28), but holds \(images.summary)")
        }
        guard labels.shape == [images.shape[0]] else {
            throw SynthError(
                "\(labelsFile.path) must hold one label per image of \(imagesFile.lastPathComponent), shape (\(images.shape[0]),), but holds \(labels.summary)"
            )
        }
        let pixels = try images.integers().map { UInt8(truncatingIfNeeded: $0) }
        try self.init(images: pixels, labels: try labels.integers(), source: labelsFile.path)
    }
}
