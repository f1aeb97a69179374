import Classifier
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension ServeRecoveryTests {
    /// Two "hosts" on one machine serve one shared spool (docs/many-hosts.md): each daemon in its own
    /// PID, UTS and mount namespaces, seeing the spool through its own bindfs mount, so neither sees
    /// the other's (or the producers') files through inotify nor shares its `flock`s. They find work by
    /// rescanning, judge each other by leases, and keep `summary.csv` with the ledger.
    @Suite struct TwoHostTests {
        /// The options every host runs with: rescans (inotify is blind here) and a short claim timeout.
        static let options = ["--rescan-interval", "1", "--claim-timeout", "3"]

        @Test("two hosts, one killed mid-work and not restarted: 40 batches of 500 images exactly once within 4 minutes")
        func oneHostKilled() async throws {
            let sandbox = try DaemonSandbox(channels: [32, 64], hidden: 32)
            let hostA = try await SimulatedHost("host-a", sandbox: sandbox, extra: Self.options)
            let hostB = try await SimulatedHost("host-b", sandbox: sandbox, extra: Self.options)
            #expect(
                hostA.daemon.logLines(containing: "host=host-a@").count == 1 && hostB.daemon.logLines(containing: "host=host-b@").count == 1
            )
            let watch = PartialFileWatch(outbox: sandbox.outbox, images: 500, columns: ReportColumn.allCases.count)
            let started = Date()
            let names = (0..<40).map { String(format: "h%02d", $0) }
            var labels: [String: [Int64]] = [:]
            for name in names { labels[name] = try sandbox.dropBatch(name, images: 500, labeled: true) }

            // Killed while it works: after its third batch, as it takes the next ones.
            try await hostA.daemon.waitForLog("batch done", count: 3, timeout: 120)
            try await hostA.kill()
            let done = try await eventually(timeout: 240 - Date().timeIntervalSince(started)) {
                sandbox.names(in: sandbox.processed).count == 2 * names.count
            }
            let seconds = Date().timeIntervalSince(started)
            #expect(
                done,
                "processed \(sandbox.names(in: sandbox.processed).count) of \(2 * names.count) files; host-b log:\n\(hostB.daemon.log)")
            #expect(hostB.daemon.process.isRunning, "the other host is alive")
            try await hostB.daemon.stop()
            try await ServeRecoveryTests.expectExactlyOnce(sandbox, names, labels: labels)
            #expect(watch.stop() == [], "a partial file under a final name")
            #expect(sandbox.names(in: sandbox.inbox.appendingPathComponent(".claims")) == [], "the dead host's lease and claims are gone")
            // What host-b found of host-a's work: the kill lands mid-batch almost always, not always.
            let servedByA = hostA.daemon.logLines(containing: "batch done").count
            let servedByB = hostB.daemon.logLines(containing: "batch done").count
            let adopted = hostB.daemon.logLines(containing: "left by a stopped daemon").count
            print(
                "two hosts: 40 × 500 images in \(String(format: "%.1f", seconds)) s; host-a served \(servedByA) before it was killed, "
                    + "host-b \(servedByB); host-b took over \(adopted) claims of host-a")
        }

        @Test("a host paused past the claim timeout writes nothing for the claims the other host adopted")
        func hostPausedAndResumed() async throws {
            let sandbox = try DaemonSandbox(channels: [32, 64], hidden: 32)
            let names = (0..<4).map { "p\($0)" }
            var labels: [String: [Int64]] = [:]
            for name in names { labels[name] = try sandbox.dropBatch(name, images: 10_000, labeled: true) }
            let watch = PartialFileWatch(outbox: sandbox.outbox, images: 10_000, columns: ReportColumn.allCases.count)
            let paused = try await SimulatedHost("host-a", sandbox: sandbox, extra: Self.options)
            try await paused.daemon.waitForLog("batch started")
            paused.daemon.send(SIGSTOP)
            // host-b sees host-a's lease unchanged for 3 s of its own clock, removes it and adopts.
            let adopter = try await SimulatedHost("host-b", sandbox: sandbox, extra: Self.options)
            let done = try await eventually(timeout: 240) { sandbox.names(in: sandbox.processed).count == 2 * names.count }
            #expect(done, "processed: \(sandbox.names(in: sandbox.processed)); host-b log:\n\(adopter.daemon.log)")
            #expect(adopter.daemon.logLines(containing: "resuming a batch left by a stopped daemon").count >= 1)
            paused.daemon.send(SIGCONT)
            #expect(try await paused.daemon.waitForExit() == 75, "EX_TEMPFAIL; log:\n\(paused.daemon.log)")
            #expect(paused.daemon.logLines(containing: "claims adopted by another daemon; exiting without writing").count == 1)
            try await adopter.daemon.stop()
            try await ServeRecoveryTests.expectExactlyOnce(sandbox, names, labels: labels)
            #expect(watch.stop() == [], "a partial file under a final name")
        }
    }
}
