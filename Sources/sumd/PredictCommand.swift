import ArgumentParser
import ArrayFormats
import Classifier
import Foundation

/// `sumd predict`: the stand-alone inference of one file, with the daemon's CSV layouts.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the digit sum of every image in a .npy/.npz file with a checkpoint.",
        discussion: """
            Writes the predictions CSV (index,predicted_sum,confidence; plus true_sum,correct when labels \
            are given), one row per image in input order, and with labels an accuracy report — the same \
            files, byte layout and code as `sumd serve` writes for a batch. A page to look at, \
            <stem>.report.html (charts, and thumbnails of the mistakes or, without labels, of the least \
            confident images), goes beside them.

            Images: uint8 (scaled by the checkpoint's input scale, 1/255) or float (used as is), shaped \
            (N, H, W), (N, 1, H, W) or (H, W), with H×W equal to the checkpoint's input size.

            Examples:
              sumd predict --checkpoint model.safetensors --images test.npy
              sumd predict --checkpoint model.safetensors --images test.npy --labels test_labels.npy \\
                           --out preds.csv --report report.csv
              sumd predict --checkpoint model.safetensors --data test.npz
            """
    )

    @Option(help: "Checkpoint written by `sumd train` or `sumd import` (.safetensors).")
    var checkpoint: String

    @OptionGroup var input: ImageInputOptions

    @Option(help: "Predictions CSV to write (default: <images stem>.predictions.csv beside the input; '-' for stdout).")
    var out: String?

    @Option(
        help:
            "Accuracy report CSV to write when labels are given; also writes .classes.csv, .confusion.csv and the page to look at, .report.html, beside it (default: <images stem>.report.csv)."
    )
    var report: String?

    @Option(
        help:
            "Grid phases to average over (1: one pass per image, the fastest). Default: the checkpoint's (4 for digitsum as `sumd train` writes it, 1 for the seed network)."
    )
    var gridPhases: Int?

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if let gridPhases, gridPhases < 1 { throw ValidationError("--grid-phases must be at least 1.") }
    }

    func run() throws {
        let images = try input.load()
        let model = try ServingModel.load(
            checkpoint: URL(fileURLWithPath: checkpoint), workers: compute.resolvedWorkers, chunkSize: compute.chunkSize,
            gridPhases: gridPhases)
        try model.validate(images)

        let started = Date()
        let (predicted, confidence) = try model.predict(images, range: 0..<images.count)
        var outcome = BatchOutcome(
            batch: input.batchName, predicted: predicted, confidence: confidence, labels: images.labels,
            classes: model.classes, checkpoint: model.checkpointPath, modelSHA256: model.sha256,
            startedAt: started, finishedAt: Date())
        outcome.attachThumbnails(from: images)

        let predictionsPath = out ?? input.sibling(suffix: ".predictions.csv")
        if predictionsPath == "-" {
            FileHandle.standardOutput.write(outcome.predictionsCSV)
        } else {
            try DurableFile.write(outcome.predictionsCSV, to: URL(fileURLWithPath: predictionsPath))
        }
        var written = predictionsPath == "-" ? [] : [predictionsPath]
        // The page goes beside the report CSV (x.report.csv → x.report.html), before it, as the
        // daemon writes them; unlabelled (no report CSV) at the same place, unless the predictions
        // went to standard output.
        let reportURL = URL(fileURLWithPath: report ?? input.sibling(suffix: ".report.csv"))
        let pageURL = reportURL.deletingPathExtension().appendingPathExtension("html")
        if let classes = outcome.classesCSV, let confusion = outcome.confusionCSV {
            let stem = reportURL.deletingPathExtension().path.replacingSuffix(".report", with: "")
            try DurableFile.write(classes, to: URL(fileURLWithPath: stem + ".classes.csv"))
            try DurableFile.write(confusion, to: URL(fileURLWithPath: stem + ".confusion.csv"))
            try DurableFile.write(outcome.reportHTML, to: pageURL)
            try DurableFile.write(outcome.reportCSV, to: reportURL)
            written += [reportURL.path, pageURL.path, stem + ".classes.csv", stem + ".confusion.csv"]
        } else if predictionsPath != "-" {
            try DurableFile.write(outcome.reportHTML, to: pageURL)
            written.append(pageURL.path)
        }
        var summary = "\(outcome.images) images · \(String(format: "%.0f", outcome.imagesPerSecond)) images/s"
        if !model.placements.isSinglePass {
            summary += " · \(model.placements.readingSummary)"
        }
        if let accuracy = outcome.accuracy, let correct = outcome.correct {
            summary += " · accuracy \(String(format: "%.4f", accuracy)) (\(correct)/\(outcome.images))"
        }
        summary += " · mean confidence \(String(format: "%.4f", outcome.meanConfidence))"
        printToStandardError(summary + (written.isEmpty ? "" : "\nwrote " + written.joined(separator: ", ")))
    }
}

extension String {
    /// `"a.report"` → `"a"` when the suffix matches, else unchanged.
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
