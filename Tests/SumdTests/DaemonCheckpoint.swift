import Classifier
import Foundation

/// Test checkpoints: the seed architecture shrunk to 28×56 inputs and 19 sums, random weights.
enum DaemonCheckpoint {
    /// Writes a checkpoint with random weights drawn from `seed` (different seeds, different SHA-256).
    static func write(to url: URL, channels: [Int], hidden: Int, seed: UInt64) throws {
        let architecture = try Architecture.seed(
            height: DaemonSandbox.height, width: DaemonSandbox.width,
            channels: channels, hidden: hidden, classes: DaemonSandbox.classes)
        try Checkpoint(parameters: Parameters(architecture: architecture, seed: seed)).write(to: url)
    }
}
