import ArrayFormats
import Foundation

extension Checkpoint {
    /// Reads and validates a sumd checkpoint: the format marker, the architecture, and every tensor
    /// against `architecture.parameters` (a missing, unexpected or mis-shaped tensor is an error naming it).
    public static func load(from url: URL) throws -> Checkpoint {
        let file = try SafetensorsFile(contentsOf: url)
        let source = url.lastPathComponent
        let metadata = file.metadata
        guard metadata["format"] == formatName else {
            let found = metadata["format"].map { "format '\($0)'" } ?? "no format metadata (a plain PyTorch state_dict? use `sumd import`)"
            throw CheckpointError("\(source): not a sumd checkpoint: it has \(found)")
        }
        guard metadata["format_version"] == formatVersion else {
            throw CheckpointError(
                "\(source): checkpoint format version \(metadata["format_version"] ?? "(missing)") is not supported; this sumd reads version \(formatVersion)"
            )
        }
        guard let architectureJSON = metadata["architecture"] else {
            throw CheckpointError("\(source): checkpoint metadata has no architecture")
        }
        let architecture = try Architecture(json: architectureJSON, source: source)
        guard let scaleText = metadata["input_scale"], let inputScale = Double(scaleText) else {
            throw CheckpointError("\(source): checkpoint metadata input_scale is missing or not a number")
        }
        let gridPhases = try metadata["grid_phases"].map { text in
            guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let phases = Int(text), phases >= 1 else {
                throw CheckpointError("\(source): checkpoint metadata grid_phases must be a whole number of 1 or more, got '\(text)'")
            }
            return phases
        }
        if let classes = metadata["classes"], Int(classes) != architecture.classes {
            throw CheckpointError("\(source): metadata says \(classes) classes but the architecture ends in \(architecture.classes)")
        }
        let provenance: CheckpointProvenance
        do {
            provenance = try metadata["provenance"].map(CheckpointProvenance.init(json:)) ?? CheckpointProvenance()
        } catch {
            throw CheckpointError("\(source): provenance metadata is not valid: \(error)")
        }
        let tensors = try readTensors(file, architecture: architecture, source: source)
        return try Checkpoint(
            checked: architecture, tensors: tensors, inputScale: inputScale, gridPhases: gridPhases ?? 1,
            provenance: provenance, sha256: SHA256.hex(ofFileAt: url), source: source)
    }

    /// Writes the checkpoint atomically: a temporary file in the same directory, fsync, rename, fsync of the directory.
    public func write(to url: URL) throws {
        try DurableFile.write(encoded(), to: url)
    }

    /// The checkpoint file's bytes (deterministic: equal checkpoints give equal bytes).
    public func encoded() throws -> Data {
        var writer = SafetensorsWriter(metadata: [
            "format": Self.formatName,
            "format_version": Self.formatVersion,
            "architecture": architecture.json(),
            "classes": String(architecture.classes),
            "input_scale": String(inputScale),
            "grid_phases": String(gridPhases),
            "provenance": try provenance.json(),
        ])
        for tensor in orderedTensors {
            try writer.add(tensor.name, shape: tensor.shape, values: tensor.values)
        }
        return writer.encode()
    }

    /// Every tensor of `file` as floats, after checking names and shapes against `architecture`.
    /// `fileNames` maps a parameter name to the name it has in the file, where they differ
    /// (a `state_dict` saved with wrapper prefixes).
    static func readTensors(
        _ file: SafetensorsFile, architecture: Architecture, source: String,
        fileNames: [String: String] = [:]
    ) throws -> [String: [Float]] {
        let originals = Dictionary(uniqueKeysWithValues: fileNames.map { ($1, $0) })
        try check(file.tensorNames.map { originals[$0] ?? $0 }, against: architecture, source: source) { spec in
            let shape = try? file.shape(of: fileNames[spec.name] ?? spec.name)
            return shape == spec.shape ? nil : "shape \(shape ?? [])"
        }
        var tensors: [String: [Float]] = [:]
        for spec in architecture.parameters {
            tensors[spec.name] = try file.floats(named: fileNames[spec.name] ?? spec.name)
        }
        return tensors
    }
}
