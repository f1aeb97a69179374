import Testing

@testable import Inbox

/// docs/daemon-design.md, "Work" and "Claiming": one job at a time, slices, round-robin, back-off.
@Suite("state machine: jobs, slices and turns")
struct WorkTests {
    @Test("a job runs slice by slice and is finished when its last slice is in")
    func sliceBySlice() {
        var harness = Harness()
        harness.arrive("a.npy")
        let job = harness.start("a.npy", images: 600)
        #expect(harness.slice(job, images: 256) == [.runSlice(job, size: 256)])
        #expect(harness.slice(job, images: 256) == [.runSlice(job, size: 256)])
        #expect(harness.slice(job, images: 88) == [.finish(job)])
        #expect(harness.feed(.finished(job, succeeded: true)).isEmpty)
        #expect(harness.machine.jobs.isEmpty && harness.machine.compute == .idle)
    }

    @Test("slices: 256 images first, then about 0.5 s at the measured rate, within 64…8192")
    func sliceSizing() {
        var harness = Harness()
        harness.arrive("big.npy")
        let job = harness.start("big.npy", images: 1_000_000)
        #expect(harness.machine.sliceSize == 256)
        // 256 images in 0.1 s: 2,560 per second → 1,280 per half second.
        #expect(harness.slice(job, images: 256, elapsed: .milliseconds(100)) == [.runSlice(job, size: 1280)])
        #expect(harness.slice(job, images: 1280, elapsed: .milliseconds(1)) == [.runSlice(job, size: 8192)])
        #expect(harness.slice(job, images: 8192, elapsed: .seconds(1000)) == [.runSlice(job, size: 64)])
        // A slice too fast to time keeps the size.
        #expect(harness.slice(job, images: 64, elapsed: .zero) == [.runSlice(job, size: 64)])
    }

    @Test("round-robin: after each slice a waiting job goes next, so a huge batch never starves small ones")
    func roundRobin() {
        var harness = Harness()
        harness.arrive("huge.npy")
        let huge = harness.start("huge.npy", images: 100_000)
        // A small batch arrives while the huge one's slice runs.
        #expect(harness.arrive("small.npy").isEmpty)
        #expect(harness.slice(huge, images: 256) == [.claimBatch("small.npy", batch: "small", withLabels: false)])
        let small = harness.start("small.npy", images: 10)
        #expect(harness.slice(small, images: 10) == [.finish(small)])
        #expect(harness.feed(.finished(small, succeeded: true)) == [.runSlice(huge, size: harness.machine.sliceSize)])
    }

    @Test("two started jobs alternate slice by slice")
    func twoJobsAlternate() {
        var harness = Harness()
        harness.arrive("a.npy")
        let a = harness.start("a.npy", images: 10_000)
        harness.arrive("b.npy")
        #expect(harness.slice(a, images: 256) == [.claimBatch("b.npy", batch: "b", withLabels: false)])
        let b = harness.start("b.npy", images: 10_000)
        #expect(harness.slice(b, images: 256) == [.runSlice(a, size: 256)])
        #expect(harness.slice(a, images: 256) == [.runSlice(b, size: 256)])
        #expect(harness.slice(b, images: 256) == [.runSlice(a, size: 256)])
    }

    @Test("a batch another daemon claimed first is skipped; the next turn goes")
    func claimLost() {
        var harness = Harness()
        harness.arrive("a.npy")
        harness.arrive("b.npy")
        #expect(harness.feed(.claimed(nil)) == [.claimBatch("b.npy", batch: "b", withLabels: false)])
    }

    @Test("a bad batch (prepare rejects it) ends its turn; the next one goes")
    func badBatchRejectedAtPrepare() {
        var harness = Harness()
        harness.arrive("bad.npy")
        harness.arrive("good.npy")
        let inputs = BatchInputs.claimed("bad.npy")
        #expect(harness.feed(.claimed(inputs)) == [.prepare(inputs, job: 0)])
        #expect(harness.feed(.prepared(0, inputs, .rejected)) == [.claimBatch("good.npy", batch: "good", withLabels: false)])
    }

    @Test("NaN found during a slice: the batch goes to failed/ with the reason; the next turn goes")
    func sliceFailure() {
        var harness = Harness()
        harness.arrive("nan.npy")
        let job = harness.start("nan.npy", images: 3)
        harness.arrive("next.npy")
        #expect(
            harness.feed(.sliceFinished(job, .failed("nan.npy: image 1 has NaN")))
                == [.fail(job, reason: "nan.npy: image 1 has NaN"), .claimBatch("next.npy", batch: "next", withLabels: false)])
        #expect(harness.machine.jobs.isEmpty)
    }

    @Test("daemon-side failure while preparing: given back, not taken again for 10 s")
    func backOffAfterPrepareFailure() {
        var harness = Harness()
        harness.arrive("a.npy")
        let inputs = BatchInputs.claimed("a.npy")
        harness.feed(.claimed(inputs))
        #expect(harness.feed(.prepared(0, inputs, .failed)) == [.giveBack(inputs)])
        // Given back (link()ed into the inbox): inotify sees it again, complete, but it waits.
        harness.advance(.seconds(1))
        #expect(harness.arrive("a.npy", .complete, age: 30).isEmpty)
        harness.advance(.seconds(8))
        #expect(!harness.tick(ages: ["a.npy": 39]).contains(.claimBatch("a.npy", batch: "a", withLabels: false)))
        harness.advance(.seconds(1))
        #expect(harness.tick(ages: ["a.npy": 40]).contains(.claimBatch("a.npy", batch: "a", withLabels: false)))
    }

    @Test("reports that cannot be written (disk full): the batch and its labels are given back for 10 s")
    func backOffAfterFinishFailure() {
        var harness = Harness()
        harness.arrive("d.labels.npy")
        harness.feed(.labelsExamined("d.labels.npy", .noBatch))
        harness.arrive("d.npy")
        let job = harness.start("d.npy", images: 5, labels: true)
        #expect(harness.slice(job, images: 5) == [.finish(job)])
        var given = BatchInputs.claimed("d.npy", labels: true)
        given.stem = "d"
        harness.advance(.seconds(2))
        #expect(harness.feed(.finished(job, succeeded: false)) == [.giveBack(given)])
        #expect(harness.machine.retryAfter == ["d.npy": .seconds(12), "d.labels.npy": .seconds(12)])
        #expect(harness.arrive("d.labels.npy", .complete, age: 30).isEmpty)
        #expect(harness.arrive("d.npy", .complete, age: 30).isEmpty)
        harness.advance(.seconds(10))
        let retried = harness.tick(ages: ["d.npy": 40, "d.labels.npy": 40])
        #expect(retried.contains(.examineLabels("d.labels.npy", batch: "d")))
        #expect(retried.contains(.claimBatch("d.npy", batch: "d", withLabels: true)))
    }

    @Test("SIGHUP: the checkpoint is reloaded; the job in flight keeps its model (no action on it)")
    func reload() {
        var harness = Harness()
        harness.arrive("a.npy")
        let job = harness.start("a.npy", images: 1000)
        #expect(harness.feed(.reloadRequested) == [.reloadCheckpoint])
        #expect(harness.slice(job, images: 256) == [.runSlice(job, size: 256)])
    }
}
