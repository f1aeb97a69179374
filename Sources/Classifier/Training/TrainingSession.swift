import Foundation

/// A whole training run: seeded split, per-epoch seeded shuffle, minibatch Adam steps, validation
/// (and an optional held-out test set) after every epoch, and tracking of the best epoch by
/// validation accuracy.
///
/// Images are converted from the (memory-mapped) `ImageSet` one minibatch at a time; the
/// validation images are converted once. Blocks the calling thread while it runs.
public final class TrainingSession {
    public let options: TrainingOptions
    public let split: DataSplit
    public private(set) var history: [EpochRecord] = []
    /// Parameters of the epoch with the best validation accuracy so far (the first such epoch on ties).
    public private(set) var best: (epoch: Int, parameters: Parameters, accuracy: Double)?

    private let images: ImageSet
    private let labels: [Int]
    private let trainer: Trainer
    private let scale: Float
    private let validation: EvaluationSet
    private let test: EvaluationSet?

    /// Prepares a run; `images` must carry labels already checked against `architecture.classes`.
    /// A `test` set (labelled, the same image size) is scored after every epoch beside validation,
    /// to show accuracy on data kept apart from training; it never chooses the best epoch.
    public init(
        architecture: Architecture, images: ImageSet, test: ImageSet? = nil, options: TrainingOptions, uint8Scale: Float
    ) throws {
        guard let labels = images.labels else { throw DataError(images.source, "training needs labels (true sums), one per image") }
        try images.checkSize(height: architecture.inputHeight, width: architecture.inputWidth)
        try images.checkLabels(classes: architecture.classes)
        _ = try GridPlacements(architecture: architecture, phases: options.gridPhases)
        self.options = options
        self.images = images
        self.labels = labels
        let scale = images.scale(uint8Scale: uint8Scale)
        self.scale = scale
        let split = DataSplit(count: images.count, validationFraction: options.validationFraction, seed: options.seed)
        self.split = split
        guard !split.training.isEmpty else { throw DataError(images.source, "no images left for training after the validation split") }
        trainer = try Trainer(
            parameters: Parameters(architecture: architecture, seed: options.seed),
            adam: AdamConfiguration(learningRate: options.learningRate, weightDecay: options.weightDecay),
            workers: options.workers)
        trainer.labelSmoothing = options.labelSmoothing
        trainer.cellPenalty = options.cellPenalty
        trainer.blankCellPenalty = options.blankCellPenalty
        validation = try EvaluationSet(images, rows: split.validation, labels: labels, scale: scale)
        if let test {
            guard let testLabels = test.labels else {
                throw DataError(test.source, "a test set needs labels (true sums), one per image")
            }
            guard test.height == images.height, test.width == images.width else {
                throw DataError(
                    test.source,
                    "test images are \(test.height)×\(test.width) but the training images are \(images.height)×\(images.width) (H×W)")
            }
            try test.checkLabels(classes: architecture.classes)
            self.test = try EvaluationSet(
                test, rows: Array(0..<test.count), labels: testLabels, scale: test.scale(uint8Scale: uint8Scale))
        } else {
            self.test = nil
        }
    }

    public var parameters: Parameters { trainer.parameters }

