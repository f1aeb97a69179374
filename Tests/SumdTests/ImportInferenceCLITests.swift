import ArrayFormats
import Classifier
import Foundation
import Testing

/// `sumd import` with only `--input`, through the real executable: a digitsum network trained by
/// sumd, saved as a plain state_dict with `torch.compile`'s prefix, comes back serving identically.
@Suite(.enabled(if: DaemonProcess.binaryExists, "needs the release sumd binary (make test builds it)"))
struct ImportInferenceCLITests {
    @Test func digitSumStateDictImportsWithoutFlags() async throws {
        let directory = try TemporaryDirectory("import-infer")
        var result = try await runSumd(["synth", "--out", directory.path("data"), "--n", "200", "--seed", "3"])
        try #require(result.status == 0, "\(result.standardError)")
        result = try await runSumd([
            "train", "--images", directory.path("data/images.npy"), "--labels", directory.path("data/labels.npy"),
            "--out", directory.path("trained.safetensors"), "--arch", "digitsum", "--epochs", "1",
            "--channels", "4,4,8,8", "--hidden", "8", "--classes", "46",
        ])
        try #require(result.status == 0, "\(result.standardError)")

        // What `save_file(torch.compile(model).state_dict(), path)` writes: prefixed names, no metadata.
        let trained = try Checkpoint.load(from: directory.url.appendingPathComponent("trained.safetensors"))
        var writer = SafetensorsWriter()
        for tensor in trained.orderedTensors { try writer.add("_orig_mod." + tensor.name, shape: tensor.shape, values: tensor.values) }
        try writer.write(to: directory.url.appendingPathComponent("state.safetensors"))

        result = try await runSumd([
            "import", directory.path("state.safetensors"), "--input", "28x140", "--out", directory.path("imported.safetensors"),
        ])
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("architecture digitsum"))
        #expect(result.standardOutput.contains("classes      46 (sums 0…45)"))
        #expect(result.standardError.contains("assumed 46"), "the assumed classes are named: \(result.standardError)")
        #expect(try Checkpoint.load(from: directory.url.appendingPathComponent("imported.safetensors")).tensors == trained.tensors)

        for model in ["trained", "imported"] {
            result = try await runSumd([
                "predict", "--checkpoint", directory.path("\(model).safetensors"), "--images", directory.path("data/images.npy"),
                "--out", directory.path("\(model).csv"),
            ])
            try #require(result.status == 0, "\(result.standardError)")
        }
        #expect(
            try String(contentsOfFile: directory.path("trained.csv"), encoding: .utf8)
                == String(contentsOfFile: directory.path("imported.csv"), encoding: .utf8))
    }

    @Test func unknownStateDictIsRefusedNamingTheFile() async throws {
        let directory = try TemporaryDirectory("import-unknown")
        var writer = SafetensorsWriter()
        try writer.add("encoder.weight", shape: [2, 2], values: [1, 2, 3, 4])
        try writer.write(to: directory.url.appendingPathComponent("other.safetensors"))
        let result = try await runSumd([
            "import", directory.path("other.safetensors"), "--input", "28x140", "--out", directory.path("m.safetensors"),
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("other.safetensors: has no tensor 'conv1.weight'"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("m.safetensors")))
    }
}
