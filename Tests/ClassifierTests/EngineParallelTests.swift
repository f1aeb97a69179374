import Classifier
import Foundation
import Testing

/// Chunked, multi-worker prediction and data-parallel training give the same answers as the
/// simplest schedule, and repeat exactly.
@Suite("Engine parallelism and determinism")
struct EngineParallelTests {
    static func smallSeed() throws -> Architecture {
        try Architecture.seed(height: 12, width: 20, channels: [4, 6], hidden: 8, classes: 5)
    }

    @Test("predictions do not depend on worker count or chunk size")
    func predictionOrder() throws {
        let architecture = try Self.smallSeed()
        // Weights far larger than the default initialisation's, so random images get different classes.
        var tensors: [String: [Float]] = [:]
        for (index, spec) in architecture.parameters.enumerated() {
            tensors[spec.name] = EngineTestSupport.uniform(spec.count, seed: UInt64(100 + index), in: -1...1)
        }
        let network = try InferenceNetwork(parameters: Parameters(architecture: architecture, tensors: tensors))
        let count = 37
        let images = EngineTestSupport.uniform(count * 240, seed: 5)
        let reference = images.withUnsafeBufferPointer {
            BatchPredictor(network: network, workers: 1).predict(images: $0, count: count, chunkSize: count)
        }
        #expect(Set(reference.map(\.label)).count > 1, "the test images should not all get the same class")
        for workers in [1, 2, 3] {
            for chunkSize in [1, 4, 64] {
                let predictions = images.withUnsafeBufferPointer {
                    BatchPredictor(network: network, workers: workers).predict(images: $0, count: count, chunkSize: chunkSize)
                }
                #expect(predictions.map(\.label) == reference.map(\.label), "\(workers) workers, chunks of \(chunkSize)")
                let confidence = EngineTestSupport.relativeError(predictions.map(\.confidence), reference.map(\.confidence))
                #expect(confidence.absolute < 1e-5, "\(workers) workers, chunks of \(chunkSize)")
            }
        }
    }

    @Test("chunks: 64 images for the seed network's 8 MB linear layer, 32 without one, shared over the workers")
    func chunkSizes() throws {
        let seed = try InferenceNetwork(parameters: Parameters(architecture: Architecture.seed(), seed: 1))
        let digitSum = try InferenceNetwork(parameters: Parameters(architecture: Architecture.digitSum(height: 28, width: 140), seed: 1))
        #expect(seed.chunkSize == 64)
        #expect(digitSum.chunkSize == 32)
        let predictor = BatchPredictor(network: seed, workers: 2)
        #expect(predictor.chunkSize(count: 10_000, requested: nil) == 64)
        #expect(predictor.chunkSize(count: 10_000, requested: 16) == 16, "a chunk size asked for is used")
        #expect(predictor.chunkSize(count: 100, requested: nil) == 50, "a small batch is shared by both workers")
        #expect(predictor.chunkSize(count: 1, requested: nil) == 1)
    }

    @Test("one image's logits equal its row in a batch, and confidence is its softmax probability")
    func singleImage() throws {
        let architecture = try Self.smallSeed()
        let network = try InferenceNetwork(parameters: Parameters(architecture: architecture, seed: 4))
        let images = EngineTestSupport.uniform(6 * 240, seed: 6)
        let predictor = BatchPredictor(network: network, workers: 2)
        let batch = images.withUnsafeBufferPointer { predictor.logits(images: $0, count: 6, chunkSize: 6) }
        let predictions = images.withUnsafeBufferPointer { predictor.predict(images: $0, count: 6) }
        let workspace = network.makeWorkspace(maxBatch: 1)
        for image in 0..<6 {
            var single = [Float](repeating: 0, count: 5)
            images.withUnsafeBufferPointer { input in
                single.withUnsafeMutableBufferPointer { output in
                    network.forward(
                        images: UnsafeBufferPointer(rebasing: input[(image * 240)...]), count: 1, logits: output, workspace: workspace)
                }
            }
            let row = Array(batch[(image * 5)..<((image + 1) * 5)])
            #expect(EngineTestSupport.relativeError(single, row).relative < 1e-6)
            let top = row.max()!
            #expect(predictions[image].label == row.firstIndex(of: top)!)
            let probability = 1 / row.reduce(0) { $0 + exp(Double($1 - top)) }
            #expect(abs(Double(predictions[image].confidence) - probability) < 1e-6)
        }
    }

