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
        #expect(
            result.standardError.contains("model: digitsum 4,8 hidden 8 kernel 3 · 1 context conv ·"),
            "\(result.standardError)")
        result = try await runSumd(["inspect", directory.path("model.safetensors")])
        #expect(result.standardOutput.contains("elastic       1.5 px"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("cell penalty  0.2\n"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("learning rate 0.003\n"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("schedule      cosine, 0.15 warm-up epochs"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("label smooth. 0.1"), "\(result.standardOutput)")
        // Cells 4 px apart (two pools), so a 28×56 image is phased along both axes: 4 × 4 placements.
        #expect(
            result.standardOutput.contains("reading      grid phases 4: each image at 16 placements in a 32×60 canvas"),
            "\(result.standardOutput)")
    }

    /// The test accuracy `train` records is read with the grid phases it writes into the
    /// checkpoint, so `predict` scores exactly that; `--grid-phases 1` reads each image once.
    @Test func predictReadsWithTheGridPhasesTrainingScored() async throws {
        let directory = try TemporaryDirectory("digitsum-phases")
        for (name, n, seed) in [("train", 600, 8), ("test", 200, 9)] {
            let result = try await runSumd([
                "synth", "--out", directory.path(name), "--n", "\(n)", "--slots", "2", "--max-digits", "2", "--seed", "\(seed)",
            ])
            try #require(result.status == 0, "\(result.standardError)")
        }
        var result = try await runSumd([
            "train", "--images", directory.path("train/images.npy"), "--labels", directory.path("train/labels.npy"),
            "--test-images", directory.path("test/images.npy"), "--test-labels", directory.path("test/labels.npy"),
            "--out", directory.path("model.safetensors"), "--arch", "digitsum", "--epochs", "2",
            "--channels", "8,16", "--hidden", "16", "--grid-phases", "2",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        let checkpoint = try Checkpoint.load(from: directory.url.appendingPathComponent("model.safetensors"))
        #expect(checkpoint.gridPhases == 2)
        let history = try csvRows(directory.path("model.history.csv"))
        let bestEpoch = try #require(checkpoint.provenance.bestEpoch)
        let bestTestAccuracy = try #require(Double(history[bestEpoch][8]))

        for phases in ["2", "1"] {
            result = try await runSumd([
                "predict", "--checkpoint", directory.path("model.safetensors"), "--images", directory.path("test/images.npy"),
                "--labels", directory.path("test/labels.npy"), "--out", directory.path("p\(phases).csv"),
                "--report", directory.path("r\(phases).csv"), "--grid-phases", phases,
            ])
            try #require(result.status == 0, "\(result.standardError)")
            #expect(try csvRows(directory.path("p\(phases).csv")).count == 201)
        }
        result = try await runSumd([
            "predict", "--checkpoint", directory.path("model.safetensors"), "--images", directory.path("test/images.npy"),
            "--labels", directory.path("test/labels.npy"), "--out", directory.path("p.csv"), "--report", directory.path("r.csv"),
        ])
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("images/s · 4 placements per image (grid phases 2) · accuracy"), "\(result.standardError)")
        let correct = try #require(Int(try csvRows(directory.path("r.csv"))[1][3]))
        #expect(abs(Double(correct) / 200 - bestTestAccuracy) < 1e-6, "predict reads as training scored")
        #expect(try csvRows(directory.path("p.csv")) == csvRows(directory.path("p2.csv")), "the checkpoint's 2 phases by default")

        result = try await runSumd([
            "predict", "--checkpoint", directory.path("model.safetensors"), "--images", directory.path("test/images.npy"),
            "--grid-phases", "5",
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("model.safetensors: at most 4 grid phases"), "\(result.standardError)")

        // `bench` measures the reading the checkpoint serves with, or the one it is given.
        var executed: [String: Double] = [:]
        for phases in [nil, "1"] {
            result = try await runSumd(
                ["bench", "--checkpoint", directory.path("model.safetensors"), "--quick", "--batches", "4", "--phases", "inference"]
                    + (phases.map { ["--grid-phases", $0] } ?? []))
            try #require(result.status == 0, "\(result.standardError)")
            let header = try #require(result.standardOutput.split(separator: "\n").first.map(String.init))
            #expect(header.contains("4 placements per image (grid phases 2)") == (phases == nil), "\(header)")
            let figure = try #require(header.firstMatch(of: /inference executes ([0-9.]+)\)/)?.1)
            executed[phases ?? "checkpoint"] = Double(figure)
        }
        let ratio = try #require(executed["checkpoint"]) / #require(executed["1"])
        #expect(ratio > 4 && ratio < 6, "four reads of a 32×60 canvas, a little larger than the 28×56 image: \(ratio)")
        result = try await runSumd(["bench", "--checkpoint", directory.path("model.safetensors"), "--quick", "--grid-phases", "5"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("model.safetensors: at most 4 grid phases"), "\(result.standardError)")
    }

    @Test func theSeedNetworkHasNoContextConvs() async throws {
        let result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors", "--context-layers", "2"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--context-layers needs --arch digitsum"), "\(result.standardError)")
    }

    @Test func theSeedNetworkReadsWithOnePhase() async throws {
        let result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors", "--grid-phases", "2"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--grid-phases above 1 needs --arch digitsum"), "\(result.standardError)")
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
            "--channels", "8,16", "--hidden", "16", "--elastic", "2.5", "--context-layers", "2", "--cell-penalty", "0.05",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("model: digitsum 8,16 hidden 16 kernel 3 · 2 context convs"))
        #expect(result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("epoch") }.count == 2)

        let checkpoint = try Checkpoint.load(from: directory.url.appendingPathComponent("model.safetensors"))
        #expect(
            checkpoint.architecture
                == (try Architecture.digitSum(height: 28, width: 56, channels: [8, 16], context: 16, contextLayers: 2, classes: 19)),
            "--context-layers 2: conv3 and conv4 at the cell grid")

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
        #expect(result.standardOutput.contains("elastic       2.5 px"), "provenance records the distortion")
        #expect(result.standardOutput.contains("cell penalty  0.05"), "provenance records the penalty")
    }

    /// Squares whose images all hold several digits train with half of them cut into pieces and
    /// blank cells penalised; the training line and the checkpoint's provenance say so.
    /// `--pieces` brings the blank-cell penalty with it (they work only together); an explicit
    /// `--blank-cell-penalty 0` turns it off.
    @Test func squaresTrainOnPiecesWithBlankCellsPenalised() async throws {
        let directory = try TemporaryDirectory("anywhere")
        var result = try await runSumd([
            "synth", "--out", directory.path("data"), "--n", "200", "--square", "48",
            "--min-digits", "2", "--max-digits", "3", "--seed", "5",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        for (name, extraFlags) in [("default", [String]()), ("off", ["--blank-cell-penalty", "0"])] {
            result = try await runSumd(
                [
                    "train", "--images", directory.path("data/images.npy"), "--labels", directory.path("data/labels.npy"),
                    "--out", directory.path("\(name).safetensors"), "--arch", "digitsum", "--epochs", "1",
                    "--channels", "8,16", "--hidden", "16", "--pieces", "0.5",
                ] + extraFlags)
            try #require(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.contains("· 1 context conv · pieces 0.5 ·"), "\(result.standardError)")
            result = try await runSumd(["inspect", directory.path("\(name).safetensors")])
            #expect(result.standardOutput.contains("pieces        0.5 of the images cut along blank lines"), "\(result.standardOutput)")
            #expect(
                result.standardOutput.contains("blank cells   1.0 more penalty") == extraFlags.isEmpty, "\(result.standardOutput)")
        }
    }

    @Test func piecesAndBlankCellPenaltyNeedDigitSumAndSaneValues() async throws {
        for flags in [["--pieces", "0.5"], ["--blank-cell-penalty", "1"]] {
            let result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors"] + flags)
            #expect(result.status != 0)
            #expect(result.standardError.contains("\(flags[0]) needs --arch digitsum"), "\(result.standardError)")
        }
        var result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors", "--arch", "digitsum", "--pieces", "1.5"])
        #expect(result.standardError.contains("--pieces must be between 0 and 1"), "\(result.standardError)")
        result = try await runSumd([
            "train", "--images", "x.npy", "--out", "m.safetensors", "--arch", "digitsum", "--blank-cell-penalty=-1",
        ])
        #expect(result.standardError.contains("--blank-cell-penalty must be a non-negative number"), "\(result.standardError)")
    }

    @Test func negativeElasticIsRefused() async throws {
        let result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors", "--elastic=-1"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--elastic must be a non-negative number of pixels"))
    }

    @Test func cellPenaltyNeedsDigitSumAndAPositiveWeight() async throws {
        var result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors", "--cell-penalty", "0.05"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--cell-penalty needs --arch digitsum"), "\(result.standardError)")
        result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors", "--arch", "digitsum", "--cell-penalty=-1"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--cell-penalty must be a non-negative number"), "\(result.standardError)")
    }

    @Test func unknownArchitectureIsRefused() async throws {
        let result = try await runSumd(["train", "--images", "x.npy", "--out", "m.safetensors", "--arch", "resnet"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("resnet"))
    }
}
