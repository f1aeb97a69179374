extension InboxStateMachine {
    /// What the runner is asked to do. Those with a result feed it back as the `Input` named.
    enum Action: Equatable {
        /// Status of inbox entry `name` → `.looked`.
        case look(String, after: EntryEvent?)
        /// List the inbox with every entry's status → `.scanned`.
        case scan
        /// Claim entry `name` and move it to failed/ with `reason`, counted as `as`.
        case reject(String, reason: String, as: DaemonTelemetry.FailureReason)
        /// Whether settled labels `name` of batch `batch` wait, relabel or are gone → `.labelsExamined`.
        case examineLabels(String, batch: String)
        /// Claim batch file `name` (and `batch.labels.npy` with it if `withLabels`) → `.claimed`.
        case claimBatch(String, batch: String, withLabels: Bool)
        /// Claim late labels `name` to relabel batch `batch`'s latest report, if that still holds → `.claimed`.
        case claimRelabel(String, batch: String)
        /// Reserve the stem, map and check `inputs` as job `job` → `.prepared`.
        case prepare(BatchInputs, job: JobID)
        /// Predict the next `size` images of `job` on the compute thread → `.sliceFinished`.
        case runSlice(JobID, size: Int)
        /// Write `job`'s reports, summary row, move its inputs to processed/ → `.finished`.
        case finish(JobID)
        /// `job` is a bad batch: its inputs go to failed/ with `reason`.
        case fail(JobID, reason: String)
        /// Return claimed inputs to the inbox after a daemon-side failure.
        case giveBack(BatchInputs)
        /// Shutdown: return `job`'s inputs to the inbox unfinished.
        case abandon(JobID)
        /// Adopt the claims of dead daemons → `.adopted`.
        case adoptDeadClaims
        /// Remove reservations no claim holds and temporaries of killed writers.
        case removeStaleReservations
        /// Log "ready" and notify systemd.
        case announceReady(backlog: Int)
        /// Ping the watchdog, refresh the status line.
        case heartbeat(busy: Bool, backlog: Int)
        /// Load the checkpoint again; a bad one leaves the old one serving.
        case reloadCheckpoint
        /// Log "shutting down" and notify systemd.
        case announceStopping(unfinishedJobs: Int)
        /// The daemon cannot go on (`message` says why): it stops and exits with an error.
        case stopOnFailure(String)
        /// Every job is finished or given back: the loop ends.
        case exit
    }
}
