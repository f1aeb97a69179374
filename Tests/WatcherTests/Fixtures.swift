import Foundation
import Synchronization
import SystemPackage
import Testing
import Watcher

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under the system temporary directory, removed with everything in it afterwards.
func withTemporaryDirectory<Result>(_ body: (FilePath) async throws -> Result) async throws -> Result {
    var template = Array(FilePath(NSTemporaryDirectory()).appending("sumd-watcher-XXXXXX").string.utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    let path = FilePath(String(cString: try #require(created)))
    defer { try? FileManager.default.removeItem(atPath: path.string) }
    return try await body(path)
}

/// Creates (or truncates) `path`, writes `text` and closes it: one `IN_CLOSE_WRITE`.
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

/// Reached the deadline without seeing the expected event; lists what was seen instead.
struct EventTimeout: Error, CustomStringConvertible {
    var expected: DirectoryEvent
    var seen: [DirectoryEvent]
    var description: String { "no \(expected) before the deadline or the end of the events; saw \(seen)" }
}

/// The events one wait has read so far, kept outside the reading task so that a timeout can report them.
private final class SeenEvents: Sendable {
    let list = Mutex<[DirectoryEvent]>([])
}

extension DirectoryWatcher {
    /// Reads events until `expected` arrives and returns all events read, that one last. Waits at
    /// most `seconds` (generous: the machine may be loaded), then throws `EventTimeout`.
    func events(until expected: DirectoryEvent, within seconds: Int = 10) async throws -> [DirectoryEvent] {
        let events = self.events
        let seen = SeenEvents()
        let found = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for try await event in events {
                    seen.list.withLock { $0.append(event) }
                    if event == expected { return true }
                }
                return false
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return false
            }
            let first = try await group.next()!
            group.cancelAll()  // a cancelled reader stops the watcher, which fails the test anyway
            return first
        }
        let read = seen.list.withLock { $0 }
        guard found else { throw EventTimeout(expected: expected, seen: read) }
        return read
    }
}
