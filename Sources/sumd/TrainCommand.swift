import ArgumentParser
import ArrayFormats
import Classifier
import Foundation

/// `sumd train`: the seed's training workflow as one command.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a digit-sum CNN on images and their sums, and write a frozen checkpoint.",
        discussion: """
            Splits the data 80/20 (seeded) into training and validation sets, trains with Adam and \
            cross-entropy on minibatches (shuffled each epoch, seeded), and prints one line per epoch: \
            train loss and accuracy, validation loss and accuracy, seconds, images/s. On a terminal a \
            live progress bar shows the running loss and ETA.

            The checkpoint (safetensors, PyTorch state_dict names) is the epoch with the best validation \
            accuracy; it carries its architecture, so `sumd predict` and `sumd serve` need nothing else. \
            Beside it: <out>.history.csv (one row per epoch) and <out>.history.svg (loss and accuracy chart).

            A held-out test set (--test-images with --test-labels, or --test-data), such as rows written \
            by other writers, is scored after every epoch as well: a test column in each line, the CSV \
            and the chart. It never picks the best epoch. At the end, sumd train says the best epoch's \
            test accuracy and after how many minutes of training it reached 90%, 95% and that accuracy.

            Two architectures (--arch): `seed` (the default) is the seed's CNN, conv blocks then Linear \
            layers treating each sum as an unrelated class; it needs the 28-px-slot row layout to be \
            learnable at all and learns real handwriting poorly. `digitsum` reads each digit and adds: \
            conv blocks, --context-layers more convs (--hidden wide) and a 1×1 conv give every cell of the feature map \
            a distribution over {no digit, 0…9}, and the network outputs the exact distribution of their \
            sum. It learns from sums alone, much better, and for any layout (rows, or digits anywhere).

            The recipe defaults per architecture: `seed` keeps the seed's (constant Adam 1e-3, no \
            augmentation) for parity with PyTorch; `digitsum` trains with --elastic 1.5, --schedule cosine \
            from --lr 0.003 with a warm-up over the first 15% of the epochs (1.5 of 10), \
            --label-smoothing 0.1 and --cell-penalty 0.2, for 10 epochs: the best measured on rows of \
            real MNIST digits by writers it never saw (8–13 minutes on 2 cores; docs/usage.md, "The \
            digitsum recipe"), and predicts with --grid-phases 4. For digits anywhere in a square, add \
            --pieces 0.5 (95.8–96.9% on squares of 2–4 unseen digits, trained on squares of 2–4 or 1–4 \
            digits; docs/usage.md, "Any layout"). The longer warm-up keeps a run from settling early in a worse optimum, \
            which made results differ most from seed to seed. Any flag overrides its default.

            Classes default to every sum reachable with the digit count implied by the largest label: \
            9·⌈max/9⌉+1 (46 when the largest sum is 37…45).

            The same data, seed and --workers give a bit-identical model. A different worker count splits \
            each minibatch differently, which changes float rounding (see docs/usage.md, "Reproducibility").

            Examples:
              sumd train --images train.npy --labels train_labels.npy --out model.safetensors
              sumd train --data train.npz --out model.safetensors --epochs 20 --channels 16,32 --hidden 64
              sumd train --images train.npy --labels train_labels.npy --out model.safetensors --arch digitsum
              sumd train --data train.npz --test-data unseen.npz --out model.safetensors --arch digitsum
            """
    )

    @OptionGroup var input: ImageInputOptions

    @OptionGroup(title: "Held-out test set") var test: TestSetOptions

    @Option(help: "Checkpoint to write (.safetensors).")
    var out: String

    @Option(help: "Passes over the training set.")
    var epochs = 10

    @Option(help: "Images per minibatch.")
    var batchSize = 64

    @Option(
        name: .customLong("lr"), help: "Adam learning rate (the peak, with --schedule cosine). Default: 0.001 (seed), 0.003 (digitsum).")
    var learningRateOption: Float?

    @Option(help: "Fraction of the images held out for validation.")
    var valFraction = 0.2

    @Option(help: "Seed for the weights, the split and the shuffles.")
    var seed: UInt64 = 0

    @Option(help: "Network: seed (conv blocks, then Linear layers over the sums) or digitsum (reads each digit and adds).")
    var arch: ArchitectureFamily = .seed

    @Option(
        help:
            "Output channels of the conv blocks, comma-separated (one Conv2d+ReLU+MaxPool2d(2) block each). Default: 32,64 (seed), 32,64,64,64 (digitsum)."
    )
    var channels: String?

    @Option(
        help:
            "Width of the hidden Linear layer (seed) or of the last conv before the 1×1 digit head (digitsum). Default: 128 (seed), 64 (digitsum)."
    )
    var hidden: Int?

    @Option(
        name: .customLong("context-layers"),
        help: ArgumentHelp(
            "digitsum: 3×3 convs at the cell grid between the conv blocks and the digit head (--hidden wide).",
            discussion:
                "The first widens each cell's view to a whole digit; a second lets a cell see what its neighbours make of a digit they share, so that one of them claims it. Default: 1. A second helped squares trained on 1–4 digits (86.8% → 91.2% before the cell penalty; 96.2–96.4% with it), but with --pieces one scores higher (96.9%), and trained on 2–4 digits alone two read unseen writers worse (89.1–95.2% against 95.8–96.5%); rows gained nothing (docs/usage.md, Any layout)."
        ))
    var contextLayersOption: Int?

    @Option(help: "Convolution kernel size (odd; padding keeps the size).")
    var kernel = 3

    @Option(help: "Number of classes (sums 0…K-1). Default: 9·⌈max label/9⌉+1.")
    var classes: Int?

    @Option(
        name: .customLong("elastic"),
        help: ArgumentHelp(
            "Elastically distort every training image afresh each epoch by about this many pixels (0: off).",
            discussion:
                "Strokes bend and stretch like new handwriting while staying in place, so sums still hold for any layout; validation images are never distorted. 1.5 suits 28-px digits (97.25% against 96.97% with 2 on unseen writers' rows, three seeds). Default: 0 (seed), 1.5 (digitsum)."
        ))
    var elasticOption: Float?

    @Option(
        name: .customLong("schedule"),
        help:
            "Learning-rate schedule: constant, or cosine (linear warm-up, then cosine decay to 0 by the last epoch; --lr is the peak). Default: constant (seed), cosine (digitsum)."
    )
    var scheduleOption: LearningRateSchedule?

    @Option(
        name: .customLong("warmup-epochs"),
        help:
            "Epochs of linear learning-rate warm-up before the cosine decay (fractions allowed). Default: 0 (seed), 15% of --epochs (digitsum; 1.5 of 10)."
    )
    var warmupEpochsOption: Double?

    @Option(help: "AdamW decoupled weight decay on the weights, not the biases (0: plain Adam).")
    var weightDecay: Float = 0

    @Option(
        name: .customLong("label-smoothing"),
        help:
            "Label smoothing of the cross-entropy: this share of the target spread over all sums (0: off). Default: 0 (seed), 0.1 (digitsum)."
    )
    var labelSmoothingOption: Float?

    @Option(
        name: .customLong("cell-penalty"),
        help: ArgumentHelp(
            "Add this weight × the expected number of cells holding a digit to each image's loss (digitsum; 0: off).",
            discussion:
                "Sums alone let the network spread a digit's value over several cells (8 as 2 + 2 + 2 + 2, the habit it takes on squares), which breaks when digits crowd; the penalty makes one cell per digit the cheaper reading: squares 91.2% → 95.6%, rows level. Not part of the reported loss. Default: 0.2 (digitsum)."
        ))
    var cellPenaltyOption: Float?

    @Option(
        name: .customLong("blank-cell-penalty"),
        help: ArgumentHelp(
            "Add this weight more for each cell that holds a digit with no ink within half a cell of it (digitsum; 0: off).",
            discussion:
                "A cell whose view spans the image can read digits far from it, which fits the training digits but not new writers; with --pieces, the penalty leaves a digit's own cells the only cheap place to claim it (alone it did not help). Training only: it looks at the image's ink, not at labels. Default: 1 with --pieces, else 0 (docs/usage.md, Any layout)."
        ))
    var blankCellPenaltyOption: Float?

    @Option(
        name: .customLong("pieces"),
        help: ArgumentHelp(
            "Share of the training images (drawn afresh each epoch) cut along blank rows and columns into pieces trained as one sum (digitsum; 0: off).",
            discussion:
                "Each piece runs through the network on its own and the pieces' sums add up to the image's, so no cell sees ink in another piece: the network must read each digit where it is. A cut image costs about 2.6× a whole one on squares of 2–4 digits. With --blank-cell-penalty 1, which it brings along, it teaches squares whose training images all hold 2–4 digits: use 0.5 (95.8–96.5% on unseen writers over three seeds, against 86.2% without; docs/usage.md, Any layout). Default: 0."
        ))
    var pieces: Double = 0

    @Option(
        name: .customLong("grid-phases"),
        help: ArgumentHelp(
            "Grid phases the model averages over when it predicts, written into the checkpoint (1: one pass).",
            discussion:
                "digitsum reads digits in cells 16 px apart; it also reads each image shifted by 16/P px steps along every axis spanning two cells or more and averages the sum's log-probabilities, which mends digits split across cells (rows: 95.6% → 96.8% with 4, at 4× the prediction time). The held-out test set is scored this way; validation with one pass. `sumd predict --grid-phases` overrides it. Default: 1 (seed, which takes one image size only), 4 (digitsum)."
        ))
    var gridPhasesOption: Int?

    @Option(help: "Worker threads (default: all cores).")
    var workers: Int?

    // The recipe: what the flags say, else the architecture family's default.
    var learningRate: Float { learningRateOption ?? arch.defaultLearningRate }
    var elastic: Float { elasticOption ?? arch.defaultElastic }
    var schedule: LearningRateSchedule { scheduleOption ?? arch.defaultSchedule }
    var warmupEpochs: Double { warmupEpochsOption ?? arch.defaultWarmupShare * Double(epochs) }
    var labelSmoothing: Float { labelSmoothingOption ?? arch.defaultLabelSmoothing }
    var cellPenalty: Float { cellPenaltyOption ?? arch.defaultCellPenalty }
    var gridPhases: Int { gridPhasesOption ?? arch.defaultGridPhases }
    var contextLayers: Int { contextLayersOption ?? ArchitectureFamily.defaultContextLayers }
    var blankCellPenalty: Float { blankCellPenaltyOption ?? (pieces > 0 ? ArchitectureFamily.blankCellPenaltyWithPieces : 0) }

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1.") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1.") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--lr must be a positive number.") }
        guard valFraction > 0, valFraction < 1 else { throw ValidationError("--val-fraction must be between 0 and 1 (exclusive).") }
        if let hidden, hidden < 1 { throw ValidationError("--hidden must be at least 1.") }
        guard (try? parsedChannels()) != nil else {
            throw ValidationError("--channels must be positive integers separated by commas, e.g. 32,64.")
        }
        guard kernel > 0, kernel % 2 == 1 else { throw ValidationError("--kernel must be odd and positive, e.g. 3 or 5.") }
        if let classes, classes < 2 { throw ValidationError("--classes must be at least 2.") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1.") }
        guard elastic >= 0, elastic.isFinite else { throw ValidationError("--elastic must be a non-negative number of pixels.") }
        guard warmupEpochs >= 0, warmupEpochs < Double(epochs) else {
            throw ValidationError("--warmup-epochs must be at least 0 and below --epochs.")
        }
        guard weightDecay >= 0, weightDecay * learningRate < 1 else {
            throw ValidationError("--weight-decay must be at least 0 and below 1/--lr.")
        }
        guard labelSmoothing >= 0, labelSmoothing < 1 else { throw ValidationError("--label-smoothing must be at least 0 and below 1.") }
        guard gridPhases >= 1 else { throw ValidationError("--grid-phases must be at least 1.") }
        guard contextLayers >= 1 else { throw ValidationError("--context-layers must be at least 1.") }
        guard cellPenalty >= 0, cellPenalty.isFinite else { throw ValidationError("--cell-penalty must be a non-negative number.") }
        guard blankCellPenalty >= 0, blankCellPenalty.isFinite else {
            throw ValidationError("--blank-cell-penalty must be a non-negative number.")
        }
        guard (0...1).contains(pieces) else { throw ValidationError("--pieces must be between 0 and 1.") }
        for (flag, given) in [("--blank-cell-penalty", (blankCellPenaltyOption ?? 0) > 0), ("--pieces", pieces > 0)]
        where given && arch != .digitsum {
            throw ValidationError("\(flag) needs --arch digitsum: the seed network has no cells.")
        }
        guard cellPenaltyOption == nil || arch == .digitsum else {
            throw ValidationError("--cell-penalty needs --arch digitsum: the seed network has no cells.")
        }
        guard contextLayersOption == nil || arch == .digitsum else {
            throw ValidationError("--context-layers needs --arch digitsum: the seed network has no cell grid.")
        }
        guard gridPhases == 1 || arch == .digitsum else {
            throw ValidationError("--grid-phases above 1 needs --arch digitsum: the seed network takes one image size only.")
        }
    }

    func parsedChannels() throws -> [Int] {
        let values = (channels ?? arch.defaultChannels).split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { throw ValidationError("bad --channels") }
        return values.map { $0! }
    }

    func run() throws {
        // Everything about the data is checked before training starts.
        let images = try input.load()
        guard let labels = images.labels else {
            throw DataError(images.source, "training needs true sums: give --labels Y.npy, or a .npz with a 'labels' array")
        }
        try images.checkPixels()
        let testSet = try test.load()
        let classCount = classes ?? Self.defaultClasses(maxLabel: labels.max() ?? 0)
        try images.checkLabels(classes: classCount)
        let hidden = hidden ?? arch.defaultHidden
        let architecture =
            switch arch {
            case .seed:
                try Architecture.seed(
                    height: images.height, width: images.width, channels: parsedChannels(),
                    hidden: hidden, kernel: kernel, classes: classCount)
            case .digitsum:
                try Architecture.digitSum(
                    height: images.height, width: images.width, channels: parsedChannels(),
                    context: hidden, contextLayers: contextLayers, kernel: kernel, classes: classCount)
            }

        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = learningRate
        options.validationFraction = valFraction
        options.seed = seed
        options.workers = workers ?? defaultWorkerCount
        options.elastic = elastic > 0 ? ElasticDistortion(magnitude: elastic) : nil
        options.schedule = schedule
        options.warmupEpochs = warmupEpochs
        options.weightDecay = weightDecay
        options.labelSmoothing = labelSmoothing
        options.cellPenalty = cellPenalty
        options.pieces = pieces
        options.blankCellPenalty = blankCellPenalty
        options.gridPhases = gridPhases
        let session = try TrainingSession(
            architecture: architecture, images: images, test: testSet, options: options, uint8Scale: Checkpoint.uint8Scale)
        printToStandardError(
            """
            data: \(images.count) images \(images.height)×\(images.width) from \(images.source), \(classCount) classes (sums 0…\(classCount - 1))
            split (seed \(seed)): \(session.split.training.count) training, \(session.split.validation.count) validation\(testSet.map { ", \($0.count) test from \($0.source)" } ?? "")
            model: \(architecture.name) \(try parsedChannels().map(String.init).joined(separator: ",")) hidden \(hidden) kernel \(kernel)\(arch == .digitsum ? " · \(contextLayers) context conv\(contextLayers == 1 ? "" : "s")\(pieces > 0 ? " · pieces \(pieces)" : "")" : "") · \(architecture.parameterCount) parameters · \(options.workers) workers
            """)

        let outURL = URL(fileURLWithPath: out)
        let stem = outURL.deletingPathExtension().path
        let dataHashes = try input.dataHashes()
        for epoch in 1...epochs {
            var bar = ProgressBar(label: "epoch \(epoch)/\(epochs)", total: 0)
            let (record, isBest) = try session.runEpoch { done, total, seen, loss in
                if bar.total != total { bar = ProgressBar(label: "epoch \(epoch)/\(epochs)", total: total) }
                bar.update(done: done, images: seen, loss: loss)
            }
            bar.finish()
            print(Self.line(record, of: epochs, isBest: isBest))
            fflush(nil)  // one line per epoch, also when stdout is a file or a pipe
            if isBest {
                let provenance = CheckpointProvenance(
                    createdAt: Date(), sumdVersion: VersionText.release, dataSHA256: dataHashes,
                    images: images.count, trainImages: session.split.training.count,
                    validationImages: session.split.validation.count, seed: seed, epochs: epochs, bestEpoch: epoch,
                    validationAccuracy: record.validationAccuracy, batchSize: batchSize, learningRate: Double(learningRate),
                    elasticMagnitude: elastic > 0 ? Double(elastic) : nil, schedule: schedule.rawValue,
                    warmupEpochs: schedule == .cosine ? warmupEpochs : nil,
                    weightDecay: weightDecay > 0 ? Double(weightDecay) : nil,
                    labelSmoothing: labelSmoothing > 0 ? Double(labelSmoothing) : nil,
                    cellPenalty: cellPenalty > 0 ? Double(cellPenalty) : nil,
                    blankCellPenalty: blankCellPenalty > 0 ? Double(blankCellPenalty) : nil, pieces: pieces > 0 ? pieces : nil)
                try Checkpoint(parameters: session.parameters, gridPhases: gridPhases, provenance: provenance).write(to: outURL)
            }
            try DurableFile.write(session.history.csv, to: URL(fileURLWithPath: stem + ".history.csv"))
            try DurableFile.write(
                HistoryChart.svg(session.history, title: "sumd train · \(outURL.lastPathComponent)", bestEpoch: session.best?.epoch),
                to: URL(fileURLWithPath: stem + ".history.svg"))
        }
        let best = session.best!
        printToStandardError(
            """
            best epoch \(best.epoch): validation accuracy \(String(format: "%.4f", best.accuracy)) → \(out)
            history: \(stem).history.csv, chart: \(stem).history.svg
            """)
        if testSet != nil { printToStandardError(Self.timeToAccuracy(session.history, bestEpoch: best.epoch)) }
    }

    /// The held-out test accuracy of the checkpoint written, and how many minutes of training it
    /// took to reach it and each of 90%, 95% and 97% on the way.
    static func timeToAccuracy(_ history: [EpochRecord], bestEpoch: Int) -> String {
        let final = history[bestEpoch - 1].testAccuracy ?? 0
        let goals = [0.90, 0.95, 0.97].filter { $0 < final } + [final]
        let reached = goals.compactMap { goal in
            history.firstReaching(testAccuracy: goal).map {
                String(format: "%.2f%% after %.1f min (epoch %d)", 100 * goal, $0.seconds / 60, $0.epoch)
            }
        }
        return String(format: "test accuracy of the best epoch: %.2f%%; reached ", 100 * final) + reached.joined(separator: ", ")
    }

    /// Every sum reachable with the digit count implied by the largest label: 9·⌈max/9⌉+1, at least 10.
    static func defaultClasses(maxLabel: Int) -> Int {
        max(9 * ((maxLabel + 8) / 9) + 1, 10)
    }

    static func line(_ r: EpochRecord, of epochs: Int, isBest: Bool) -> String {
        let width = String(epochs).count
        let epoch = String(repeating: " ", count: max(0, width - String(r.epoch).count)) + String(r.epoch)
        return "epoch \(epoch)/\(epochs)  "
            + String(
                format: "train loss %.4f acc %.4f  │  val loss %.4f acc %.4f  │  %.1f s  %.0f img/s",
                r.trainLoss, r.trainAccuracy, r.validationLoss, r.validationAccuracy, r.seconds, r.imagesPerSecond)
            + (r.testAccuracy.map { String(format: "  │  test acc %.4f", $0) } ?? "")
            + (isBest ? "  ★ best" : "")
    }
}

