/// Every decision of `sumd serve`, as a value: which inbox entries are complete, which batch is
/// claimed next and with which labels, when labels are orphans, when a batch given back may be
/// taken again, how big the next slice is, whose turn it is, what a dead daemon's claims become,
/// and how the daemon stops (docs/daemon-design.md; its last section maps each rule to a file).
///
/// It does no IO, reads no clock and never waits: `handle(_:now:)` takes one `Input` (an inotify
/// event, the 1 s tick, a signal, or the result of an earlier `Action`) and the time since start,
/// and returns the `Action`s to perform, in order. `InboxDaemon` performs them on the IO and compute
/// threads and feeds each result back as an input before it performs the next action, so the
/// machine sees the world in the order it asked about it. Tests feed inputs with a fake clock.
struct InboxStateMachine {
    /// A job (a claimed batch being predicted), as the machine and its runner name it.
    typealias JobID = Int

    /// Where the daemon is in its life.
    enum Phase: Equatable {
        /// Resuming dead daemons' claims and listing the backlog; no work is started yet.
        case starting
        /// Taking files and running jobs.
        case serving
        /// Shutdown asked for: no new files; the slice in flight ends, then every job is given back.
        case stopping
        /// Everything given back; the loop ends.
        case stopped
    }

    /// What the compute pipeline (claim, prepare, slices, reports) of the one job at a time is doing.
    enum Compute: Equatable {
        case idle
        /// A claim of this turn's files is being attempted.
        case claiming(Turn)
        /// The claimed inputs are being reserved, mapped and checked as job `JobID`.
        case preparing(JobID)
        /// A slice of the job runs on the compute thread.
        case running(JobID)
        /// The job's reports are being written.
        case finishing(JobID)
    }

    /// A started job: its claimed inputs (with the reserved stem) and its progress.
    struct Job: Equatable {
        var inputs: BatchInputs
        let images: Int
        var done = 0

        var isComplete: Bool { done >= images }
    }

    /// How long labels wait for their batch before they go to failed/ (`--labels-grace`).
    let labelsGrace: Duration
    /// How often the inbox is listed besides inotify (`--rescan-interval`; nil: only at start and
    /// after lost events). Files written by other hosts of a shared filesystem are seen only so.
    let rescanInterval: Duration?
    /// How often dead daemons' claims are looked for: often enough that a lease silent for
    /// `--claim-timeout` is noticed soon after.
    let adoptionInterval: Duration

    var phase = Phase.starting
    var compute = Compute.idle
    /// Work waiting for the compute thread, taken in turn.
    var turns = TurnQueue()
    /// Regular files seen but not known to be completely written, and how each is waited for.
    var unsettled: [String: Settling] = [:]
    /// Settled labels waiting for their batch, with when they settled.
    var waitingLabels: [String: Duration] = [:]
    /// Inputs given back after a daemon-side failure, not taken again before the time.
    var retryAfter: [String: Duration] = [:]
    var jobs: [JobID: Job] = [:]
    var nextJobID: JobID = 0
    /// Images in the next slice: about `sliceTarget` of work at the measured rate.
    var sliceSize = InboxStateMachine.firstSliceSize
    /// When dead daemons' claims were last looked for, and the inbox last listed.
    var lastAdoption = Duration.zero
    var lastScan = Duration.zero

    init(labelsGrace: Duration, rescanInterval: Duration? = nil, claimTimeout: Duration = .seconds(30)) {
        self.labelsGrace = labelsGrace
        self.rescanInterval = rescanInterval
        adoptionInterval = min(Self.longestAdoptionInterval, claimTimeout / 3)
    }

    /// Batches waiting for their turn (for the status line and metrics).
    var backlog: Int { turns.count }

    /// Reacts to `input` at `now` (the time since the daemon started); returns what to do, in order.
    mutating func handle(_ input: Input, now: Duration) -> [Action] {
        guard phase != .stopped else { return [] }
        var actions: [Action]
        switch input {
        case .start: actions = start(now: now)
        case .changed(let name, let event): actions = changed(name, after: event)
        case .eventsLost: actions = rescan()
        case .tick: actions = tick(now: now)
        case .reloadRequested: actions = [.reloadCheckpoint]
        case .shutdownRequested: actions = shutdownRequested()
        case .watcherFailed(let message): actions = watcherFailed(message)
        case .cancelled: actions = cancelled()
        case .looked(let name, let status, let event): actions = looked(name, status, after: event, now: now)
        case .scanned(let entries): actions = scanned(entries, now: now)
        case .labelsExamined(let name, let situation): actions = labelsExamined(name, situation, now: now)
        case .adopted(let resumptions): actions = adopted(resumptions)
        case .claimed(let inputs): actions = claimed(inputs)
        case .prepared(let job, let inputs, let outcome): actions = prepared(job, inputs, outcome, now: now)
        case .sliceFinished(let job, let result): actions = sliceFinished(job, result)
        case .finished(let job, let succeeded): actions = finished(job, succeeded: succeeded, now: now)
        }
        return actions + nextWork()
    }

    /// True while new files are looked at (not once shutdown was asked for).
    var isTakingFiles: Bool { phase == .starting || phase == .serving }

    mutating func newJobID() -> JobID {
        defer { nextJobID += 1 }
        return nextJobID
    }
}
