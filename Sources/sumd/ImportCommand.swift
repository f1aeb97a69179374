import ArgumentParser
import Classifier
import Foundation

/// `sumd import`: turn a PyTorch `state_dict` into a sumd checkpoint.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Wrap a PyTorch state_dict (safetensors) into a sumd checkpoint.",
        discussion: """
        The state_dict must come from a module shaped like the seed network (conv1, conv2, fc1, fc2), \
        saved in PyTorch:

          from safetensors.torch import save_file
          save_file(model.state_dict(), "state.safetensors")

        Every tensor is checked against the architecture you describe here; a missing, unexpected or \
        mis-shaped tensor is an error.

        Example:
          sumd import state.safetensors --input 28x140 --channels 32,64 --hidden 128 --classes 46 \\
                      --out model.safetensors
        """
    )

    @Argument(help: "The PyTorch state_dict saved with safetensors.torch.save_file.")
    var stateDict: String

    @Option(help: "Input size H×W, e.g. 28x140.")
    var input: String

    @Option(help: "Output channels of the conv blocks, comma-separated.")
    var channels = "32,64"

    @Option(help: "Width of the hidden Linear layer.")
    var hidden = 128

    @Option(help: "Number of classes (sums 0…K-1).")
    var classes: Int

    @Option(help: "Convolution kernel size.")
    var kernel = 3

    @Option(help: "Checkpoint to write.")
    var out: String

    func run() throws {
        let size = input.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" }).compactMap { Int($0) }
        guard size.count == 2, size.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--input must be H×W, e.g. 28x140, not '\(input)'.")
        }
        let channelList = channels.split(separator: ",").compactMap { Int($0) }
        let architecture = try Architecture.seed(height: size[0], width: size[1], channels: channelList,
                                                 hidden: hidden, kernel: kernel, classes: classes)
        let checkpoint = try Checkpoint.importPyTorch(stateDict: URL(fileURLWithPath: stateDict), architecture: architecture)
        try checkpoint.write(to: URL(fileURLWithPath: out))
        let written = try Checkpoint.load(from: URL(fileURLWithPath: out))
        print(InspectCommand.describe(written, path: out))
    }
}
