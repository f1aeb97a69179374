import ArrayFormats
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Crashes and concurrency: every input is reported exactly once. Serialized, with the two-host tests
/// nested in it: each test times kills and pauses against daemons at work, and several such tests at
/// once on 2 cores starve the tests' own polling.
@Suite("sumd serve: crashes and two daemons", .serialized)
struct ServeRecoveryTests {
    /// Checks that each of `names` has exactly one report set, one summary row and its inputs in processed/.
    static func expectExactlyOnce(_ sandbox: DaemonSandbox, _ names: [String], labels: [String: [Int64]]) async throws {
        // The reservation is dropped just after the inputs reach processed/: give that a moment.
        let reservations = sandbox.outbox.path + "/.reservations"
        #expect(
            try await eventually { ((try? FileManager.default.contentsOfDirectory(atPath: reservations)) ?? []).isEmpty },
            "reservations left: \((try? FileManager.default.contentsOfDirectory(atPath: reservations)) ?? [])")
        let temporaries = ((try? FileManager.default.contentsOfDirectory(atPath: sandbox.outbox.path)) ?? []).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(temporaries.isEmpty, "temporary files of killed writers are cleaned up: \(temporaries)")
        let summary = try sandbox.summary()
        #expect(summary.compactMap { $0["batch"] }.sorted() == names.sorted(), "summary rows: \(summary.compactMap { $0["batch"] })")
        let reports = sandbox.names(in: sandbox.outbox).filter { $0.hasSuffix(".report.csv") }
        #expect(reports.sorted() == names.map { $0 + ".report.csv" }.sorted())
        for name in names {
            try sandbox.checkReports(stem: name, images: labels[name]?.count ?? 0, labels: labels[name])
        }
        #expect(sandbox.names(in: sandbox.processed) == names.flatMap { [$0 + ".labels.npy", $0 + ".npy"] }.sorted())
        #expect(sandbox.names(in: sandbox.inbox).isEmpty && sandbox.names(in: sandbox.failed).isEmpty)
    }

    @Test("kill -9 while processing, then restart: each input is reported exactly once")
    func killAndRestart() async throws {
        // Enough work (8 × 4,000 images through a 64/128 network) that a test thread delayed by a
        // few seconds on a loaded machine still finds batches in flight to kill. A 32/64 network was
        // not enough once the AVX-512 kernels ran vector code: the first daemon finished every batch
        // before the test could kill it, and the second found nothing to start.
        let sandbox = try DaemonSandbox(channels: [64, 128], hidden: 32)
        let names = (0..<8).map { "k\($0)" }
        var labels: [String: [Int64]] = [:]
        for name in names { labels[name] = try sandbox.dropBatch(name, images: 4000, labeled: true) }
        var daemon = try await sandbox.startDaemon()

        // 1: killed right after a batch was reported (mid-way through the next one, or its files).
        try await daemon.waitForLog("batch done")
        daemon.send(SIGKILL)
        _ = try await daemon.waitForExit()
        // 2: killed as soon as it took a batch (claimed, stem reserved, first slice running).
        daemon = try await sandbox.startDaemon()
        try await daemon.waitForLog("batch started")
        daemon.send(SIGKILL)
        _ = try await daemon.waitForExit()
        // 3: the next daemon must resume that batch; killed again a moment later.
        daemon = try await sandbox.startDaemon()
        #expect(daemon.logLines(containing: "resuming a batch left by a stopped daemon").count >= 1, "log:\n\(daemon.log)")
        try await Task.sleep(for: .milliseconds(150))
        daemon.send(SIGKILL)
        _ = try await daemon.waitForExit()
        // 4: runs to the end.
        daemon = try await sandbox.startDaemon()
        let done = try await eventually(timeout: 120) { sandbox.names(in: sandbox.processed).count == 2 * names.count }
        #expect(done, "processed: \(sandbox.names(in: sandbox.processed))")
        try await daemon.stop()
        try await Self.expectExactlyOnce(sandbox, names, labels: labels)
        #expect(
            (try? FileManager.default.contentsOfDirectory(atPath: sandbox.inbox.path + "/.claims")) ?? [] == [],
            "dead daemons' claims adopted and removed")
    }

    @Test("a daemon paused past the claim timeout finds its claims adopted and exits without writing")
    func pausedDaemonIsFenced() async throws {
        // Several large batches, so that the first daemon holds a claim whenever it is paused,
        // however late this (possibly busy) test process gets to pause it.
        let sandbox = try DaemonSandbox(channels: [32, 64], hidden: 32)
        let names = (0..<4).map { "slow\($0)" }
        var labels: [String: [Int64]] = [:]
        for name in names { labels[name] = try sandbox.dropBatch(name, images: 10_000, labeled: true) }
        let paused = try await sandbox.startDaemon(["--claim-timeout", "3"])
        try await paused.waitForLog("batch started")
        paused.send(SIGSTOP)
        // The other daemon sees the lease unchanged for 3 s, removes it and resumes the batch.
        let adopter = try await sandbox.startDaemon(["--claim-timeout", "3"])
        let done = try await eventually(timeout: 180) { sandbox.names(in: sandbox.processed).count == 2 * names.count }
        #expect(done, "processed: \(sandbox.names(in: sandbox.processed))")
        // The paused daemon may hold several claims: it claims the next batch between slices.
        #expect(adopter.logLines(containing: "resuming a batch left by a stopped daemon").count >= 1, "log:\n\(adopter.log)")
        paused.send(SIGCONT)
        #expect(try await paused.waitForExit() == 75, "EX_TEMPFAIL: restart me; log:\n\(paused.log)")
        #expect(paused.logLines(containing: "claims adopted by another daemon; exiting without writing").count == 1)
        try await adopter.stop()
        try await Self.expectExactlyOnce(sandbox, names, labels: labels)
    }

    @Test("two daemons on one inbox never process a batch twice")
    func twoDaemons() async throws {
        let sandbox = try DaemonSandbox()
        let first = try await sandbox.startDaemon()
        let second = try await sandbox.startDaemon()
        let names = (0..<40).map { String(format: "t%02d", $0) }
        var labels: [String: [Int64]] = [:]
        for name in names { labels[name] = try sandbox.dropBatch(name, images: 300, labeled: true) }
        let done = try await eventually(timeout: 60) { sandbox.names(in: sandbox.processed).count == 2 * names.count }
        #expect(done, "processed: \(sandbox.names(in: sandbox.processed).count) of \(2 * names.count) files")
        try await first.stop()
        try await second.stop()
        try await Self.expectExactlyOnce(sandbox, names, labels: labels)
        let served = first.logLines(containing: "batch done").count + second.logLines(containing: "batch done").count
        #expect(served == names.count, "batches served by both daemons together")
    }
}
