/// Labels in either order (docs/daemon-design.md, "Labels in either order"): labels first wait for
/// their batch; late labels relabel the batch's latest unlabelled report; labels with no batch
/// after the grace period are orphans.
extension InboxStateMachine {
    /// Asks where settled labels `name` stand, unless they no longer wait or a relabel is queued.
    func considerLabels(_ name: String) -> [Action] {
        guard case .labels(let batch) = InboxName(name), waitingLabels[name] != nil, !turns.contains(.relabel(name)) else {
            return []
        }
        return [.examineLabels(name, batch: batch)]
    }

    mutating func labelsExamined(_ name: String, _ situation: InboxFiles.LabelsSituation, now: Duration) -> [Action] {
        guard case .labels(let batch) = InboxName(name), let since = waitingLabels[name], !turns.contains(.relabel(name)) else {
            return []
        }
        switch situation {
        case .batchPending:
            return []  // Claimed together with the batch when it is taken (labels first).
        case .gone:
            waitingLabels[name] = nil  // Another daemon took them.
            return []
        case .relabel:
            turns.enqueue(.relabel(name))
            return []
        case .noBatch:
            guard now - since >= labelsGrace else { return [] }
            waitingLabels[name] = nil
            let reason = "\(name): no batch \(batch).npy arrived within \(labelsGrace.components.seconds) s of these labels"
            return [.reject(name, reason: reason, as: .orphanLabels)]
        }
    }
}
