import ArgumentParser
import ArrayFormats
import Classifier
import Foundation

/// `sumd import`: turn a PyTorch `state_dict` into a sumd checkpoint.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Wrap a PyTorch state_dict (safetensors) into a sumd checkpoint.",
        discussion: """
            The state_dict comes from a module shaped like the seed network (conv1, conv2, …, fc1, fc2) \
            or like digitsum (conv1, …, the context convs, head), saved in PyTorch:

              from safetensors.torch import save_file
              save_file(model.state_dict(), "state.safetensors")

            The architecture is read off the tensors: head.weight means digitsum, fc1/fc2 the seed \
            network; channels, hidden width, kernel and classes come from their shapes. Only the input \
            size is needed, since convolutions do not fix it. The shapes cannot tell a digitsum conv \
            block from a context conv: the last conv before head is taken as the one context conv, \
            unless --channels names the blocks, and then every conv after them is a context conv. The prefixes PyTorch wrappers add \
            (module. from DataParallel, _orig_mod. from torch.compile) are removed. A digitsum head has \
            no tensor that fixes the classes: they come from --classes, else the file's "classes" \
            metadata, else every sum of as many 28-px digits as fit side by side (46 on 28×140). \
            The other flags override what the tensors say; every tensor is then checked against the \
            architecture, and a missing, unexpected or mis-shaped one is an error naming it.

            Examples:
              sumd import state.safetensors --input 28x140 --out model.safetensors
              sumd import state.safetensors --input 28x140 --classes 37 \\
                          --out model.safetensors
            """
    )

    @Argument(help: "The PyTorch state_dict saved with safetensors.torch.save_file.")
    var stateDict: String

    @Option(help: "Input size H×W, e.g. 28x140.")
    var input: String

    @Option(help: "Override: output channels of the conv blocks, comma-separated (digitsum: the convs after them are context convs).")
    var channels: String?

    @Option(help: "Override: width of the hidden Linear layer (seed) or of the context conv (digitsum).")
    var hidden: Int?

    @Option(help: "Override: number of classes (sums 0…K-1).")
    var classes: Int?

    @Option(help: "Override: convolution kernel size.")
    var kernel: Int?

    @Option(help: "Grid phases predictions average over (see `sumd train --help`). Default: 4 for digitsum, 1 for the seed network.")
    var gridPhases: Int?

    @Option(help: "Checkpoint to write.")
    var out: String

    func run() throws {
        let size = input.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" }).compactMap { Int($0) }
        guard size.count == 2, size.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--input must be H×W, e.g. 28x140, not '\(input)'.")
        }
        let channelList = try channels.map { text in
            let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--channels must be positive integers separated by commas, e.g. 32,64, not '\(text)'.")
            }
            return values.compactMap { $0 }
        }
        let hints = ArchitectureHints(
            height: size[0], width: size[1], channels: channelList, hidden: hidden, kernel: kernel, classes: classes)
        let source = URL(fileURLWithPath: stateDict)
        let imported = try Checkpoint.importPyTorch(stateDict: source, hints: hints)
        let family = ArchitectureFamily(rawValue: imported.architecture.name) ?? .seed
        let checkpoint = try Checkpoint(
            architecture: imported.architecture, tensors: imported.tensors, inputScale: imported.inputScale,
            gridPhases: gridPhases ?? family.defaultGridPhases, provenance: imported.provenance)
        try checkpoint.write(to: URL(fileURLWithPath: out))
        let written = try Checkpoint.load(from: URL(fileURLWithPath: out))
        print(InspectCommand.describe(written, path: out))
        if classes == nil, written.architecture.name == "digitsum", try SafetensorsFile(contentsOf: source).metadata["classes"] == nil {
            printToStandardError(
                "note: a digitsum state_dict does not fix its classes; assumed \(written.architecture.classes) (sums 0…\(written.architecture.classes - 1)); --classes overrides"
            )
        }
    }
}
