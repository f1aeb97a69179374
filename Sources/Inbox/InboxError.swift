/// Why the daemon cannot start or cannot go on with a batch: one sentence naming the path and the
/// reason. (A failed system call is a `SystemCallError`, which names the call too.)
public struct InboxError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
