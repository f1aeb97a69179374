import ArgumentParser
import Classifier
import Foundation

/// `sumd inspect`: what a checkpoint is, without loading any data.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a checkpoint's architecture, parameters, input, classes, scaling, provenance and SHA-256.",
        discussion: """
            Example:
              sumd inspect model.safetensors
            """
    )

    @Argument(help: "The checkpoint (.safetensors) to describe.")
    var checkpoint: String

    func run() throws {
        let loaded = try Checkpoint.load(from: URL(fileURLWithPath: checkpoint))
        print(Self.describe(loaded, path: checkpoint))
    }

    static func describe(_ checkpoint: Checkpoint, path: String) -> String {
        let architecture = checkpoint.architecture
        var lines = [
            "checkpoint   \(path)",
            "sha256       \(checkpoint.sha256)",
            "architecture \(architecture.name)",
            "input        1×\(architecture.inputHeight)×\(architecture.inputWidth) (C×H×W), uint8 pixels × \(checkpoint.inputScale)",
            "classes      \(architecture.classes) (sums 0…\(architecture.classes - 1))",
            "parameters   \(architecture.parameterCount) (\(String(format: "%.1f", Double(architecture.parameterCount) * 4 / 1_048_576)) MiB float32)",
            "compute      \(String(format: "%.1f", Double(architecture.forwardFLOPs) / 1e6)) MFLOP per image (forward)",
            "reading      \(readingDescription(checkpoint))",
            "layers",
        ]
        let shapes = (try? architecture.shapes()) ?? []
        for (layer, shape) in zip(architecture.layers, shapes) {
            lines.append("  \(layer.description.padded(to: 52)) → \(shape)")
        }
        lines.append("tensors")
        for spec in architecture.parameters {
            lines.append("  \(spec.name.padded(to: 16)) [\(spec.shape.map(String.init).joined(separator: ", "))]")
        }
        let provenance = checkpoint.provenance.summaryLines
        if !provenance.isEmpty {
            lines.append("provenance")
            lines += provenance.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// How `predict` and `serve` read each image with this checkpoint's grid phases.
    static func readingDescription(_ checkpoint: Checkpoint) -> String {
        guard let placements = try? GridPlacements(architecture: checkpoint.architecture, phases: checkpoint.gridPhases),
            !placements.isSinglePass
        else { return "one pass per image (grid phases \(checkpoint.gridPhases))" }
        return
            "grid phases \(checkpoint.gridPhases): each image at \(placements.offsets.count) placements in a \(placements.canvasHeight)×\(placements.canvasWidth) canvas, log-probabilities averaged"
    }
}

extension String {
    /// The string followed by spaces up to `width` characters (never truncated).
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
