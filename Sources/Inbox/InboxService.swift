import AsyncAlgorithms
import Classifier
import Logging
import ServiceLifecycle
import SystemPackage
import UnixSignals
import Watcher

/// `sumd serve` as a `Service`: watches the inbox and turns every batch dropped there into reports
/// in the outbox until SIGTERM/SIGINT (graceful shutdown of its `ServiceGroup`); SIGHUP reloads
/// the checkpoint.
///
/// On graceful shutdown it stops taking files, gives the batch in flight back to the inbox at the
/// next slice boundary (about half a second) and returns.
public struct InboxService: Service {
    public let configuration: ServeConfiguration
    public let logger: Logger

    public init(configuration: ServeConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let configuration = configuration
        let io = BlockingQueue(label: "sumd.inbox.io")
        let compute = BlockingQueue(label: "sumd.inbox.compute")
        let model: ServingModel
        do {
            model = try await io.run {
                try ServingModel.load(
                    checkpoint: configuration.checkpoint, workers: configuration.workers,
                    chunkSize: configuration.chunkSize, gridPhases: configuration.gridPhases)
            }
        } catch {
            throw InboxError("cannot serve \(configuration.checkpoint.path): \(error)")
        }
        let layout = InboxLayout(configuration)
        try await io.run { try layout.prepare() }
        if configuration.rescanInterval == nil, let kind = SharedFilesystem.type(of: layout.inbox) {
            logger.warning(
                "the inbox is on a shared filesystem, where inotify does not see files other hosts write; set rescan_interval (--rescan-interval), e.g. 5 s",
                metadata: [
                    "inbox": "\(layout.inbox)", "filesystem": "\(kind)",
                ])
        }
        let claims = try await io.run {
            try ClaimDirectory(inbox: layout.inbox, owner: HostIdentity.current.description, claimTimeout: configuration.claimTimeout)
        }
        defer { claims.dispose() }
        let watcher = try await DirectoryWatcher(watching: layout.inbox)
        // Trapped before "ready", so a SIGHUP right after it is not the default (terminating) action.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let daemon = InboxDaemon(
            configuration: configuration, files: InboxFiles(layout: layout, claims: claims),
            model: model, io: io, logger: logger)
        // Slice results wait for the loop to take them (at most one slice runs); a shutdown request
        // is kept until the loop takes it (one is enough).
        let results = AsyncChannel<DaemonInput>()
        let (stops, stop) = AsyncStream.makeStream(of: DaemonInput.self, bufferingPolicy: .bufferingNewest(1))
        let inputs = DaemonInputs.merged(
            events: WatcherInputs(watcher.events),
            ticks: AsyncTimerSequence.repeating(every: .seconds(1), clock: .continuous).map { _ in DaemonInput.tick },
            signals: hangups.map { _ in DaemonInput.reload },
            results: results, stops: stops
        )

        await withDiscardingTaskGroup { group in
            /// Runs a slice on the compute thread and reports back through `results`.
            func launch(_ work: (job: Int, slice: SliceRequest)?) {
                guard let (job, slice) = work else { return }
                group.addTask {
                    do {
                        await results.send(.sliceFinished(job: job, .success(try await compute.run { try slice.run() })))
                    } catch {
                        await results.send(.sliceFinished(job: job, .failure(error)))
                    }
                }
            }
            await withGracefulShutdownHandler {
                launch(await daemon.start())
                for await input in inputs {
                    launch(await daemon.handle(input))
                    if daemon.isFinished { break }
                }
                // Cancelled before every job was given back (the shutdown took too long): give them back now.
                if !daemon.isFinished { await daemon.abandonAll() }
            } onGracefulShutdown: {
                stop.yield(.shutdown)
            }
            // Ending the loop dropped the merged inputs, which cancelled the watcher's consumer.
            results.finish()
        }
        // Not waiting for the watcher's thread (it polls once a second): the process is about to end.
        stop.finish()
        if let failure = daemon.failure { throw failure }
        logger.notice("stopped")
    }
}
