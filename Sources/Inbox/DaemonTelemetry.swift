import Classifier
import Foundation
import Logging

/// What the daemon tells the world about itself: systemd (readiness, reloading, stopping, a live
/// `STATUS=` line, watchdog pings), the Prometheus metrics file and the status file for probes
/// (`DaemonStatus`), each naming this daemon's `HostIdentity`.
///
/// Owned by the daemon's loop, so the watchdog is pinged by the loop that does the work: a hung
/// loop stops the pings and systemd restarts the service.
struct DaemonTelemetry {
    private let notifier = SystemdNotifier.fromEnvironment
    private let logger: Logger
    /// Where the metrics go (`--metrics-file`), if anywhere.
    let metricsURL: URL?
    private(set) var metrics: MetricsFile
    /// Where the status file goes (`--status-file`), if anywhere.
    let statusURL: URL?
    let host = HostIdentity.current
    /// When the status file was last written; heartbeats rewrite it at most every `statusInterval`.
    private var statusWritten: ContinuousClock.Instant?
    static let statusInterval = Duration.seconds(5)

    /// Reasons under which inputs are counted in `sumd_failures_total`: a short fixed list.
    enum FailureReason: String, CaseIterable {
        case badBatch = "bad_batch"
        case notABatch = "not_a_batch"
        case orphanLabels = "orphan_labels"
    }

    init(metricsURL: URL?, statusURL: URL?, model: ServingModel, logger: Logger) {
        self.metricsURL = metricsURL
        self.statusURL = statusURL
        self.logger = logger
        metrics = MetricsFile(
            modelSHA256: model.sha256, checkpoint: model.checkpointPath, kernels: model.kernelSet.rawValue,
            failureReasons: FailureReason.allCases.map(\.rawValue))
        metrics.host = host
        writeStatus(.starting)
    }

    /// "idle · 42 batches · last accuracy 0.981" for `systemctl status`.
    private func statusLine(busy: Bool) -> String {
        var parts = [busy ? "busy" : "idle", "\(metrics.batches) batches"]
        if metrics.failures.values.reduce(0, +) > 0 { parts.append("\(metrics.failures.values.reduce(0, +)) failed") }
        if let accuracy = metrics.lastAccuracy { parts.append("last accuracy " + String(format: "%.3f", accuracy)) }
        return parts.joined(separator: " · ")
    }

    /// `statusLine` with the backlog and the host, as systemd shows it.
    private func statusLine(busy: Bool, backlog: Int) -> String {
        statusLine(busy: busy) + (backlog > 0 ? " · \(backlog) waiting" : "") + " · host \(host)"
    }

    /// Logs "ready" (with the host identity) and sends `READY=1`: the checkpoint is loaded and the inbox watched.
    mutating func ready(metadata: Logger.Metadata) {
        logger.notice("ready", metadata: metadata.merging(["host": "\(host)"]) { given, _ in given })
        notify { try notifier.ready(status: statusLine(busy: false, backlog: 0)) }
        writeStatus(.idle)
    }

    /// Pings the watchdog and refreshes the status line, and the status file every `statusInterval`;
    /// called on every tick of the loop.
    mutating func heartbeat(busy: Bool, backlog: Int) {
        notify {
            try notifier.watchdog()
            try notifier.status(statusLine(busy: busy, backlog: backlog))
        }
        metrics.inboxBacklog = backlog
        if let statusWritten, ContinuousClock.now - statusWritten < Self.statusInterval { return }
        writeStatus(busy ? .busy : .idle)
    }

    func reloading() { notify { try notifier.reloading() } }

    /// After a reload attempt: the model now serving (the new one, or the old one if the new was bad).
    mutating func serving(_ model: ServingModel) {
        metrics.modelSHA256 = model.sha256
        metrics.checkpoint = model.checkpointPath
        metrics.kernels = model.kernelSet.rawValue
        notify { try notifier.ready(status: statusLine(busy: false, backlog: metrics.inboxBacklog)) }
    }

    mutating func stopping() {
        notify { try notifier.stopping() }
        writeStatus(.stopping)
    }

    mutating func batchDone(_ outcome: BatchOutcome, backlog: Int) {
        metrics.recordBatch(images: outcome.images, seconds: outcome.seconds, accuracy: outcome.accuracy)
        metrics.inboxBacklog = backlog
    }

    mutating func failed(_ reason: FailureReason) {
        metrics.recordFailure(reason: reason.rawValue)
    }

    mutating func stopped() { metrics.isUp = false }

    /// Replaces the status file (when `--status-file` is set). A failure is logged and the daemon
    /// goes on: the file's age then tells the probe.
    private mutating func writeStatus(_ state: DaemonStatus.State) {
        guard let statusURL else { return }
        statusWritten = ContinuousClock.now
        let status = DaemonStatus(
            host: host, pid: getpid(), state: state, updatedAt: Date().timeIntervalSince1970,
            batches: metrics.batches, backlog: metrics.inboxBacklog, kernels: metrics.kernels,
            modelSHA256: metrics.modelSHA256)
        do { try status.write(to: statusURL) } catch {
            logger.warning("cannot write the status file", metadata: ["status.file": "\(statusURL.path)", "error": "\(error)"])
        }
    }

    private func notify(_ send: () throws -> Void) {
        do { try send() } catch { logger.warning("cannot notify systemd", metadata: ["error": "\(error)"]) }
    }
}
