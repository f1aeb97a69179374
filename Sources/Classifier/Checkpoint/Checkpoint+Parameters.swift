extension Checkpoint {
    /// A checkpoint of trained `parameters` (their architecture and tensors).
    public init(
        parameters: Parameters, inputScale: Double = Checkpoint.defaultInputScale, gridPhases: Int = 1,
        provenance: CheckpointProvenance = CheckpointProvenance()
    ) throws {
        var tensors: [String: [Float]] = [:]
        for tensor in parameters.tensors() { tensors[tensor.name] = tensor.values }
        try self.init(
            architecture: parameters.architecture, tensors: tensors, inputScale: inputScale, gridPhases: gridPhases, provenance: provenance)
    }
}
