import ArrayFormats
import Classifier
import Foundation
import TestFixtures
import Testing

/// The one-shot commands driven through the real executable: synth → train → predict, inspect, import.
@Suite(.enabled(if: DaemonProcess.binaryExists, "needs the release sumd binary (make test builds it)"))
struct WorkflowTests {
    @Test func synthIsDeterministicPerSeed() async throws {
        let directory = try TemporaryDirectory("synth")
        for (name, seed) in [("a", 7), ("b", 7), ("c", 8)] {
            let result = try await runSumd(["synth", "--out", directory.path(name), "--n", "50", "--seed", "\(seed)"])
            #expect(result.status == 0, "\(result.standardError)")
        }
        let a = try Data(contentsOf: directory.url.appendingPathComponent("a/images.npy"))
        let b = try Data(contentsOf: directory.url.appendingPathComponent("b/images.npy"))
        let c = try Data(contentsOf: directory.url.appendingPathComponent("c/images.npy"))
        #expect(a == b)
        #expect(a != c)
        let images = try NpyArray(contentsOf: directory.url.appendingPathComponent("a/images.npy"))
        #expect(images.shape == [50, 28, 140])
        #expect(images.dtype == .uint8)
        let labels = try NpyArray(contentsOf: directory.url.appendingPathComponent("a/labels.npy"))
        #expect(labels.dtype == .int64)
        #expect(try labels.integers().allSatisfy { (0...45).contains($0) })
    }

