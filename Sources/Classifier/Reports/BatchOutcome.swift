import Foundation

/// The outcome of running one batch of images through a checkpoint: what every report shows.
///
/// `sumd predict` and `sumd serve` both build one of these and write it with `BatchReportFiles`,
/// so a batch gives identical files either way.
public struct BatchOutcome: Sendable {
    /// The batch name (`NAME` of `NAME.npy`).
    public var batch: String
    /// Predicted sum (argmax class) per image, in input order.
    public var predicted: [Int]
    /// Softmax probability of the predicted sum, per image.
    public var confidence: [Float]
    /// True sums, when the batch came with labels.
    public var labels: [Int]?
    /// Number of classes of the model (sums 0..<classes).
    public var classes: Int
    /// Checkpoint path and content hash that served the batch.
    public var checkpoint: String
    public var modelSHA256: String
    public var startedAt: Date
    public var finishedAt: Date
    /// The images `S.report.html` shows (mistakes, or the least confident), set by `attachThumbnails(from:)`.
    public var thumbnails: [Thumbnail] = []

    public init(
        batch: String, predicted: [Int], confidence: [Float], labels: [Int]?, classes: Int,
        checkpoint: String, modelSHA256: String, startedAt: Date, finishedAt: Date
    ) {
        precondition(predicted.count == confidence.count && (labels?.count ?? predicted.count) == predicted.count)
        self.batch = batch
        self.predicted = predicted
        self.confidence = confidence
        self.labels = labels
        self.classes = classes
        self.checkpoint = checkpoint
        self.modelSHA256 = modelSHA256
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    public var images: Int { predicted.count }

    /// Images whose predicted sum equals the true sum (nil when unlabelled).
    public var correct: Int? {
        guard let labels else { return nil }
        var count = 0
        for index in labels.indices where labels[index] == predicted[index] { count += 1 }
        return count
    }

    /// Fraction of correct predictions (nil when unlabelled or empty).
    public var accuracy: Double? {
        guard let correct, images > 0 else { return nil }
        return Double(correct) / Double(images)
    }

    public var meanConfidence: Double {
        images == 0 ? 0 : confidence.reduce(0.0) { $0 + Double($1) } / Double(images)
    }

    public var seconds: Double { finishedAt.timeIntervalSince(startedAt) }

    public var imagesPerSecond: Double { seconds > 0 ? Double(images) / seconds : 0 }

    /// `counts[true][predicted]` over the labelled images (nil when unlabelled).
    /// Sums outside 0..<classes cannot occur: labels are validated against the model first.
    public var confusion: [[Int]]? {
        guard let labels else { return nil }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for index in labels.indices { counts[labels[index]][predicted[index]] += 1 }
        return counts
    }
}
