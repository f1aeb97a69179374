import KernelInterface
import Testing

@testable import Classifier

/// `denseBackward`'s register tiles against a plain Double reference, on shapes that exercise
/// every tail: rows and outputs not multiples of the 6-row tile, inputs below one vector, between
/// whole vectors, past a whole register tile (8 to 64 columns, by kernel set) and past a 512-column block, and a gradient arena that
/// already holds values.
@Suite("Dense backward vs a Double reference")
struct DenseBackwardTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        var rows: Int, inFeatures: Int, outFeatures: Int
        var testDescription: String { "rows \(rows), in \(inFeatures), out \(outFeatures)" }
    }

    static let shapes: [Shape] = [1, 5, 13].flatMap { rows in
        [1, 7, 46, 70].flatMap { out in [3, 17, 100, 130, 530].map { Shape(rows: rows, inFeatures: $0, outFeatures: out) } }
    }

    /// With `accumulateWeights: false` the weight gradient must replace what the arena held.
    @Test(arguments: shapes, EngineTestSupport.kernelSets)
    func matchesReference(_ shape: Shape, kernels: KernelSetName) {
        for accumulateWeights in [true, false] {
            check(shape, kernels: KernelSelection.kernels(kernels), accumulateWeights: accumulateWeights)
        }
    }

    private func check(_ shape: Shape, kernels: any KernelSet.Type, accumulateWeights: Bool) {
        let (rows, fin, out) = (shape.rows, shape.inFeatures, shape.outFeatures)
        // Arena: a few leading floats, then weight and bias, so the offsets are not zero.
        let g = DenseGeometry(inFeatures: fin, outFeatures: out, weight: 3, bias: 3 + out * fin)
        let parameters = uniform(g.bias + out, seed: 1)
        let input = uniform(rows * fin, seed: 2)
        let outputGradient = uniform(rows * out, seed: 3)
        let initialGradients = uniform(g.bias + out, seed: 4)
        var gradients = initialGradients
        var inputGradient = [Float](repeating: .nan, count: rows * fin)
        parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { dy in
                    gradients.withUnsafeMutableBufferPointer { grad in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            kernels.denseBackward(
                                g, parameters: p.baseAddress!, gradients: grad.baseAddress!, input: x.baseAddress!,
                                outputGradient: dy.baseAddress!, inputGradient: dx.baseAddress!, rows: rows,
                                accumulateWeights: accumulateWeights)
                        }
                    }
                }
            }
        }
        var expectedGradients = initialGradients.map(Double.init)
        if !accumulateWeights {
            for i in g.weight..<(g.weight + out * fin) { expectedGradients[i] = 0 }
        }
        var expectedInputGradient = [Double](repeating: 0, count: rows * fin)
        for r in 0..<rows {
            for o in 0..<out {
                let dy = Double(outputGradient[r * out + o])
                expectedGradients[g.bias + o] += dy
                for i in 0..<fin {
                    expectedGradients[g.weight + o * fin + i] += dy * Double(input[r * fin + i])
                    expectedInputGradient[r * fin + i] += dy * Double(parameters[g.weight + o * fin + i])
                }
            }
        }
        #expect(relativeError(gradients, expectedGradients) < 1e-5)
        #expect(relativeError(inputGradient, expectedInputGradient) < 1e-5)
    }

    /// Without an input gradient (the first layer on raw features) only dW and db change.
    @Test(arguments: EngineTestSupport.kernelSets)
    func withoutInputGradient(kernels: KernelSetName) {
        let g = DenseGeometry(inFeatures: 70, outFeatures: 9, weight: 0, bias: 630)
        let parameters = uniform(639, seed: 5)
        let input = uniform(4 * 70, seed: 6)
        let outputGradient = uniform(4 * 9, seed: 7)
        var gradients = [Float](repeating: 0, count: 639)
        parameters.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { dy in
                    gradients.withUnsafeMutableBufferPointer { grad in
                        KernelSelection.kernels(kernels).denseBackward(
                            g, parameters: p.baseAddress!, gradients: grad.baseAddress!, input: x.baseAddress!,
                            outputGradient: dy.baseAddress!, inputGradient: nil, rows: 4, accumulateWeights: true)
                    }
                }
            }
        }
        var expected = [Double](repeating: 0, count: 639)
        for r in 0..<4 {
            for o in 0..<9 {
                let dy = Double(outputGradient[r * 9 + o])
                expected[630 + o] += dy
                for i in 0..<70 { expected[o * 70 + i] += dy * Double(input[r * 70 + i]) }
            }
        }
        #expect(relativeError(gradients, expected) < 1e-5)
    }

    /// `max|actual − expected| / max|expected|`; NaN (an element never written) fails it.
    private func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
        var difference = 0.0
        var scale = 0.0
        for (a, e) in zip(actual, expected) {
            let d = abs(Double(a) - e)
            difference = d.isNaN ? .infinity : max(difference, d)
            scale = max(scale, abs(e))
        }
        return difference / scale
    }

    /// `count` floats uniform in `[-1, 1)` from a fixed seed.
    private func uniform(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float.random(in: -1..<1, using: &generator) }
    }
}