    /// Single drawn digits (10 classes): a small CNN must get far above the 10% of chance.
    @Test func trainLearnsAnEasySetAndPredictAgreesWithTheEngine() async throws {
        let directory = try TemporaryDirectory("train")
        var result = try await runSumd([
            "synth", "--out", directory.path("data"), "--n", "2000", "--slots", "1",
            "--min-digits", "1", "--max-digits", "1", "--seed", "3",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        result = try await runSumd([
            "train", "--images", directory.path("data/images.npy"), "--labels", directory.path("data/labels.npy"),
            "--out", directory.path("model.safetensors"), "--epochs", "8", "--channels", "8,16", "--hidden", "32",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        let epochLines = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("epoch") }
        #expect(epochLines.count == 8)
        #expect(result.standardError.contains("split (seed 0): 1600 training, 400 validation"))

        let history = try csvRows(directory.path("model.history.csv"))
        #expect(history.first == ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "seconds", "images_per_second"])
        #expect(history.count == 9)
        let bestAccuracy = history.dropFirst().compactMap { Double($0[4]) }.max() ?? 0
        print("easy set: best validation accuracy \(bestAccuracy) (chance 0.1)")
        #expect(bestAccuracy > 0.5, "chance is 0.1")
        let svg = try String(contentsOfFile: directory.path("model.history.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline"))

        let checkpoint = try Checkpoint.load(from: directory.url.appendingPathComponent("model.safetensors"))
        #expect(checkpoint.architecture.classes == 10)
        #expect(checkpoint.provenance.bestEpoch != nil)
        #expect(abs((checkpoint.provenance.validationAccuracy ?? 0) - bestAccuracy) < 1e-6)

        // predict (a separate process) against the engine in this process on the same file.
        result = try await runSumd([
            "predict", "--checkpoint", directory.path("model.safetensors"), "--images", directory.path("data/images.npy"),
            "--labels", directory.path("data/labels.npy"), "--out", directory.path("p.csv"), "--report", directory.path("r.csv"),
        ])
        try #require(result.status == 0, "\(result.standardError)")
        let rows = try csvRows(directory.path("p.csv"))
        #expect(rows.first == ["index", "predicted_sum", "confidence", "true_sum", "correct"])
        #expect(rows.count == 2001)
        let images = try ImageSet.load(
            images: directory.url.appendingPathComponent("data/images.npy"),
            labels: directory.url.appendingPathComponent("data/labels.npy"))
        let model = try ServingModel.load(checkpoint: directory.url.appendingPathComponent("model.safetensors"), workers: 1, chunkSize: 7)
        let (predicted, confidence) = try model.predict(images, range: 0..<images.count)
        var mismatches = 0
        for index in 0..<images.count {
            if Int(rows[index + 1][1]) != predicted[index] || abs(Double(rows[index + 1][2])! - Double(confidence[index])) > 1e-6 {
                mismatches += 1
            }
            #expect(Int(rows[index + 1][3]) == images.labels![index])
        }
        #expect(mismatches == 0)
        let report = try csvRows(directory.path("r.csv"))
        #expect(report.count == 2)
        let correct = predicted.indices.filter { predicted[$0] == images.labels![$0] }.count
        #expect(report[1][3] == "\(correct)")
        #expect(FileManager.default.fileExists(atPath: directory.path("r.classes.csv")))
        #expect(FileManager.default.fileExists(atPath: directory.path("r.confusion.csv")))

        result = try await runSumd(["inspect", directory.path("model.safetensors")])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("sha256       \(checkpoint.sha256)"))
        #expect(result.standardOutput.contains("conv1: Conv2d(1, 8, kernel_size=3, padding=1)"))
        #expect(result.standardOutput.contains("classes      10"))

        // A checkpoint for 28×28 refuses 28×140 images.
        result = try await runSumd(["synth", "--out", directory.path("wide"), "--n", "3", "--seed", "1"])
        result = try await runSumd([
            "predict", "--checkpoint", directory.path("model.safetensors"), "--images", directory.path("wide/images.npy"),
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("images are 28×140 but the checkpoint takes 28×28"))
    }

    /// A held-out test set is scored every epoch; the best epoch's test accuracy is the one `sumd
    /// predict` measures with the checkpoint written, and the time to reach it is reported.
    @Test func trainScoresAHeldOutTestSetEveryEpoch() async throws {
        let directory = try TemporaryDirectory("testset")
        for (name, n, seed) in [("train", 1500, 3), ("test", 400, 4)] {
            let result = try await runSumd([
                "synth", "--out", directory.path(name), "--n", "\(n)", "--slots", "1",
                "--min-digits", "1", "--max-digits", "1", "--seed", "\(seed)",
            ])
            try #require(result.status == 0, "\(result.standardError)")
        }
        var result = try await runSumd([
            "train", "--images", directory.path("train/images.npy"), "--labels", directory.path("train/labels.npy"),
            "--test-images", directory.path("test/images.npy"), "--test-labels", directory.path("test/labels.npy"),
            "--out", directory.path("model.safetensors"), "--epochs", "4", "--channels", "8,16", "--hidden", "32",
        ])
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("1200 training, 300 validation, 400 test from"))
        #expect(result.standardOutput.split(separator: "\n").filter { $0.contains("│  test acc ") }.count == 4)

        let history = try csvRows(directory.path("model.history.csv"))
        #expect(history.first?.suffix(2) == ["test_loss", "test_accuracy"])
        let checkpoint = try Checkpoint.load(from: directory.url.appendingPathComponent("model.safetensors"))
        let bestEpoch = try #require(checkpoint.provenance.bestEpoch)
        let bestTestAccuracy = try #require(Double(history[bestEpoch][8]))
        #expect(bestTestAccuracy > 0.5, "chance is 0.1")
        #expect(result.standardError.contains(String(format: "test accuracy of the best epoch: %.2f%%; reached", 100 * bestTestAccuracy)))
        #expect(
            result.standardError.contains(String(format: "%.2f%% after ", 100 * bestTestAccuracy)),
            "minutes to the final accuracy: \(result.standardError)")

        result = try await runSumd([
            "predict", "--checkpoint", directory.path("model.safetensors"), "--images", directory.path("test/images.npy"),
            "--labels", directory.path("test/labels.npy"), "--out", directory.path("p.csv"), "--report", directory.path("r.csv"),
        ])
        try #require(result.status == 0, "\(result.standardError)")
        let correct = try #require(Int(try csvRows(directory.path("r.csv"))[1][3]))
        #expect(abs(Double(correct) / 400 - bestTestAccuracy) < 1e-6, "the checkpoint scores on the test set what training recorded")
        let svg = try String(contentsOfFile: directory.path("model.history.svg"), encoding: .utf8)
        #expect(svg.contains(">test</text>"))
    }

    /// Every kind of bad training data fails before training with a sentence naming the file.
    @Test(
        .enabled(if: numpyAvailable, "needs python3 with numpy"),
        arguments: [
            ("images ten.npy labels float.npy", "is 1.5, not an integer"),
            ("images ten.npy labels negative.npy", "sums cannot be negative"),
            ("images ten.npy labels nine.npy", "has 9 labels but"),
            ("images nan.npy labels ten_labels.npy", "image 3 has a NaN pixel"),
            ("images inf.npy labels ten_labels.npy", "image 1 has an infinite pixel"),
            ("images bytes.npy labels ten_labels.npy", "image 2 has float pixels from 0.0 to 255.0, but float pixels must be in [0, 1]"),
            ("images rank5.npy labels ten_labels.npy", "images must be shaped (N, H, W)"),
            ("images empty.npy labels ten_labels.npy", "holds no images"),
            ("images object.npy labels ten_labels.npy", "object array"),
            ("images ten.npy labels fifty.npy classes 46", "label 0 is 50, but the model only knows sums 0…45"),
            ("images missing.npy labels ten_labels.npy", "missing.npy"),
            ("images truncated.npy labels ten_labels.npy", "truncated"),
            ("images ten.npy", "training needs true sums"),
            ("images ten.npy labels ten_labels.npy test-images ten.npy", "--test-images needs its true sums"),
            (
                "images ten.npy labels ten_labels.npy test-images wide.npy test-labels ten_labels.npy",
                "test images are 28×140 but the training images are 28×28"
            ),
            (
                "images ten.npy labels ten_labels.npy test-images ten.npy test-labels fifty.npy",
                "label 0 is 50, but the model only knows sums 0…9"
            ),
            ("images ten.npy labels ten_labels.npy test-images nan.npy test-labels ten_labels.npy", "image 3 has a NaN pixel"),
        ])
    func badTrainingDataFailsBeforeTraining(arguments: String, message: String) async throws {
        let directory = try TemporaryDirectory("baddata")
        let status = try await runPython(
            """
            import numpy as np
            np.save('ten.npy', np.zeros((10, 28, 28), np.uint8))
            np.save('ten_labels.npy', np.arange(10))
            np.save('float.npy', np.full(10, 1.5))
            np.save('negative.npy', -np.ones(10, np.int64))
            np.save('nine.npy', np.zeros(9, np.int64))
            np.save('fifty.npy', np.full(10, 50, np.int64))
            np.save('wide.npy', np.zeros((10, 28, 140), np.uint8))
            x = np.zeros((10, 28, 28), np.float32); x[3, 2, 2] = np.nan; np.save('nan.npy', x)
            x = np.zeros((10, 28, 28), np.float32); x[1, 0, 0] = np.inf; np.save('inf.npy', x)
            x = np.zeros((10, 28, 28), np.float32); x[2, 5, 5] = 255; np.save('bytes.npy', x)
            np.save('rank5.npy', np.zeros((10, 1, 2, 3, 4), np.uint8))
            np.save('empty.npy', np.zeros((0, 28, 28), np.uint8))
            np.save('object.npy', np.array([{'a': 1}] * 10, dtype=object), allow_pickle=True)
            open('truncated.npy', 'wb').write(open('ten.npy', 'rb').read()[:500])
            """, in: directory.url)
        try #require(status == 0)
        var command = ["train", "--out", directory.path("model.safetensors"), "--epochs", "1"]
        let words = arguments.split(separator: " ").map(String.init)
        for pair in stride(from: 0, to: words.count, by: 2) { command += ["--" + words[pair], words[pair + 1]] }
        let result = try await runSumd(command, in: directory.url)
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "stderr: \(result.standardError)")
        #expect(result.standardError.hasPrefix("Error: "))
        #expect(!result.standardOutput.contains("epoch 1/1"), "training must not start")
        #expect(!FileManager.default.fileExists(atPath: directory.path("model.safetensors")))
    }

