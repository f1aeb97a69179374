import AsyncAlgorithms

/// The daemon's inputs from all their sources, merged into one sequence without a buffer of its own.
///
/// `merge` asks a source for its next element only when the loop asks for one (each source holds at
/// most one element waiting), so a flood of inbox events waits in the watcher's bounded channel,
/// then in the kernel's queue, and beyond that becomes one `.overflow` and a rescan: memory stays
/// bounded however slow the loop is (docs/daemon-design.md, "Backpressure").
enum DaemonInputs {
    static func merged<Events, Ticks, Signals, Results, Stops>(
        events: Events, ticks: Ticks, signals: Signals, results: Results, stops: Stops
    ) -> AsyncMerge2Sequence<AsyncMerge3Sequence<Events, Ticks, Signals>, AsyncMerge2Sequence<Results, Stops>>
    where
        Events: AsyncSequence & Sendable, Ticks: AsyncSequence & Sendable, Signals: AsyncSequence & Sendable,
        Results: AsyncSequence & Sendable, Stops: AsyncSequence & Sendable,
        Events.Element == DaemonInput, Ticks.Element == DaemonInput, Signals.Element == DaemonInput,
        Results.Element == DaemonInput, Stops.Element == DaemonInput
    {
        merge(merge(events, ticks, signals), merge(results, stops))
    }
}
