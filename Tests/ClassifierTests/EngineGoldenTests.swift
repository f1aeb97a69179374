import ArrayFormats
import Classifier
import Foundation
import KernelInterface
import TestFixtures
import Testing

/// Parity with PyTorch on the golden vectors (`Fixtures/generate_golden.py` says what each tensor is): the small case's
/// logits, loss, gradients and Adam steps, and the full-size seed model's logits when available.
@Suite("Engine parity with PyTorch")
struct EngineGoldenTests {
    static let tolerance = 1e-4

    /// The small golden case: 8×12 input, channels 2/3, hidden 5, 7 classes, batch 4.
    static func smallCase() throws -> (parameters: Parameters, images: [Float], labels: [Int]) {
        let architecture = try Architecture.seed(height: 8, width: 12, channels: [2, 3], hidden: 5, classes: 7)
        var tensors: [String: [Float]] = [:]
        for spec in architecture.parameters {
            let array = try NpyArray(contentsOf: EngineTestSupport.goldenFolder.appendingPathComponent("\(spec.name).npy"))
            #expect(array.shape == spec.shape, "golden \(spec.name) has shape \(array.shape), architecture says \(spec.shape)")
            tensors[spec.name] = array.floats()
        }
        let labels = try NpyArray(contentsOf: EngineTestSupport.goldenFolder.appendingPathComponent("labels.npy")).integers()
        return (try Parameters(architecture: architecture, tensors: tensors), try EngineTestSupport.golden("input"), labels)
    }

    /// Compares and prints one tensor.
    static func check(_ label: String, _ actual: [Float], _ expected: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
        let error = EngineTestSupport.relativeError(actual, expected)
        print("\(label): max |Δ| = \(error.absolute), relative \(error.relative)")
        #expect(
            error.relative <= tolerance, "\(label) differs from PyTorch by \(error.relative) (relative)", sourceLocation: sourceLocation)
    }

    @Test("logits match PyTorch", arguments: EngineTestSupport.kernelSets)
    func logits(kernels: KernelSetName) throws {
        let (parameters, images, _) = try Self.smallCase()
        let predictor = BatchPredictor(network: try InferenceNetwork(parameters: parameters, kernelSet: kernels), workers: 1)
        let logits = images.withUnsafeBufferPointer { predictor.logits(images: $0, count: 4, chunkSize: 4) }
        Self.check("\(kernels) logits", logits, try EngineTestSupport.golden("logits"))
    }

    @Test("loss and gradients match PyTorch, with and without label smoothing", arguments: EngineTestSupport.kernelSets, [1, 2])
    func gradients(kernels: KernelSetName, workers: Int) throws {
        let (parameters, images, labels) = try Self.smallCase()
        let trainer = try Trainer(parameters: parameters, workers: workers, kernelSet: kernels)
        for (smoothing, prefix) in [(Float(0), ""), (0.1, "smooth.")] {
            trainer.labelSmoothing = smoothing
            let result = try images.withUnsafeBufferPointer { input in
                try labels.withUnsafeBufferPointer { try trainer.computeGradients(images: input, labels: $0, count: 4) }
            }
            Self.check("\(kernels) \(prefix)loss (\(workers) workers)", [result.loss], try EngineTestSupport.golden("\(prefix)loss"))
            for (spec, range) in zip(parameters.specs, parameters.ranges) {
                Self.check(
                    "\(kernels) \(prefix)grad.\(spec.name) (\(workers) workers)", Array(trainer.gradients[range]),
                    try EngineTestSupport.golden("\(prefix)grad.\(spec.name)"))
            }
        }
    }

    @Test("parameters after 1 and 3 Adam and AdamW steps match PyTorch", arguments: EngineTestSupport.kernelSets)
    func adamSteps(kernels: KernelSetName) throws {
        let (parameters, images, labels) = try Self.smallCase()
        for (optimizer, adam) in [("adam", AdamConfiguration()), ("adamw", AdamConfiguration(weightDecay: 0.5))] {
            let trainer = try Trainer(parameters: parameters, adam: adam, workers: 2, kernelSet: kernels)
            for step in 1...3 {
                try images.withUnsafeBufferPointer { input in
                    try labels.withUnsafeBufferPointer { _ = try trainer.step(images: input, labels: $0, count: 4) }
                }
                guard step != 2 else { continue }
                for spec in parameters.specs {
                    Self.check(
                        "\(kernels) \(optimizer)\(step).\(spec.name)", trainer.parameters.tensor(named: spec.name)!,
                        try EngineTestSupport.golden("\(optimizer)\(step).\(spec.name)"))
                }
            }
            #expect(trainer.adamState.step == 3)
        }
    }

    @Test(
        "full-size seed model logits match PyTorch",
        .enabled(
            if: SharedData.goldenSeedModel != nil,
            "needs ../shared/golden/seed-model beside the repository"))
    func seedModel() throws {
        for kernels in EngineTestSupport.kernelSets { try seedModel(kernels: kernels) }
    }

    private func seedModel(kernels: KernelSetName) throws {
        let folder = try #require(SharedData.goldenSeedModel)
        let file = try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors"))
        var tensors: [String: [Float]] = [:]
        for name in file.tensorNames { tensors[name] = try file.floats(named: name) }
        let parameters = try Parameters(architecture: try Architecture.seed(), tensors: tensors)
        let images = try NpyArray(contentsOf: folder.appendingPathComponent("images.npy"))
        #expect(images.shape == [8, 28, 140])
        let predictor = BatchPredictor(network: try InferenceNetwork(parameters: parameters, kernelSet: kernels), workers: 2)
        let logits = try predictor.logits(count: 8, chunkSize: 3) { range, buffer in
            images.copyFloats(elements: (range.lowerBound * 3920)..<(range.upperBound * 3920), into: buffer, scale: 1 / 255)
        }
        Self.check("\(kernels) seed-model logits", logits, try NpyArray(contentsOf: folder.appendingPathComponent("logits.npy")).floats())
    }
}