    /// Runs one epoch and validates. `progress(batchesDone, batches, imagesDone, runningLoss)` is called
    /// after every minibatch. Returns the epoch's record and whether it is the best so far.
    public func runEpoch(progress: (Int, Int, Int, Double) -> Void = { _, _, _, _ in }) throws -> (record: EpochRecord, isBest: Bool) {
        let epoch = history.count + 1
        let started = Date()
        var order = split.training
        var generator = SeededGenerator(seed: options.seed &+ UInt64(epoch) &* 0x9E37_79B9)
        generator.shuffle(&order)

        let pixels = images.height * images.width
        var distortionGenerator = SeededGenerator(seed: (options.seed &+ UInt64(epoch) &* 0x9E37_79B9) ^ 0xD15_7017)
        let distortionWorkspace = options.elastic.map {
            ElasticDistortion.Workspace(height: images.height, width: images.width, spacing: $0.spacing)
        }
        let batchSize = min(options.batchSize, order.count)
        var batch = [Float](repeating: 0, count: batchSize * pixels)
        var batchLabels = [Int](repeating: 0, count: batchSize)
        var pieceGenerator = SeededGenerator(seed: (options.seed &+ UInt64(epoch) &* 0x9E37_79B9) ^ 0x91EC_E5)
        var pieceBatch = [Float](repeating: 0, count: options.pieces > 0 ? batchSize * InkPieces.maximum * pixels : 0)
        var pieceCounts = [Int](repeating: 1, count: batchSize)
        let batches = (order.count + batchSize - 1) / batchSize
        let totalSteps = batches * options.epochs
        let warmupSteps = Int((options.warmupEpochs * Double(batches)).rounded())
        var lossSum = 0.0
        var correct = 0
        var seen = 0
        for batchIndex in 0..<batches {
            let members = order[(batchIndex * batchSize)..<min(order.count, (batchIndex + 1) * batchSize)]
            try batch.withUnsafeMutableBufferPointer { buffer in
                for (row, index) in members.enumerated() {
                    try images.fill(
                        index..<(index + 1), into: UnsafeMutableBufferPointer(rebasing: buffer[(row * pixels)...]), scale: scale)
                    batchLabels[row] = labels[index]
                }
                if let elastic = options.elastic, let distortionWorkspace {
                    elastic.apply(
                        to: buffer.baseAddress!, count: members.count, workspace: distortionWorkspace,
                        generator: &distortionGenerator)
                }
            }
            trainer.adam.learningRate = options.schedule.rate(
                peak: options.learningRate, step: (epoch - 1) * batches + batchIndex,
                totalSteps: totalSteps, warmupSteps: warmupSteps)
            let cut = options.pieces > 0
            if cut { cutIntoPieces(batch, count: members.count, into: &pieceBatch, counts: &pieceCounts, generator: &pieceGenerator) }
            let result = try (cut ? pieceBatch : batch).withUnsafeBufferPointer { imageBuffer in
                try batchLabels.withUnsafeBufferPointer { labelBuffer in
                    try pieceCounts.withUnsafeBufferPointer { counts in
                        try trainer.step(images: imageBuffer, labels: labelBuffer, count: members.count, pieces: cut ? counts : nil)
                    }
                }
            }
            lossSum += Double(result.loss) * Double(members.count)
            correct += result.correct
            seen += members.count
            progress(batchIndex + 1, batches, seen, lossSum / Double(seen))
        }
        let trainSeconds = Date().timeIntervalSince(started)
        let validated = try validation.evaluate(with: trainer)
        let tested = try test?.evaluate(with: trainer, gridPhases: options.gridPhases)
        let record = EpochRecord(
            epoch: epoch, trainLoss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
            validationLoss: validated.loss, validationAccuracy: validated.accuracy,
            testLoss: tested?.loss, testAccuracy: tested?.accuracy,
            seconds: Date().timeIntervalSince(started), imagesPerSecond: Double(seen) / trainSeconds)
        history.append(record)
        let isBest = best == nil || record.validationAccuracy > best!.accuracy
        if isBest { best = (epoch, trainer.parameters, record.validationAccuracy) }
        return (record, isBest)
    }

    /// Copies the first `count` images of `batch` to `output`, each drawn with probability
    /// `options.pieces` cut into its ink-separated pieces, and their piece counts to `counts`.
    private func cutIntoPieces(
        _ batch: [Float], count: Int, into output: inout [Float], counts: inout [Int], generator: inout SeededGenerator
    ) {
        let (height, width) = (images.height, images.width)
        let pixels = height * width
        batch.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                var row = 0
                for image in 0..<count {
                    let input = source.baseAddress! + image * pixels
                    let place = target.baseAddress! + row * pixels
                    if Double.random(in: 0..<1, using: &generator) < options.pieces {
                        counts[image] = InkPieces.cut(input, height: height, width: width, into: place)
                    } else {
                        place.update(from: input, count: pixels)
                        counts[image] = 1
                    }
                    row += counts[image]
                }
            }
        }
    }
}
