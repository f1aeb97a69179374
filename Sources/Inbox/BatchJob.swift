import Classifier
import Foundation

/// A batch being predicted: its claimed inputs, the mapped images, the model it started with (a
/// reload never changes the model under a running batch) and the predictions so far.
struct BatchJob {
    var inputs: BatchInputs
    let images: ImageSet
    let model: ServingModel
    let startedAt: Date
    private(set) var predicted: [Int] = []
    private(set) var confidence: [Float] = []

    init(inputs: BatchInputs, images: ImageSet, model: ServingModel, startedAt: Date) {
        self.inputs = inputs
        self.images = images
        self.model = model
        self.startedAt = startedAt
        predicted.reserveCapacity(images.count)
        confidence.reserveCapacity(images.count)
    }

    /// Images predicted so far; the next slice starts here.
    var done: Int { predicted.count }
    var isComplete: Bool { done == images.count }

    /// The next slice of at most `size` images.
    func nextSlice(size: Int) -> SliceRequest {
        SliceRequest(model: model, images: images, range: done..<min(images.count, done + size))
    }

    mutating func append(_ output: SliceOutput) {
        predicted += output.predicted
        confidence += output.confidence
    }

    /// The finished batch, named by its output stem, with the few images its HTML report shows
    /// (copied here, where the images are at hand, so the report does not need them).
    func outcome(finishedAt: Date) -> BatchOutcome {
        var outcome = BatchOutcome(
            batch: inputs.stem ?? inputs.name, predicted: predicted, confidence: confidence,
            labels: images.labels, classes: model.classes, checkpoint: model.checkpointPath,
            modelSHA256: model.sha256, startedAt: startedAt, finishedAt: finishedAt)
        outcome.attachThumbnails(from: images)
        return outcome
    }
}

/// One slice of a batch to predict on the compute thread.
struct SliceRequest: Sendable {
    let model: ServingModel
    let images: ImageSet
    let range: Range<Int>

    /// Predicts the slice (blocking: call it on the compute queue).
    func run() throws -> SliceOutput {
        let clock = ContinuousClock()
        let start = clock.now
        let (predicted, confidence) = try model.predict(images, range: range)
        return SliceOutput(predicted: predicted, confidence: confidence, elapsed: clock.now - start)
    }
}

/// Predictions for one slice, in input order.
struct SliceOutput: Sendable {
    let predicted: [Int]
    let confidence: [Float]
    let elapsed: Duration
}
