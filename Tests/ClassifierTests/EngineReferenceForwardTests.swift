import Classifier
import KernelInterface
import Testing

/// The inference engine's fused, packed kernels against a plain Double forward pass written from
/// PyTorch's definitions, on sizes that hit every edge of the kernels: rows in the vectorised
/// pooling and past it, linear layers spanning several feature blocks and a partial output tile,
/// and batches that are not a multiple of the register tile. Needs nothing from ../shared.
@Suite("Engine forward vs a plain reference")
struct EngineReferenceForwardTests {
    /// Conv2d (padding k/2) + bias for one `[cin, h, w]` image.
    static func conv(_ x: [Double], cin: Int, h: Int, w: Int, weight: [Float], bias: [Float], cout: Int, k: Int) -> [Double] {
        var y = [Double](repeating: 0, count: cout * h * w)
        let p = k / 2
        for o in 0..<cout {
            for i in 0..<h {
                for j in 0..<w {
                    var sum = Double(bias[o])
                    for c in 0..<cin {
                        for ki in 0..<k {
                            for kj in 0..<k {
                                let r = i + ki - p
                                let s = j + kj - p
                                guard r >= 0, r < h, s >= 0, s < w else { continue }
                                sum += Double(weight[((o * cin + c) * k + ki) * k + kj]) * x[(c * h + r) * w + s]
                            }
                        }
                    }
                    y[(o * h + i) * w + j] = sum
                }
            }
        }
        return y
    }

    /// ReLU then MaxPool2d(2) (floor) for `[c, h, w]`.
    static func reluPool(_ x: [Double], c: Int, h: Int, w: Int) -> [Double] {
        let oh = h / 2
        let ow = w / 2
        var y = [Double](repeating: 0, count: c * oh * ow)
        for ch in 0..<c {
            for i in 0..<oh {
                for j in 0..<ow {
                    let window = [
                        x[(ch * h + 2 * i) * w + 2 * j], x[(ch * h + 2 * i) * w + 2 * j + 1],
                        x[(ch * h + 2 * i + 1) * w + 2 * j], x[(ch * h + 2 * i + 1) * w + 2 * j + 1],
                    ]
                    y[(ch * oh + i) * ow + j] = max(window.max()!, 0)
                }
            }
        }
        return y
    }

    static func linear(_ x: [Double], weight: [Float], bias: [Float], outs: Int, relu: Bool) -> [Double] {
        (0..<outs).map { o in
            var sum = Double(bias[o])
            for (i, value) in x.enumerated() { sum += Double(weight[o * x.count + i]) * value }
            return relu ? max(sum, 0) : sum
        }
    }

    /// Image sizes: 18×70 gives conv2 a 9×35 input, so it runs Winograd on odd sizes (the pool
    /// drops the last row and column); 20×76 gives it 10×38, so it runs Winograd with a partial
    /// block of tile positions (5 rows of 20 = 100 of 128). conv1 (one input channel) runs the
    /// blocked kernel and its pooling pass (pooled widths 35 and 38: vector and scalar pooling).
    static let sizes = [(18, 70), (20, 76)]

    @Test("fused, packed inference matches a Double reference", arguments: EngineTestSupport.kernelSets, sizes)
    func matchesReference(kernels: KernelSetName, size: (Int, Int)) throws {
        // fc1 has 16·4·17 = 1088 or 16·5·19 = 1520 inputs (several feature blocks) and 70 outputs
        // (a full and a partial tile); fc2 46.
        let (h, w) = size
        let (c1, c2, hidden, classes) = (8, 16, 70, 46)
        let architecture = try Architecture.seed(height: h, width: w, channels: [c1, c2], hidden: hidden, classes: classes)
        let parameters = Parameters(architecture: architecture, seed: 11)
        let network = try InferenceNetwork(parameters: parameters, kernelSet: kernels)
        for batch in [1, 7, 13] {
            let images = EngineTestSupport.uniform(batch * h * w, seed: 12)
            var logits = [Float](repeating: 0, count: batch * classes)
            images.withUnsafeBufferPointer { input in
                logits.withUnsafeMutableBufferPointer { output in
                    network.forward(images: input, count: batch, logits: output, workspace: network.makeWorkspace(maxBatch: batch))
                }
            }
            func tensor(_ name: String) -> [Float] { parameters.tensor(named: name)! }
            var expected: [Float] = []
            for image in 0..<batch {
                let x = images[(image * h * w)..<((image + 1) * h * w)].map(Double.init)
                var a = Self.conv(x, cin: 1, h: h, w: w, weight: tensor("conv1.weight"), bias: tensor("conv1.bias"), cout: c1, k: 3)
                a = Self.reluPool(a, c: c1, h: h, w: w)
                a = Self.conv(a, cin: c1, h: h / 2, w: w / 2, weight: tensor("conv2.weight"), bias: tensor("conv2.bias"), cout: c2, k: 3)
                a = Self.reluPool(a, c: c2, h: h / 2, w: w / 2)
                a = Self.linear(a, weight: tensor("fc1.weight"), bias: tensor("fc1.bias"), outs: hidden, relu: true)
                a = Self.linear(a, weight: tensor("fc2.weight"), bias: tensor("fc2.bias"), outs: classes, relu: false)
                expected += a.map(Float.init)
            }
            let error = EngineTestSupport.relativeError(logits, expected)
            print("\(kernels) \(h)×\(w) batch \(batch): max |Δlogit| \(error.absolute), relative \(error.relative)")
            #expect(error.relative < 1e-5)
        }
    }
}
