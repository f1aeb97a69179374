import Classifier
import Foundation
import Logging

/// Runs `InboxStateMachine`: feeds it the daemon's inputs and performs the actions it returns,
/// blocking file work on `io`; slices are handed to the caller, which runs them on the compute
/// thread and sends the result back as an input, so events keep being handled while a slice runs.
///
/// Every decision is the machine's; this class holds what the machine does not: the model, the
/// mapped images and predictions of each job (`BatchJob`), telemetry and logging.
final class InboxDaemon {
    let configuration: ServeConfiguration
    let files: InboxFiles
    let io: BlockingQueue
    let logger: Logger
    private let clock = ContinuousClock()
    private let startedAt: ContinuousClock.Instant
    var machine: InboxStateMachine
    var model: ServingModel
    /// The jobs the machine started, by its job ids.
    var jobs: [InboxStateMachine.JobID: BatchJob] = [:]
    /// A slice the machine asked for, handed to the caller when the current input is handled.
    var launch: (job: InboxStateMachine.JobID, slice: SliceRequest)?
    var telemetry: DaemonTelemetry
    /// Set once every job is finished or given back; the loop then ends.
    private(set) var isFinished = false
    /// Why the daemon stopped on its own, if it did.
    var failure: InboxError?

    init(configuration: ServeConfiguration, files: InboxFiles, model: ServingModel, io: BlockingQueue, logger: Logger) {
        self.configuration = configuration
        self.files = files
        self.model = model
        self.io = io
        self.logger = logger
        startedAt = clock.now
        machine = InboxStateMachine(
            labelsGrace: configuration.labelsGrace, rescanInterval: configuration.rescanInterval,
            claimTimeout: configuration.claimTimeout)
        telemetry = DaemonTelemetry(
            metricsURL: configuration.metricsFile, statusURL: configuration.statusFile, model: model,
            logger: logger)
    }

    /// Resumes claims of dead daemons, queues the backlog and announces readiness.
    func start() async -> (job: InboxStateMachine.JobID, slice: SliceRequest)? {
        await feed(.start)
    }

    /// Reacts to one input; returns a slice to run when the compute thread is free and work waits.
    func handle(_ input: DaemonInput) async -> (job: InboxStateMachine.JobID, slice: SliceRequest)? {
        switch input {
        case .event(let event):
            log(event)
            guard let input = InboxStateMachine.Input(event) else { return nil }
            return await feed(input)
        case .watcherFailed(let message): return await feed(.watcherFailed(message))
        case .tick: return await feed(.tick)
        case .reload: return await feed(.reloadRequested)
        case .shutdown: return await feed(.shutdownRequested)
        case .sliceFinished(let id, let result): return await feed(.sliceFinished(id, record(result, of: id)))
        }
    }

    /// The loop was cancelled before every job was given back: give them back now.
    func abandonAll() async {
        _ = await feed(.cancelled)
    }

    /// Hands `input` to the machine and performs its actions in order; an action's result is fed
    /// back (and its own actions performed) before the next action.
    private func feed(_ input: InboxStateMachine.Input) async -> (job: InboxStateMachine.JobID, slice: SliceRequest)? {
        await process(input)
        defer { launch = nil }
        return launch
    }

    private func process(_ input: InboxStateMachine.Input) async {
        for action in machine.handle(input, now: clock.now - startedAt) {
            if let result = await perform(action) { await process(result) }
        }
    }

