import Foundation
import SystemPackage
import Testing

@testable import Inbox

/// Leases judged without clocks: by content that stops changing, or by a process gone from this machine.
@Suite struct LeaseTests {
    @Test func aLeaseIsStaleOnlyAfterItsContentHasNotChangedForTheTimeout() {
        var observer = LeaseObserver()
        func stale(_ content: String, at seconds: Int64) -> Bool {
            observer.isStale("a.lease", content: content, now: .seconds(seconds), timeout: .seconds(30))
        }
        #expect(stale("1", at: 100) == false, "first sighting starts the wait")
        #expect(stale("1", at: 129) == false)
        #expect(stale("2", at: 131) == false, "renewed: the wait restarts")
        #expect(stale("2", at: 160) == false)
        #expect(stale("2", at: 161) == true)
    }

    @Test func aForgottenLeaseStartsAfresh() {
        var observer = LeaseObserver()
        _ = observer.isStale("a.lease", content: "1", now: .zero, timeout: .seconds(1))
        observer.forget(allBut: [])
        let stale = observer.isStale("a.lease", content: "1", now: .seconds(10), timeout: .seconds(1))
        #expect(!stale)
    }

    @Test func leaseContentRoundTripsAndRefusesGarbage() throws {
        let content = LeaseContent(owner: "host@0123abcd-00ff00ff", bootID: "b", pidNamespace: "pid:[1]", pid: 42, renewal: 7)
        #expect(LeaseContent(parsing: content.text) == content)
        #expect(LeaseContent(parsing: "") == nil)
        #expect(LeaseContent(parsing: "owner x\n") == nil)
    }

    @Test func anOwnerIsGoneHereOnlyWhenItsProcessOnThisMachineIsGone() throws {
        let me = LeaseContent.now(owner: "me")
        #expect(!me.ownerIsGoneHere, "this process is alive")
        var exited = me
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        exited.pid = child.processIdentifier
        #expect(exited.ownerIsGoneHere, "a reaped child's pid is gone")
        var elsewhere = exited
        elsewhere.bootID = "another machine"
        #expect(!elsewhere.ownerIsGoneHere, "another machine's pid says nothing here")
        var otherNamespace = exited
        otherNamespace.pidNamespace = "pid:[0]"
        #expect(!otherNamespace.ownerIsGoneHere, "another pid namespace's pid says nothing here")
    }

    @Test func adoptionFencesADeadOwnerAndTakesItsClaims() throws {
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-lease-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: inbox) }
        let dead = try ClaimDirectory(inbox: FilePath(inbox), owner: "a@1", claimTimeout: .milliseconds(300))
        let alive = try ClaimDirectory(inbox: FilePath(inbox), owner: "b@2", claimTimeout: .milliseconds(300))
        try Data("x".utf8).write(to: URL(fileURLWithPath: inbox + "/batch.npy"))
        let claimed = try #require(try dead.claim("batch.npy", inbox: FilePath(inbox), token: ClaimedFile.newToken()))
        #expect(dead.holds(claimed))
        #expect(try alive.adoptDeadClaims().isEmpty, "first sighting: nothing is stale yet")
        try dead.renewLease()
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try alive.adoptDeadClaims().isEmpty, "renewed 0.2 s ago")
        Thread.sleep(forTimeInterval: 0.4)
        let adopted = try alive.adoptDeadClaims()
        #expect(adopted.map(\.original) == ["batch.npy"])
        #expect(!dead.holds(claimed), "the owner no longer holds what was adopted")
        #expect(throws: ClaimsFenced.self) { try dead.renewLease() }
        try alive.renewLease()
        #expect(try alive.allClaims().map(\.original) == ["batch.npy"])
    }
}
