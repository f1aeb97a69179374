/// Why a set of images or labels cannot be used: one sentence naming the file and the problem.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String

    public init(_ source: String, _ problem: String) {
        description = "\(source): \(problem)"
    }
}
