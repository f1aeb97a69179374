import Foundation
import SystemPackage
import Testing

@testable import Inbox

/// docs/daemon-design.md, "Several hosts": the periodic rescan, and how often dead daemons'
/// claims are looked for.
@Suite("state machine: shared filesystems")
struct SharedFilesystemTests {
    @Test("with a rescan interval the inbox is listed that often, besides inotify")
    func rescans() {
        var harness = Harness(rescanInterval: .seconds(5))
        var scans: [Duration] = []
        for _ in 1...12 {
            harness.advance(.seconds(1))
            if harness.tick().contains(.scan) { scans.append(harness.now) }
        }
        #expect(scans == [.seconds(5), .seconds(10)])
    }

    @Test("without one the inbox is listed only at start and after lost events")
    func noRescans() {
        var harness = Harness()
        for _ in 1...120 {
            harness.advance(.seconds(1))
            #expect(!harness.tick().contains(.scan))
        }
        #expect(harness.feed(.eventsLost) == [.scan])
    }

    @Test("a file another host wrote, found by a rescan, is taken once it is 2 s old")
    func foreignFileFoundByRescan() {
        var harness = Harness(rescanInterval: .seconds(5))
        for _ in 1...5 {
            harness.advance(.seconds(1))
            harness.tick()
        }
        let actions = harness.feed(.scanned([.init(name: "remote.npy", status: EntryStatus(age: 3))]))
        #expect(actions == [.claimBatch("remote.npy", batch: "remote", withLabels: false)])
    }

    @Test("dead daemons' claims are looked for every third of the claim timeout, at most every 10 s")
    func adoptionCadence() {
        for (timeout, every) in [(Duration.seconds(6), Duration.seconds(2)), (.seconds(60), .seconds(10))] {
            var harness = Harness(claimTimeout: timeout)
            var adoptions: [Duration] = []
            for _ in 1...20 {
                harness.advance(.seconds(1))
                if harness.tick().contains(.adoptDeadClaims) { adoptions.append(harness.now) }
            }
            #expect(adoptions == (1...Int(Duration.seconds(20) / every)).map { every * $0 }, "timeout \(timeout)")
        }
    }
}

/// Which filesystems count as shared, read off a mount table.
@Suite("shared filesystem detection")
struct SharedFilesystemDetectionTests {
    static let mountinfo = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        40 22 0:35 / /srv/spool rw,relatime shared:20 - nfs4 server:/export rw,vers=4.2
        41 40 0:36 / /srv/spool/local\\040disk rw - ext4 /dev/sdb1 rw
        42 22 0:37 / /mnt/view rw,nosuid - fuse.bindfs /srv rw
        """

    @Test(
        "the innermost mount holding the path decides",
        arguments: [
            ("/srv/spool/inbox", "nfs4"), ("/srv/spool/local disk/inbox", "ext4"), ("/srv/spoolish", "ext4"),
            ("/mnt/view/inbox", "fuse.bindfs"), ("/", "ext4"),
        ])
    func innermostMount(path: String, type: String) {
        #expect(SharedFilesystem.type(of: path, mountinfo: Self.mountinfo) == type)
    }

    @Test("this machine's temporary directory is not shared")
    func localTemporaryDirectory() {
        #expect(SharedFilesystem.type(of: FilePath(NSTemporaryDirectory())) == nil)
    }
}
