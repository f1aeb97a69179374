import Classifier
import Foundation
import Logging

/// The daemon's state and its reactions to `DaemonInput`s: which inbox entries are settled, which
/// batches wait for their turn, which jobs are half done.
///
/// One task owns it and feeds it inputs one at a time; blocking file work runs on `io` and
/// prediction on the compute thread (the caller runs the `SliceRequest`s `handle` returns), so
/// events keep being handled while a slice runs. Jobs take turns slice by slice (round-robin),
/// so a huge batch never starves small ones.
final class InboxDaemon {
    /// A unit of work waiting for the compute thread.
    enum Turn: Hashable {
        /// A settled `NAME.npy`/`NAME.npz` still in the inbox.
        case batch(String)
        /// Settled `NAME.labels.npy` that belong to an already reported batch.
        case relabel(String)
        /// The next slice of a started job.
        case job(Int)
    }

    let configuration: ServeConfiguration
    let files: InboxFiles
    let io: BlockingQueue
    let logger: Logger
    let clock = ContinuousClock()
    var model: ServingModel

    var turns: [Turn] = []
    var queued: Set<Turn> = []
    /// How a regular file not yet known to be completely written is waited for.
    enum Settling {
        /// Seen by a scan: complete once unmodified for `settleAge`.
        case quiet
        /// Created in place (`IN_CREATE` of a fresh file): complete when closed after writing;
        /// failing that (a writer that never closes), once unmodified for `inPlaceSettleAge`.
        case writing
    }

    /// Regular files seen but not known to be completely written.
    var unsettled: [String: Settling] = [:]
    /// Settled labels waiting for their batch, with when they settled.
    var waitingLabels: [String: ContinuousClock.Instant] = [:]
    /// Inputs given back after a daemon-side failure (say, a full disk), not taken again before the time.
    var retryAfter: [String: ContinuousClock.Instant] = [:]
    static let retryDelay = Duration.seconds(10)
    var jobs: [Int: BatchJob] = [:]
    var nextJobID = 0
    /// The job whose slice is on the compute thread.
    var running: Int?
    var isShuttingDown = false
    /// Set once every job is finished or given back; the loop then ends.
    private(set) var isFinished = false
    /// Why the daemon stopped on its own, if it did.
    var failure: InboxError?
    /// Images per slice, adapted so that a slice takes about `sliceTarget` (a bounded wait on SIGTERM).
    var sliceSize = 256
    let sliceTarget = 0.5
    var lastAdoption: ContinuousClock.Instant
    var telemetry: DaemonTelemetry

    init(configuration: ServeConfiguration, files: InboxFiles, model: ServingModel, io: BlockingQueue, logger: Logger) {
        self.configuration = configuration
        self.files = files
        self.model = model
        self.io = io
        self.logger = logger
        lastAdoption = clock.now
        telemetry = DaemonTelemetry(metricsURL: configuration.metricsFile, model: model, logger: logger)
    }

    /// Resumes claims of dead daemons, queues the backlog and announces readiness.
    func start() async -> (job: Int, slice: SliceRequest)? {
        await adoptDeadClaims()
        await perform("remove stale reservations") { [files] in try files.removeStaleReservations() }
        await rescan()
        await writeMetrics()
        telemetry.ready(metadata: [
            "inbox": "\(configuration.inbox.path)", "outbox": "\(configuration.outbox.path)",
            "model.checkpoint": "\(model.checkpointPath)", "model.sha256": "\(model.sha256)",
            "kernels": "\(model.kernelSet)", "backlog": "\(turns.count)",
        ])
        return await nextSlice()
    }

    /// Reacts to one input; returns a slice to run when the compute thread is free and work waits.
    func handle(_ input: DaemonInput) async -> (job: Int, slice: SliceRequest)? {
        switch input {
        case let .event(event): await observe(event)
        case let .watcherFailed(message):
            logger.critical("cannot watch the inbox any more; stopping", metadata: ["error": "\(message)"])
            failure = InboxError("\(configuration.inbox.path): watching failed: \(message)")
            isShuttingDown = true
        case .tick: await tick()
        case .reload: await reload()
        case .shutdown:
            if !isShuttingDown {
                logger.notice("shutting down", metadata: ["jobs.unfinished": "\(jobs.count)"])
                telemetry.stopping()
            }
            isShuttingDown = true
        case let .sliceFinished(job, result): await sliceFinished(job, result)
        }
        if isShuttingDown {
            if running == nil { await abandonAll() }
            return nil
        }
        return await nextSlice()
    }

    /// Gives every unfinished job back to the inbox; the loop ends after this.
    func abandonAll() async {
        for (_, job) in jobs.sorted(by: { $0.key < $1.key }) {
            await perform("give back \(job.inputs.displayName)") { [files, inputs = job.inputs] in try files.release(inputs) }
            logger.notice("batch given back to the inbox", metadata: [
                "batch.file": "\(job.inputs.displayName)", "batch.images_done": "\(job.done)", "batch.images": "\(job.images.count)",
            ])
        }
        jobs = [:]
        telemetry.stopped()
        await writeMetrics()
        isFinished = true
    }

    /// SIGHUP: loads the checkpoint again; a bad one is logged and the old model keeps serving.
    func reload() async {
        telemetry.reloading()
        defer { telemetry.serving(model) }
        let configuration = configuration
        do {
            let loaded = try await io.run {
                try ServingModel.load(checkpoint: configuration.checkpoint, workers: configuration.workers,
                                      chunkSize: configuration.chunkSize)
            }
            model = loaded
            logger.notice("checkpoint reloaded", metadata: ["model.checkpoint": "\(loaded.checkpointPath)", "model.sha256": "\(loaded.sha256)"])
        } catch {
            logger.error("cannot reload the checkpoint; the previous one keeps serving", metadata: [
                "model.checkpoint": "\(configuration.checkpoint.path)", "model.sha256": "\(model.sha256)", "error": "\(error)",
            ])
        }
    }

    /// Gives a batch back to the inbox after a daemon-side failure, to be tried again after `retryDelay`.
    func giveBack(_ inputs: BatchInputs) async {
        await perform("give back \(inputs.displayName)") { [files] in try files.release(inputs) }
        for file in inputs.claimed { retryAfter[file.original] = clock.now + Self.retryDelay }
    }

    func enqueue(_ turn: Turn, first: Bool = false) {
        guard queued.insert(turn).inserted else { return }
        if first { turns.insert(turn, at: 0) } else { turns.append(turn) }
    }

    /// Replaces the metrics file (when `--metrics-file` is set) with the current figures.
    func writeMetrics() async {
        guard let url = telemetry.metricsURL else { return }
        let metrics = telemetry.metrics
        await perform("write metrics") { try metrics.write(to: url) }
    }

    /// Runs `work` on the IO thread; a failure is logged as a daemon-side problem.
    @discardableResult
    func perform<Result: Sendable>(_ what: String, _ work: @escaping @Sendable () throws -> Result) async -> Result? {
        do {
            return try await io.run(work)
        } catch {
            logger.error("file operation failed", metadata: ["operation": "\(what)", "error": "\(error)"])
            return nil
        }
    }
}
