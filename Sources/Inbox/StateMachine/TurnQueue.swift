/// A unit of work waiting for the compute thread.
enum Turn: Hashable, Sendable {
    /// A settled `NAME.npy`/`NAME.npz` still in the inbox: claim it, then start a job.
    case batch(String)
    /// Settled `NAME.labels.npy` that belong to an already reported batch: relabel it.
    case relabel(String)
    /// The next slice of a started job.
    case job(InboxStateMachine.JobID)
}

/// Turns in the order they are taken: new work and the next slice of a running job join at the
/// back (round-robin: after each slice a waiting job goes next, so a huge batch never starves small
/// ones), resumed work from a dead daemon at the front. A turn waits at most once.
struct TurnQueue: Equatable {
    private var order: [Turn] = []
    private var members: Set<Turn> = []

    var count: Int { order.count }

    func contains(_ turn: Turn) -> Bool { members.contains(turn) }

    /// Adds `turn` at the back (or the front when `first`), unless it already waits.
    mutating func enqueue(_ turn: Turn, first: Bool = false) {
        guard members.insert(turn).inserted else { return }
        if first { order.insert(turn, at: 0) } else { order.append(turn) }
    }

    mutating func popFirst() -> Turn? {
        guard !order.isEmpty else { return nil }
        let turn = order.removeFirst()
        members.remove(turn)
        return turn
    }

    mutating func removeAll() {
        order = []
        members = []
    }
}
