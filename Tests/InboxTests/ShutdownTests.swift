import Testing

@testable import Inbox

/// docs/daemon-design.md, "Work": SIGTERM/SIGINT, and a watcher that fails.
@Suite("state machine: shutdown")
struct ShutdownTests {
    @Test("SIGTERM while idle: announced, then the loop ends")
    func idle() {
        var harness = Harness()
        #expect(harness.feed(.shutdownRequested) == [.announceStopping(unfinishedJobs: 0), .exit])
        #expect(harness.machine.phase == .stopped)
        #expect(harness.feed(.tick).isEmpty && harness.feed(.shutdownRequested).isEmpty)
    }

    @Test("SIGTERM while a slice runs: the slice ends, then every job is given back; no new file is taken")
    func whileSliceRuns() {
        var harness = Harness()
        harness.arrive("big.npy")
        let big = harness.start("big.npy", images: 48_000)
        harness.arrive("waiting.npy")
        #expect(harness.feed(.shutdownRequested) == [.announceStopping(unfinishedJobs: 1)])
        // Stop taking files: events and ticks change nothing.
        #expect(harness.feed(.changed("new.npy", .complete)).isEmpty)
        #expect(harness.feed(.tick).isEmpty)
        #expect(harness.slice(big, images: 256) == [.abandon(big), .exit])
        #expect(harness.machine.phase == .stopped)
    }

    @Test("SIGTERM while two jobs are started: both given back at the slice boundary")
    func twoJobsGivenBack() {
        var harness = Harness()
        harness.arrive("a.npy")
        let a = harness.start("a.npy", images: 10_000)
        harness.arrive("b.npy")
        harness.slice(a, images: 256)
        let b = harness.start("b.npy", images: 10_000)
        #expect(harness.feed(.shutdownRequested) == [.announceStopping(unfinishedJobs: 2)])
        #expect(harness.slice(b, images: 256) == [.abandon(a), .abandon(b), .exit])
    }

    @Test("SIGTERM during the last slice: the job is finished, not given back")
    func lastSliceFinishes() {
        var harness = Harness()
        harness.arrive("a.npy")
        let a = harness.start("a.npy", images: 100)
        harness.feed(.shutdownRequested)
        #expect(harness.slice(a, images: 100) == [.finish(a)])
        #expect(harness.feed(.finished(a, succeeded: true)) == [.exit])
    }

    @Test("the loop cancelled while a slice still runs: everything is given back at once")
    func cancelled() {
        var harness = Harness()
        harness.arrive("a.npy")
        let a = harness.start("a.npy", images: 100_000)
        harness.feed(.shutdownRequested)
        #expect(harness.feed(.cancelled) == [.abandon(a), .exit])
    }

    @Test("the watcher fails: the daemon stops like on SIGTERM and reports the failure")
    func watcherFails() {
        var harness = Harness()
        harness.arrive("a.npy")
        let a = harness.start("a.npy", images: 100_000)
        #expect(harness.feed(.watcherFailed("inotify read failed")) == [.stopOnFailure("inotify read failed")])
        #expect(harness.feed(.shutdownRequested).isEmpty, "no second announcement")
        #expect(harness.slice(a, images: 256) == [.abandon(a), .exit])
    }
}
