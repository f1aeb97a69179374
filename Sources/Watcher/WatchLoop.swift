import SystemPackage

/// The body of a watcher's dedicated thread, the only code that calls libinotifytools while the
/// session holds `ActiveSession`. It polls with a one-second timeout so that a stop request is
/// seen within about a second, copies each event before the next library call, and re-watches the
/// directory when it comes back after being deleted or moved away.
struct WatchLoop {
    private let session: WatchSession
    /// The watch descriptor of the directory, nil while the directory is lost.
    private var watch: Int32?

    private var directory: FilePath { session.directory }
    private var channel: EventChannel { session.channel }

    /// Runs the session to its end. `ready` is called once: after the watch is established, or
    /// with the error that prevented it.
    static func run(_ session: WatchSession, ready: (Result<Void, WatcherError>) -> Void) {
        var loop: WatchLoop
        do {
            try InotifyLibrary.prepare(naming: session.directory)
            loop = WatchLoop(session: session, watch: try InotifyLibrary.watch(session.directory))
        } catch {
            end(session)
            ready(.failure(error))
            return
        }
        ready(.success(()))
        let failure = loop.pump()
        if let watch = loop.watch {
            InotifyLibrary.removeWatch(watch, of: session.directory)
        }
        end(session, throwing: failure)
    }

    /// Frees the library for the next watcher, then finishes the events and wakes `stop()`, so that
    /// whoever sees the end can start a new watcher at once.
    private static func end(_ session: WatchSession, throwing failure: WatcherError? = nil) {
        ActiveSession.release(session)
        session.channel.finish(throwing: failure)
        session.markEnded()
    }

    /// Reads and forwards events until a stop is requested; returns the error that ended it early.
    private mutating func pump() -> WatcherError? {
        while !channel.isStopRequested {
            if watch == nil, let rewatched = try? InotifyLibrary.watch(directory) {
                watch = rewatched
                guard deliver(.rewatched) else { return nil }
            }
            let record: InotifyRecord?
            do {
                record = try InotifyLibrary.nextRecord(waitingUpTo: 1, naming: directory)
            } catch {
                return error
            }
            guard let record else { continue }  // timeout: check the stop flag, retry a lost directory
            switch record.meaning(forWatch: watch) {
            case .stale:
                continue
            case .report(let event):
                guard deliver(event) else { return nil }
            case .lost(let stillWatched):
                if let watch {
                    if stillWatched {
                        InotifyLibrary.removeWatch(watch, of: directory)
                    } else {
                        InotifyLibrary.forgetWatch(watch, of: directory)
                    }
                }
                watch = nil
                guard deliver(.directoryLost) else { return nil }
            }
        }
        return nil
    }

    /// Hands `event` to the consumer, waiting while its buffer is full (the kernel queues events
    /// meanwhile). Returns false if a stop was requested first.
    private func deliver(_ event: DirectoryEvent) -> Bool {
        while true {
            switch channel.offer(event) {
            case .accepted: return true
            case .stopped: return false
            case .full: channel.waitForSpace(seconds: 1)
            }
        }
    }
}
