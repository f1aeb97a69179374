import Foundation
import PathFixtures
import SystemCalls
import SystemPackage
import Testing
import Watcher

#if canImport(Glibc)
    import Glibc
#endif

/// Real inotify on real temporary directories. Serialized because libinotifytools is
/// process-global: only one `DirectoryWatcher` runs in a process at a time.
@Suite(.serialized)
struct DirectoryWatcherTests {
    @Test func fileWrittenInPlaceIsReportedWhenClosed() async throws {
        try await withTemporaryDirectory { inbox in
            let watcher = try await DirectoryWatcher(watching: inbox)
            try writeFile(inbox.appending("batch.npy"))
            let seen = try await watcher.events(until: .closedAfterWriting(name("batch.npy")))
            #expect(seen == [.created(name("batch.npy")), .closedAfterWriting(name("batch.npy"))])
            await watcher.stop()
        }
    }

    @Test func fileRenamedInFromSiblingDirectoryIsMovedIn() async throws {
        try await withTemporaryDirectory { root in
            let inbox = root.appending("inbox")
            let staging = root.appending("staging")
            try makeDirectory(inbox)
            try makeDirectory(staging)
            let watcher = try await DirectoryWatcher(watching: inbox)
            try writeFile(staging.appending(".part-1"))
            #expect(rename(staging.appending(".part-1").string, inbox.appending("batch.npy").string) == 0)
            let seen = try await watcher.events(until: .movedIn(name("batch.npy")))
            #expect(seen == [.movedIn(name("batch.npy"))])
            await watcher.stop()
        }
    }

    @Test func fifoSymlinkAndDirectoryAreReportedAsCreated() async throws {
        try await withTemporaryDirectory { inbox in
            let watcher = try await DirectoryWatcher(watching: inbox)
            #expect(mkfifo(inbox.appending("pipe").string, 0o600) == 0)
            #expect(symlink("/etc/passwd", inbox.appending("link.npy").string) == 0)
            try makeDirectory(inbox.appending("sub"))
            let seen = try await watcher.events(until: .created(name("sub")))
            #expect(seen == [.created(name("pipe")), .created(name("link.npy")), .created(name("sub"))])
            #expect(try DirectoryEntry.kind(of: name("pipe"), in: inbox) == .fifo)
            #expect(try DirectoryEntry.kind(of: name("link.npy"), in: inbox) == .symbolicLink)
            #expect(try DirectoryEntry.kind(of: name("sub"), in: inbox) == .directory)
            await watcher.stop()
        }
    }

    @Test func deletedDirectoryIsWatchedAgainOnceRecreated() async throws {
        try await withTemporaryDirectory { root in
            let inbox = root.appending("inbox")
            try makeDirectory(inbox)
            let watcher = try await DirectoryWatcher(watching: inbox)
            #expect(rmdir(inbox.string) == 0)
            _ = try await watcher.events(until: .directoryLost)
            try makeDirectory(inbox)
            _ = try await watcher.events(until: .rewatched)
            try writeFile(inbox.appending("after.npy"))
            let seen = try await watcher.events(until: .closedAfterWriting(name("after.npy")))
            #expect(seen == [.created(name("after.npy")), .closedAfterWriting(name("after.npy"))])
            await watcher.stop()
        }
    }

    @Test func movedAwayDirectoryIsLeftAndItsReplacementWatched() async throws {
        try await withTemporaryDirectory { root in
            let inbox = root.appending("inbox")
            let moved = root.appending("moved")
            try makeDirectory(inbox)
            let watcher = try await DirectoryWatcher(watching: inbox)
            #expect(rename(inbox.string, moved.string) == 0)
            _ = try await watcher.events(until: .directoryLost)
            try makeDirectory(inbox)
            _ = try await watcher.events(until: .rewatched)
            // The old directory, now elsewhere, must no longer be reported.
            try writeFile(moved.appending("old.npy"))
            try writeFile(inbox.appending("new.npy"))
            let seen = try await watcher.events(until: .closedAfterWriting(name("new.npy")))
            #expect(seen == [.created(name("new.npy")), .closedAfterWriting(name("new.npy"))])
            await watcher.stop()
        }
    }

