import Classifier
import Foundation
import KernelInterface
import Testing

/// Backward passes against central finite differences on shapes the golden case does not cover:
/// odd heights and widths, 5×5 kernels, padding 0 and 2, 3×3 max-pools, a standalone
/// ReLU after a pool and after a flatten, and every convolution kernel (im2col + GEMM, the
/// blocked one used for multiples of 8 output channels, with and without a pool after it, and
/// Winograd for 3×3 layers on even sizes, forward and dInput; the weight gradient blocked on
/// planes of 128+ flattened positions, im2col on smaller ones).
@Suite("Engine gradients vs finite differences")
struct EngineGradientCheckTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var architecture: @Sendable () throws -> Architecture
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "9×11, k3 p1, pool 3, k5 p2") {
            try Architecture(
                name: "fd-a", inputHeight: 9, inputWidth: 11,
                layers: [
                    .conv2d(name: "c1", inChannels: 1, outChannels: 2, kernel: 3, padding: 1), .relu, .maxPool2d(kernel: 3),
                    .conv2d(name: "c2", inChannels: 2, outChannels: 8, kernel: 5, padding: 2), .relu,
                    .flatten, .linear(name: "fc", inFeatures: 72, outFeatures: 4),
                ])
        },
        Case(name: "7×13, k5 p0, pool 2, standalone ReLUs") {
            try Architecture(
                name: "fd-b", inputHeight: 7, inputWidth: 13,
                layers: [
                    .conv2d(name: "c1", inChannels: 1, outChannels: 3, kernel: 5, padding: 0), .maxPool2d(kernel: 2), .relu,
                    .flatten, .relu, .linear(name: "fc1", inFeatures: 12, outFeatures: 5), .relu,
                    .linear(name: "fc2", inFeatures: 5, outFeatures: 3),
                ])
        },
        Case(name: "24×19, blocked 3×3 + pool, blocked dInput and dW") {
            try Architecture(
                name: "fd-c", inputHeight: 24, inputWidth: 19,
                layers: [
                    .conv2d(name: "c1", inChannels: 1, outChannels: 8, kernel: 3, padding: 1), .relu, .maxPool2d(kernel: 2),
                    .conv2d(name: "c2", inChannels: 8, outChannels: 8, kernel: 3, padding: 1), .relu,
                    .flatten, .linear(name: "fc", inFeatures: 864, outFeatures: 3),
                ])
        },
        Case(name: "8×20, Winograd 3×3 with and without a pool, Winograd dInput, im2col dW") {
            try Architecture(
                name: "fd-d", inputHeight: 8, inputWidth: 20,
                layers: [
                    .conv2d(name: "c1", inChannels: 1, outChannels: 8, kernel: 3, padding: 1), .relu, .maxPool2d(kernel: 2),
                    .conv2d(name: "c2", inChannels: 8, outChannels: 8, kernel: 3, padding: 1), .relu,
                    .conv2d(name: "c3", inChannels: 8, outChannels: 8, kernel: 3, padding: 1), .relu, .maxPool2d(kernel: 2),
                    .flatten, .linear(name: "fc", inFeatures: 80, outFeatures: 3),
                ])
        },
    ]

    @Test("analytic gradients match central differences", arguments: cases, EngineTestSupport.kernelSets)
    func finiteDifferences(_ testCase: Case, kernels: KernelSetName) throws {
        let architecture = try testCase.architecture()
        let count = 5
        // Kinks the one-sided test cannot see (one pixel of many crossing zero) still blur the
        // quotient; with this seed none lies within ±ε (seeds 4 and 8 hit one in the last case).
        let parameters = Parameters(architecture: architecture, seed: 6)
        let images = EngineTestSupport.uniform(count * architecture.inputHeight * architecture.inputWidth, seed: 11)
        let labels = EngineTestSupport.labels(count, classes: architecture.classes, seed: 13)
        let gradients = try EngineTestSupport.trainerGradients(
            parameters, images: images, labels: labels, lossTolerance: 1e-5, kernels: kernels)

        // Small enough to stay clear of kinks, large enough that float32 logits' rounding stays small.
        let epsilon: Float = 1e-4
        let tensors = Dictionary(uniqueKeysWithValues: parameters.tensors().map { ($0.name, $0.values) })
        func shifted(_ name: String, _ index: Int, by delta: Float) throws -> (Parameters, Float) {
            var changed = tensors
            changed[name]![index] += delta
            return (try Parameters(architecture: architecture, tensors: changed), changed[name]![index])
        }
        let center = try EngineTestSupport.loss(parameters, images: images, labels: labels, kernels: kernels)
        var compared = 0
        var skipped = 0
        for (spec, range) in zip(parameters.specs, parameters.ranges) {
            var analytic: [Float] = []
            var numeric: [Float] = []
            for index in 0..<range.count {
                let (plus, high) = try shifted(spec.name, index, by: epsilon)
                let (minus, low) = try shifted(spec.name, index, by: -epsilon)
                let up = try EngineTestSupport.loss(plus, images: images, labels: labels, kernels: kernels) - center
                let down = center - (try EngineTestSupport.loss(minus, images: images, labels: labels, kernels: kernels))
                // One-sided slopes that disagree mean a ReLU or max-pool kink lies within ±ε:
                // the difference quotient is meaningless there, so skip that parameter.
                if abs(up - down) > 0.2 * (abs(up) + abs(down)) + 1e-9 {
                    skipped += 1
                    continue
                }
                analytic.append(gradients[range.lowerBound + index])
                numeric.append(Float((up + down) / Double(high - low)))
            }
            compared += analytic.count
            guard !analytic.isEmpty else { continue }
            let error = EngineTestSupport.relativeError(analytic, numeric)
            print("\(kernels) \(testCase.name) \(spec.name): max |Δ| = \(error.absolute), relative \(error.relative)")
            #expect(error.relative < 2e-2, "\(spec.name) gradient differs from finite differences by \(error.relative)")
        }
        print("\(testCase.name): compared \(compared) parameters, skipped \(skipped) at kinks")
        #expect(skipped * 10 <= compared, "too many kinks (\(skipped)) for a meaningful check")
    }
}
