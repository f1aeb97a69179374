#if canImport(Glibc)
    import Glibc
#endif

/// Why the daemon cannot start or cannot move a file: one sentence naming the path and the reason.
public struct InboxError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }

    /// A failed system call on `path`, with the reason `errno` gives.
    static func system(_ call: String, _ path: String, _ code: Int32 = errno) -> InboxError {
        InboxError("\(path): \(call) failed: \(String(cString: strerror(code)))")
    }
}
