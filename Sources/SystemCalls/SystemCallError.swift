import SystemPackage

/// A system call that failed: which call, on which path, and the reason `errno` gave. Every
/// module that calls the C library on files reports failures this way, so a log line always names
/// all three: `/srv/inbox/.claims: mkdir failed: Permission denied (errno 13)`.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call, in words when one call serves several purposes (`rename to summary.csv`).
    public var call: String
    /// The path it was made on (for a call on two paths, the source; `call` names the target).
    public var path: FilePath
    public var errno: Errno

    public init(_ call: String, path: FilePath, errno: Errno) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    public var description: String {
        "\(path): \(call) failed: \(errno) (errno \(errno.rawValue))"
    }
}
