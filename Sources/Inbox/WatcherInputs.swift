import Watcher

/// The watcher's events as daemon inputs, ending with `.watcherFailed` if the watcher throws (the
/// loop goes on with ticks and slices, to stop cleanly). Reads an event only when asked for one, so
/// the watcher's own bound is the only buffer.
struct WatcherInputs<Events: AsyncSequence & Sendable>: AsyncSequence, Sendable where Events.Element == DirectoryEvent {
    let events: Events

    init(_ events: Events) {
        self.events = events
    }

    func makeAsyncIterator() -> Iterator { Iterator(events: events.makeAsyncIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        var events: Events.AsyncIterator
        var ended = false

        mutating func next() async -> DaemonInput? {
            guard !ended else { return nil }
            do {
                if let event = try await events.next() { return .event(event) }
                ended = true
                return nil
            } catch {
                ended = true
                return .watcherFailed("\(error)")
            }
        }
    }
}
