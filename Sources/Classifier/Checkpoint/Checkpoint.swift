import ArrayFormats
import Foundation

/// A trained network as a file: its `Architecture`, its parameter tensors and where it came from.
///
/// On disk it is a safetensors file whose tensors are PyTorch's `state_dict` (`conv1.weight`, …,
/// `fc2.bias`, F32, PyTorch layouts), so `safetensors.torch.load_file` reads it as is, and whose
/// `__metadata__` carries the rest as strings: `format` = `sumd-checkpoint`, `format_version` = `1`,
/// `architecture` (JSON, see `Architecture.json()`), `classes` (the count), `input_scale`
/// (the factor for uint8 pixels), `grid_phases` (how many grid phases predictions average over, see
/// `GridPlacements`; absent in older files, meaning 1) and `provenance` (JSON, see `CheckpointProvenance`).
public struct Checkpoint: Sendable {
    public static let formatName = "sumd-checkpoint"
    public static let formatVersion = "1"
    /// The pixel scale for uint8 images, 1/255, as stored in `input_scale`.
    public static let defaultInputScale: Double = 1.0 / 255.0
    /// `defaultInputScale` as the engine uses it.
    public static let uint8Scale = Float(defaultInputScale)

    public let architecture: Architecture
    /// Every tensor by state_dict name; exactly the names and sizes of `architecture.parameters`.
    public let tensors: [String: [Float]]
    /// Factor applied to uint8 pixels before the first layer.
    public let inputScale: Double
    /// Grid phases that `sumd predict` and `serve` average over (1: one pass per image).
    public let gridPhases: Int
    public let provenance: CheckpointProvenance
    /// SHA-256 (lowercase hex) of the checkpoint file's bytes: the file it was loaded from, or the
    /// bytes `write(to:)` writes for a checkpoint built in memory.
    public private(set) var sha256: String

    /// `inputScale` as the engine uses it.
    public var uint8Scale: Float { Float(inputScale) }

    /// Builds a checkpoint from named tensors, checking them against `architecture.parameters`.
    public init(
        architecture: Architecture, tensors: [String: [Float]], inputScale: Double = Checkpoint.defaultInputScale,
        gridPhases: Int = 1, provenance: CheckpointProvenance = CheckpointProvenance()
    ) throws {
        try Self.check(tensors.keys, against: architecture, source: "checkpoint") { spec in
            let count = tensors[spec.name]?.count ?? 0
            return count == spec.count ? nil : "\(count) values"
        }
        try self.init(
            checked: architecture, tensors: tensors, inputScale: inputScale, gridPhases: gridPhases, provenance: provenance,
            sha256: "", source: "checkpoint")
        sha256 = SHA256.hex(of: try encoded())
    }

    /// Stores tensors already checked against `architecture`; checks the input scale and grid phases.
    init(
        checked architecture: Architecture, tensors: [String: [Float]], inputScale: Double, gridPhases: Int,
        provenance: CheckpointProvenance, sha256: String, source: String
    ) throws {
        guard inputScale.isFinite, inputScale > 0 else {
            throw CheckpointError("\(source): input scale must be a positive number, got \(inputScale)")
        }
        do {
            _ = try GridPlacements(architecture: architecture, phases: gridPhases)
        } catch {
            throw CheckpointError("\(source): grid_phases: \(error)")
        }
        self.gridPhases = gridPhases
        self.architecture = architecture
        self.tensors = tensors
        self.inputScale = inputScale
        self.provenance = provenance
        self.sha256 = sha256
    }

    /// The tensors as (name, PyTorch shape, values), in `architecture.parameters` (state_dict) order.
    public var orderedTensors: [(name: String, shape: [Int], values: [Float])] {
        architecture.parameters.map { ($0.name, $0.shape, tensors[$0.name] ?? []) }
    }

    /// Checks tensors against `architecture.parameters`: none missing, none unexpected, and each of
    /// the right size, where `mismatch(spec)` describes a wrong size (nil if it fits). Names the first offender.
    static func check(
        _ names: some Collection<String>, against architecture: Architecture, source: String,
        mismatch: (ParameterSpec) -> String?
    ) throws {
        let specs = architecture.parameters
        let known = Set(specs.map(\.name))
        let present = Set(names)
        if let unexpected = present.subtracting(known).sorted().first {
            throw CheckpointError(
                "\(source): unexpected tensor '\(unexpected)'; the \(architecture.name) architecture has \(specs.map(\.name).joined(separator: ", "))"
            )
        }
        for spec in specs {
            guard present.contains(spec.name) else {
                throw CheckpointError(
                    "\(source): missing tensor '\(spec.name)' (shape \(spec.shape)) that the \(architecture.name) architecture needs")
            }
            if let what = mismatch(spec) {
                throw CheckpointError(
                    "\(source): tensor '\(spec.name)' has \(what) but the \(architecture.name) architecture needs shape \(spec.shape) (\(spec.count) values)"
                )
            }
        }
    }
}
