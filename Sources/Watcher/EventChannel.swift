import Dispatch
import Synchronization

/// The bounded hand-off of events from the watcher's thread to one `async` consumer.
///
/// When `capacity` events wait unread, the thread stops reading from inotify: the kernel queue
/// fills instead and eventually overflows, and the consumer sees `.overflow` and rescans. Memory
/// stays bounded however slow the consumer is, and overflow has a single source.
final class EventChannel: Sendable {
    /// What became of an event offered by the producer.
    enum Offer { case accepted, full, stopped }

    private struct State {
        /// Events not yet taken, oldest first, starting at `head`.
        var buffer: [DirectoryEvent] = []
        var head = 0
        /// The consumer suspended in `next()`, only ever waiting while the buffer is empty.
        var consumer: CheckedContinuation<DirectoryEvent?, any Error>?
        /// Set when the producer is told to end; buffered events are still delivered.
        var stopRequested = false
        /// Set when the consumer went away; `next()` returns nil from then on.
        var consumerCancelled = false
        /// Set when the producer ended, with the error that ended it, if any.
        var end: Result<Void, WatcherError>?
        var producerWaiting = false

        var count: Int { buffer.count - head }

        mutating func takeFirst() -> DirectoryEvent {
            let event = buffer[head]
            head += 1
            if head == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64 && head * 2 >= buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            return event
        }
    }

    let capacity: Int
    private let state = Mutex(State())
    private let space = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        precondition(capacity > 0, "an event channel needs room for at least one event")
        self.capacity = capacity
    }

    // MARK: Producer side (the watcher's thread)

    /// True once the producer should end (`requestStop` or the consumer went away).
    var isStopRequested: Bool { state.withLock { $0.stopRequested } }

    /// Hands `event` to a waiting consumer or buffers it; `.full` if `capacity` events wait unread.
    func offer(_ event: DirectoryEvent) -> Offer {
        let (outcome, consumer) = state.withLock { state -> (Offer, CheckedContinuation<DirectoryEvent?, any Error>?) in
            if state.stopRequested { return (.stopped, nil) }
            if let consumer = state.consumer {
                state.consumer = nil
                return (.accepted, consumer)
            }
            guard state.count < capacity else {
                state.producerWaiting = true
                return (.full, nil)
            }
            state.buffer.append(event)
            return (.accepted, nil)
        }
        consumer?.resume(returning: event)
        return outcome
    }

    /// Blocks the producer until the consumer takes an event, a stop is requested, or `seconds` pass.
    func waitForSpace(seconds: Int) {
        _ = space.wait(timeout: .now() + .seconds(seconds))
    }

    /// Ends the stream: the consumer gets the buffered events, then nil (or `error` thrown).
    func finish(throwing error: WatcherError? = nil) {
        let consumer = state.withLock { state -> CheckedContinuation<DirectoryEvent?, any Error>? in
            state.end = error.map { .failure($0) } ?? .success(())
            defer { state.consumer = nil }
            return state.consumer
        }
        if let error {
            consumer?.resume(throwing: error)
        } else {
            consumer?.resume(returning: nil)
        }
    }

    // MARK: Control

    /// Tells the producer to end; events already buffered are still delivered.
    func requestStop() {
        let wake = state.withLock { state -> Bool in
            state.stopRequested = true
            defer { state.producerWaiting = false }
            return state.producerWaiting
        }
        if wake { space.signal() }
    }

    /// The consumer went away: drop buffered events, end the pending `next()` and stop the producer.
    func cancelConsumer() {
        let consumer = state.withLock { state -> CheckedContinuation<DirectoryEvent?, any Error>? in
            state.consumerCancelled = true
            state.buffer.removeAll()
            state.head = 0
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.resume(returning: nil)
        requestStop()
    }

    // MARK: Consumer side

    /// The next event; nil once the stream has ended or the calling task is cancelled.
    func next() async throws -> DirectoryEvent? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<DirectoryEvent?, any Error>) in
                let (result, wakeProducer) = state.withLock { state -> (Result<DirectoryEvent?, WatcherError>?, Bool) in
                    if state.consumerCancelled { return (.success(nil), false) }
                    if state.count > 0 {
                        let event = state.takeFirst()
                        defer { state.producerWaiting = false }
                        return (.success(event), state.producerWaiting)
                    }
                    if let end = state.end {
                        state.end = .success(())  // an error is thrown once; later calls return nil
                        return (end.map { nil }, false)
                    }
                    precondition(state.consumer == nil, "DirectoryWatcher events support one consumer at a time")
                    state.consumer = continuation
                    return (nil, false)
                }
                if wakeProducer { space.signal() }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            cancelConsumer()
        }
    }
}
