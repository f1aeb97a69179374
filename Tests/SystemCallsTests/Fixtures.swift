import Foundation
import SystemPackage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under the system temporary directory, removed with everything in it afterwards.
func withTemporaryDirectory<Result>(_ body: (FilePath) async throws -> Result) async throws -> Result {
    var template = Array(FilePath(NSTemporaryDirectory()).appending("sumd-calls-XXXXXX").string.utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    let path = FilePath(String(cString: try #require(created)))
    defer { try? FileManager.default.removeItem(atPath: path.string) }
    return try await body(path)
}

/// Creates (or truncates) `path` and writes `text`.
func writeFile(_ path: FilePath, _ text: String = "payload") throws {
    let fd = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
    try fd.closeAfter { _ = try fd.writeAll(text.utf8) }
}

func makeDirectory(_ path: FilePath) throws {
    guard mkdir(path.string, 0o755) == 0 else { throw Errno(rawValue: errno) }
}

/// The component named `text`, which must be a plain file name.
func name(_ text: String) -> FilePath.Component {
    FilePath.Component(text)!
}
