import Testing

@testable import Inbox

/// docs/daemon-design.md, "Claiming" (recovery) and "Order of durable steps" (resume).
@Suite("state machine: start-up and crash recovery")
struct RecoveryTests {
    @Test("start: adopt dead daemons' claims, remove stale reservations, list the backlog, then ready")
    func startOrder() {
        var harness = Harness(started: false)
        #expect(harness.feed(.start) == [.adoptDeadClaims, .removeStaleReservations, .scan])
        #expect(harness.feed(.scanned([])) == [.announceReady(backlog: 0)])
    }

    @Test("a resumed batch is prepared and runs before the backlog")
    func resumedJobGoesFirst() {
        var harness = Harness(started: false)
        harness.feed(.start)
        var left = BatchInputs.claimed("k1.npy", labels: true)
        left.stem = "k1"
        #expect(harness.feed(.adopted([.run(left)])) == [.prepare(left, job: 0)])
        // Prepared (its stem was already reserved) before the backlog is listed.
        #expect(harness.feed(.prepared(0, left, .ready(left, images: 4000))).isEmpty, "no work before ready")
        let backlog: [InboxStateMachine.ScannedEntry] = [.init(name: "k2.npy", status: EntryStatus(age: 10))]
        #expect(harness.feed(.scanned(backlog)) == [.announceReady(backlog: 2), .runSlice(0, size: 256)])
        #expect(harness.slice(0, images: 256) == [.claimBatch("k2.npy", batch: "k2", withLabels: false)])
    }

    @Test("completed, given back and rejected claims need no work of the machine")
    func finishedResumptionsNeedNothing() {
        var harness = Harness(started: false)
        harness.feed(.start)
        let inputs = BatchInputs.claimed("x.npy")
        #expect(harness.feed(.adopted([.completed(inputs), .released(inputs), .rejected(name: "x.txt", reason: "not a batch")])).isEmpty)
    }

    @Test("a batch resumed while another job runs goes next in line, ahead of waiting work")
    func resumedWhileRunning() {
        var harness = Harness()
        harness.arrive("a.npy")
        let a = harness.start("a.npy", images: 10_000)
        harness.arrive("b.npy")
        harness.advance(.seconds(10))
        #expect(harness.feed(.tick).contains(.adoptDeadClaims))
        let left = BatchInputs.claimed("dead.npy")
        #expect(harness.feed(.adopted([.run(left)])) == [.prepare(left, job: 1)])
        #expect(harness.feed(.prepared(1, left, .ready(left, images: 50))).isEmpty, "a slice of a is running")
        #expect(harness.slice(a, images: 256) == [.runSlice(1, size: 256)])
    }

    @Test("a resumed batch whose prepare fails daemon-side is given back and held back 10 s")
    func resumedPrepareFails() {
        var harness = Harness()
        let left = BatchInputs.claimed("r.npy")
        harness.feed(.adopted([.run(left)]))
        #expect(harness.feed(.prepared(0, left, .failed)) == [.giveBack(left)])
        #expect(harness.machine.retryAfter["r.npy"] == .seconds(10))
    }

    @Test("dead daemons' claims are looked for every 10 s, and stale reservations removed after them")
    func adoptionEveryTenSeconds() {
        var harness = Harness()
        var adoptions: [Duration] = []
        var sweeps: [Duration] = []
        for _ in 0..<25 {
            harness.advance(.seconds(1))
            let actions = harness.tick()
            if let adopt = actions.firstIndex(of: .adoptDeadClaims) {
                adoptions.append(harness.now)
                if actions[adopt...].contains(.removeStaleReservations) { sweeps.append(harness.now) }
            }
        }
        #expect(adoptions == [.seconds(10), .seconds(20)])
        #expect(sweeps == adoptions, "a reservation left by a fenced or killed daemon goes within one round")
    }
}
