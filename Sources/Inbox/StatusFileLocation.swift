import Foundation

/// Where the daemon running in this task tree writes its `DaemonStatus` (`sumd serve
/// --status-file`), if anywhere.
///
/// A task-local, bound by `sumd serve` around its service group and read once when the daemon's
/// telemetry is made, so the status file needs no parameter threaded through the daemon's
/// construction (`InboxService` → `InboxDaemon` → `DaemonTelemetry`).
public enum StatusFileLocation {
    @TaskLocal public static var current: URL?
}