/// The architectures `sumd train --arch` builds.
enum ArchitectureFamily: String, ExpressibleByArgument, CaseIterable {
    case seed
    case digitsum

    var defaultChannels: String { self == .seed ? "32,64" : "32,64,64,64" }
    var defaultHidden: Int { self == .seed ? 128 : 64 }

    // The training recipe each family starts from. seed: the seed's PyTorch recipe (constant Adam
    // 1e-3, no augmentation), kept for parity with it. digitsum: the best measured on rows of real
    // MNIST digits with unseen writers (docs/usage.md, "The digitsum recipe").
    var defaultLearningRate: Float { self == .seed ? 1e-3 : 3e-3 }
    var defaultElastic: Float { self == .seed ? 0 : 1.5 }
    var defaultSchedule: LearningRateSchedule { self == .seed ? .constant : .cosine }
    /// The share of the epochs that warms up (a share, so a short run still gets a warm-up and a decay).
    var defaultWarmupShare: Double { self == .seed ? 0 : 0.15 }
    var defaultLabelSmoothing: Float { self == .seed ? 0 : 0.1 }
    /// The seed network has no cells to penalise.
    var defaultCellPenalty: Float { self == .seed ? 0 : 0.2 }
    var defaultGridPhases: Int { self == .seed ? 1 : 4 }
    /// digitsum's convs at the cell grid (the seed network has none). One serves rows and, with
    /// --pieces, squares; a second read unseen writers worse there (docs/usage.md, "Any layout").
    static let defaultContextLayers = 1
    /// digitsum's blank-cell penalty when --pieces cuts images: the two work only together
    /// (docs/usage.md, "Any layout").
    static let blankCellPenaltyWithPieces: Float = 1
}

extension LearningRateSchedule: ExpressibleByArgument {}