    struct FillFailure: Error {}

    @Test("an error from fill is rethrown")
    func fillError() throws {
        let network = try InferenceNetwork(parameters: Parameters(architecture: try Self.smallSeed(), seed: 1))
        #expect(throws: FillFailure.self) {
            try BatchPredictor(network: network, workers: 2).predict(count: 20, chunkSize: 3) { range, buffer in
                if range.contains(10) { throw FillFailure() }
                buffer.update(repeating: 0.5)
            }
        }
    }

    @Test("training is bit-for-bit repeatable for a fixed seed and worker count", arguments: [1, 2])
    func repeatableTraining(workers: Int) throws {
        let architecture = try Self.smallSeed()
        let images = EngineTestSupport.uniform(40 * 240, seed: 8)
        let labels = EngineTestSupport.labels(40, classes: 5, seed: 9)
        func train() throws -> (Parameters, [Float]) {
            let trainer = try Trainer(parameters: Parameters(architecture: architecture, seed: 10), workers: workers)
            var losses: [Float] = []
            try images.withUnsafeBufferPointer { input in
                try labels.withUnsafeBufferPointer { targets in
                    for start in stride(from: 0, to: 40, by: 20) {
                        losses.append(
                            try trainer.step(
                                images: UnsafeBufferPointer(rebasing: input[(start * 240)...]),
                                labels: UnsafeBufferPointer(rebasing: targets[start...]), count: 20
                            ).loss)
                    }
                }
            }
            return (trainer.parameters, losses)
        }
        let first = try train()
        let second = try train()
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)
        #expect(first.0 != Parameters(architecture: architecture, seed: 10), "the steps should change the parameters")
    }

    @Test("worker counts agree on gradients up to rounding, and a large batch runs in micro-batches")
    func workerCountsAgree() throws {
        let architecture = try Self.smallSeed()
        let count = Trainer.microBatchLimit * 2 + 7
        let images = EngineTestSupport.uniform(count * 240, seed: 12)
        let labels = EngineTestSupport.labels(count, classes: 5, seed: 13)
        var results: [(loss: Float, gradients: [Float])] = []
        for workers in [1, 2, 3] {
            let trainer = try Trainer(parameters: Parameters(architecture: architecture, seed: 14), workers: workers)
            let result = try images.withUnsafeBufferPointer { input in
                try labels.withUnsafeBufferPointer { try trainer.computeGradients(images: input, labels: $0, count: count) }
            }
            results.append((result.loss, trainer.gradients))
        }
        for other in results.dropFirst() {
            #expect(abs(other.loss - results[0].loss) < 1e-5)
            #expect(EngineTestSupport.relativeError(other.gradients, results[0].gradients).relative < 1e-5)
        }
    }

    @Test("training lowers the loss on a fixed batch")
    func learns() throws {
        let architecture = try Self.smallSeed()
        let images = EngineTestSupport.uniform(16 * 240, seed: 15)
        let labels = EngineTestSupport.labels(16, classes: 5, seed: 16)
        let trainer = try Trainer(
            parameters: Parameters(architecture: architecture, seed: 17), adam: AdamConfiguration(learningRate: 1e-2), workers: 2)
        let (before, after) = try images.withUnsafeBufferPointer { input in
            try labels.withUnsafeBufferPointer { targets in
                let before = try trainer.evaluate(images: input, labels: targets, count: 16)
                for _ in 0..<40 { try trainer.step(images: input, labels: targets, count: 16) }
                return (before, try trainer.evaluate(images: input, labels: targets, count: 16))
            }
        }
        #expect(after.loss < before.loss / 2)
        #expect(after.correct > before.correct)
    }
}
