import ArgumentParser
import Foundation
import Synth

/// `sumd synth`: writes a synthetic "sum of digits" dataset (rows, or digits anywhere in squares) as two `.npy` files.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract:
            "Write a synthetic digit-sum dataset: DIR/images.npy (uint8 N×28×(28·slots), or N×S×S with --square S) and DIR/labels.npy (int64 sums).",
        discussion: """
            Each image holds k digits (k uniform in --min-digits...--max-digits) in distinct random 28-px \
            slots, each shifted by up to --jitter px, pasted with pixel-wise max; empty slots are black. \
            Its label is the sum of its digits. The same arguments (and pool files) give byte-identical files.

            With --square SIDE the images are SIDE×SIDE and the digits lie anywhere in them, each at a \
            random place at least 20 px (centre to centre, on some axis) from the others, so no two \
            overlap; --slots and --jitter then play no part. The "any layout" benchmark is \
            --square 64 --min-digits 2 --max-digits 4.

            Without a pool the digits are drawn from strokes as varied handwriting. With --digits and \
            --digit-labels (e.g. MNIST: uint8 (M, 28, 28) and labels 0...9) real digits are drawn uniformly \
            with replacement, from indices --pool-start..<--pool-end only if given, so that train and test \
            sets can use disjoint digits.

            Examples:
              sumd synth --out data/train --n 20000 --seed 1
              sumd synth --out data/test --n 2000 --seed 2 --digits mnist/digits.npy \\
                         --digit-labels mnist/labels.npy --pool-start 4000 --pool-end 5000
              sumd synth --out data/squares --n 30000 --seed 1 --square 64 --min-digits 2 --max-digits 4
            """
    )

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(name: .customLong("n"), help: "Number of images.")
    var count: Int

    @Option(help: "Fewest digits per image.")
    var minDigits: Int = 1

    @Option(help: "Most digits per image (at most --slots).")
    var maxDigits: Int = 5

    @Option(help: "28-px slots per row; images are 28·slots px wide.")
    var slots: Int = 5

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Largest shift of a digit from its slot, in pixels, on each axis.")
    var jitter: Int = 2

    @Option(help: "Square images of this side with the digits anywhere in them, instead of rows (e.g. 64).")
    var square: Int?

    @Option(help: "Pool of single digits: uint8 .npy of shape (M, 28, 28). Needs --digit-labels.")
    var digits: String?

    @Option(help: "Labels 0...9 of the pool digits: integer .npy of shape (M).")
    var digitLabels: String?

    @Option(help: "First pool index to draw from (default 0).")
    var poolStart: Int?

    @Option(help: "One past the last pool index to draw from (default: the pool size).")
    var poolEnd: Int?

    private var config: SumDatasetConfig {
        SumDatasetConfig(count: count, minDigits: minDigits, maxDigits: maxDigits, slots: slots, jitter: jitter, seed: seed, square: square)
    }

    func validate() throws {
        do {
            try config.validate()
        } catch {
            throw ValidationError(error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
        }
        if (digits == nil) != (digitLabels == nil) {
            throw ValidationError("Give the digit pool as both --digits and --digit-labels, or neither.")
        }
        if digits == nil, poolStart != nil || poolEnd != nil {
            throw ValidationError("--pool-start and --pool-end select digits of a pool; give one with --digits and --digit-labels.")
        }
        if let poolStart, poolStart < 0 { throw ValidationError("--pool-start must be at least 0, got \(poolStart).") }
        if let poolStart, let poolEnd, poolEnd <= poolStart {
            throw ValidationError("--pool-end (\(poolEnd)) must be greater than --pool-start (\(poolStart)).")
        }
    }

    func run() throws {
        let started = Date()
        let pool = try loadPool()
        let dataset = try SumDatasetGenerator(config, pool: pool).generate()
        let generated = Date()
        let (imagesURL, labelsURL) = try dataset.write(to: URL(fileURLWithPath: out))
        let seconds = { (from: Date, to: Date) in String(format: "%.2f s", to.timeIntervalSince(from)) }
        let source = pool.map { "\($0.count) pool digits" } ?? "synthetic handwriting"
        printToStandardError(
            "\(count) images \(dataset.shape.map(String.init).joined(separator: "×")) uint8 · \(minDigits)–\(maxDigits) digits from \(source) · "
                + "sums \(dataset.labels.min()!)–\(dataset.labels.max()!) · generated in \(seconds(started, generated)), "
                + "written in \(seconds(generated, Date())) · \(imagesURL.path), \(labelsURL.path)")
    }

    /// The pool restricted to `--pool-start..<--pool-end`, or nil for synthetic digits.
    /// Problems with the files' contents are `SynthError`s naming the file.
    private func loadPool() throws -> DigitPool? {
        guard let digits, let digitLabels else { return nil }
        let pool = try DigitPool(imagesFile: URL(fileURLWithPath: digits), labelsFile: URL(fileURLWithPath: digitLabels))
        guard poolStart != nil || poolEnd != nil else { return pool }
        let start = poolStart ?? 0
        let end = poolEnd ?? pool.count
        guard start < end, end <= pool.count else {
            throw SynthError("--pool-start \(start) and --pool-end \(end) must select digits within \(digits), which holds \(pool.count)")
        }
        return try pool.slice(start..<end)
    }
}
