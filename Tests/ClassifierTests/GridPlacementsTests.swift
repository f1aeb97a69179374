import ArrayFormats
import Classifier
import Foundation
import KernelInterface
import Testing

/// Grid-phase averaging: where the placements fall, that the engine's averaged logits are the mean
/// of single reads of padded canvases on every kernel set, and how checkpoints carry the setting.
@Suite("Grid-phase averaging")
struct GridPlacementsTests {
    /// A small digitsum: cells 4 px apart (two pools), so 12×20 images span 3×5 cells.
    static func smallDigitSum(height: Int = 12, width: Int = 20) throws -> Architecture {
        try Architecture.digitSum(height: height, width: width, channels: [4, 6], context: 8, classes: 19)
    }

    @Test func rowsArePhasedAlongTheirLengthOnly() throws {
        let rows = try GridPlacements(architecture: Architecture.digitSum(height: 28, width: 140), phases: 4)
        #expect(rows.stride == 16)
        #expect(rows.offsets.map(\.left) == [0, 4, 8, 12] && rows.offsets.allSatisfy { $0.top == 0 })
        #expect(rows.canvasHeight == 28 && rows.canvasWidth == 156 && !rows.isSinglePass)

        let squares = try GridPlacements(architecture: Architecture.digitSum(height: 64, width: 64), phases: 2)
        #expect(squares.offsets.map { [$0.top, $0.left] } == [[0, 0], [0, 8], [8, 0], [8, 8]])
        #expect(squares.canvasHeight == 80 && squares.canvasWidth == 80)

        let digit = try GridPlacements(architecture: Architecture.digitSum(height: 28, width: 28), phases: 4)
        #expect(digit.isSinglePass, "28 px spans one 16-px cell: nothing to phase")
        #expect(try GridPlacements(architecture: Architecture.digitSum(), phases: 1).isSinglePass)
    }

    @Test func refusesPhasesTheNetworkCannotUse() throws {
        #expect(throws: EngineError("grid phases must be 1 or more, got 0")) {
            try GridPlacements(architecture: Architecture.digitSum(), phases: 0)
        }
        #expect(throws: EngineError("at most 16 grid phases: the cells of the digitsum network are 16 px apart")) {
            try GridPlacements(architecture: Architecture.digitSum(), phases: 17)
        }
        do {
            _ = try GridPlacements(architecture: Architecture.seed(), phases: 2)
            Issue.record("the seed network takes one image size only")
        } catch {
            #expect("\(error)".contains("needs a digit-sum network (--arch digitsum)"))
        }
        #expect(try GridPlacements(architecture: Architecture.seed(), phases: 1).isSinglePass)
    }

    /// The averaged logits equal the mean of one read of each placement's canvas by a network built
    /// for the canvas size, computed here independently.
    @Test(arguments: EngineTestSupport.kernelSets)
    func averagedLogitsAreTheMeanOfEachPlacementsRead(kernels: KernelSetName) throws {
        let architecture = try Self.smallDigitSum()
        let parameters = Parameters(architecture: architecture, seed: 11)
        let count = 5
        let images = EngineTestSupport.uniform(count * 12 * 20, seed: 12)
        let phased = try InferenceNetwork(parameters: parameters, kernelSet: kernels, gridPhases: 2)
        #expect(phased.placements.offsets.count == 4 && phased.inputCount == 12 * 20)
        let averaged = images.withUnsafeBufferPointer {
            BatchPredictor(network: phased, workers: 2).logits(images: $0, count: count, chunkSize: 2)
        }

        let canvas = try Architecture.digitSum(height: 16, width: 24, channels: [4, 6], context: 8, classes: 19)
        let reader = try InferenceNetwork(
            parameters: Parameters(
                architecture: canvas, tensors: Dictionary(uniqueKeysWithValues: parameters.tensors().map { ($0.name, $0.values) })),
            kernelSet: kernels)
        var sum = [Float](repeating: 0, count: count * 19)
        for (top, left) in [(0, 0), (0, 2), (2, 0), (2, 2)] {
            var canvases = [Float](repeating: 0, count: count * 16 * 24)
            for image in 0..<count {
                for row in 0..<12 {
                    for column in 0..<20 {
                        canvases[image * 16 * 24 + (top + row) * 24 + left + column] = images[image * 12 * 20 + row * 20 + column]
                    }
                }
            }
            let read = canvases.withUnsafeBufferPointer { BatchPredictor(network: reader, workers: 1).logits(images: $0, count: count) }
            for index in sum.indices { sum[index] += read[index] }
        }
        let expected = sum.map { $0 / 4 }
        let error = EngineTestSupport.relativeError(averaged, expected)
        #expect(error.absolute < 1e-5, "max |Δ| = \(error.absolute)")

        let single = try InferenceNetwork(parameters: parameters, kernelSet: kernels)
        let once = images.withUnsafeBufferPointer { BatchPredictor(network: single, workers: 1).logits(images: $0, count: count) }
        #expect(EngineTestSupport.relativeError(once, expected).absolute > 1e-4, "the average must differ from one unpadded read")
    }

    @Test func checkpointsCarryTheirGridPhases() throws {
        let parameters = Parameters(architecture: try Self.smallDigitSum(), seed: 3)
        try inTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("phased.safetensors")
            try Checkpoint(parameters: parameters, gridPhases: 4).write(to: url)
            #expect(try Checkpoint.load(from: url).gridPhases == 4)
            #expect(try SafetensorsFile(contentsOf: url).metadata["grid_phases"] == "4")
            let model = try ServingModel.load(checkpoint: url, workers: 1, chunkSize: 4)
            #expect(model.placements.phases == 4 && model.placements.offsets.count == 16)
            #expect(try ServingModel.load(checkpoint: url, workers: 1, chunkSize: 4, gridPhases: 1).placements.isSinglePass)

            // A checkpoint from before grid phases has no such metadata: one pass.
            let checkpoint = try Checkpoint(parameters: parameters, gridPhases: 4)
            var metadata = try SafetensorsFile(data: checkpoint.encoded(), source: "x").metadata
            metadata["grid_phases"] = nil
            var writer = SafetensorsWriter(metadata: metadata)
            for tensor in checkpoint.orderedTensors { try writer.add(tensor.name, shape: tensor.shape, values: tensor.values) }
            let older = directory.appendingPathComponent("older.safetensors")
            try writer.write(to: older)
            #expect(try Checkpoint.load(from: older).gridPhases == 1)

            do {
                _ = try ServingModel.load(checkpoint: url, workers: 1, chunkSize: 4, gridPhases: 5)
                Issue.record("5 phases of 4-px cells must be refused")
            } catch {
                #expect("\(error)" == "phased.safetensors: at most 4 grid phases: the cells of the digitsum network are 4 px apart")
            }
        }
    }
}
