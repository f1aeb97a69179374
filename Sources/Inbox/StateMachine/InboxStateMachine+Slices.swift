/// Jobs run in slices sized to take about `sliceTarget`, so that SIGTERM is answered within about a
/// second whatever the model's speed (docs/daemon-design.md, "Work").
extension InboxStateMachine {
    /// Images in a job's first slice, before any rate is measured.
    static let firstSliceSize = 256
    static let sliceSizes = 64...8192
    /// Seconds a slice should take.
    static let sliceTarget = 0.5

    /// Records a slice; a complete job is finished, an incomplete one waits for its next turn
    /// behind the others (round-robin), a failed one goes to failed/.
    mutating func sliceFinished(_ id: JobID, _ result: SliceResult) -> [Action] {
        guard compute == .running(id), var job = jobs[id] else { return [] }
        compute = .idle
        switch result {
        case .predicted(let images, let elapsed):
            job.done += images
            jobs[id] = job
            adaptSliceSize(images: images, elapsed: elapsed)
            if job.isComplete {
                compute = .finishing(id)
                return [.finish(id)]
            }
            turns.enqueue(.job(id))
            return []
        case .failed(let reason):
            jobs[id] = nil
            return [.fail(id, reason: reason)]
        }
    }

    /// The reports are written (the job is done) or could not be (daemon-side: give it back).
    mutating func finished(_ id: JobID, succeeded: Bool, now: Duration) -> [Action] {
        guard compute == .finishing(id) else { return [] }
        compute = .idle
        guard let job = jobs.removeValue(forKey: id), !succeeded else { return [] }
        return giveBack(job.inputs, now: now)
    }

    /// Sizes the next slice from the rate just measured.
    mutating func adaptSliceSize(images: Int, elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds > 0 else { return }
        let rate = Double(images) / seconds
        sliceSize = min(Self.sliceSizes.upperBound, max(Self.sliceSizes.lowerBound, Int(rate * Self.sliceTarget)))
    }
}
