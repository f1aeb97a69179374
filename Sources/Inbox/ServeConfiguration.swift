import Foundation

/// What `sumd serve` was asked to do: the four directories, the checkpoint and the tuning knobs.
public struct ServeConfiguration: Sendable {
    /// The watched directory producers drop batches into.
    public var inbox: URL
    /// Where reports and the `summary.csv` ledger are written.
    public var outbox: URL
    /// Where inputs go once reported, and bad inputs with their `NAME.error.txt`.
    public var processed: URL
    public var failed: URL
    /// The checkpoint served (read again on SIGHUP).
    public var checkpoint: URL
    /// Threads and images per chunk for the model.
    public var workers: Int
    public var chunkSize: Int
    /// How long labels may wait for their batch before they are moved to failed/.
    public var labelsGrace: Duration
    /// Where Prometheus metrics are written after every batch (textfile collector format), if anywhere.
    public var metricsFile: URL?
    /// How long another daemon's claims lease may stay unchanged before its claims are adopted.
    public var claimTimeout: Duration
    /// How often the inbox is listed besides inotify; needed on shared filesystems, where inotify
    /// does not see other hosts' files. nil: only at start and after lost events.
    public var rescanInterval: Duration?
    /// Where the daemon's status (for `sumd health` probes) is written from its heartbeat, if anywhere.
    public var statusFile: URL?

    /// `processed` and `failed` default to siblings of the inbox (`dirname(inbox)/processed`, `…/failed`).
    public init(
        inbox: URL, outbox: URL, checkpoint: URL, processed: URL? = nil, failed: URL? = nil,
        workers: Int, chunkSize: Int, labelsGrace: Duration = .seconds(60), metricsFile: URL? = nil,
        statusFile: URL? = nil, claimTimeout: Duration = .seconds(30), rescanInterval: Duration? = nil
    ) {
        let inbox = inbox.standardizedFileURL
        self.inbox = inbox
        self.outbox = outbox.standardizedFileURL
        self.checkpoint = checkpoint.standardizedFileURL
        self.processed = (processed ?? inbox.deletingLastPathComponent().appendingPathComponent("processed")).standardizedFileURL
        self.failed = (failed ?? inbox.deletingLastPathComponent().appendingPathComponent("failed")).standardizedFileURL
        self.workers = workers
        self.chunkSize = chunkSize
        self.labelsGrace = labelsGrace
        self.metricsFile = metricsFile?.standardizedFileURL
        self.claimTimeout = claimTimeout
        self.rescanInterval = rescanInterval
        self.statusFile = statusFile?.standardizedFileURL
    }
}
