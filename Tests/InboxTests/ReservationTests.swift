import Foundation
import SystemPackage
import Testing

@testable import Inbox

/// Stem reservations left behind by a daemon that lost its claims, on real files.
@Suite struct ReservationTests {
    /// A daemon paused inside reserving a stem finishes the reservation after another daemon
    /// adopted its claims and gave the files back to the inbox: the sweep removes that stray, and
    /// keeps the reservation the adopter resumed with (its claims hold the token).
    @Test func aStemReservedAfterItsClaimsWereAdoptedIsSweptAndTheAdoptersIsKept() throws {
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-stems-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: inbox + "/.reservations", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: inbox) }
        let paused = try ClaimDirectory(inbox: FilePath(inbox), owner: "a@1", claimTimeout: .milliseconds(300))
        let adopter = try ClaimDirectory(inbox: FilePath(inbox), owner: "b@2", claimTimeout: .milliseconds(300))
        let reservations = StemReservations(outbox: FilePath(inbox))
        for name in ["resumed.npy", "returned.npy"] { try Data("x".utf8).write(to: URL(fileURLWithPath: inbox + "/" + name)) }
        let resumed = try #require(try paused.claim("resumed.npy", inbox: FilePath(inbox), token: ClaimedFile.newToken()))
        let returned = try #require(try paused.claim("returned.npy", inbox: FilePath(inbox), token: ClaimedFile.newToken()))
        #expect(try reservations.reserve("resumed", token: resumed.token))

        #expect(try adopter.adoptDeadClaims().isEmpty, "first sighting of the lease")
        Thread.sleep(forTimeInterval: 0.4)
        let adopted = try adopter.adoptDeadClaims()
        #expect(Set(adopted.map(\.original)) == ["resumed.npy", "returned.npy"])
        let back = try #require(adopted.first { $0.original == "returned.npy" })
        #expect(try adopter.release(back, inbox: FilePath(inbox)), "no reservation: the files go back to the inbox")
        #expect(try reservations.reserve("returned", token: returned.token), "the paused daemon wakes and reserves")

        try reservations.removeStale { try Set(adopter.allClaims().map(\.token)) }
        #expect(try reservations.stem(reservedBy: returned.token) == nil, "the stray reservation is gone")
        #expect(try reservations.stem(reservedBy: resumed.token) == "resumed", "the adopter's reservation stays")
    }
}
