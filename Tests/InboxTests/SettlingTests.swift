import SystemPackage
import Testing
import Watcher

@testable import Inbox

/// docs/daemon-design.md, "When a file is complete" and "Names".
@Suite("state machine: when a file is complete")
struct SettlingTests {
    @Test(
        "closed after writing or renamed in: complete at once, however fresh",
        arguments: [
            DirectoryEvent.closedAfterWriting("a.npy"), .movedIn("a.npy"),
        ])
    func closedOrMovedIn(event: DirectoryEvent) throws {
        var harness = Harness()
        let input = try #require(Input(event))
        #expect(harness.feed(input) == [.look("a.npy", after: .complete)])
        #expect(
            harness.feed(.looked("a.npy", EntryStatus(age: 0), after: .complete))
                == [.claimBatch("a.npy", batch: "a", withLabels: false)])
    }

    @Test("seen only by a scan: taken once unmodified for 2 s, re-checked on the tick")
    func scannedFileWaitsForQuiet() {
        var harness = Harness(started: false)
        #expect(harness.feed(.start) == [.adoptDeadClaims, .removeStaleReservations, .scan])
        #expect(harness.feed(.scanned([.init(name: "a.npy", status: EntryStatus(age: 0.5))])) == [.announceReady(backlog: 0)])
        harness.advance(.seconds(1))
        #expect(!harness.tick(ages: ["a.npy": 1.5]).contains { if case .claimBatch = $0 { true } else { false } })
        harness.advance(.seconds(1))
        #expect(harness.tick(ages: ["a.npy": 2.5]).contains(.claimBatch("a.npy", batch: "a", withLabels: false)))
    }

    @Test("a backlog file already 2 s old is taken at start, after ready")
    func oldBacklogTakenAtStart() {
        var harness = Harness(started: false)
        harness.feed(.start)
        #expect(
            harness.feed(.scanned([.init(name: "old.npy", status: EntryStatus(age: 30))]))
                == [.announceReady(backlog: 1), .claimBatch("old.npy", batch: "old", withLabels: false)])
    }

    @Test("created in place: the 2 s rule does not apply; closing it completes it")
    func createdWaitsForClose() {
        var harness = Harness()
        #expect(harness.arrive("slow.npy", .created, age: 0).isEmpty)
        harness.advance(.seconds(5))
        // The writer paused for 5 s mid-file: not taken.
        #expect(harness.tick(ages: ["slow.npy": 5]) == [.heartbeat(busy: false, backlog: 0), .look("slow.npy", after: nil)])
        #expect(harness.arrive("slow.npy", .complete, age: 0) == [.claimBatch("slow.npy", batch: "slow", withLabels: false)])
    }

    @Test("created in place and never closed: taken after 60 s without modification")
    func createdNeverClosed() {
        var harness = Harness()
        #expect(harness.arrive("stuck.npy", .created, age: 0).isEmpty)
        harness.advance(.seconds(59))
        #expect(!harness.tick(ages: ["stuck.npy": 59]).contains(.claimBatch("stuck.npy", batch: "stuck", withLabels: false)))
        harness.advance(.seconds(1))
        #expect(harness.tick(ages: ["stuck.npy": 60]).contains(.claimBatch("stuck.npy", batch: "stuck", withLabels: false)))
    }

    @Test("created with an mtime already 2 s old: a hard link of a finished file, complete at once")
    func hardLinkIsComplete() {
        var harness = Harness()
        #expect(harness.arrive("linked.npy", .created, age: 2.5) == [.claimBatch("linked.npy", batch: "linked", withLabels: false)])
    }

    @Test("an overflow rescan turns a file being written in place back to the 2 s rule")
    func overflowRescanUsesQuietRule() throws {
        var harness = Harness()
        #expect(harness.arrive("w.npy", .created, age: 0).isEmpty)
        #expect(harness.feed(try #require(Input(.overflow))) == [.scan])
        harness.advance(.seconds(3))
        #expect(
            harness.feed(.scanned([.init(name: "w.npy", status: EntryStatus(age: 2.5))]))
                == [.claimBatch("w.npy", batch: "w", withLabels: false)])
    }

    @Test("the inbox watched again is rescanned; its loss alone changes nothing")
    func rewatchRescans() throws {
        var harness = Harness()
        #expect(Input(.directoryLost) == nil)
        #expect(harness.feed(try #require(Input(.rewatched))) == [.scan])
    }

    @Test("hidden and temporary names are never looked at", arguments: [".hidden.npy", "x.npy.tmp", "x.npy.part"])
    func ignoredNames(name: String) {
        var harness = Harness()
        #expect(harness.feed(.changed(name, .complete)).isEmpty)
        #expect(harness.feed(.scanned([.init(name: name, status: EntryStatus(age: 100))])).isEmpty)
    }

    @Test("a non-regular entry goes to failed/ at once with what it is, never opened")
    func irregularEntryRejected() {
        var harness = Harness()
        #expect(
            harness.feed(.looked("link.npy", EntryStatus(irregularity: "is a symbolic link", age: 0), after: .created))
                == [.reject("link.npy", reason: "link.npy is a symbolic link; sumd only reads regular files", as: .notABatch)])
    }

    @Test("a complete regular file that is no batch goes to failed/")
    func otherNameRejected() {
        var harness = Harness()
        #expect(
            harness.arrive("notes.txt") == [
                .reject(
                    "notes.txt", reason: "notes.txt is not a batch: sumd takes NAME.npy, NAME.labels.npy or NAME.npz", as: .notABatch)
            ])
    }

    @Test("an entry gone when looked at is forgotten: the tick no longer looks at it")
    func goneEntryForgotten() {
        var harness = Harness()
        #expect(harness.arrive("tmp.npy", .created, age: 0).isEmpty)
        #expect(harness.feed(.looked("tmp.npy", nil, after: .complete)).isEmpty)
        #expect(harness.tick() == [.heartbeat(busy: false, backlog: 0)])
    }

    @Test("a batch waiting for its turn is not looked at again")
    func queuedBatchNotLookedAgain() {
        var harness = Harness()
        harness.arrive("a.npy")  // Claim in progress: the compute pipeline is busy.
        #expect(harness.arrive("b.npy").isEmpty)
        #expect(harness.feed(.changed("b.npy", .complete)).isEmpty)
        #expect(harness.machine.backlog == 1)
    }
}
