import ArrayFormats
import Foundation

/// `sumd import`: a plain PyTorch `state_dict` (saved with `safetensors.torch.save_file`) as a checkpoint.
///
/// Names may carry the prefixes PyTorch wrappers add (`module.`, `_orig_mod.`): they are removed.
extension Checkpoint {
    /// Wraps the `state_dict` at `url` as a checkpoint of the architecture its tensors imply
    /// (see `Architecture.inferred(from:hints:fileClasses:source:)`), with `hints` as overrides.
    public static func importPyTorch(
        stateDict url: URL, hints: ArchitectureHints,
        inputScale: Double = defaultInputScale
    ) throws -> Checkpoint {
        let file = try SafetensorsFile(contentsOf: url)
        let source = url.lastPathComponent
        let names = try StateDictNames.strippedToOriginal(file.tensorNames, source: source)
        var shapes: [String: [Int]] = [:]
        for (plain, original) in names { shapes[plain] = try file.shape(of: original) }
        let architecture = try Architecture.inferred(
            from: shapes, hints: hints, fileClasses: file.metadata["classes"].flatMap { Int($0) },
            source: source)
        return try importPyTorch(file, url: url, architecture: architecture, names: names, inputScale: inputScale)
    }

    /// Wraps the `state_dict` at `url` as a checkpoint for `architecture`, which it must match exactly.
    public static func importPyTorch(
        stateDict url: URL, architecture: Architecture,
        inputScale: Double = defaultInputScale
    ) throws -> Checkpoint {
        let file = try SafetensorsFile(contentsOf: url)
        let names = try StateDictNames.strippedToOriginal(file.tensorNames, source: url.lastPathComponent)
        return try importPyTorch(file, url: url, architecture: architecture, names: names, inputScale: inputScale)
    }

    private static func importPyTorch(
        _ file: SafetensorsFile, url: URL, architecture: Architecture, names: [String: String],
        inputScale: Double
    ) throws -> Checkpoint {
        let tensors = try readTensors(
            file, architecture: architecture, source: url.lastPathComponent,
            fileNames: names.filter { $0.key != $0.value })
        var provenance = CheckpointProvenance(createdAt: Date())
        provenance.importedFrom = url.lastPathComponent
        provenance.importedSHA256 = try SHA256.hex(ofFileAt: url)
        return try Checkpoint(architecture: architecture, tensors: tensors, inputScale: inputScale, provenance: provenance)
    }
}
