import ArrayFormats
import Classifier
import Foundation
import TestFixtures
import Testing

/// A small seed-style network (8×8 input, 2 channels, 4 hidden, 3 classes) with deterministic tensors.
private func smallCheckpoint(provenance: CheckpointProvenance = CheckpointProvenance()) throws -> Checkpoint {
    let architecture = try Architecture.seed(height: 8, width: 8, channels: [2], hidden: 4, classes: 3)
    var tensors: [String: [Float]] = [:]
    for (index, spec) in architecture.parameters.enumerated() {
        tensors[spec.name] = (0..<spec.count).map { Float(index) + Float($0) / 64 - 0.5 }
    }
    return try Checkpoint(architecture: architecture, tensors: tensors, provenance: provenance)
}

/// A fresh temporary directory, removed when `body` returns.
func inTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-checkpoint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// Expects `body` to throw an error whose description contains every fragment.
private func expectFailure(_ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error mentioning \(fragments)", sourceLocation: sourceLocation)
    } catch {
        for fragment in fragments {
            #expect("\(error)".contains(fragment), "\(error) should mention \(fragment)", sourceLocation: sourceLocation)
        }
    }
}

@Suite("Checkpoints")
struct CheckpointTests {
    @Test func roundTrip() throws {
        let provenance = CheckpointProvenance(
            createdAt: Date(timeIntervalSince1970: 1_790_000_000), sumdVersion: "0.1.0", dataSHA256: ["images": "ab", "labels": "cd"],
            images: 100, trainImages: 90, validationImages: 10, seed: 7, epochs: 5, bestEpoch: 4, validationAccuracy: 0.875,
            batchSize: 64, learningRate: 0.001)
        let original = try smallCheckpoint(provenance: provenance)
        try inTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try original.write(to: url)
            let loaded = try Checkpoint.load(from: url)
            #expect(loaded.architecture == original.architecture)
            #expect(loaded.tensors == original.tensors)
            #expect(loaded.provenance == provenance)
            #expect(loaded.inputScale == 1.0 / 255.0)
            #expect(loaded.uint8Scale == Checkpoint.uint8Scale)
            #expect(loaded.sha256 == original.sha256)
            #expect(loaded.sha256 == (try SHA256.hex(ofFileAt: url)))
            #expect(
                loaded.orderedTensors.map(\.name) == ["conv1.weight", "conv1.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
            #expect(provenance.summaryLines.contains("epochs        5, best 4"))
            // No temporary file is left behind, and writing again replaces the file.
            try original.write(to: url)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
        }
    }

    @Test("the file is a PyTorch state_dict with string metadata")
    func fileLayout() throws {
        let checkpoint = try smallCheckpoint()
        let file = try SafetensorsFile(data: checkpoint.encoded(), source: "model.safetensors")
        #expect(file.tensorNames == checkpoint.architecture.parameters.map(\.name))
        #expect(try file.shape(of: "conv1.weight") == [2, 1, 3, 3])
        #expect(try file.shape(of: "fc1.weight") == [4, 32])
        #expect(try file.floats(named: "fc2.bias") == checkpoint.tensors["fc2.bias"])
        #expect(file.metadata["format"] == "sumd-checkpoint")
        #expect(file.metadata["format_version"] == "1")
        #expect(file.metadata["classes"] == "3")
        #expect(file.metadata["input_scale"] == "0.00392156862745098")
        let architecture = try #require(file.metadata["architecture"])
        #expect(architecture.contains(#"{"in_channels":1,"kernel":3,"name":"conv1","out_channels":2,"padding":1,"type":"conv2d"}"#))
        #expect(architecture.contains(#"{"kernel":2,"type":"max_pool2d"}"#))
        #expect(try Architecture(json: architecture, source: "x") == checkpoint.architecture)
    }

