import ArrayFormats
import Classifier
import Foundation
import KernelInterface
import Testing

/// Helpers shared by the engine tests.
enum EngineTestSupport {
    /// Every kernel set this CPU can run: the engine's numeric tests run on each of them.
    static var kernelSets: [KernelSetName] { KernelSelection.runnable }

    /// Mean cross-entropy of the batch, computed in Double from the engine's float32 logits
    /// (the reference the finite-difference checks differentiate).
    static func loss(_ parameters: Parameters, images: [Float], labels: [Int], kernels: KernelSetName) throws -> Double {
        let predictor = BatchPredictor(network: try InferenceNetwork(parameters: parameters, kernelSet: kernels), workers: 1)
        let classes = parameters.architecture.classes
        let logits = images.withUnsafeBufferPointer { predictor.logits(images: $0, count: labels.count) }
        var total = 0.0
        for (row, label) in labels.enumerated() {
            let z = logits[(row * classes)..<((row + 1) * classes)].map(Double.init)
            let top = z.max()!
            total += log(z.reduce(0) { $0 + exp($1 - top) }) + top - z[label]
        }
        return total / Double(labels.count)
    }

    /// The trainer's gradients (arena order) for one batch, after checking that its loss agrees
    /// with `loss(_:images:labels:)` within `lossTolerance`: the finite-difference checks' start.
    static func trainerGradients(
        _ parameters: Parameters, images: [Float], labels: [Int], lossTolerance: Double, kernels: KernelSetName
    ) throws -> [Float] {
        let trainer = try Trainer(parameters: parameters, workers: 2, kernelSet: kernels)
        let result = try images.withUnsafeBufferPointer { input in
            try labels.withUnsafeBufferPointer { try trainer.computeGradients(images: input, labels: $0, count: labels.count) }
        }
        #expect(abs(Double(result.loss) - (try loss(parameters, images: images, labels: labels, kernels: kernels))) < lossTolerance)
        return trainer.gradients
    }

    /// `max|actual − expected| / max|expected|` (the golden README's max-norm relative error),
    /// plus the absolute max difference for printing.
    static func relativeError(_ actual: [Float], _ expected: [Float]) -> (relative: Double, absolute: Double) {
        precondition(actual.count == expected.count, "comparing \(actual.count) values with \(expected.count)")
        var difference = 0.0
        var scale = 0.0
        for (a, e) in zip(actual, expected) {
            difference = max(difference, abs(Double(a) - Double(e)))
            scale = max(scale, abs(Double(e)))
        }
        return (scale == 0 ? difference : difference / scale, difference)
    }

    /// `count` floats uniform in `[low, high)` from a fixed seed.
    static func uniform(_ count: Int, seed: UInt64, in range: ClosedRange<Float> = 0...1) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * generator.nextUnitFloat() }
    }

    /// `count` labels in `0..<classes` from a fixed seed.
    static func labels(_ count: Int, classes: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextIndex(below: classes) }
    }

    /// The folder of small-case PyTorch float32 vectors written by `Fixtures/generate_golden.py`.
    static var goldenFolder: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("golden-f32")
    }

    /// A golden tensor as floats.
    static func golden(_ name: String) throws -> [Float] {
        try NpyArray(contentsOf: goldenFolder.appendingPathComponent("\(name).npy")).floats()
    }
}
