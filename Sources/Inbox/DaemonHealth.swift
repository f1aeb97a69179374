import Foundation

/// What `sumd health` concludes from a status file (`DaemonStatus`): healthy when the file was
/// written within `maxAge` seconds and the daemon is not stopping. A pure function of the file's
/// contents and the time, so tests need no daemon.
public enum DaemonHealth: Equatable, Sendable {
    case healthy(DaemonStatus, age: Double)
    /// No file: the daemon has not started yet, or runs without `--status-file` at that path.
    case missing(path: String)
    /// A file that is not a status file (or cannot be read).
    case unreadable(path: String, reason: String)
    /// Not written for `age` seconds: the daemon's loop is hung, paused or dead.
    case stale(DaemonStatus, age: Double, maxAge: Double)
    /// The daemon received SIGTERM (or failed) and is about to exit.
    case stopping(DaemonStatus)
    /// Still starting while the caller asked for readiness (`sumd health --ready`).
    case starting(DaemonStatus)

    public var isHealthy: Bool {
        if case .healthy = self { true } else { false }
    }

    /// Reads the status file at `url` and judges it at `now`; with `requireReady`, a daemon still
    /// starting is not healthy either (a readiness probe).
    public static func check(statusFile url: URL, now: Date, maxAge: Double, requireReady: Bool = false) -> DaemonHealth {
        let status: DaemonStatus
        do {
            status = try DaemonStatus.read(from: url)
        } catch CocoaError.fileReadNoSuchFile {
            return .missing(path: url.path)
        } catch let error as DecodingError {
            return .unreadable(path: url.path, reason: "not a sumd status file (\(describe(error)))")
        } catch {
            return .unreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        return judge(status, now: now, maxAge: maxAge, requireReady: requireReady)
    }

    /// The verdict on `status` at `now`.
    public static func judge(_ status: DaemonStatus, now: Date, maxAge: Double, requireReady: Bool = false) -> DaemonHealth {
        // A clock stepped backwards makes the age negative: that is fresh, not stale.
        let age = max(0, now.timeIntervalSince1970 - status.updatedAt)
        if age > maxAge { return .stale(status, age: age, maxAge: maxAge) }
        if status.state == .stopping { return .stopping(status) }
        if requireReady, status.state == .starting { return .starting(status) }
        return .healthy(status, age: age)
    }

    /// One line for the probe's output (Kubernetes shows it in `kubectl describe pod` on failure).
    public var message: String {
        switch self {
        case .healthy(let status, let age):
            "ok: \(status.host) \(status.state.rawValue), \(status.batches) batches, \(status.backlog) waiting, "
                + "updated \(Self.seconds(age)) ago"
        case .missing(let path):
            "unhealthy: no status file at \(path) (daemon not started, or not run with --status-file \(path))"
        case .unreadable(let path, let reason):
            "unhealthy: cannot read the status file \(path): \(reason)"
        case .stale(let status, let age, let maxAge):
            "unhealthy: status of \(status.host) is stale by \(Self.seconds(age)) (more than \(Self.seconds(maxAge))): "
                + "the daemon is hung, paused or dead (last state \(status.state.rawValue))"
        case .stopping(let status):
            "unhealthy: \(status.host) is stopping"
        case .starting(let status):
            "not ready: \(status.host) is still starting"
        }
    }

    private static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f s", value) : String(format: "%.0f s", value)
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): "invalid JSON: \(context.debugDescription)"
        case .keyNotFound(let key, _): "no key '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        @unknown default: "\(error)"
        }
    }
}
