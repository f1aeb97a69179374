import Testing

@testable import Inbox

/// docs/daemon-design.md, "Labels in either order".
@Suite("state machine: labels in either order")
struct LabelsTests {
    @Test("labels first: they wait, then are claimed with their batch")
    func labelsFirst() {
        var harness = Harness()
        #expect(harness.arrive("b.labels.npy") == [.examineLabels("b.labels.npy", batch: "b")])
        #expect(harness.feed(.labelsExamined("b.labels.npy", .noBatch)).isEmpty)
        harness.advance(.seconds(5))
        #expect(harness.arrive("b.npy") == [.claimBatch("b.npy", batch: "b", withLabels: true)])
        harness.start("b.npy", images: 10, labels: true)
        // Claimed with the batch: no longer waiting, so the tick does not look at them.
        #expect(harness.tick() == [.heartbeat(busy: true, backlog: 0)])
    }

    @Test("labels of a batch in an .npz archive are claimed with it the same way")
    func labelsWithArchive() {
        var harness = Harness()
        harness.arrive("z.labels.npy")
        harness.feed(.labelsExamined("z.labels.npy", .noBatch))
        #expect(harness.arrive("z.npz") == [.claimBatch("z.npz", batch: "z", withLabels: true)])
    }

    @Test("labels late: the earlier unlabelled batch is relabelled through its own turn")
    func labelsLate() {
        var harness = Harness()
        harness.arrive("late.labels.npy")
        #expect(
            harness.feed(.labelsExamined("late.labels.npy", .relabel(stem: "late", images: "/processed/late.npy")))
                == [.claimRelabel("late.labels.npy", batch: "late")])
        let claimed = BatchInputs.relabel("late", stem: "late")
        let prepare = harness.feed(.claimed(claimed))
        #expect(prepare == [.prepare(claimed, job: 0)])
        #expect(harness.feed(.prepared(0, claimed, .ready(claimed, images: 25))) == [.runSlice(0, size: 256)])
        #expect(harness.slice(0, images: 25) == [.finish(0)])
        #expect(harness.feed(.finished(0, succeeded: true)).isEmpty)
        #expect(harness.tick() == [.heartbeat(busy: false, backlog: 0)], "the labels no longer wait")
    }

    @Test("late labels while their batch is still pending keep waiting, past the grace too")
    func batchPendingNeverOrphans() {
        var harness = Harness(labelsGrace: .seconds(2))
        harness.arrive("p.labels.npy")
        harness.feed(.labelsExamined("p.labels.npy", .batchPending))
        harness.advance(.seconds(9))
        #expect(harness.tick() == [.heartbeat(busy: false, backlog: 0), .examineLabels("p.labels.npy", batch: "p")])
        #expect(harness.feed(.labelsExamined("p.labels.npy", .batchPending)).isEmpty)
    }

    @Test("orphan labels: no batch within --labels-grace → failed/ with the reason", arguments: [2, 60])
    func orphanAfterGrace(grace: Int) {
        var harness = Harness(labelsGrace: .seconds(grace))
        harness.arrive("o.labels.npy")
        harness.feed(.labelsExamined("o.labels.npy", .noBatch))
        harness.advance(.seconds(grace) - .milliseconds(1))
        harness.tick()
        #expect(harness.feed(.labelsExamined("o.labels.npy", .noBatch)).isEmpty, "still within the grace")
        harness.advance(.milliseconds(1))
        harness.tick()
        #expect(
            harness.feed(.labelsExamined("o.labels.npy", .noBatch)) == [
                .reject(
                    "o.labels.npy", reason: "o.labels.npy: no batch o.npy arrived within \(grace) s of these labels", as: .orphanLabels)
            ])
        #expect(harness.tick() == [.heartbeat(busy: false, backlog: 0)], "forgotten once rejected")
    }

    @Test("labels taken by another daemon are forgotten")
    func goneLabelsForgotten() {
        var harness = Harness()
        harness.arrive("g.labels.npy")
        #expect(harness.feed(.labelsExamined("g.labels.npy", .gone)).isEmpty)
        #expect(harness.tick() == [.heartbeat(busy: false, backlog: 0)])
    }

    @Test("a relabel whose claim fails (another daemon, or no longer relabelable) ends; the next turn goes")
    func relabelClaimLost() {
        var harness = Harness()
        harness.arrive("r.labels.npy")
        harness.feed(.labelsExamined("r.labels.npy", .relabel(stem: "r", images: "/processed/r.npy")))
        harness.arrive("next.npy")
        #expect(harness.feed(.claimed(nil)) == [.claimBatch("next.npy", batch: "next", withLabels: false)])
    }
}
