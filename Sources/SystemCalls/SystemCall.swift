import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a C call that reports failure by returning -1 and setting `errno` (swift-system's
/// `valueOrErrno` convention), again while it fails with `EINTR`: its value, or the `Errno` of any
/// other failure. For calls where some failures are answers (ENOENT from a rename another daemon
/// won), so the caller can match on the reason.
public func valueOrErrno<Value: FixedWidthInteger>(_ body: () -> Value) -> Result<Value, Errno> {
    while true {
        let value = body()
        guard value == -1 else { return .success(value) }
        let failure = Errno(rawValue: errno)
        if failure != .interrupted { return .failure(failure) }
    }
}

/// Runs a C call like `valueOrErrno` and turns a failure into a `SystemCallError` naming `call`
/// and `path`: the one way sumd calls the C library on files.
@discardableResult
public func systemCall<Value: FixedWidthInteger>(
    _ call: String, path: FilePath, _ body: () -> Value
) throws(SystemCallError) -> Value {
    switch valueOrErrno(body) {
    case .success(let value): return value
    case .failure(let failure): throw SystemCallError(call, path: path, errno: failure)
    }
}

/// Writes all of `bytes` to `fd`, continuing after short writes and `EINTR`.
public func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, naming path: FilePath) throws(SystemCallError) {
    var offset = 0
    while offset < bytes.count {
        offset += try systemCall("write", path: path) { write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
    }
}
