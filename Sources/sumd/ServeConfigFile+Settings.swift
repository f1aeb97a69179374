import ArgumentParser
import Logging

/// Settings of `sumd serve`, each optional: what the config file sets, or what flags were given.
/// `overridden(by:)` layers the flags over the file; `resolved()` fills in the defaults.
public struct ServeSettings: Equatable, Sendable {
    public var inbox: String?
    public var outbox: String?
    public var checkpoint: String?
    public var processed: String?
    public var failed: String?
    public var workers: Int?
    public var chunkSize: Int?
    public var labelsGrace: Double?
    public var logLevel: String?
    public var metricsFile: String?
    public var statusFile: String?
    public var claimTimeout: Double?
    public var rescanInterval: Double?

    public init(
        inbox: String? = nil, outbox: String? = nil, checkpoint: String? = nil, processed: String? = nil,
        failed: String? = nil, workers: Int? = nil, chunkSize: Int? = nil, labelsGrace: Double? = nil,
        logLevel: String? = nil, metricsFile: String? = nil, statusFile: String? = nil, claimTimeout: Double? = nil,
        rescanInterval: Double? = nil
    ) {
        self.inbox = inbox
        self.outbox = outbox
        self.checkpoint = checkpoint
        self.processed = processed
        self.failed = failed
        self.workers = workers
        self.chunkSize = chunkSize
        self.labelsGrace = labelsGrace
        self.logLevel = logLevel
        self.metricsFile = metricsFile
        self.statusFile = statusFile
        self.claimTimeout = claimTimeout
        self.rescanInterval = rescanInterval
    }

    /// These settings with every one that `flags` has replaced by the flag's value.
    public func overridden(by flags: ServeSettings) -> ServeSettings {
        ServeSettings(
            inbox: flags.inbox ?? inbox, outbox: flags.outbox ?? outbox, checkpoint: flags.checkpoint ?? checkpoint,
            processed: flags.processed ?? processed, failed: flags.failed ?? failed,
            workers: flags.workers ?? workers, chunkSize: flags.chunkSize ?? chunkSize,
            labelsGrace: flags.labelsGrace ?? labelsGrace, logLevel: flags.logLevel ?? logLevel,
            metricsFile: flags.metricsFile ?? metricsFile, statusFile: flags.statusFile ?? statusFile,
            claimTimeout: flags.claimTimeout ?? claimTimeout, rescanInterval: flags.rescanInterval ?? rescanInterval)
    }

    /// The settings `sumd serve` runs with, defaults filled in: 32 images per chunk, 60 s of grace
    /// for labels, log level info, 30 s of claim timeout, no rescans. Throws a `ValidationError` naming the flag when the inbox, outbox
    /// or checkpoint is set nowhere or a value is out of range (values from the file were checked
    /// when it was read; this catches flags).
    public func resolved() throws -> ResolvedServeSettings {
        let missing = [("inbox", inbox), ("outbox", outbox), ("checkpoint", checkpoint)].filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else {
            let flags = missing.map { "--\($0) PATH" }.joined(separator: ", ")
            throw ValidationError(
                "Missing \(flags): give \(missing.count == 1 ? "it" : "them") as flags or as keys of the file named by --config.")
        }
        guard let level = Logger.Level(rawValue: logLevel ?? "info") else {
            throw ValidationError(
                "--log-level must be one of trace, debug, info, notice, warning, error, critical (got '\(logLevel ?? "")').")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1.") }
        if let chunkSize, chunkSize < 1 { throw ValidationError("--chunk-size must be at least 1.") }
        if let labelsGrace, !(labelsGrace >= 0 && labelsGrace.isFinite) {
            throw ValidationError("--labels-grace must be a number of seconds ≥ 0.")
        }
        if let claimTimeout, !(claimTimeout >= Self.shortestClaimTimeout && claimTimeout.isFinite) {
            throw ValidationError(
                "--claim-timeout must be at least \(Int(Self.shortestClaimTimeout)) seconds: a daemon renews its lease every second, and a slow shared filesystem must not make it look dead."
            )
        }
        if let rescanInterval, !(rescanInterval > 0 && rescanInterval.isFinite) {
            throw ValidationError("--rescan-interval must be a number of seconds > 0.")
        }
        return ResolvedServeSettings(
            inbox: inbox!, outbox: outbox!, checkpoint: checkpoint!, processed: processed, failed: failed,
            workers: workers, chunkSize: chunkSize ?? 32, labelsGrace: labelsGrace ?? 60,
            logLevel: level, metricsFile: metricsFile, statusFile: statusFile,
            claimTimeout: claimTimeout ?? 30, rescanInterval: rescanInterval)
    }

    /// The shortest `--claim-timeout` accepted, in seconds.
    static let shortestClaimTimeout = 3.0
}

/// Complete settings of `sumd serve` (see `ServeSettings.resolved()`).
public struct ResolvedServeSettings: Equatable, Sendable {
    public var inbox: String
    public var outbox: String
    public var checkpoint: String
    /// Nil: beside the inbox (`ServeConfiguration`'s default).
    public var processed: String?
    public var failed: String?
    /// Nil: all cores.
    public var workers: Int?
    public var chunkSize: Int
    public var labelsGrace: Double
    public var logLevel: Logger.Level
    /// Nil: no metrics file.
    public var metricsFile: String?
    /// Nil: no status file (`DaemonStatus`).
    public var statusFile: String?
    public var claimTimeout: Double
    /// Nil: no periodic rescan.
    public var rescanInterval: Double?
}