    @Test func unreadEventsBeyondTheKernelQueueBecomeOverflow() async throws {
        let maxQueued = try #require(
            Int(
                try String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        try await withTemporaryDirectory { inbox in
            let files = [inbox.appending("a"), inbox.appending("b")]
            for file in files { try writeFile(file) }
            let capacity = 8
            let watcher = try await DirectoryWatcher(watching: inbox, bufferCapacity: capacity)
            // Nobody reads while these are made: the watcher fills its buffer, libinotifytools its
            // 64 KiB read buffer (at most 4096 events), then the kernel queue overflows.
            let closes = maxQueued + 4096 + capacity + 1024
            let clock = ContinuousClock()
            let generating = try clock.measure {
                for index in 0..<closes {  // alternating names, so the kernel cannot merge them
                    try FileDescriptor.open(files[index & 1], .writeOnly).close()
                }
            }
            let reading = clock.now
            let seen = try await watcher.events(until: .overflow, within: 30)
            print(
                "overflow: \(closes) closes made in \(generating), \(seen.count) events read in \(clock.now - reading)"
                    + " before .overflow (max_queued_events \(maxQueued))")
            #expect(seen.count > maxQueued / 2)
            #expect(seen.dropLast().allSatisfy { $0 == .closedAfterWriting(name("a")) || $0 == .closedAfterWriting(name("b")) })
            await watcher.stop()
        }
    }

    @Test func stopEndsTheEventsPromptly() async throws {
        try await withTemporaryDirectory { inbox in
            let watcher = try await DirectoryWatcher(watching: inbox)
            var iterator = watcher.events.makeAsyncIterator()
            let clock = ContinuousClock()
            let start = clock.now
            await watcher.stop()
            let ended = try await iterator.next()
            let stopping = clock.now - start
            #expect(ended == nil)
            print("stop: thread ended and events finished after \(stopping)")
            #expect(stopping < .seconds(3))
        }
    }

    @Test func cancellingTheConsumerStopsTheWatcher() async throws {
        try await withTemporaryDirectory { inbox in
            let watcher = try await DirectoryWatcher(watching: inbox)
            let consumer = Task { () -> Int in
                var count = 0
                for try await _ in watcher.events { count += 1 }
                return count
            }
            consumer.cancel()
            #expect(try await consumer.value == 0)
            // The watcher is stopping, so a new one waits for it instead of failing.
            let clock = ContinuousClock()
            let start = clock.now
            let replacement = try await DirectoryWatcher(watching: inbox)
            let waited = clock.now - start
            await replacement.stop()
            print("cancel: a new watcher started \(waited) after the consumer was cancelled")
            #expect(waited < .seconds(3))
        }
    }

    @Test func secondRunningWatcherIsRefused() async throws {
        try await withTemporaryDirectory { inbox in
            let first = try await DirectoryWatcher(watching: inbox)
            await #expect(throws: WatcherError.anotherWatcherActive(inbox)) {
                _ = try await DirectoryWatcher(watching: inbox)
            }
            await first.stop()
        }
    }

    @Test func missingDirectoryFailsNamingItAndTheReason() async throws {
        try await withTemporaryDirectory { root in
            let missing = root.appending("no-such-inbox")
            let error = await #expect(throws: WatcherError.self) {
                _ = try await DirectoryWatcher(watching: missing)
            }
            #expect(error == .systemCall(SystemCallError("inotify_add_watch", path: missing, errno: .noSuchFileOrDirectory)))
            let message = String(describing: try #require(error))
            #expect(message.contains(missing.string) && message.contains("No such file or directory"), "\(message)")
        }
    }

    @Test func fileAndSymlinkAreNotWatchableDirectories() async throws {
        try await withTemporaryDirectory { root in
            let file = root.appending("file")
            let link = root.appending("link")
            try writeFile(file)
            #expect(symlink(root.string, link.string) == 0)
            for path in [file, link] {
                await #expect(throws: WatcherError.systemCall(SystemCallError("inotify_add_watch", path: path, errno: .notDirectory))) {
                    _ = try await DirectoryWatcher(watching: path)
                }
            }
        }
    }

    @Test func inotifyDescriptorIsClosedOnExec() async throws {
        try await withTemporaryDirectory { inbox in
            let watcher = try await DirectoryWatcher(watching: inbox)
            let descriptors = try DirectoryEntry.contents(of: "/proc/self/fd").compactMap { Int32($0.name.string) }
            let inotify = descriptors.filter { fd in
                var target = [UInt8](repeating: 0, count: 64)
                let length = target.withUnsafeMutableBufferPointer { readlink("/proc/self/fd/\(fd)", $0.baseAddress!, $0.count) }
                return length > 0 && String(decoding: target[..<length], as: UTF8.self) == "anon_inode:inotify"
            }
            #expect(!inotify.isEmpty)
            for fd in inotify {
                #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "inotify descriptor \(fd) would leak into child processes")
            }
            await watcher.stop()
        }
    }
}
