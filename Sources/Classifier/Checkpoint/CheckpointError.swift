/// Why a checkpoint cannot be read, built or written; the description names the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
