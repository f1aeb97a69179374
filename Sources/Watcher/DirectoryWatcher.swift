import SystemPackage

/// Watches one directory with inotify (through libinotifytools) and delivers what happens in it
/// as an `AsyncSequence` of `DirectoryEvent`s.
///
/// libinotifytools is process-global and not thread-safe, so each watcher owns it from a dedicated
/// thread, and only one watcher may run in a process at a time: starting a second one while the
/// first is running throws `WatcherError.anotherWatcherActive` (one that is stopping is waited for).
///
/// ```swift
/// let watcher = try await DirectoryWatcher(watching: inbox)
/// // The watch is established: entries created from now on are reported. Scan the backlog, signal ready.
/// for try await event in watcher.events { … }
/// ```
///
/// The thread ends, and the event sequence finishes, within about a second of `stop()`, of the
/// consuming task being cancelled, or of the watcher and its event sequences being released.
public final class DirectoryWatcher: Sendable {
    /// The watched directory, as given.
    public let directory: FilePath
    let session: WatchSession

    /// Starts watching `directory` and returns once the watch is established.
    ///
    /// - Parameters:
    ///   - directory: An existing directory; a symbolic link is not followed and is refused.
    ///   - bufferCapacity: How many events may wait for the consumer. Beyond that the watcher stops
    ///     reading, the kernel's queue (`/proc/sys/fs/inotify/max_queued_events`) takes the rest, and
    ///     if that overflows too the consumer receives `.overflow` and must rescan.
    /// - Throws: `WatcherError.systemCall` naming the directory and the reason (not a directory,
    ///   no such directory, permission denied, inotify limits reached), or
    ///   `WatcherError.anotherWatcherActive`.
    public init(watching directory: FilePath, bufferCapacity: Int = 1024) async throws(WatcherError) {
        let session = WatchSession(directory: directory, channel: EventChannel(capacity: bufferCapacity))
        try await ActiveSession.claim(for: session)
        let started = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, WatcherError>, Never>) in
            do throws(WatcherError) {
                try startThread(named: "sumd-inotify", for: directory) {
                    WatchLoop.run(session) { continuation.resume(returning: $0) }
                }
            } catch {
                ActiveSession.release(session)
                session.markEnded()
                continuation.resume(returning: .failure(error))
            }
        }
        try started.get()
        self.directory = directory
        self.session = session
    }

    deinit {
        session.channel.requestStop()
    }

    /// The events of this watcher, for a single consumer. Holding the sequence or an iterator keeps
    /// the watcher running. Cancelling the task that waits in `next()` stops the watcher; errors
    /// thrown are `WatcherError` (the inotify descriptor failed, which should not happen).
    public var events: DirectoryEvents { DirectoryEvents(watcher: self) }

    /// Stops watching and returns once the watcher's thread has ended (within about a second).
    /// Events already delivered to the watcher stay readable, then the event sequence finishes.
    public func stop() async {
        session.channel.requestStop()
        await session.waitUntilEnded()
    }
}

/// The events of a `DirectoryWatcher`, in the order the kernel reported them.
public struct DirectoryEvents: AsyncSequence, Sendable {
    public typealias Element = DirectoryEvent
    let watcher: DirectoryWatcher

    public func makeAsyncIterator() -> Iterator { Iterator(watcher: watcher) }

    /// Iterates the events; `next()` returns nil once the watcher has stopped.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        let watcher: DirectoryWatcher

        public mutating func next() async throws -> DirectoryEvent? {
            try await watcher.session.channel.next()
        }
    }
}
