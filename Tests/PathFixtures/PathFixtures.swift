import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under the system temporary directory, removed with everything in it afterwards.
public func withTemporaryDirectory<Result>(_ body: (FilePath) async throws -> Result) async throws -> Result {
    var template = Array(FilePath(NSTemporaryDirectory()).appending("sumd-test-XXXXXX").string.utf8CString)
    guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw Errno(rawValue: errno)
    }
    let path = FilePath(String(cString: created))
    defer { try? FileManager.default.removeItem(atPath: path.string) }
    return try await body(path)
}

/// Creates (or truncates) `path`, writes `text` and closes it (one `IN_CLOSE_WRITE` for a watcher).
public func writeFile(_ path: FilePath, _ text: String = "payload") throws {
    let fd = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
    try fd.closeAfter { _ = try fd.writeAll(text.utf8) }
}

/// Creates the directory `path` (mode 755).
public func makeDirectory(_ path: FilePath) throws {
    guard mkdir(path.string, 0o755) == 0 else { throw Errno(rawValue: errno) }
}

/// The component named `text`, which must be a plain file name.
public func name(_ text: String) -> FilePath.Component {
    FilePath.Component(text)!
}
