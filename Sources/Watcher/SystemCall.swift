import CInotify
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a C call that reports failure by returning -1 and setting `errno` (the swift-system
/// `valueOrErrno` convention), retrying while it fails with `EINTR`, and turns any other failure
/// into `WatcherError.systemCall` naming `call` and `path`.
@discardableResult
func systemCall<Value: FixedWidthInteger>(
    _ call: String, path: FilePath, _ body: () -> Value
) throws(WatcherError) -> Value {
    while true {
        let value = body()
        guard value == -1 else { return value }
        let failure = Errno(rawValue: errno)
        if failure != .interrupted {
            throw .systemCall(call, path: path, errno: failure)
        }
    }
}

/// Adapts a libinotifytools result (0 on failure, the `errno` kept in `inotifytools_error()`)
/// to the `-1`-and-`errno` convention of `systemCall`.
func libraryResult(_ status: Int32) -> Int32 {
    if status != 0 { return 0 }
    errno = inotifytools_error()
    return -1
}