    /// A PyTorch state_dict (the golden full-size model) imported and served gives PyTorch's answers.
    @Test(.enabled(if: SharedData.goldenSeedModel != nil, "needs ../shared/golden"))
    func importedGoldenModelPredictsLikePyTorch() async throws {
        let golden = try #require(SharedData.goldenSeedModel)
        let directory = try TemporaryDirectory("import")
        var result = try await runSumd([
            "import", golden.appendingPathComponent("model.safetensors").path, "--input", "28x140",
            "--channels", "32,64", "--hidden", "128", "--classes", "46", "--out", directory.path("m.safetensors"),
        ])
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("parameters   2031918"))
        result = try await runSumd([
            "predict", "--checkpoint", directory.path("m.safetensors"), "--images", golden.appendingPathComponent("images.npy").path,
            "--out", directory.path("p.csv"),
        ])
        try #require(result.status == 0, "\(result.standardError)")
        let rows = try csvRows(directory.path("p.csv"))
        let logits = try NpyArray(contentsOf: golden.appendingPathComponent("logits.npy")).floats()
        var worst = 0.0
        for image in 0..<8 {
            let row = Array(logits[(image * 46)..<((image + 1) * 46)])
            let top = row.indices.max { row[$0] < row[$1] }!
            let denominator = row.reduce(0.0) { $0 + exp(Double($1 - row[top])) }
            #expect(Int(rows[image + 1][1]) == top)
            worst = max(worst, abs(Double(rows[image + 1][2])! - 1 / denominator))
        }
        print("imported golden model: max confidence difference vs PyTorch softmax \(worst)")
        #expect(worst < 1e-5)

        // A state_dict that does not fit the described architecture is refused, naming the tensor.
        result = try await runSumd([
            "import", golden.appendingPathComponent("model.safetensors").path, "--input", "28x140",
            "--channels", "32,64", "--hidden", "64", "--classes", "46", "--out", directory.path("bad.safetensors"),
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("fc1"))
    }

    /// The benchmark command's short mode runs in CI so it cannot rot.
    @Test func benchQuickModePrintsThroughput() async throws {
        let result = try await runSumd(["bench", "--quick", "--batches", "1", "4"])
        try #require(result.status == 0, "\(result.standardError)")
        let rows = result.standardOutput.split(separator: "\n").map { $0.split(separator: " ") }
        for phase in ["inference", "training"] {
            let measured = rows.filter { $0.first.map(String.init) == phase }
            #expect(measured.map { String($0[1]) } == ["1", "4"], "\(result.standardOutput)")
            #expect(measured.allSatisfy { (Double($0[2]) ?? 0) > 0 }, "images/s must be positive: \(result.standardOutput)")
        }
    }
}
