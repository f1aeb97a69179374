import SystemPackage
import Testing

@testable import Inbox

typealias Input = InboxStateMachine.Input
typealias Action = InboxStateMachine.Action
typealias JobID = InboxStateMachine.JobID

/// An `InboxStateMachine` on a fake clock: a test moves time and feeds inputs, and plays the
/// runner by feeding back the results of the actions it checks.
struct Harness {
    var machine: InboxStateMachine
    /// The fake clock: time since the daemon started.
    var now = Duration.zero

    /// A machine past start-up (nothing to adopt, an empty inbox), unless `started` is false.
    init(
        labelsGrace: Duration = .seconds(60), rescanInterval: Duration? = nil, claimTimeout: Duration = .seconds(30),
        started: Bool = true
    ) {
        machine = InboxStateMachine(labelsGrace: labelsGrace, rescanInterval: rescanInterval, claimTimeout: claimTimeout)
        if started {
            feed(.start)
            feed(.scanned([]))
        }
    }

    @discardableResult
    mutating func feed(_ input: Input) -> [Action] {
        machine.handle(input, now: now)
    }

    mutating func advance(_ duration: Duration) {
        now += duration
    }

    /// inotify reports `name` and the runner finds a regular file modified `age` seconds ago.
    @discardableResult
    mutating func arrive(_ name: String, _ event: InboxStateMachine.EntryEvent = .complete, age: Double = 0) -> [Action] {
        let look = feed(.changed(name, event))
        #expect(look == [.look(name, after: event)], "look at \(name)")
        return feed(.looked(name, EntryStatus(age: age), after: event))
    }

    /// A tick on which the runner finds every looked-at file `age` seconds old; the actions of
    /// the tick and of the looks.
    @discardableResult
    mutating func tick(ages: [String: Double] = [:]) -> [Action] {
        var actions: [Action] = []
        for action in feed(.tick) {
            actions.append(action)
            if case .look(let name, nil) = action {
                actions += feed(.looked(name, ages[name].map { EntryStatus(age: $0) }, after: nil))
            }
        }
        return actions
    }

    /// Takes batch `name` (claimed, prepared with `images` images) up to its first slice; its job id.
    @discardableResult
    mutating func start(_ name: String, images: Int, labels: Bool = false) -> JobID {
        let batch = String(name.prefix { $0 != "." })
        var claimed = BatchInputs.claimed(name, labels: labels)
        let claim = feed(.claimed(claimed))
        guard case .prepare(let asked, let id)? = claim.first else {
            Issue.record("no prepare after claiming \(name): \(claim)")
            return -1
        }
        #expect(asked == claimed)
        claimed.stem = batch
        let run = feed(.prepared(id, asked, .ready(claimed, images: images)))
        #expect(run.first == .runSlice(id, size: machine.sliceSize), "first slice of \(name)")
        return id
    }

    /// The slice of `job` predicted `images` images in `elapsed`.
    @discardableResult
    mutating func slice(_ job: JobID, images: Int, elapsed: Duration = .milliseconds(500)) -> [Action] {
        feed(.sliceFinished(job, .predicted(images: images, elapsed: elapsed)))
    }
}

extension BatchInputs {
    /// Batch file `name` claimed with a fixed token (and its labels, if `labels`).
    static func claimed(_ name: String, labels: Bool = false) -> BatchInputs {
        let batch = String(name.prefix { $0 != "." })
        let token = "00000000000000ab"
        return BatchInputs(
            name: batch, token: token,
            images: ClaimedFile(token: token, original: name, directory: "/claims"),
            labels: labels ? ClaimedFile(token: token, original: batch + ".labels.npy", directory: "/claims") : nil)
    }

    /// Late labels of `batch` claimed to relabel its report `stem`.
    static func relabel(_ batch: String, stem: String) -> BatchInputs {
        let token = "00000000000000cd"
        return BatchInputs(
            name: batch, token: token,
            labels: ClaimedFile(token: token, original: batch + ".labels.npy", directory: "/claims"),
            processedImages: FilePath("/processed/\(stem).npy"), stem: stem)
    }
}
