import Watcher

/// Everything the daemon's loop reacts to, merged into one sequence (`DaemonInputs`) so that one task
/// owns all state.
enum DaemonInput: Sendable {
    /// Something happened in the inbox.
    case event(DirectoryEvent)
    /// The watcher stopped with an error: the daemon cannot see new files any more.
    case watcherFailed(String)
    /// The 1 s clock: settle files seen only by a scan, look at waiting labels, adopt dead claims.
    case tick
    /// SIGHUP: load the checkpoint again.
    case reload
    /// SIGTERM/SIGINT: stop taking files, give back unfinished batches, exit.
    case shutdown
    /// A slice of job `job` finished on the compute thread.
    case sliceFinished(job: Int, Result<SliceOutput, any Error>)
}
