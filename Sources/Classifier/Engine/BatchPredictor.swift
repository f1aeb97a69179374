import Foundation

/// The predicted class of one image and how sure the network is of it.
public struct Prediction: Sendable, Hashable {
    /// The class with the largest logit (the first one on ties).
    public var label: Int
    /// The softmax probability of `label`, in (0, 1].
    public var confidence: Float

    public init(label: Int, confidence: Float) {
        self.label = label
        self.confidence = confidence
    }
}

/// Mean loss and accuracy count of a labelled set.
public struct Evaluation: Sendable, Hashable {
    /// Mean cross-entropy over the images.
    public var loss: Double
    /// Images whose predicted class equals the label.
    public var correct: Int
    public var count: Int

    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }
}

/// Runs an `InferenceNetwork` over a large batch: the batch is cut into chunks that `workers`
/// threads process concurrently (each with its own workspace); results
/// come back in input order. Chunks hold `chunkSize` images (nil: the network's
/// `InferenceNetwork.chunkSize`), fewer when that would leave a worker without a chunk.
///
/// Images come in through `fill`, so callers can stream from any source (e.g. a memory-mapped
/// uint8 `.npy`, scaling by 1/255 while copying) without materialising the whole batch as floats.
public struct BatchPredictor: Sendable {
    /// Fills the buffer with the images of the given index range (`range.count × H × W` floats in [0, 1]).
    /// Called concurrently from several workers, for disjoint ranges.
    public typealias Fill = @Sendable (Range<Int>, UnsafeMutableBufferPointer<Float>) throws -> Void

    public let network: InferenceNetwork
    public let workers: Int

    public init(network: InferenceNetwork, workers: Int = defaultWorkerCount) {
        precondition(workers > 0, "need at least one worker")
        self.network = network
        self.workers = workers
    }

    /// Class and confidence of images `0..<count`, in order. Rethrows the first error of `fill`
    /// (by chunk order); the remaining chunks are then skipped.
    public func predict(count: Int, chunkSize: Int? = nil, fill: Fill) throws -> [Prediction] {
        guard count > 0 else { return [] }
        let classes = network.classes
        return try [Prediction](unsafeUninitializedCapacity: count) { buffer, initialized in
            let results = SharedPointer(buffer.baseAddress!)
            try forEachChunk(count: count, chunkSize: chunkSize, fill: fill) { range, logits in
                for (row, image) in range.enumerated() {
                    let z = logits + row * classes
                    let (label, top) = argmax(z, count: classes)
                    (results.base + image).initialize(to: Prediction(label: label, confidence: topProbability(z, count: classes, top: top)))
                }
            }
            initialized = count
        }
    }

    /// Raw logits (`[count, classes]`, row-major) of images `0..<count`.
    public func logits(count: Int, chunkSize: Int? = nil, fill: Fill) throws -> [Float] {
        guard count > 0 else { return [] }
        let classes = network.classes
        return try [Float](unsafeUninitializedCapacity: count * classes) { buffer, initialized in
            let results = SharedPointer(buffer.baseAddress!)
            try forEachChunk(count: count, chunkSize: chunkSize, fill: fill) { range, logits in
                (results.base + range.lowerBound * classes).initialize(from: logits, count: range.count * classes)
            }
            initialized = count * classes
        }
    }

    /// Predictions for images already in memory (`[count, H, W]` floats in [0, 1]).
    public func predict(images: UnsafeBufferPointer<Float>, count: Int, chunkSize: Int? = nil) -> [Prediction] {
        // `copying(from:)` cannot throw, so neither can this.
        try! predict(count: count, chunkSize: chunkSize, fill: copying(from: images, count: count))
    }

    /// Logits (`[count, classes]`) of images already in memory.
    public func logits(images: UnsafeBufferPointer<Float>, count: Int, chunkSize: Int? = nil) -> [Float] {
        try! logits(count: count, chunkSize: chunkSize, fill: copying(from: images, count: count))
    }

