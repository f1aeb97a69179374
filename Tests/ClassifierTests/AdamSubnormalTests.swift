import Classifier
import Testing

/// Adam never leaves subnormal moments behind (each operation on one costs ~100 cycles on x86).
@Suite("Adam without subnormals")
struct AdamSubnormalTests {
    @Test("moments that would decay below 1e-30 become exactly 0")
    func tinyMomentsFlushToZero() throws {
        let architecture = try Architecture.seed(height: 12, width: 20, channels: [4, 6], hidden: 8, classes: 5)
        let parameters = Parameters(architecture: architecture, seed: 1)
        let tiny = [Float](repeating: 1e-31, count: parameters.values.count)
        let trainer = try Trainer(parameters: parameters, adamState: AdamState(step: 10, m: tiny, v: tiny), workers: 1)
        // Black images: conv1's weights multiply only zeros, so their gradients are exactly 0.
        let images = [Float](repeating: 0, count: 4 * 240)
        let labels = [0, 1, 2, 3]
        _ = try images.withUnsafeBufferPointer { input in
            try labels.withUnsafeBufferPointer { try trainer.computeGradients(images: input, labels: $0, count: 4) }
        }
        trainer.applyAdam()
        let state = trainer.adamState
        let zeroGradient = trainer.gradients.indices.filter { trainer.gradients[$0] == 0 }
        #expect(zeroGradient.count >= 36, "conv1's 36 weights see only black pixels")
        #expect(zeroGradient.allSatisfy { state.m[$0] == 0 && state.v[$0] == 0 })
        #expect(!state.m.contains { $0.isSubnormal } && !state.v.contains { $0.isSubnormal })
    }
}
