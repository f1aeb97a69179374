/// Start-up with crash recovery, the 1 s tick, and shutdown (docs/daemon-design.md, "Claiming",
/// "Order of durable steps" and "Work").
extension InboxStateMachine {
    /// Claims of dead daemons are looked for at least this often.
    static let longestAdoptionInterval = Duration.seconds(10)

    /// Dead daemons' claims are resumed first, then stale reservations go, then the backlog is
    /// listed; "ready" follows the listing (`scanned`).
    mutating func start(now: Duration) -> [Action] {
        guard phase == .starting else { return [] }
        lastAdoption = now
        lastScan = now
        return [.adoptDeadClaims, .removeStaleReservations, .scan]
    }

    /// Claims that need running again are prepared and go ahead of new work; the others were
    /// completed, given back to the inbox or rejected by the adoption itself.
    mutating func adopted(_ resumptions: [InboxFiles.Resumption]) -> [Action] {
        resumptions.compactMap { resumption in
            guard case .run(let inputs) = resumption else { return nil }
            return .prepare(inputs, job: newJobID())
        }
    }

    /// The watchdog, files waiting for quiet, labels waiting for their batch or their grace, every
    /// `adoptionInterval` the claims of daemons that died meanwhile and the reservations no claim
    /// holds (a daemon killed between steps 6 and 7, or fenced after it reserved), and every
    /// `rescanInterval` a listing of the inbox.
    mutating func tick(now: Duration) -> [Action] {
        guard isTakingFiles else { return [] }
        var actions: [Action] = [.heartbeat(busy: compute != .idle || !jobs.isEmpty, backlog: backlog)]
        actions += unsettled.keys.sorted().map { .look($0, after: nil) }
        actions += waitingLabels.keys.sorted().flatMap(considerLabels)
        if now - lastAdoption >= adoptionInterval {
            lastAdoption = now
            actions += [.adoptDeadClaims, .removeStaleReservations]
        }
        if let rescanInterval, now - lastScan >= rescanInterval {
            lastScan = now
            actions.append(.scan)
        }
        return actions
    }

    /// Stops taking files; the slice in flight ends, then every job is given back (`nextWork`).
    mutating func shutdownRequested() -> [Action] {
        guard isTakingFiles else { return [] }
        phase = .stopping
        return [.announceStopping(unfinishedJobs: jobs.count)]
    }

    /// Stops like a shutdown, and the daemon exits with the failure.
    mutating func watcherFailed(_ message: String) -> [Action] {
        phase = .stopping
        return [.stopOnFailure(message)]
    }

    /// The loop is cancelled: every job is given back now, even one whose slice still runs.
    mutating func cancelled() -> [Action] {
        compute = .idle
        return abandonAll()
    }

    /// Gives every unfinished job back to the inbox and ends.
    mutating func abandonAll() -> [Action] {
        let abandoned = jobs.keys.sorted().map(Action.abandon)
        jobs = [:]
        turns.removeAll()
        phase = .stopped
        return abandoned + [.exit]
    }
}
