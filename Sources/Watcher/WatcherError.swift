import SystemCalls
import SystemPackage

/// Why watching or listing a directory failed, in words a person can act on.
public enum WatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system or libinotifytools call failed: which call, on which path, and the `errno` it left.
    case systemCall(SystemCallError)
    /// Another `DirectoryWatcher` in this process is still running. libinotifytools keeps
    /// process-global state, so only one watcher may be active at a time.
    case anotherWatcherActive(FilePath)
    /// libinotifytools waits with `select()`, which cannot handle descriptor numbers at or above
    /// `FD_SETSIZE`; the process had too many files open when the watcher first started.
    case descriptorOutOfRange(Int32)

    public var description: String {
        switch self {
        case .systemCall(let failure):
            return failure.description
        case .anotherWatcherActive(let path):
            return "cannot start a second directory watcher while \(path) is still watched "
                + "(libinotifytools is process-global: stop the first watcher before starting another)"
        case .descriptorOutOfRange(let fd):
            return "the inotify descriptor is number \(fd), too high for select() "
                + "(limit \(cinotifyFDSetSize)); start the watcher before opening many files"
        }
    }
}
