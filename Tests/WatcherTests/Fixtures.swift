import Foundation
import PathFixtures
import Synchronization
import SystemPackage
import Testing
import Watcher

#if canImport(Glibc)
    import Glibc
#endif

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
