/// Images scored after every epoch without being trained on: the validation split, or a held-out
/// test set. Converted to Float once, so each epoch's evaluation reads them as they are.
struct EvaluationSet {
    let images: [Float]
    let labels: [Int]

    /// The images of `set` at `rows`, scaled like the training images, with their `labels`.
    init(_ set: ImageSet, rows: [Int], labels: [Int], scale: Float) throws {
        let pixels = set.height * set.width
        var images = [Float](repeating: 0, count: rows.count * pixels)
        try images.withUnsafeMutableBufferPointer { buffer in
            for (row, index) in rows.enumerated() {
                try set.fill(index..<(index + 1), into: UnsafeMutableBufferPointer(rebasing: buffer[(row * pixels)...]), scale: scale)
            }
        }
        self.images = images
        self.labels = rows.map { labels[$0] }
    }

    /// Mean loss and accuracy of `trainer`'s current parameters on these images, averaged over `gridPhases` grid phases.
    func evaluate(with trainer: Trainer, gridPhases: Int = 1) throws -> Evaluation {
        try images.withUnsafeBufferPointer { imageBuffer in
            try labels.withUnsafeBufferPointer { labelBuffer in
                try trainer.evaluate(images: imageBuffer, labels: labelBuffer, count: labels.count, gridPhases: gridPhases)
            }
        }
    }
}
