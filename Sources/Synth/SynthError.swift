/// Why a synthetic dataset cannot be made: a bad setting or an unusable digit pool, said in a
/// sentence a person can act on.
public struct SynthError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
