import Foundation
import Logging
import Watcher

extension InboxDaemon {
    /// How long a file seen only by a scan must be unmodified before it counts as completely written.
    static let settleAge = 2.0
    /// The same for a file created in place whose writer never closed it after writing.
    static let inPlaceSettleAge = 60.0
    /// How often claims of dead daemons are looked for.
    static let adoptionInterval = Duration.seconds(10)

    /// Reacts to one inotify event.
    func observe(_ event: DirectoryEvent) async {
        switch event {
        case let .closedAfterWriting(name), let .movedIn(name):
            await look(at: name.string, after: .complete)
        case let .created(name):
            await look(at: name.string, after: .created)
        case .overflow:
            logger.warning("inotify queue overflowed; rescanning the inbox")
            await rescan()
        case .rewatched:
            logger.notice("the inbox is back; rescanning it")
            await rescan()
        case .directoryLost:
            logger.error("the inbox was removed or moved away; waiting for it to come back",
                         metadata: ["inbox": "\(configuration.inbox.path)"])
        }
    }

    /// Lists the inbox and looks at every entry (start-up backlog, overflow, re-watch).
    func rescan() async {
        let inbox = files.layout.inbox
        // Close events may have been lost: every unsettled file now waits for quiet.
        for name in unsettled.keys { unsettled[name] = .quiet }
        guard let entries = await perform("list the inbox", { try EntryStatus.all(in: inbox) }) else { return }
        for (name, status) in entries { await settle(name, status: status, event: nil) }
    }

    /// The 1 s clock: settles quiet files, looks at waiting labels, adopts dead daemons' claims.
    func tick() async {
        telemetry.heartbeat(busy: running != nil || !jobs.isEmpty, backlog: turns.count)
        let inbox = files.layout.inbox
        for name in unsettled.keys.sorted() {
            let status = await perform("stat \(name)", { try EntryStatus.of(name, in: inbox) }) ?? nil
            guard let status else { unsettled[name] = nil; continue }
            await settle(name, status: status, event: nil)
        }
        for name in waitingLabels.keys.sorted() { await considerLabels(name) }
        if clock.now - lastAdoption >= Self.adoptionInterval {
            lastAdoption = clock.now
            await adoptDeadClaims()
        }
    }

    /// Looks at entry `name` after an event.
    private func look(at name: String, after event: EntryEvent) async {
        guard InboxName(name) != .ignored, !queued.contains(.batch(name)) else { return }
        let inbox = files.layout.inbox
        let status = await perform("stat \(name)", { try EntryStatus.of(name, in: inbox) }) ?? nil
        guard let status else { unsettled[name] = nil; return }
        await settle(name, status: status, event: event)
    }

    /// What an event said about an entry.
    enum EntryEvent {
        /// Closed after writing, or renamed in: complete.
        case complete
        /// Created: being written in place, or hard-linked in.
        case created
    }

    /// Decides about an entry: non-regular entries go to failed/ at once; regular files are taken
    /// once complete (an event said so, or unmodified long enough, see `Settling`).
    private func settle(_ name: String, status: EntryStatus, event: EntryEvent?) async {
        let kind = InboxName(name)
        guard kind != .ignored, !queued.contains(.batch(name)), !queued.contains(.relabel(name)) else { return }
        if let irregularity = status.irregularity {
            unsettled[name] = nil
            await reject(name, reason: "\(name) \(irregularity); sumd only reads regular files")
            return
        }
        // A created file whose content is already old is a hard link (say, a batch given back by
        // another daemon): complete. A fresh one is being written in place.
        if event == .created, status.age < Self.settleAge { unsettled[name] = .writing }
        if let retry = retryAfter[name], retry > clock.now {
            unsettled[name] = unsettled[name] ?? .quiet  // Looked at again on the tick.
            return
        }
        let settling = unsettled[name] ?? .quiet
        guard event == .complete || status.age >= (settling == .writing ? Self.inPlaceSettleAge : Self.settleAge) else {
            unsettled[name] = settling
            return
        }
        unsettled[name] = nil
        retryAfter[name] = nil
        switch kind {
        case .images, .archive:
            enqueue(.batch(name))
        case .labels:
            if waitingLabels[name] == nil { waitingLabels[name] = clock.now }
            await considerLabels(name)
        case .other:
            await reject(name, reason: "\(name) is not a batch: sumd takes NAME.npy, NAME.labels.npy or NAME.npz")
        case .ignored:
            break
        }
    }

    /// Labels wait for their batch; or they relabel an earlier unlabelled batch; or, after the
    /// grace period, they go to failed/.
    func considerLabels(_ name: String) async {
        guard case let .labels(batch) = InboxName(name), let since = waitingLabels[name],
              !queued.contains(.relabel(name)) else { return }
        let waited = clock.now - since
        let grace = configuration.labelsGrace
        let plan = await perform("look at \(name)", { [files] in
            try files.plan(labels: name, batch: batch, waited: waited, grace: grace)
        })
        switch plan {
        case .wait?, nil:
            break
        case .gone?:
            waitingLabels[name] = nil
        case .relabel?:
            enqueue(.relabel(name))
        case .orphan?:
            waitingLabels[name] = nil
            let seconds = grace.components.seconds
            await reject(name, reason: "\(name): no batch \(batch).npy arrived within \(seconds) s of these labels", as: .orphanLabels)
        }
    }

    /// Moves an inbox entry that is not a usable batch to failed/ with its reason.
    private func reject(_ name: String, reason: String, as kind: DaemonTelemetry.FailureReason = .notABatch) async {
        let moved = await perform("move \(name) to failed", { [files] () -> Bool in
            guard let claimed = try files.claimEntry(name) else { return false }
            _ = try files.failFiles([claimed], base: claimed.kind.base ?? name, reason: reason)
            return true
        })
        guard moved == true else { return }
        logger.warning("rejected inbox entry moved to failed", metadata: ["file": "\(name)", "error": "\(reason)"])
        telemetry.failed(kind)
        await writeMetrics()
    }

    /// Adopts claims of dead daemons and resumes them ahead of new work.
    func adoptDeadClaims() async {
        guard let resumptions = await perform("adopt claims of stopped daemons", { [files] in try files.adoptDeadClaims() }) else {
            return
        }
        for resumption in resumptions {
            switch resumption {
            case let .run(inputs):
                logger.notice("resuming a batch left by a stopped daemon", metadata: ["batch.file": "\(inputs.displayName)"])
                if let job = await prepare(inputs) { enqueue(.job(job), first: true) }
            case let .completed(inputs):
                logger.notice("completed a batch left by a stopped daemon", metadata: [
                    "batch.file": "\(inputs.displayName)", "batch.stem": "\(inputs.stem ?? "")",
                ])
            case let .released(inputs):
                logger.notice("gave back to the inbox a batch left by a stopped daemon", metadata: ["batch.file": "\(inputs.displayName)"])
            case let .rejected(name, reason):
                logger.warning("rejected inbox entry moved to failed", metadata: ["file": "\(name)", "error": "\(reason)"])
            }
        }
    }
}
