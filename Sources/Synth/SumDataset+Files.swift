import ArrayFormats
import Foundation

extension SumDataset {
    /// Writes `images.npy` (uint8 `(N, 28, 28 × slots)`) and `labels.npy` (int64 `(N)`) into
    /// `directory`, creating it if missing. Each file is replaced atomically, so a reader (or the
    /// daemon's inbox) never sees a half-written array. Returns the two file URLs.
    @discardableResult
    public func write(to directory: URL) throws -> (images: URL, labels: URL) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SynthError("the output directory \(directory.path) cannot be created: \(error.localizedDescription)")
        }
        let imagesURL = directory.appendingPathComponent("images.npy")
        let labelsURL = directory.appendingPathComponent("labels.npy")
        try DurableFile.write(try NpyWriter.encode(images, shape: shape), to: imagesURL)
        try DurableFile.write(try NpyWriter.encode(labels, shape: [config.count]), to: labelsURL)
        return (imagesURL, labelsURL)
    }
}
