import Classifier
import Foundation
import Logging

/// What the daemon tells the world about itself: systemd (readiness, reloading, stopping, a live
/// `STATUS=` line, watchdog pings) and the Prometheus metrics file.
///
/// Owned by the daemon's loop, so the watchdog is pinged by the loop that does the work: a hung
/// loop stops the pings and systemd restarts the service.
struct DaemonTelemetry {
    private let notifier = SystemdNotifier.fromEnvironment
    private let logger: Logger
    /// Where the metrics go (`--metrics-file`), if anywhere.
    let metricsURL: URL?
    private(set) var metrics: MetricsFile

    /// Reasons under which inputs are counted in `sumd_failures_total`: a short fixed list.
    enum FailureReason: String, CaseIterable {
        case badBatch = "bad_batch", notABatch = "not_a_batch", orphanLabels = "orphan_labels"
    }

    init(metricsURL: URL?, model: ServingModel, logger: Logger) {
        self.metricsURL = metricsURL
        self.logger = logger
        metrics = MetricsFile(modelSHA256: model.sha256, checkpoint: model.checkpointPath, kernels: model.kernelSet.rawValue,
                              failureReasons: FailureReason.allCases.map(\.rawValue))
    }

    /// "idle · 42 batches · last accuracy 0.981" for `systemctl status`.
    private func statusLine(busy: Bool) -> String {
        var parts = [busy ? "busy" : "idle", "\(metrics.batches) batches"]
        if metrics.failures.values.reduce(0, +) > 0 { parts.append("\(metrics.failures.values.reduce(0, +)) failed") }
        if let accuracy = metrics.lastAccuracy { parts.append("last accuracy " + String(format: "%.3f", accuracy)) }
        return parts.joined(separator: " · ")
    }

    /// Logs "ready" and sends `READY=1`: the checkpoint is loaded and the inbox watched.
    func ready(metadata: Logger.Metadata) {
        logger.notice("ready", metadata: metadata)
        notify { try notifier.ready(status: statusLine(busy: false)) }
    }

    /// Pings the watchdog and refreshes the status line; called on every tick of the loop.
    func heartbeat(busy: Bool, backlog: Int) {
        notify {
            try notifier.watchdog()
            try notifier.status(statusLine(busy: busy) + (backlog > 0 ? " · \(backlog) waiting" : ""))
        }
    }

    func reloading() { notify { try notifier.reloading() } }

    /// After a reload attempt: the model now serving (the new one, or the old one if the new was bad).
    mutating func serving(_ model: ServingModel) {
        metrics.modelSHA256 = model.sha256
        metrics.checkpoint = model.checkpointPath
        metrics.kernels = model.kernelSet.rawValue
        notify { try notifier.ready(status: statusLine(busy: false)) }
    }

    func stopping() { notify { try notifier.stopping() } }

    mutating func batchDone(_ outcome: BatchOutcome, backlog: Int) {
        metrics.recordBatch(images: outcome.images, seconds: outcome.seconds, accuracy: outcome.accuracy)
        metrics.inboxBacklog = backlog
    }

    mutating func failed(_ reason: FailureReason) {
        metrics.recordFailure(reason: reason.rawValue)
    }

    mutating func stopped() { metrics.isUp = false }

    private func notify(_ send: () throws -> Void) {
        do { try send() } catch { logger.warning("cannot notify systemd", metadata: ["error": "\(error)"]) }
    }
}
