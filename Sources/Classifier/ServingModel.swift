import ArrayFormats
import Foundation
import KernelInterface

/// A checkpoint loaded for prediction, shared by `sumd predict` and `sumd serve`.
///
/// Immutable and `Sendable`: the daemon swaps the whole object on reload.
public final class ServingModel: Sendable {
    /// The checkpoint file as given and the SHA-256 of its bytes (named in every report).
    public let checkpointPath: String
    public let sha256: String
    public let architecture: Architecture
    /// Scale applied to uint8 pixels (1/255 unless the checkpoint says otherwise).
    public let uint8Scale: Float
    public var classes: Int { architecture.classes }
    /// The instruction set the engine's kernels run on.
    public let kernelSet: KernelSetName
    /// Where each image is read: once, or at several grid phases whose predictions are averaged.
    public let placements: GridPlacements

    /// Loads and validates a checkpoint; predictions run on `workers` threads in chunks of
    /// `chunkSize` images (nil: the network's own), averaged over `gridPhases` grid phases (nil: the
    /// checkpoint's own).
    public static func load(checkpoint: URL, workers: Int, chunkSize: Int?, gridPhases: Int? = nil) throws -> ServingModel {
        let loaded = try Checkpoint.load(from: checkpoint)
        let parameters = try Parameters(architecture: loaded.architecture, tensors: loaded.tensors)
        let phases = gridPhases ?? loaded.gridPhases
        do {
            _ = try GridPlacements(architecture: loaded.architecture, phases: phases)
        } catch {
            throw CheckpointError("\(checkpoint.lastPathComponent): \(error)")
        }
        return try ServingModel(
            checkpointPath: checkpoint.path, sha256: loaded.sha256,
            network: InferenceNetwork(parameters: parameters, gridPhases: phases),
            uint8Scale: loaded.uint8Scale, workers: workers, chunkSize: chunkSize)
    }

    /// Checks that `images` fit this model (H×W, labels within 0..<classes) before any work is done.
    public func validate(_ images: ImageSet) throws {
        try images.checkSize(height: architecture.inputHeight, width: architecture.inputWidth)
        try images.checkLabels(classes: classes)
    }

    /// Predicts images `range` of `images`: predicted sum (argmax) and its softmax probability, in input order.
    /// Blocks the calling thread while the workers run: call it from a dedicated thread, not the concurrency pool.
    public func predict(_ images: ImageSet, range: Range<Int>) throws -> (predicted: [Int], confidence: [Float]) {
        let scale = images.scale(uint8Scale: uint8Scale)
        let offset = range.lowerBound
        let predictions = try predictor.predict(count: range.count, chunkSize: chunkSize) { chunk, buffer in
            try images.fill((chunk.lowerBound + offset)..<(chunk.upperBound + offset), into: buffer, scale: scale)
        }
        return (predictions.map(\.label), predictions.map(\.confidence))
    }

    private let predictor: BatchPredictor
    private let chunkSize: Int?

    private init(checkpointPath: String, sha256: String, network: InferenceNetwork, uint8Scale: Float, workers: Int, chunkSize: Int?) {
        self.checkpointPath = checkpointPath
        self.sha256 = sha256
        self.architecture = network.architecture
        self.kernelSet = network.kernelSet
        self.placements = network.placements
        self.uint8Scale = uint8Scale
        self.predictor = BatchPredictor(network: network, workers: workers)
        self.chunkSize = chunkSize
    }
}
