/// Taking turns on the compute thread: one job at a time claims, prepares and runs a slice
/// (docs/daemon-design.md, "Claiming" and "Work"), and a daemon-side failure gives the batch
/// back for `retryDelay`.
extension InboxStateMachine {
    /// How long inputs given back after a daemon-side failure stay untouched in the inbox.
    static let retryDelay = Duration.seconds(10)

    /// When the compute pipeline is free: the next turn's first step; once stopping, the give-back
    /// of every job.
    mutating func nextWork() -> [Action] {
        guard compute == .idle else { return [] }
        if phase == .stopping { return abandonAll() }
        guard phase == .serving else { return [] }
        while let turn = turns.popFirst() {
            switch turn {
            case .batch(let name):
                guard case let kind = InboxName(name), kind.isBatch, let batch = kind.base else { continue }
                unsettled[name] = nil
                compute = .claiming(turn)
                // Labels that arrived first are claimed with their batch.
                let withLabels = waitingLabels[batch + InboxName.labelsSuffix] != nil
                return [.claimBatch(name, batch: batch, withLabels: withLabels)]
            case .relabel(let name):
                guard case .labels(let batch) = InboxName(name), waitingLabels[name] != nil else { continue }
                compute = .claiming(turn)
                return [.claimRelabel(name, batch: batch)]
            case .job(let id):
                guard jobs[id] != nil else { continue }
                compute = .running(id)
                return [.runSlice(id, size: sliceSize)]
            }
        }
        return []
    }

    /// The claim of the current turn: prepare what was claimed; if nothing was, the next turn goes.
    mutating func claimed(_ inputs: BatchInputs?) -> [Action] {
        guard case .claiming(let turn) = compute else { return [] }
        compute = .idle
        guard let inputs else { return [] }
        if case .relabel(let name) = turn { waitingLabels[name] = nil }
        if let labels = inputs.labels { waitingLabels[labels.original] = nil }
        let id = newJobID()
        compute = .preparing(id)
        return [.prepare(inputs, job: id)]
    }

    /// A prepared job runs at once when it is the current turn; a resumed one goes first in line.
    mutating func prepared(_ id: JobID, _ inputs: BatchInputs, _ outcome: PrepareOutcome, now: Duration) -> [Action] {
        let isCurrentTurn = compute == .preparing(id)
        if isCurrentTurn { compute = .idle }
        switch outcome {
        case .ready(let inputs, let images):
            jobs[id] = Job(inputs: inputs, images: images)
            guard isCurrentTurn else {
                turns.enqueue(.job(id), first: true)
                return []
            }
            guard phase == .serving else { return [] }  // Given back by `nextWork`.
            compute = .running(id)
            return [.runSlice(id, size: sliceSize)]
        case .rejected:
            return []
        case .failed:
            return giveBack(inputs, now: now)
        }
    }

    /// Returns claimed inputs to the inbox after a daemon-side failure; they are not taken again
    /// for `retryDelay`, so a full disk does not turn into a busy loop.
    mutating func giveBack(_ inputs: BatchInputs, now: Duration) -> [Action] {
        for file in inputs.claimed { retryAfter[file.original] = now + Self.retryDelay }
        return [.giveBack(inputs)]
    }
}
