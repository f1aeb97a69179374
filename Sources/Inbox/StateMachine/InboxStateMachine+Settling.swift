/// When a file is complete (docs/daemon-design.md, "When a file is complete"), and what a complete
/// entry becomes: a batch turn, waiting labels, or a rejection.
extension InboxStateMachine {
    /// How long a file seen only by a scan must be unmodified before it counts as completely written.
    static let settleAge = 2.0
    /// The same for a file created in place whose writer never closed it after writing.
    static let inPlaceSettleAge = 60.0

    /// How a regular file not yet known to be completely written is waited for.
    enum Settling: Equatable {
        /// Seen by a scan: complete once unmodified for `settleAge`.
        case quiet
        /// Created in place (`IN_CREATE` of a fresh file): complete when closed after writing;
        /// failing that (a writer that never closes), once unmodified for `inPlaceSettleAge`.
        case writing
    }

    /// inotify named an entry: look at it, unless it is ignored or already waits as a batch.
    func changed(_ name: String, after event: EntryEvent) -> [Action] {
        guard isTakingFiles, InboxName(name) != .ignored, !turns.contains(.batch(name)) else { return [] }
        return [.look(name, after: event)]
    }

    /// Events may have been lost: every unsettled file now waits for quiet, and the inbox is listed.
    mutating func rescan() -> [Action] {
        guard isTakingFiles else { return [] }
        for name in unsettled.keys { unsettled[name] = .quiet }
        return [.scan]
    }

    mutating func looked(_ name: String, _ status: EntryStatus?, after event: EntryEvent?, now: Duration) -> [Action] {
        guard let status else {
            unsettled[name] = nil
            return []
        }
        return settle(name, status: status, after: event, now: now)
    }

    mutating func scanned(_ entries: [ScannedEntry], now: Duration) -> [Action] {
        var actions = entries.flatMap { settle($0.name, status: $0.status, after: nil, now: now) }
        if phase == .starting {
            phase = .serving
            actions.append(.announceReady(backlog: backlog))
        }
        return actions
    }

    /// Decides about an entry: non-regular entries go to failed/ at once; regular files are taken
    /// once complete (an event said so, or unmodified long enough, see `Settling`) and not held
    /// back after a give-back.
    mutating func settle(_ name: String, status: EntryStatus, after event: EntryEvent?, now: Duration) -> [Action] {
        let kind = InboxName(name)
        guard isTakingFiles, kind != .ignored, !turns.contains(.batch(name)), !turns.contains(.relabel(name)) else { return [] }
        if let irregularity = status.irregularity {
            unsettled[name] = nil
            return [.reject(name, reason: "\(name) \(irregularity); sumd only reads regular files", as: .notABatch)]
        }
        // A created file whose content is already old is a hard link (say, a batch given back by
        // another daemon): complete. A fresh one is being written in place.
        if event == .created, status.age < Self.settleAge { unsettled[name] = .writing }
        if let retry = retryAfter[name], retry > now {
            unsettled[name] = unsettled[name] ?? .quiet  // Looked at again on the tick.
            return []
        }
        let settling = unsettled[name] ?? .quiet
        guard event == .complete || status.age >= (settling == .writing ? Self.inPlaceSettleAge : Self.settleAge) else {
            unsettled[name] = settling
            return []
        }
        unsettled[name] = nil
        retryAfter[name] = nil
        switch kind {
        case .images, .archive:
            turns.enqueue(.batch(name))
            return []
        case .labels:
            if waitingLabels[name] == nil { waitingLabels[name] = now }
            return considerLabels(name)
        case .other:
            return [.reject(name, reason: "\(name) is not a batch: sumd takes NAME.npy, NAME.labels.npy or NAME.npz", as: .notABatch)]
        case .ignored:
            return []
        }
    }
}
