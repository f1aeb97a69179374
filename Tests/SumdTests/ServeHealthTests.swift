import Foundation
import Inbox
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real daemon with `--status-file`, and `sumd health` on it: ok while it serves, "stale"
/// while it is paused past --max-age, ok again once resumed, and not ok after SIGTERM.
@Suite("sumd serve: status file and sumd health")
struct ServeHealthTests {
    @Test func healthFollowsTheDaemon() async throws {
        let sandbox = try DaemonSandbox()
        let statusFile = sandbox.root.appendingPathComponent("run/status.json")
        try FileManager.default.createDirectory(at: statusFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let daemon = try await sandbox.startDaemon(["--status-file", statusFile.path])
        // The daemon rewrites the file every 5 s; 10 s leaves room for a loaded machine.
        let health = ["health", "--status-file", statusFile.path, "--max-age", "10"]

        // The ready line and the file name this daemon by host and instance, not by pid.
        let host = HostIdentity.current.hostname
        let ready = try #require(daemon.logLines(containing: "ready").first)
        #expect(ready.contains("host=\(host)@"), "\(ready)")
        let status = try DaemonStatus.read(from: statusFile)
        #expect(status.state == .idle && status.pid == daemon.process.processIdentifier && status.host.hostname == host)
        #expect(status.host.instance != HostIdentity.current.instance, "each process draws its own instance id")
        #expect(ready.contains("\(status.host)"))

        try sandbox.dropBatch("first", images: 5)
        try await sandbox.waitFor(sandbox.processed, "first.npy")
        // The next write (at most 5 s later) counts the batch.
        #expect(try await eventually(timeout: 10) { (try? DaemonStatus.read(from: statusFile))?.batches == 1 })
        let ok = try await runSumd(health, timeout: 30)
        #expect(ok.status == 0 && ok.standardOutput.hasPrefix("ok: \(status.host) idle, 1 batches"), "\(ok)")
        #expect(try await runSumd(health + ["--ready"], timeout: 30).status == 0)

        // Paused: no heartbeat, so the file ages past --max-age.
        daemon.send(SIGSTOP)
        try await Task.sleep(for: .seconds(11))
        let stale = try await runSumd(health, timeout: 30)
        #expect(stale.status == 1 && stale.standardOutput.contains("stale by"), "\(stale)")
        daemon.send(SIGCONT)
        #expect(
            try await eventually(timeout: 10) { DaemonHealth.check(statusFile: statusFile, now: Date(), maxAge: 10).isHealthy },
            "fresh again after SIGCONT")

        try await daemon.stop()
        let stopped = try await runSumd(health, timeout: 30)
        #expect(stopped.status == 1, "\(stopped)")
        #expect(stopped.standardOutput.contains("is stopping") || stopped.standardOutput.contains("stale by"), "\(stopped)")
        #expect(try DaemonStatus.read(from: statusFile).state == .stopping)
    }

    @Test func healthRefusesANonsensicalMaxAge() async throws {
        let result = try await runSumd(["health", "--status-file", "/nonexistent/status.json", "--max-age", "0"], timeout: 30)
        #expect(result.status == 64 && result.standardError.contains("--max-age"), "\(result)")
        let missing = try await runSumd(["health", "--status-file", "/nonexistent/status.json"], timeout: 30)
        #expect(missing.status == 1 && missing.standardOutput.contains("no status file at /nonexistent/status.json"), "\(missing)")
    }
}