    /// Mean cross-entropy and correct count of images in memory against `labels` (each in `0..<classes`).
    public func evaluate(images: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int>, count: Int, chunkSize: Int? = nil) throws
        -> Evaluation
    {
        try checkLabels(labels, count: count, classes: network.classes)
        guard count > 0 else { return Evaluation(loss: 0, correct: 0, count: 0) }
        let values = logits(images: images, count: count, chunkSize: chunkSize)
        let (lossSum, correct) = values.withUnsafeBufferPointer {
            crossEntropy(logits: $0.baseAddress!, labels: labels.baseAddress!, rows: count, classes: network.classes)
        }
        return Evaluation(loss: lossSum / Double(count), correct: correct, count: count)
    }

    private func copying(from images: UnsafeBufferPointer<Float>, count: Int) -> Fill {
        let inputCount = network.inputCount
        precondition(images.count >= count * inputCount, "\(images.count) floats hold fewer than \(count) images of \(inputCount)")
        let source = images.baseAddress.map { SharedPointer($0) }
        return { range, buffer in
            guard let source, let target = buffer.baseAddress else { return }
            target.update(from: source.base + range.lowerBound * inputCount, count: range.count * inputCount)
        }
    }

    /// Images per chunk for a batch of `count`: `requested` (nil: the network's), but no more than
    /// an equal share of the batch per worker, so a small batch still runs on every worker.
    public func chunkSize(count: Int, requested: Int?) -> Int {
        let size = requested ?? network.chunkSize
        precondition(size > 0, "chunk size must be positive")
        return max(1, min(size, (count + workers - 1) / workers))
    }

    /// Runs chunks `w, w + workers, …` on worker `w`, handing each chunk's logits to `consume`.
    private func forEachChunk(
        count: Int, chunkSize requested: Int?, fill: Fill, consume: @Sendable (Range<Int>, UnsafePointer<Float>) -> Void
    ) throws {
        guard count > 0 else { return }
        let chunkSize = self.chunkSize(count: count, requested: requested)
        let chunks = (count + chunkSize - 1) / chunkSize
        let active = min(workers, chunks)
        let network = network
        let failure = FirstFailure()
        try network.parameters.values.withUnsafeBufferPointer { arena in
            let parameters = SharedPointer(arena.baseAddress!)
            runWorkers(active) { worker in
                let workspace = network.makeWorkspace(maxBatch: chunkSize)
                let input = FloatStorage(count: chunkSize * network.inputCount)
                let logits = FloatStorage(count: chunkSize * network.classes)
                for chunk in stride(from: worker, to: chunks, by: active) where !failure.happened {
                    let range = (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize)
                    do {
                        try fill(range, UnsafeMutableBufferPointer(start: input.base, count: range.count * network.inputCount))
                    } catch {
                        failure.record(error, at: chunk)
                        return
                    }
                    network.forward(
                        parameters: parameters.base, input: input.base, count: range.count,
                        logits: logits.base, workspace: workspace)
                    consume(range, logits.base)
                }
            }
            try failure.rethrow()
        }
    }
}

/// Throws if a label is outside `0..<classes`.
func checkLabels(_ labels: UnsafeBufferPointer<Int>, count: Int, classes: Int) throws {
    guard labels.count >= count else { throw EngineError("\(labels.count) labels for \(count) images") }
    for (index, label) in labels.prefix(count).enumerated() where !(0..<classes).contains(label) {
        throw EngineError("label \(label) of image \(index) is not a class of this network (0..<\(classes))")
    }
}

/// The error of the earliest failing chunk, shared by concurrent workers.
private final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var first: (chunk: Int, error: any Error)?

    var happened: Bool { lock.withLock { first != nil } }

    func record(_ error: any Error, at chunk: Int) {
        lock.withLock {
            if first == nil || chunk < first!.chunk { first = (chunk, error) }
        }
    }

    func rethrow() throws {
        if let first = lock.withLock({ first }) { throw first.error }
    }
}
