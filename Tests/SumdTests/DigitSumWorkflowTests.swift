import Classifier
import Foundation
import Testing

/// `sumd train --arch digitsum` through the real executable: it trains, its checkpoint carries the
/// digit-sum layer, and `predict` and `inspect` take it unchanged.
@Suite(.enabled(if: DaemonProcess.binaryExists, "needs the release sumd binary (make test builds it)"))
struct DigitSumWorkflowTests {
    @Test func digitSumTrainsWithItsRecipeByDefault() async throws {
        let directory = try TemporaryDirectory("digitsum-recipe")
        var result = try await runSumd([
            "synth", "--out", directory.path("data"), "--n", "200", "--slots", "2", "--max-digits", "2", "--seed", "6",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        result = try await runSumd([
            "train", "--images", directory.path("data/images.npy"), "--labels", directory.path("data/labels.npy"),
            "--out", directory.path("model.safetensors"), "--arch", "digitsum", "--epochs", "1", "--channels", "4,8", "--hidden", "8",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        result = try await runSumd(["inspect", directory.path("model.safetensors")])
        #expect(result.standardOutput.contains("elastic       2.0 px"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("learning rate 0.003\n"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("schedule      cosine, 0.5 warm-up epochs"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("label smooth. 0.1"), "\(result.standardOutput)")
    }

    @Test func digitSumTrainsAndPredicts() async throws {
        let directory = try TemporaryDirectory("digitsum")
        var result = try await runSumd([
            "synth", "--out", directory.path("data"), "--n", "300", "--slots", "2",
            "--min-digits", "1", "--max-digits", "2", "--seed", "5",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        // Plumbing only (learning is DigitSumTrainingTests' job): two epochs of a tiny network.
        result = try await runSumd([
            "train", "--images", directory.path("data/images.npy"), "--labels", directory.path("data/labels.npy"),
            "--out", directory.path("model.safetensors"), "--arch", "digitsum", "--epochs", "2",
            "--channels", "8,16", "--hidden", "16", "--elastic", "1.5",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("model: digitsum 8,16 hidden 16 kernel 3"))
        #expect(result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("epoch") }.count == 2)

        let checkpoint = try Checkpoint.load(from: directory.url.appendingPathComponent("model.safetensors"))
        #expect(checkpoint.architecture == (try Architecture.digitSum(height: 28, width: 56, channels: [8, 16], context: 16, classes: 19)))

        result = try await runSumd([
            "predict", "--checkpoint", directory.path("model.safetensors"), "--images", directory.path("data/images.npy"),
            "--labels", directory.path("data/labels.npy"), "--out", directory.path("p.csv"),
        ])
        try #require(result.status == 0, "\(result.standardError)")
        let rows = try csvRows(directory.path("p.csv"))
        #expect(rows.count == 301)
        #expect(rows.dropFirst().allSatisfy { row in Double(row[2]).map { $0 > 0 && $0 <= 1 } ?? false })
        #expect(result.standardError.contains("accuracy"))

        result = try await runSumd(["inspect", directory.path("model.safetensors")])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("architecture digitsum"))
        #expect(result.standardOutput.contains("head: Conv2d(16, 11, kernel_size=1, padding=0)"))
        #expect(result.standardOutput.contains("DigitSum(classes=19)"))
        #expect(result.standardOutput.contains("elastic       1.5 px"), "provenance records the distortion")
    }

    @Test func negativeElasticIsRefused() async throws {
        let result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors", "--elastic=-1"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--elastic must be a non-negative number of pixels"))
    }

    @Test func unknownArchitectureIsRefused() async throws {
        let result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors", "--arch", "resnet"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("resnet"))
    }
}
