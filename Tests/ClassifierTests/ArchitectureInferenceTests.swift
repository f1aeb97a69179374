import ArrayFormats
import Classifier
import Foundation
import Testing

/// `sumd import` without flags: the architecture read off a state_dict's tensor names and shapes.
@Suite("Architecture inference")
struct ArchitectureInferenceTests {
    /// Tensor name → shape, as a state_dict of `architecture` has them.
    private func shapes(of architecture: Architecture, prefix: String = "") -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: architecture.parameters.map { (prefix + $0.name, $0.shape) })
    }

    /// A state_dict file of `architecture` (tensor values 0, 1, 2, … per tensor) with names behind `prefix`.
    private func writeStateDict(_ architecture: Architecture, prefix: String, metadata: [String: String] = [:], to url: URL) throws {
        var writer = SafetensorsWriter(metadata: metadata)
        for spec in architecture.parameters {
            try writer.add(prefix + spec.name, shape: spec.shape, values: (0..<spec.count).map { Float($0 % 97) / 97 })
        }
        try writer.write(to: url)
    }

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

    @Test(
        "the seed network: channels, hidden width, kernel and classes from the shapes",
        arguments: [([32, 64], 128, 3, 46, 28, 140), ([8], 16, 5, 19, 28, 56), ([4, 8, 16], 32, 3, 10, 32, 32)])
    func seed(channels: [Int], hidden: Int, kernel: Int, classes: Int, height: Int, width: Int) throws {
        let original = try Architecture.seed(
            height: height, width: width, channels: channels, hidden: hidden, kernel: kernel, classes: classes)
        let inferred = try Architecture.inferred(
            from: shapes(of: original), hints: ArchitectureHints(height: height, width: width), source: "s")
        #expect(inferred == original)
    }

    @Test("digitsum: conv blocks, context width and kernel from the shapes; classes from hints, metadata or the default")
    func digitSum() throws {
        let original = try Architecture.digitSum(height: 28, width: 140, channels: [8, 8, 16, 16], context: 24, kernel: 3, classes: 46)
        let hints = ArchitectureHints(height: 28, width: 140)
        #expect(try Architecture.inferred(from: shapes(of: original), hints: hints, source: "d") == original)
        #expect(Architecture.defaultDigitSumClasses(for: original) == 46, "five 28-px digits fit in 28×140")

        var withClasses = hints
        withClasses.classes = 37
        #expect(try Architecture.inferred(from: shapes(of: original), hints: withClasses, source: "d").classes == 37)
        #expect(try Architecture.inferred(from: shapes(of: original), hints: hints, fileClasses: 19, source: "d").classes == 19)

        // A 28×56 network with 2 conv blocks has 7×14 cells: two digits fit, so sums 0…18.
        let small = try Architecture.digitSum(height: 28, width: 56, channels: [8, 16], context: 16, classes: 19)
        #expect(try Architecture.inferred(from: shapes(of: small), hints: ArchitectureHints(height: 28, width: 56), source: "d") == small)
    }

    @Test("digitsum with two context convs: --channels says which convs are blocks")
    func digitSumContextConvs() throws {
        let original = try Architecture.digitSum(
            height: 64, width: 64, channels: [8, 8, 16, 16], context: 16, contextLayers: 2, classes: 37)
        var hints = ArchitectureHints(height: 64, width: 64)
        hints.classes = 37
        // Without the hint the shapes read as five blocks and one context conv: a network with
        // another cell grid, which the user must correct with --channels.
        #expect(try Architecture.inferred(from: shapes(of: original), hints: hints, source: "d") != original)
        hints.channels = [8, 8, 16, 16]
        #expect(try Architecture.inferred(from: shapes(of: original), hints: hints, source: "d") == original)
        hints.channels = [8, 8, 16, 16, 16, 16]
        expectFailure("d.safetensors", "--channels names 6 conv blocks", "6 convs before 'head'") {
            _ = try Architecture.inferred(from: shapes(of: original), hints: hints, source: "d.safetensors")
        }
    }

    @Test("flags override what the tensors say, and the tensors are then checked against them")
    func overrides() throws {
        let original = try Architecture.seed(height: 28, width: 140, channels: [8, 16], hidden: 32, classes: 46)
        var hints = ArchitectureHints(height: 28, width: 140)
        hints.hidden = 64
        let overridden = try Architecture.inferred(from: shapes(of: original), hints: hints, source: "s")
        #expect(overridden.parameters.first { $0.name == "fc1.weight" }?.shape == [64, 16 * 7 * 35])
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("state.safetensors")
            try writeStateDict(original, prefix: "", to: url)
            expectFailure("state.safetensors", "tensor 'fc1.weight' has shape [32, 3920]", "[64, 3920]") {
                _ = try Checkpoint.importPyTorch(stateDict: url, hints: hints)
            }
        }
    }

    @Test("module. and _orig_mod. prefixes are removed", arguments: ["module.", "_orig_mod.", "_orig_mod.module."])
    func prefixes(prefix: String) throws {
        let architecture = try Architecture.digitSum(height: 28, width: 56, channels: [4, 8], context: 8, classes: 19)
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("state.safetensors")
            try writeStateDict(architecture, prefix: prefix, to: url)
            let imported = try Checkpoint.importPyTorch(stateDict: url, hints: ArchitectureHints(height: 28, width: 56))
            #expect(imported.architecture == architecture)
            #expect(imported.tensors["head.weight"] == (0..<88).map { Float($0 % 97) / 97 })
            #expect(imported.provenance.importedFrom == "state.safetensors")
        }
    }

    @Test("a file's classes metadata is used for a digitsum head")
    func metadataClasses() throws {
        let architecture = try Architecture.digitSum(height: 28, width: 140, channels: [4, 4, 4, 4], context: 8, classes: 28)
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("state.safetensors")
            try writeStateDict(architecture, prefix: "", metadata: ["classes": "28"], to: url)
            #expect(
                try Checkpoint.importPyTorch(stateDict: url, hints: ArchitectureHints(height: 28, width: 140)).architecture == architecture)
        }
    }

    @Test("errors name the file and the problem")
    func errors() throws {
        let seed = try Architecture.seed(height: 28, width: 140, channels: [8, 16], hidden: 32, classes: 46)
        let hints = ArchitectureHints(height: 28, width: 140)
        var noHead = shapes(of: seed)
        noHead["fc2.weight"] = nil
        expectFailure("net.safetensors", "neither 'head.weight' (digitsum) nor 'fc1.weight' and 'fc2.weight' (seed)", "conv1.weight") {
            _ = try Architecture.inferred(from: noHead, hints: hints, source: "net.safetensors")
        }
        expectFailure("net.safetensors", "no tensor 'conv1.weight'", "layer.0.weight") {
            _ = try Architecture.inferred(from: ["layer.0.weight": [8, 1, 3, 3]], hints: hints, source: "net.safetensors")
        }
        expectFailure("net.safetensors", "'fc1.weight' takes 3920 features", "28×56", "--input") {
            _ = try Architecture.inferred(
                from: shapes(of: seed), hints: ArchitectureHints(height: 28, width: 56), source: "net.safetensors")
        }
        var badHead = shapes(of: try Architecture.digitSum(height: 28, width: 56, channels: [4, 8], context: 8, classes: 19))
        badHead["head.weight"] = [10, 8, 1, 1]
        expectFailure("net.safetensors", "'head.weight' has shape [10, 8, 1, 1]", "[11, context, 1, 1]") {
            _ = try Architecture.inferred(from: badHead, hints: ArchitectureHints(height: 28, width: 56), source: "net.safetensors")
        }
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("twice.safetensors")
            var writer = SafetensorsWriter()
            for spec in seed.parameters { try writer.add(spec.name, shape: spec.shape, values: [Float](repeating: 0, count: spec.count)) }
            try writer.add("module.fc2.bias", shape: [46], values: [Float](repeating: 0, count: 46))
            try writer.write(to: url)
            expectFailure("twice.safetensors", "'fc2.bias' and 'module.fc2.bias' are both 'fc2.bias'") {
                _ = try Checkpoint.importPyTorch(stateDict: url, hints: hints)
            }
        }
    }

    private func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-inference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }
}