    @Test(
        "loading names a missing, unexpected or mis-shaped tensor",
        arguments: [
            ("missing", "missing tensor 'fc1.bias'"),
            ("unexpected", "unexpected tensor 'fc3.weight'"),
            ("misshaped", "tensor 'fc1.weight' has shape [32, 4] but the seed architecture needs shape [4, 32]"),
        ])
    func loadFailures(kind: String, fragment: String) throws {
        let checkpoint = try smallCheckpoint()
        let metadata = try SafetensorsFile(data: checkpoint.encoded(), source: "x").metadata
        var writer = SafetensorsWriter(metadata: metadata)
        for tensor in checkpoint.orderedTensors {
            switch (kind, tensor.name) {
            case ("missing", "fc1.bias"): continue
            case ("misshaped", "fc1.weight"): try writer.add(tensor.name, shape: [32, 4], values: tensor.values)
            default: try writer.add(tensor.name, shape: tensor.shape, values: tensor.values)
            }
        }
        if kind == "unexpected" { try writer.add("fc3.weight", shape: [1], values: [0]) }
        try inTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("bad.safetensors")
            try writer.write(to: url)
            expectFailure("bad.safetensors", fragment) { _ = try Checkpoint.load(from: url) }
            // The same file without metadata fails the same way as a PyTorch import.
            var plain = writer
            plain.metadata = [:]
            try plain.write(to: url)
            expectFailure("bad.safetensors", fragment) {
                _ = try Checkpoint.importPyTorch(stateDict: url, architecture: checkpoint.architecture)
            }
        }
    }

    @Test func metadataFailures() throws {
        let checkpoint = try smallCheckpoint()
        let metadata = try SafetensorsFile(data: checkpoint.encoded(), source: "x").metadata
        let cases: [(String, String?, String)] = [
            ("format", nil, "not a sumd checkpoint"),
            ("format_version", "2", "format version 2 is not supported"),
            ("architecture", #"{"name":"x","input_height":8,"input_width":8,"layers":[{"type":"conv3d"}]}"#, "unknown type 'conv3d'"),
            (
                "architecture",
                #"{"name":"x","input_height":8,"input_width":8,"layers":[{"type":"flatten"},{"type":"relu"},{"type":"linear","name":"a","in_features":63,"out_features":2}]}"#,
                "expects 63 input features"
            ),
            ("input_scale", "fast", "input_scale"),
            ("input_scale", "-1", "input scale must be a positive number"),
            ("classes", "7", "metadata says 7 classes"),
            ("grid_phases", "0", "grid_phases must be a whole number of 1 or more, got '0'"),
            ("grid_phases", "two", "grid_phases must be a whole number of 1 or more, got 'two'"),
            ("grid_phases", "2", "grid-phase averaging needs a digit-sum network"),
            ("provenance", "[]", "provenance metadata is not valid"),
        ]
        try inTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("meta.safetensors")
            for (key, value, fragment) in cases {
                var changed = metadata
                changed[key] = value
                var writer = SafetensorsWriter(metadata: changed)
                for tensor in checkpoint.orderedTensors { try writer.add(tensor.name, shape: tensor.shape, values: tensor.values) }
                try writer.write(to: url)
                expectFailure("meta.safetensors", fragment) { _ = try Checkpoint.load(from: url) }
            }
        }
    }

    @Test func buildingChecksTensors() throws {
        let architecture = try Architecture.seed(height: 8, width: 8, channels: [2], hidden: 4, classes: 3)
        var tensors = try smallCheckpoint().tensors
        tensors["fc2.bias"] = [1, 2]
        expectFailure("tensor 'fc2.bias' has 2 values but the seed architecture needs shape [3]") {
            _ = try Checkpoint(architecture: architecture, tensors: tensors)
        }
    }

    @Test("a plain PyTorch state_dict imports, in any tensor order")
    func importPyTorch() throws {
        let checkpoint = try smallCheckpoint()
        var writer = SafetensorsWriter()
        for tensor in checkpoint.orderedTensors.sorted(by: { $0.name < $1.name }) {
            try writer.add(tensor.name, shape: tensor.shape, values: tensor.values)
        }
        try inTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("state_dict.safetensors")
            try writer.write(to: url)
            let imported = try Checkpoint.importPyTorch(stateDict: url, architecture: checkpoint.architecture)
            #expect(imported.tensors == checkpoint.tensors)
            #expect(imported.provenance.importedFrom == "state_dict.safetensors")
            #expect(imported.provenance.importedSHA256 == (try SHA256.hex(ofFileAt: url)))
            expectFailure("state_dict.safetensors", "not a sumd checkpoint", "sumd import") { _ = try Checkpoint.load(from: url) }
        }
    }

    @Test(
        "the golden PyTorch seed model imports and round-trips",
        .enabled(if: SharedData.goldenSeedModel != nil, "needs ../shared beside the repository"))
    func goldenSeedModel() throws {
        let url = try #require(SharedData.goldenSeedModel).appendingPathComponent("model.safetensors")
        let imported = try Checkpoint.importPyTorch(stateDict: url, architecture: Architecture.seed())
        #expect(imported.architecture.parameterCount == 2_031_918)
        try inTemporaryDirectory { directory in
            let out = directory.appendingPathComponent("seed.safetensors")
            try imported.write(to: out)
            #expect(try Checkpoint.load(from: out).tensors == imported.tensors)
        }
    }
}
