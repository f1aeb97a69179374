import Foundation
import Logging

/// Everything `sumd serve` runs with: the four directories, the checkpoint, the tuning knobs and the
/// log level, in one value with its defaults.
///
/// It is filled in one order: the defaults, then the config file (`read(configFile:)`), then the
/// flags of `sumd serve` (`set(_:to:from:)`), each replacing what came before; `validate()` then
/// checks every setting at once, and the daemon (`InboxService`) reads the result. Each setting
/// remembers where it was set (`origins`), so a problem names the file and line, or the flag, to fix.
public struct ServeConfiguration: Sendable, Equatable {
    /// The defaults that are not derived from another setting; `sumd serve --help` quotes them.
    public enum Defaults {
        public static let labelsGraceSeconds = 60
        public static let claimTimeoutSeconds = 30
        public static let logLevel = Logger.Level.info
    }

    /// The directories and files set so far. The inbox, outbox and checkpoint have no default;
    /// processed/ and failed/ default to siblings of the inbox, the metrics and status files to none.
    var paths: [Setting: URL] = [:]
    /// Threads for the model (default: all cores).
    public internal(set) var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Images per chunk handed to a worker; nil: the network's own (`InferenceNetwork.chunkSize`).
    public internal(set) var chunkSize: Int?
    /// Grid phases each image is read at (see `GridPlacements`); nil: what the checkpoint says.
    public internal(set) var gridPhases: Int?
    /// The least severe level logged.
    public internal(set) var logLevel = Defaults.logLevel
    /// Durations in seconds as given: `validate()` checks them before the daemon reads them as `Duration`s.
    var labelsGraceSeconds = Double(Defaults.labelsGraceSeconds)
    var claimTimeoutSeconds = Double(Defaults.claimTimeoutSeconds)
    var rescanIntervalSeconds: Double?
    /// Where each setting that is not at its default was set.
    public internal(set) var origins: [Setting: Origin] = [:]

    /// Every setting at its default; the inbox, outbox and checkpoint are still to be set.
    public init() {}

    /// The watched directory producers drop batches into.
    public var inbox: URL { required(.inbox) }
    /// Where reports and the `summary.csv` ledger are written.
    public var outbox: URL { required(.outbox) }
    /// The checkpoint served (read again on SIGHUP).
    public var checkpoint: URL { required(.checkpoint) }
    /// Where inputs go once reported: `processed` beside the inbox unless set.
    public var processed: URL { paths[.processed] ?? besideInbox("processed") }
    /// Where bad inputs go with their `NAME.error.txt`: `failed` beside the inbox unless set.
    public var failed: URL { paths[.failed] ?? besideInbox("failed") }
    /// Where Prometheus metrics are written after every batch (textfile collector format), if anywhere.
    public var metricsFile: URL? { paths[.metricsFile] }
    /// Where the daemon's status (for `sumd health` probes) is written from its heartbeat, if anywhere.
    public var statusFile: URL? { paths[.statusFile] }
    /// How long labels may wait for their batch before they are moved to failed/.
    public var labelsGrace: Duration { Self.duration(seconds: labelsGraceSeconds) }
    /// How long another daemon's claims lease may stay unchanged before its claims are adopted.
    public var claimTimeout: Duration { Self.duration(seconds: claimTimeoutSeconds) }
    /// How often the inbox is listed besides inotify; needed on shared filesystems, where inotify
    /// does not see other hosts' files. nil: only at start and after lost events.
    public var rescanInterval: Duration? { rescanIntervalSeconds.map { Self.duration(seconds: $0) } }

    /// A path without a default, which `validate()` has found set.
    private func required(_ setting: Setting) -> URL {
        guard let url = paths[setting] else { preconditionFailure("ServeConfiguration.\(setting) read before validate()") }
        return url
    }

    private func besideInbox(_ name: String) -> URL {
        inbox.deletingLastPathComponent().appendingPathComponent(name).standardizedFileURL
    }

    /// `seconds` to the nearest millisecond.
    private static func duration(seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }
}
