/// Why the engine cannot build a network or accept parameters or data.
public struct EngineError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
