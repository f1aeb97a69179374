import Classifier
import Foundation
import KernelInterface
import Testing

/// The digit-sum layer inside the engine: architecture and checkpoint JSON, the forward pass
/// against `DigitSum` in Double, the trainer's gradients against finite differences, and the prior.
@Suite("Digit-sum layer in the engine")
struct DigitSumEngineTests {
    @Test func architectureShapesAndJSON() throws {
        let architecture = try Architecture.digitSum(height: 28, width: 140, classes: 46)
        let shapes = try architecture.shapes()
        #expect(shapes[shapes.count - 2] == .image(channels: 11, height: 1, width: 8))
        #expect(shapes.last == .vector(46))
        #expect(architecture.classes == 46)
        #expect(architecture.parameters.map(\.name).suffix(2) == ["head.weight", "head.bias"])
        let json = architecture.json()
        #expect(json.contains(#"{"classes":46,"type":"digit_sum"}"#))
        #expect(try Architecture(json: json, source: "m.safetensors") == architecture)

        let twoContexts = try Architecture.digitSum(height: 28, width: 140, contextLayers: 2, classes: 46)
        #expect(
            twoContexts.parameters.map(\.name).suffix(6) == [
                "conv5.weight", "conv5.bias", "conv6.weight", "conv6.bias", "head.weight", "head.bias",
            ])
        #expect(twoContexts.parameters.first { $0.name == "conv6.weight" }?.shape == [64, 64, 3, 3])
        #expect(try twoContexts.shapes()[twoContexts.layers.count - 2] == .image(channels: 11, height: 1, width: 8))
        #expect(throws: ArchitectureError("need at least 1 context layer, got 0")) {
            try Architecture.digitSum(contextLayers: 0)
        }

        let square = try Architecture.digitSum(height: 64, width: 64, channels: [16, 32, 32], context: 32, classes: 37)
        #expect(try square.shapes().last == .vector(37))
        #expect(try square.shapes()[square.layers.count - 2] == .image(channels: 11, height: 8, width: 8))
    }

    @Test func impossibleOrUnknownLayersFailClearly() throws {
        #expect(throws: ArchitectureError("layer 1 (DigitSum(classes=10)) needs 11 channels (no digit, 0…9) but receives 10")) {
            try Architecture(
                name: "x", inputHeight: 4, inputWidth: 4,
                layers: [
                    .conv2d(name: "c", inChannels: 1, outChannels: 10, kernel: 1, padding: 0), .digitSum(classes: 10),
                ])
        }
        let unknown = #"{"name":"x","input_height":4,"input_width":4,"layers":[{"type":"digit_product","classes":10}]}"#
        do {
            _ = try Architecture(json: unknown, source: "new.safetensors")
            Issue.record("an unknown layer type must not load")
        } catch {
            let message = "\(error)"
            #expect(
                message.contains("new.safetensors") && message.contains("unknown type 'digit_product'") && message.contains("digit_sum"))
        }
        let noClasses =
            #"{"name":"x","input_height":4,"input_width":4,"layers":[{"type":"conv2d","name":"c","in_channels":1,"out_channels":11,"kernel":1,"padding":0},{"type":"digit_sum"}]}"#
        #expect(throws: CheckpointError("m: architecture metadata layer 1 needs an integer \"classes\"")) {
            try Architecture(json: noClasses, source: "m")
        }
    }

    @Test func freshHeadsExpectAboutTwoDigits() throws {
        let architecture = try Architecture.digitSum(height: 28, width: 140, classes: 46)
        let bias = try #require(Parameters(architecture: architecture, seed: 3).tensor(named: "head.bias"))
        #expect(bias[0] == Float(log(5.0 * 8)))
        #expect(bias.dropFirst().allSatisfy { abs($0) <= 1 / Float(64).squareRoot() })
    }

    /// A 1×1 convolution straight on the pixels, so the head's logits are known in closed form.
    @Test(arguments: EngineTestSupport.kernelSets)
    func forwardMatchesTheDoubleHead(kernels: KernelSetName) throws {
        let height = 3
        let width = 5
        let classes = 20
        let count = 4
        let architecture = try Architecture(
            name: "t", inputHeight: height, inputWidth: width,
            layers: [
                .conv2d(name: "head", inChannels: 1, outChannels: 11, kernel: 1, padding: 0), .digitSum(classes: classes),
            ])
        let weight = EngineTestSupport.uniform(11, seed: 1, in: -4...4)
        let bias = EngineTestSupport.uniform(11, seed: 2, in: -2...2)
        let parameters = try Parameters(architecture: architecture, tensors: ["head.weight": weight, "head.bias": bias])
        let images = EngineTestSupport.uniform(count * height * width, seed: 3)
        let network = try InferenceNetwork(parameters: parameters, kernelSet: kernels)
        let logits = images.withUnsafeBufferPointer { BatchPredictor(network: network, workers: 2).logits(images: $0, count: count) }
        let head = DigitSum(locations: height * width, classes: classes)
        var expected: [Float] = []
        for image in 0..<count {
            let pixels = images[(image * height * width)..<((image + 1) * height * width)]
            let x = (0..<11).flatMap { c in pixels.map { Double(weight[c]) * Double($0) + Double(bias[c]) } }
            expected += head.logProbabilities(logits: x).map(Float.init)
        }
        let error = EngineTestSupport.relativeError(logits, expected)
        print("engine vs Double head: max |Δ| = \(error.absolute), relative \(error.relative)")
        #expect(error.relative < 1e-5)
        let predictions = images.withUnsafeBufferPointer { BatchPredictor(network: network).predict(images: $0, count: count) }
        for (image, prediction) in predictions.enumerated() {
            let row = expected[(image * classes)..<((image + 1) * classes)]
            #expect(prediction.label == row.indices.max { row[$0] < row[$1] }! - image * classes)
        }
    }

    /// Conv (blocked, 8 channels), 3×3 conv, 1×1 head (blocked dInput), digit sum. No ReLU or
    /// max-pool (checked elsewhere): without kinks every difference quotient is meaningful.
    @Test(arguments: EngineTestSupport.kernelSets)
    func trainerGradientsMatchFiniteDifferences(kernels: KernelSetName) throws {
        let architecture = try Architecture(
            name: "fd-digitsum", inputHeight: 3, inputWidth: 5,
            layers: [
                .conv2d(name: "c1", inChannels: 1, outChannels: 8, kernel: 3, padding: 1),
                .conv2d(name: "c2", inChannels: 8, outChannels: 8, kernel: 3, padding: 1),
                .conv2d(name: "head", inChannels: 8, outChannels: 11, kernel: 1, padding: 0), .digitSum(classes: 30),
            ])
        let count = 4
        let parameters = Parameters(architecture: architecture, seed: 6)
        let images = EngineTestSupport.uniform(count * 15, seed: 11)
        let labels = [3, 0, 17, 9]
        let gradients = try EngineTestSupport.trainerGradients(
            parameters, images: images, labels: labels, lossTolerance: 1e-4, kernels: kernels)

        let epsilon: Float = 2e-3
        let tensors = Dictionary(uniqueKeysWithValues: parameters.tensors().map { ($0.name, $0.values) })
        var compared = 0
        for (spec, range) in zip(parameters.specs, parameters.ranges) {
            var analytic: [Float] = []
            var numeric: [Float] = []
            // Every bias, and every third weight (enough to catch a layout mistake, and fast).
            for index in stride(from: 0, to: range.count, by: spec.shape.count == 1 ? 1 : 3) {
                var plus = tensors
                var minus = tensors
                plus[spec.name]![index] += epsilon
                minus[spec.name]![index] -= epsilon
                let high = try EngineTestSupport.loss(
                    Parameters(architecture: architecture, tensors: plus), images: images, labels: labels,
                    kernels: kernels)
                let low = try EngineTestSupport.loss(
                    Parameters(architecture: architecture, tensors: minus), images: images, labels: labels,
                    kernels: kernels)
                analytic.append(gradients[range.lowerBound + index])
                numeric.append(Float((high - low) / Double(plus[spec.name]![index] - minus[spec.name]![index])))
            }
            compared += analytic.count
            let error = EngineTestSupport.relativeError(analytic, numeric)
            print("\(kernels) digit-sum \(spec.name): max |Δ| = \(error.absolute), relative \(error.relative)")
            #expect(error.relative < 5e-3, "\(spec.name) gradient differs from finite differences by \(error.relative)")
        }
        #expect(compared > 250)
    }

    @Test func checkpointRoundTripServesTheSameLogits() throws {
        let architecture = try Architecture.digitSum(height: 12, width: 20, channels: [8], context: 8, classes: 19)
        let parameters = Parameters(architecture: architecture, seed: 9)
        let checkpoint = try Checkpoint(parameters: parameters)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("digitsum-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try checkpoint.write(to: url)
        let loaded = try Checkpoint.load(from: url)
        #expect(loaded.architecture == architecture)
        let images = EngineTestSupport.uniform(3 * 240, seed: 4)
        func logits(_ parameters: Parameters) throws -> [Float] {
            let network = try InferenceNetwork(parameters: parameters)
            return images.withUnsafeBufferPointer { BatchPredictor(network: network).logits(images: $0, count: 3) }
        }
        #expect(try logits(Parameters(architecture: loaded.architecture, tensors: loaded.tensors)) == (try logits(parameters)))
    }
}
