import ArgumentParser
import ArrayFormats
import Classifier
import Foundation

/// Where images (and optionally true sums) come from: `--images X.npy [--labels Y.npy]` or `--data X.npz`.
struct ImageInputOptions: ParsableArguments {
    @Option(help: "Images as .npy: uint8 (0–255) or float in [0, 1], shaped (N, H, W), (N, 1, H, W) or (N, H, W, 1).")
    var images: String?

    @Option(help: "True sums as .npy: integers, one per image.")
    var labels: String?

    @Option(help: "A .npz bundle with arrays 'images' and (optionally) 'labels', instead of --images/--labels.")
    var data: String?

    func validate() throws {
        switch (images, data) {
        case (nil, nil): throw ValidationError("Give the images with --images X.npy (and --labels Y.npy) or --data bundle.npz.")
        case (.some, .some): throw ValidationError("Give either --images or --data, not both.")
        default: break
        }
    }

    /// Loads and checks the arrays (memory-mapped).
    func load() throws -> ImageSet {
        try ImageSet.load(images: URL(fileURLWithPath: images ?? data!), labels: labels.map { URL(fileURLWithPath: $0) })
    }

    /// The input's file name without extension, used as the batch name in reports.
    var batchName: String {
        URL(fileURLWithPath: images ?? data!).deletingPathExtension().lastPathComponent
    }

    /// A path beside the input with its extension replaced by `suffix`.
    func sibling(suffix: String) -> String {
        URL(fileURLWithPath: images ?? data!).deletingPathExtension().path + suffix
    }
}

/// How the work is spread over the cores.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores), each running its own chunks of images.")
    var workers: Int?

    @Option(help: "Images per chunk handed to a worker (default: the network's; 64 for the seed network, 32 for digitsum).")
    var chunkSize: Int?

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1.") }
        if let chunkSize, chunkSize < 1 { throw ValidationError("--chunk-size must be at least 1.") }
    }

    var resolvedWorkers: Int { workers ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// Prints a line to standard error (progress and summaries; standard output stays for data).
func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

extension ImageInputOptions {
    /// SHA-256 of each input file, keyed by its role (`images`, `labels`, `data`), for provenance.
    func dataHashes() throws -> [String: String] {
        var hashes: [String: String] = [:]
        for (role, path) in [("images", images), ("labels", labels), ("data", data)] {
            if let path { hashes[role] = try SHA256.hex(ofFileAt: URL(fileURLWithPath: path)) }
        }
        return hashes
    }
}
