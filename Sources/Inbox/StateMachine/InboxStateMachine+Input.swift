import Watcher

extension InboxStateMachine {
    /// Everything the machine reacts to: what happened (events, the tick, signals) and what became
    /// of the actions it asked for.
    enum Input {
        /// The watch is established: resume dead daemons' claims, clean up, list the backlog.
        case start
        /// inotify said something about inbox entry `name`.
        case changed(String, EntryEvent)
        /// Events may have been lost (inotify overflow, the inbox watched again): rescan.
        case eventsLost
        /// The 1 s clock: settle quiet files, look at waiting labels, adopt dead claims.
        case tick
        /// SIGHUP.
        case reloadRequested
        /// SIGTERM or SIGINT.
        case shutdownRequested
        /// The watcher stopped with an error: the daemon cannot see new files any more.
        case watcherFailed(String)
        /// The daemon's loop is being cancelled (shutdown took too long): give everything back now.
        case cancelled

        // Results of actions.
        /// `.look`: the entry's status, nil if it is gone.
        case looked(String, EntryStatus?, after: EntryEvent?)
        /// `.scan`: every inbox entry with its status (none if the inbox could not be listed).
        case scanned([ScannedEntry])
        /// `.examineLabels`.
        case labelsExamined(String, InboxFiles.LabelsSituation)
        /// `.adoptDeadClaims`: what became of each dead daemon's claim.
        case adopted([InboxFiles.Resumption])
        /// `.claimBatch` or `.claimRelabel`: the claimed inputs, nil if another daemon was first or
        /// the claim failed.
        case claimed(BatchInputs?)
        /// `.prepare` of job `JobID` for `inputs` (as asked for).
        case prepared(JobID, BatchInputs, PrepareOutcome)
        /// `.runSlice`.
        case sliceFinished(JobID, SliceResult)
        /// `.finish`: true once reports, summary row and moves to processed/ are done.
        case finished(JobID, succeeded: Bool)

        /// The input an inotify event stands for; nil for events only worth a log line.
        init?(_ event: DirectoryEvent) {
            switch event {
            case .closedAfterWriting(let name), .movedIn(let name): self = .changed(name.string, .complete)
            case .created(let name): self = .changed(name.string, .created)
            case .overflow, .rewatched: self = .eventsLost
            case .directoryLost: return nil
            }
        }
    }

    /// What an inotify event said about an entry.
    enum EntryEvent: Equatable, Sendable {
        /// Closed after writing, or renamed in: complete.
        case complete
        /// Created: being written in place, or hard-linked in.
        case created
    }

    /// An inbox entry found by a scan.
    struct ScannedEntry: Sendable {
        let name: String
        let status: EntryStatus
    }

    /// How preparing a job (reserving its stem, mapping and checking its inputs) went.
    enum PrepareOutcome: Sendable {
        /// Ready to run: the inputs (now with their stem) hold `images` images.
        case ready(BatchInputs, images: Int)
        /// A bad batch: its inputs are already in failed/ with the reason.
        case rejected
        /// A daemon-side failure (say, a full disk): give the batch back and try again later.
        case failed
    }

    /// How a slice ended on the compute thread.
    enum SliceResult: Sendable {
        case predicted(images: Int, elapsed: Duration)
        /// The batch is bad (NaN found, …): the reason, naming the inbox file.
        case failed(String)
    }
}
