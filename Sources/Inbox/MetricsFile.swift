import ArrayFormats
import Foundation

/// The daemon's counters and gauges, rendered in Prometheus' text format and written to a file
/// (`--metrics-file`, `metrics_file` in the config) for node_exporter's textfile collector or any
/// scraper that reads files.
///
/// A value: the daemon updates it after each batch or failure, then calls `write(to:)`, which
/// replaces the file atomically, so a reader never sees half of it.
public struct MetricsFile: Sendable, Equatable {
    /// When the daemon started (`sumd_start_time_seconds`).
    public var startTime: Date
    /// False once the daemon stopped cleanly (`sumd_up 0`); a crashed daemon leaves 1 behind,
    /// which `sumd_start_time_seconds` and the file's age expose.
    public var isUp = true
    /// Batches reported, relabelled re-runs included (`sumd_batches_total`).
    public private(set) var batches = 0
    /// Images predicted (`sumd_images_total`).
    public private(set) var images = 0
    /// Inputs moved to the failed directory, by reason (`sumd_failures_total{reason=…}`).
    /// Reasons should come from a short fixed list (each one is a time series), never an error text.
    public private(set) var failures: [String: Int]
    /// Accuracy of the last labelled batch (`sumd_last_accuracy`), nil before the first one.
    public private(set) var lastAccuracy: Double?
    /// Throughput of the last batch (`sumd_images_per_second`), nil before the first one.
    public private(set) var imagesPerSecond: Double?
    /// Batches waiting in the inbox (`sumd_inbox_backlog`).
    public var inboxBacklog = 0
    /// The model served (`sumd_model_info{sha256=…,checkpoint=…,kernels=…} 1`); changes on reload.
    public var modelSHA256: String
    public var checkpoint: String
    /// The kernel set the engine runs (`avx512`, `avx2` or `portable`).
    public var kernels: String
    /// Which daemon wrote the file (`sumd_host_info{host="HOST@INSTANCE",hostname="HOST"} 1`), so
    /// that files collected from several hosts can be told apart; nil leaves the family out.
    public var host: HostIdentity?

    /// Starts with zero counts; every reason in `failureReasons` is written as 0 from the start, so
    /// that `rate()` and `increase()` see its first failure.
    public init(startTime: Date = Date(), modelSHA256: String, checkpoint: String, kernels: String, failureReasons: [String] = []) {
        self.startTime = startTime
        self.modelSHA256 = modelSHA256
        self.checkpoint = checkpoint
        self.kernels = kernels
        failures = Dictionary(failureReasons.map { ($0, 0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Counts a reported batch of `images` that took `seconds`; `accuracy` when it had labels.
    public mutating func recordBatch(images: Int, seconds: Double, accuracy: Double?) {
        batches += 1
        self.images += images
        if seconds > 0 { imagesPerSecond = Double(images) / seconds }
        if let accuracy { lastAccuracy = accuracy }
    }

    /// Counts an input moved to the failed directory.
    public mutating func recordFailure(reason: String) {
        failures[reason, default: 0] += 1
    }

    /// The text exposition format (version 0.0.4), families in a fixed order, failure reasons sorted.
    public func render() -> String {
        var text = MetricsText()
        text.family("sumd_up", "gauge", help: "1 while sumd serve runs, 0 after a clean stop.")
        text.sample("sumd_up", isUp ? 1 : 0)
        text.family("sumd_start_time_seconds", "gauge", help: "When sumd serve started, in seconds since the Unix epoch.")
        text.sample("sumd_start_time_seconds", startTime.timeIntervalSince1970)
        text.family("sumd_model_info", "gauge", help: "The checkpoint being served, its SHA-256 and the kernel set running it.")
        text.sample("sumd_model_info", 1, labels: ["sha256": modelSHA256, "checkpoint": checkpoint, "kernels": kernels])
        if let host {
            text.family("sumd_host_info", "gauge", help: "The daemon writing these metrics: host name and instance id.")
            text.sample("sumd_host_info", 1, labels: ["host": host.description, "hostname": host.hostname])
        }
        text.family("sumd_batches_total", "counter", help: "Batches reported (re-runs with late labels included).")
        text.sample("sumd_batches_total", Double(batches))
        text.family("sumd_images_total", "counter", help: "Images predicted.")
        text.sample("sumd_images_total", Double(images))
        text.family("sumd_failures_total", "counter", help: "Inputs moved to the failed directory, by reason.")
        for (reason, count) in failures.sorted(by: { $0.key < $1.key }) {
            text.sample("sumd_failures_total", Double(count), labels: ["reason": reason])
        }
        text.family("sumd_last_accuracy", "gauge", help: "Fraction of correct sums in the last labelled batch.")
        if let lastAccuracy { text.sample("sumd_last_accuracy", lastAccuracy) }
        text.family("sumd_images_per_second", "gauge", help: "Images per second in the last batch.")
        if let imagesPerSecond { text.sample("sumd_images_per_second", imagesPerSecond) }
        text.family("sumd_inbox_backlog", "gauge", help: "Batches waiting in the inbox.")
        text.sample("sumd_inbox_backlog", Double(inboxBacklog))
        return text.text
    }

    /// Replaces `url` with `render()` atomically and durably (temporary file, fsync, rename).
    public func write(to url: URL) throws {
        try DurableFile.write(render(), to: url)
    }
}
