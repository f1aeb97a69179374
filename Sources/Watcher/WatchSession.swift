import Synchronization
import SystemPackage

/// One run of a watcher's thread: the channel it feeds and a way to wait for its end.
final class WatchSession: Sendable {
    let directory: FilePath
    let channel: EventChannel
    private let ending = Mutex<(ended: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(directory: FilePath, channel: EventChannel) {
        self.directory = directory
        self.channel = channel
    }

    /// Called by the thread after its last libinotifytools call.
    func markEnded() {
        let waiters = ending.withLock { state in
            state.ended = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the thread has ended (at once if it already has).
    func waitUntilEnded() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = ending.withLock { state in
                if !state.ended { state.waiters.append(continuation) }
                return state.ended
            }
            if ended { continuation.resume() }
        }
    }
}

/// The process-wide slot that lets one `WatchSession` use libinotifytools at a time.
enum ActiveSession {
    private static let current = Mutex<WatchSession?>(nil)

    /// Takes the slot for `session`. A previous session that is already stopping is waited for
    /// (it ends within about a second); one that is still running is an error.
    static func claim(for session: WatchSession) async throws(WatcherError) {
        while true {
            let previous = try current.withLock { (slot: inout WatchSession?) throws(WatcherError) -> WatchSession? in
                guard let active = slot else {
                    slot = session
                    return nil
                }
                guard active.channel.isStopRequested else { throw .anotherWatcherActive(active.directory) }
                return active
            }
            guard let previous else { return }
            await previous.waitUntilEnded()
        }
    }

    /// Frees the slot if `session` holds it.
    static func release(_ session: WatchSession) {
        current.withLock { slot in
            if slot === session { slot = nil }
        }
    }
}
