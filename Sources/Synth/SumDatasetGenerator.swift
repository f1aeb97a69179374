import Dispatch
import Foundation

/// Makes a `SumDataset`: rows of digits, either drawn from strokes or taken from a `DigitPool`.
///
/// Image `i` uses only random stream `i` of the seed, so the result does not depend on how the
/// work is split across cores. Per image: the digit count `k`, then `k` distinct slots, then per
/// digit its value (or pool index, uniform with replacement), its drawing, and its shift `dy`, `dx`;
/// digits are pasted with pixel-wise max and cropped at the image border, as `compose_row.py` does.
public struct SumDatasetGenerator: Sendable {
    public let config: SumDatasetConfig
    /// Where the digits come from; `nil` draws synthetic handwriting.
    public let pool: DigitPool?

    /// Validates `config` (see `SumDatasetConfig.validate()`).
    public init(_ config: SumDatasetConfig, pool: DigitPool? = nil) throws(SynthError) {
        try config.validate()
        self.config = config
        self.pool = pool
    }

    /// Generates every image, in parallel over the available cores.
    public func generate() -> SumDataset {
        let n = config.count
        let places = config.places
        let pixels = config.height * config.width
        var images = [UInt8](repeating: 0, count: n * pixels)
        var labels = [Int64](repeating: 0, count: n)
        var slotDigits = [Int8](repeating: -1, count: n * places)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunks = min(n, workers * 4)
        images.withUnsafeMutableBufferPointer { imagesBuffer in
            labels.withUnsafeMutableBufferPointer { labelsBuffer in
                slotDigits.withUnsafeMutableBufferPointer { slotsBuffer in
                    let output = Output(
                        images: imagesBuffer.baseAddress!, labels: labelsBuffer.baseAddress!,
                        slotDigits: slotsBuffer.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        var worker = Worker(config: config, pool: pool)
                        for index in (chunk * n / chunks)..<((chunk + 1) * n / chunks) {
                            worker.compose(image: index, into: output)
                        }
                    }
                }
            }
        }
        return SumDataset(config: config, images: images, labels: labels, slotDigits: slotDigits)
    }
}

/// Where workers write. Sendable by construction: the buffers outlive `concurrentPerform`, and each
/// image's pixels, label and slot digits are written by exactly one worker.
private struct Output: @unchecked Sendable {
    let images: UnsafeMutablePointer<UInt8>
    let labels: UnsafeMutablePointer<Int64>
    let slotDigits: UnsafeMutablePointer<Int8>
}

/// The scratch state of one worker: a renderer, a digit patch and a slot permutation.
private struct Worker {
    let config: SumDatasetConfig
    let pool: DigitPool?
    var renderer = DigitRenderer()
    var patch = [UInt8](repeating: 0, count: SumDatasetConfig.side * SumDatasetConfig.side)
    var order: [Int]

    init(config: SumDatasetConfig, pool: DigitPool?) {
        self.config = config
        self.pool = pool
        order = Array(0..<config.slots)
    }

    mutating func compose(image index: Int, into output: Output) {
        let side = SumDatasetConfig.side
        let width = config.width
        let height = config.height
        let slots = config.slots
        let jitter = config.jitter
        let canvas = output.images + index * height * width
        var rng = SynthRandom(seed: config.seed, stream: UInt64(index))
        let k = rng.int(in: config.minDigits...config.maxDigits)
        // Squares: every position first; rows: slots first, each digit's shift after its drawing
        // (the order the row layout has always drawn in, so a seed keeps giving the same rows).
        let scattered = config.square.map { Self.scatter(k, side: $0, rng: &rng) }
        if scattered == nil {
            for i in 0..<slots { order[i] = i }
            for i in 0..<k { order.swapAt(i, i + rng.below(slots - i)) }
        }
        var sum: Int64 = 0
        for i in 0..<k {
            let place = scattered == nil ? order[i] : i
            let digit: Int
            if let pool {
                let choice = rng.below(pool.count)
                digit = pool.labels[choice]
                pool.images.withUnsafeBufferPointer { source in
                    patch.withUnsafeMutableBufferPointer {
                        $0.baseAddress!.update(from: source.baseAddress! + choice * side * side, count: side * side)
                    }
                }
            } else {
                digit = rng.below(10)
                patch.withUnsafeMutableBufferPointer { renderer.render(digit, rng: &rng, into: $0.baseAddress!) }
            }
            let position = scattered?[i] ?? (top: rng.int(in: -jitter...jitter), left: order[i] * side + rng.int(in: -jitter...jitter))
            patch.withUnsafeBufferPointer {
                pasteMax($0.baseAddress!, into: canvas, height: height, width: width, top: position.top, left: position.left)
            }
            output.slotDigits[index * config.places + place] = Int8(digit)
            sum += Int64(digit)
        }
        output.labels[index] = sum
    }

    /// Top-left corners of `count` digit boxes inside a `side`-px square whose centres are at least
    /// `SumDatasetConfig.minimumSpacing` apart on some axis: each drawn uniformly until it fits,
    /// starting over if a digit finds no room in 64 draws.
    static func scatter(_ count: Int, side: Int, rng: inout SynthRandom) -> [(top: Int, left: Int)] {
        let room = side - SumDatasetConfig.side
        let spacing = SumDatasetConfig.minimumSpacing
        while true {
            var placed: [(top: Int, left: Int)] = []
            placing: for _ in 0..<count {
                for _ in 0..<64 {
                    let candidate = (top: rng.int(in: 0...room), left: rng.int(in: 0...room))
                    if placed.allSatisfy({ max(abs($0.top - candidate.top), abs($0.left - candidate.left)) >= spacing }) {
                        placed.append(candidate)
                        continue placing
                    }
                }
                break
            }
            if placed.count == count { return placed }
        }
    }
}

/// Pastes a 28×28 patch at (`top`, `left`) of a canvas with pixel-wise max, cropping at the borders.
private func pasteMax(
    _ patch: UnsafePointer<UInt8>, into canvas: UnsafeMutablePointer<UInt8>, height: Int, width: Int, top: Int, left: Int
) {
    let side = SumDatasetConfig.side
    let y0 = max(top, 0)
    let y1 = min(top + side, height)
    let x0 = max(left, 0)
    let x1 = min(left + side, width)
    guard y0 < y1, x0 < x1 else { return }
    for y in y0..<y1 {
        let row = canvas + y * width
        let source = patch + (y - top) * side - left
        for x in x0..<x1 { row[x] = max(row[x], source[x]) }
    }
}
