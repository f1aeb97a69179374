import Synchronization
import SystemPackage
import Testing
import Watcher

@testable import Inbox

/// docs/daemon-design.md, "Backpressure": the daemon's merged inputs hold no buffer of their own,
/// so the watcher's bound (then the kernel's queue, then `.overflow` and a rescan) holds end to end.
@Suite("daemon inputs: backpressure")
struct BackpressureTests {
    /// An endless flood of inotify events that counts how many were taken from it.
    struct Flood: AsyncSequence, Sendable {
        let taken: Counter

        func makeAsyncIterator() -> Iterator { Iterator(taken: taken) }

        struct Iterator: AsyncIteratorProtocol {
            let taken: Counter

            mutating func next() async -> DirectoryEvent? {
                let n = taken.value.add(1, ordering: .relaxed).newValue
                return .closedAfterWriting(FilePath.Component("f\(n).npy")!)
            }
        }
    }

    final class Counter: Sendable {
        let value = Atomic(0)
        var current: Int { value.load(ordering: .relaxed) }
    }

    /// A source that never yields (signals, slice results, shutdown while none comes).
    static func silent() -> AsyncStream<DaemonInput> {
        AsyncStream { _ in }
    }

    @Test("a flood of events with a slow consumer: at most one event per merge waits, the rest stay upstream")
    func floodIsBounded() async throws {
        let taken = Counter()
        let inputs = DaemonInputs.merged(
            events: WatcherInputs(Flood(taken: taken)), ticks: Self.silent(),
            signals: Self.silent(), results: Self.silent(), stops: Self.silent())
        var iterator = inputs.makeAsyncIterator()
        var consumed = 0
        for _ in 0..<3 {
            for _ in 0..<100 {
                guard case .event(.closedAfterWriting)? = await iterator.next() else {
                    Issue.record("not an event from the flood")
                    return
                }
                consumed += 1
            }
            // The consumer is busy (a slice, a fsync): nothing may pile up meanwhile.
            try await Task.sleep(for: .milliseconds(100))
            // One element waiting in each of the two merges, one being produced.
            #expect(taken.current <= consumed + 3, "\(taken.current) taken from the flood, \(consumed) consumed")
        }
    }

    @Test("each source is heard while the flood goes on")
    func otherSourcesStillHeard() async throws {
        let (stops, stop) = AsyncStream.makeStream(of: DaemonInput.self, bufferingPolicy: .bufferingNewest(1))
        let inputs = DaemonInputs.merged(
            events: WatcherInputs(Flood(taken: Counter())), ticks: Self.silent(),
            signals: Self.silent(), results: Self.silent(), stops: stops)
        stop.yield(.shutdown)
        var heard = false
        for await input in inputs.prefix(10_000) {
            if case .shutdown = input {
                heard = true
                break
            }
        }
        #expect(heard)
    }

    @Test("a watcher that fails ends its events with .watcherFailed, so the loop stops cleanly")
    func watcherFailureIsAnInput() async {
        struct Broken: Error {}
        struct Failing: AsyncSequence, Sendable {
            struct Iterator: AsyncIteratorProtocol {
                mutating func next() async throws -> DirectoryEvent? { throw Broken() }
            }
            func makeAsyncIterator() -> Iterator { Iterator() }
        }
        var iterator = WatcherInputs(Failing()).makeAsyncIterator()
        guard case .watcherFailed? = await iterator.next() else {
            Issue.record("no .watcherFailed")
            return
        }
        let end = await iterator.next()
        #expect(end == nil)
    }

    @Test("an overflow (the bound reached, events lost) makes the machine rescan the inbox")
    func overflowRescans() throws {
        var harness = Harness()
        #expect(harness.feed(try #require(InboxStateMachine.Input(.overflow))) == [.scan])
    }
}
