import Foundation
import Logging
import Watcher

/// The machine's inbox actions, performed on the IO thread: looking at entries, claiming them,
/// rejecting them, adopting dead daemons' claims.
extension InboxDaemon {
    /// Logs what an event says about the inbox itself (entries are the machine's business).
    func log(_ event: DirectoryEvent) {
        switch event {
        case .overflow:
            logger.warning("inotify queue overflowed; rescanning the inbox")
        case .rewatched:
            logger.notice("the inbox is back; rescanning it")
        case .directoryLost:
            logger.error(
                "the inbox was removed or moved away; waiting for it to come back",
                metadata: ["inbox": "\(configuration.inbox.path)"])
        case .closedAfterWriting, .movedIn, .created:
            break
        }
    }

    func look(at name: String, after event: InboxStateMachine.EntryEvent?) async -> InboxStateMachine.Input {
        let inbox = files.layout.inbox
        let status = await perform("stat \(name)", { try EntryStatus.of(inbox.appending(name)) }) ?? nil
        return .looked(name, status, after: event)
    }

    /// Lists the inbox; a listing that fails counts as an empty one (the next rescan or tick retries).
    func scan() async -> InboxStateMachine.Input {
        let inbox = files.layout.inbox
        let entries = await perform("list the inbox", { try EntryStatus.all(in: inbox) }) ?? []
        return .scanned(entries.map { InboxStateMachine.ScannedEntry(name: $0.name, status: $0.status) })
    }

    /// Moves an inbox entry that is not a usable batch to failed/ with its reason.
    func reject(_ name: String, reason: String, as kind: DaemonTelemetry.FailureReason) async {
        let moved = await perform(
            "move \(name) to failed",
            { [files] () -> Bool in
                guard let claimed = try files.claimEntry(name) else { return false }
                _ = try files.failFiles([claimed], base: claimed.kind.base ?? name, reason: reason)
                return true
            })
        guard moved == true else { return }
        logger.warning("rejected inbox entry moved to failed", metadata: ["file": "\(name)", "error": "\(reason)"])
        telemetry.failed(kind)
        await writeMetrics()
    }

    /// Where labels stand; nothing (they keep waiting) if that cannot be found out.
    func examineLabels(_ name: String, batch: String) async -> InboxStateMachine.Input? {
        let situation = await perform("look at \(name)", { [files] in try files.labelsSituation(labels: name, batch: batch) })
        return situation.map { .labelsExamined(name, $0) }
    }

    func claimBatch(_ name: String, batch: String, withLabels: Bool) async -> InboxStateMachine.Input {
        .claimed(await perform("claim \(name)", { [files] in try files.claimBatch(name, batch: batch, withLabels: withLabels) }) ?? nil)
    }

    /// Claims late labels for the earlier batch they belong to, if that still holds now.
    func claimRelabel(_ name: String, batch: String) async -> InboxStateMachine.Input {
        let inputs =
            await perform(
                "claim \(name)",
                { [files] () -> BatchInputs? in
                    guard case .relabel(let stem, let images) = try files.labelsSituation(labels: name, batch: batch) else { return nil }
                    return try files.claimRelabel(name, batch: batch, stem: stem, images: images)
                }) ?? nil
        return .claimed(inputs)
    }

    /// Adopts claims of dead daemons (which completes, gives back or rejects most of them) and logs
    /// what became of each.
    func adoptDeadClaims() async -> InboxStateMachine.Input? {
        guard let resumptions = await perform("adopt claims of stopped daemons", { [files] in try files.adoptDeadClaims() }) else {
            return nil
        }
        for resumption in resumptions {
            switch resumption {
            case .run(let inputs):
                logger.notice("resuming a batch left by a stopped daemon", metadata: ["batch.file": "\(inputs.displayName)"])
            case .completed(let inputs):
                logger.notice(
                    "completed a batch left by a stopped daemon",
                    metadata: [
                        "batch.file": "\(inputs.displayName)", "batch.stem": "\(inputs.stem ?? "")",
                    ])
            case .released(let inputs):
                logger.notice("gave back to the inbox a batch left by a stopped daemon", metadata: ["batch.file": "\(inputs.displayName)"])
            case .rejected(let name, let reason):
                logger.warning("rejected inbox entry moved to failed", metadata: ["file": "\(name)", "error": "\(reason)"])
            }
        }
        return .adopted(resumptions)
    }
}