    /// Performs one action; returns the input that reports its result, if it has one.
    private func perform(_ action: InboxStateMachine.Action) async -> InboxStateMachine.Input? {
        switch action {
        case .look(let name, let event): return await look(at: name, after: event)
        case .scan: return await scan()
        case .reject(let name, let reason, let kind): await reject(name, reason: reason, as: kind)
        case .examineLabels(let name, let batch): return await examineLabels(name, batch: batch)
        case .claimBatch(let name, let batch, let withLabels): return await claimBatch(name, batch: batch, withLabels: withLabels)
        case .claimRelabel(let name, let batch): return await claimRelabel(name, batch: batch)
        case .prepare(let inputs, let id): return await prepare(inputs, as: id)
        case .runSlice(let id, let size): runSlice(id, size: size)
        case .finish(let id): return await finish(id)
        case .fail(let id, let reason): await fail(id, reason: reason)
        case .giveBack(let inputs): await giveBack(inputs)
        case .abandon(let id): await abandon(id)
        case .adoptDeadClaims: return await adoptDeadClaims()
        case .removeStaleReservations:
            await perform("remove stale reservations") { [files] in try files.removeStaleReservations() }
        case .announceReady(let backlog): await announceReady(backlog: backlog)
        case .heartbeat(let busy, let backlog):
            telemetry.heartbeat(busy: busy, backlog: backlog)
            await perform("renew the claims lease") { [files] in try files.claims.renewLease() }
        case .reloadCheckpoint: await reload()
        case .announceStopping(let unfinished):
            logger.notice("shutting down", metadata: ["jobs.unfinished": "\(unfinished)"])
            telemetry.stopping()
        case .stopOnFailure(let message):
            logger.critical("cannot watch the inbox any more; stopping", metadata: ["error": "\(message)"])
            failure = InboxError("\(configuration.inbox.path): watching failed: \(message)")
        case .exit:
            telemetry.stopped()
            await writeMetrics()
            isFinished = true
        }
        return nil
    }

    private func announceReady(backlog: Int) async {
        await writeMetrics()
        telemetry.ready(metadata: [
            "inbox": "\(configuration.inbox.path)", "outbox": "\(configuration.outbox.path)",
            "model.checkpoint": "\(model.checkpointPath)", "model.sha256": "\(model.sha256)",
            "model.grid_phases": "\(model.placements.phases)", "kernels": "\(model.kernelSet)", "backlog": "\(backlog)",
        ])
    }

    /// SIGHUP: loads the checkpoint again; a bad one is logged and the old model keeps serving.
    private func reload() async {
        telemetry.reloading()
        defer { telemetry.serving(model) }
        let configuration = configuration
        do {
            let loaded = try await io.run {
                try ServingModel.load(
                    checkpoint: configuration.checkpoint, workers: configuration.workers,
                    chunkSize: configuration.chunkSize, gridPhases: configuration.gridPhases)
            }
            model = loaded
            logger.notice(
                "checkpoint reloaded", metadata: ["model.checkpoint": "\(loaded.checkpointPath)", "model.sha256": "\(loaded.sha256)"])
        } catch {
            logger.error(
                "cannot reload the checkpoint; the previous one keeps serving",
                metadata: [
                    "model.checkpoint": "\(configuration.checkpoint.path)", "model.sha256": "\(model.sha256)", "error": "\(error)",
                ])
        }
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
        } catch let fenced as ClaimsFenced {
            stepBack(fenced)
        } catch {
            logger.error("file operation failed", metadata: ["operation": "\(what)", "error": "\(error)"])
            return nil
        }
    }

    /// Another daemon took this one's claims (it was paused or cut off for longer than the claim
    /// timeout): it must write nothing more for them, so the process ends here, at once, without
    /// giving anything back. Its supervisor (systemd, Kubernetes) starts it afresh.
    ///
    /// One thing is undone first: a pause can fall inside reserving a stem, which then completes
    /// after the claims were taken and would block relabelling that stem. Reservations no claim
    /// holds are removed (the adopter's, whose claims hold the token, stay).
    private func stepBack(_ fenced: ClaimsFenced) -> Never {
        logger.critical("claims adopted by another daemon; exiting without writing", metadata: ["error": "\(fenced)"])
        try? files.removeStaleReservations()
        exit(Self.fencedExitStatus)
    }

    /// EX_TEMPFAIL: a restart is the cure.
    static let fencedExitStatus: Int32 = 75
}
