import Foundation
import Inbox
import TestFixtures
import Testing

/// The status file `sumd serve --status-file` writes and what `sumd health` concludes from it,
/// without a daemon: verdicts at given times, files that are missing or not status files, the
/// config key, and the Kubernetes config that sets it.
@Suite struct DaemonHealthTests {
    static let host = HostIdentity(hostname: "node-1", instance: "3f2a9c1e-0000beef")

    static func status(_ state: DaemonStatus.State, at time: Double) -> DaemonStatus {
        DaemonStatus(host: host, pid: 1, state: state, updatedAt: time, batches: 4, backlog: 2, kernels: "avx2", modelSHA256: "ab")
    }

    @Test func judgesByAgeThenState() {
        let now = Date(timeIntervalSince1970: 1000)
        let fresh = DaemonHealth.judge(Self.status(.busy, at: 990), now: now, maxAge: 30)
        #expect(fresh.isHealthy)
        #expect(fresh.message == "ok: node-1@3f2a9c1e-0000beef busy, 4 batches, 2 waiting, updated 10 s ago")
        let stale = DaemonHealth.judge(Self.status(.idle, at: 900), now: now, maxAge: 30)
        #expect(!stale.isHealthy && stale.message.contains("stale by 100 s (more than 30 s)"), "\(stale.message)")
        let stopping = DaemonHealth.judge(Self.status(.stopping, at: 999), now: now, maxAge: 30)
        #expect(!stopping.isHealthy && stopping.message.contains("stopping"))
        #expect(DaemonHealth.judge(Self.status(.starting, at: 999), now: now, maxAge: 30).isHealthy, "alive while starting")
        #expect(!DaemonHealth.judge(Self.status(.starting, at: 999), now: now, maxAge: 30, requireReady: true).isHealthy)
        #expect(DaemonHealth.judge(Self.status(.idle, at: 1005), now: now, maxAge: 30).isHealthy, "a clock stepped back")
    }

    @Test func writesReadableJSONAtomically() throws {
        let directory = try TemporaryDirectory("sumd-status")
        let url = directory.url.appendingPathComponent("status.json")
        let status = Self.status(.idle, at: 1_764_608_000.25)
        try status.write(to: url)
        try Self.status(.busy, at: 1_764_608_005).write(to: url)
        #expect(try DaemonStatus.read(from: url) == Self.status(.busy, at: 1_764_608_005))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["status.json"], "no temporary file left")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        #expect(
            Set(object?.keys.map { $0 } ?? []) == ["host", "pid", "state", "updated_at", "batches", "backlog", "kernels", "model_sha256"])
    }

    @Test func explainsAMissingOrForeignFile() throws {
        let directory = try TemporaryDirectory("sumd-status")
        let url = directory.url.appendingPathComponent("status.json")
        let missing = DaemonHealth.check(statusFile: url, now: Date(), maxAge: 30)
        #expect(missing == .missing(path: url.path) && missing.message.contains("no status file"))
        try Data("{\"state\": \"idle\"".utf8).write(to: url)
        let torn = DaemonHealth.check(statusFile: url, now: Date(), maxAge: 30)
        #expect(
            !torn.isHealthy && torn.message.contains("cannot read the status file") && torn.message.contains("invalid JSON"),
            "\(torn.message)")
        try Data("{\"state\": \"idle\"}".utf8).write(to: url)
        #expect(DaemonHealth.check(statusFile: url, now: Date(), maxAge: 30).message.contains("no key 'host'"))
    }

    @Test func theConfigFileTakesAStatusFile() throws {
        var configuration = ServeConfiguration()
        try configuration.read(configText: "status_file = \"run/status.json\"\n", path: "/etc/sumd/sumd.toml")
        #expect(configuration.statusFile?.path == "/etc/sumd/run/status.json")
        try configuration.set(.statusFile, to: .string("/s.json"), from: .flag)
        #expect(configuration.statusFile?.path == "/s.json")
    }

    /// The ConfigMap's file (deploy/kubernetes/sumd.toml) loads, with per-pod status and metrics files.
    @Test func theKubernetesConfigLoads() throws {
        var configuration = ServeConfiguration()
        try configuration.read(configFile: RepositoryFiles.url("deploy/kubernetes/sumd.toml").path)
        try configuration.validate()
        #expect(configuration.inbox.path == "/var/lib/sumd/spool/inbox" && configuration.processed.path == "/var/lib/sumd/spool/processed")
        #expect(configuration.statusFile?.path == "/run/sumd/status.json" && configuration.metricsFile?.path == "/run/sumd/sumd.prom")
        #expect(configuration.workers == 2)
    }
}
