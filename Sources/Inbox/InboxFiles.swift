import ArrayFormats
import Classifier
import Foundation
import SystemCalls
import SystemPackage

/// The daemon's file operations, in the order the design fixes for crash safety (docs/daemon-design.md,
/// "Order of durable steps"). Every method blocks on file IO: call them on the daemon's IO queue.
struct InboxFiles: Sendable {
    let layout: InboxLayout
    let claims: ClaimDirectory
    let reservations: StemReservations
    let ledger: SummaryLedger

    init(layout: InboxLayout, claims: ClaimDirectory) {
        self.layout = layout
        self.claims = claims
        reservations = StemReservations(outbox: layout.outbox)
        ledger = SummaryLedger(outbox: layout.outbox)
    }

    // MARK: Taking batches

    /// Claims batch file `name` (`NAME.npy`/`NAME.npz`) and, if `withLabels`, `NAME.labels.npy` with
    /// the same token; nil if another daemon took the batch first.
    func claimBatch(_ name: String, batch: String, withLabels: Bool) throws -> BatchInputs? {
        let token = ClaimedFile.newToken()
        guard let images = try claims.claim(name, inbox: layout.inbox, token: token) else { return nil }
        let labels = withLabels ? try claims.claim(batch + InboxName.labelsSuffix, inbox: layout.inbox, token: token) : nil
        return BatchInputs(name: batch, token: token, images: images, labels: labels)
    }

    /// Claims any inbox entry on its own (to move it to failed/ without racing another daemon).
    func claimEntry(_ name: String) throws -> ClaimedFile? {
        try claims.claim(name, inbox: layout.inbox, token: ClaimedFile.newToken())
    }

    /// Where settled labels `NAME.labels.npy` stand (the state machine decides what that means).
    enum LabelsSituation: Equatable, Sendable {
        /// Gone from the inbox (another daemon took them).
        case gone
        /// Their batch is in the inbox or claimed by a daemon: they go with it.
        case batchPending
        /// The batch's latest report `S` is unlabelled and its images are at `images`: relabel it.
        case relabel(stem: String, images: FilePath)
        /// No batch, pending or reported, that they could belong to.
        case noBatch
    }

    /// Looks at labels `name` of batch `batch`: their batch pending, a report to relabel, or neither.
    func labelsSituation(labels name: String, batch: String) throws -> LabelsSituation {
        guard layout.inbox.appending(name).exists else { return .gone }
        for suffix in [".npy", ".npz"] {
            if try layout.inbox.appending(batch + suffix).exists || claims.isClaimedAnywhere(batch + suffix) {
                return .batchPending
            }
        }
        if let stem = reservations.latestReportedStem(of: batch),
            let report = ReportRecord.report(at: reservations.reportPath(stem).string), !report.isLabeled,
            !layout.processed.appending(stem + InboxName.labelsSuffix).exists,
            !reservations.directory.appending(stem).exists
        {
            for suffix in [".npy", ".npz"] where layout.processed.appending(stem + suffix).exists {
                return .relabel(stem: stem, images: layout.processed.appending(stem + suffix))
            }
        }
        return .noBatch
    }

    /// Claims labels `name` to relabel `stem`; nil if the labels are gone or another daemon is on it.
    func claimRelabel(_ name: String, batch: String, stem: String, images: FilePath) throws -> BatchInputs? {
        let token = ClaimedFile.newToken()
        guard let labels = try claims.claim(name, inbox: layout.inbox, token: token) else { return nil }
        var inputs = BatchInputs(name: batch, token: token, labels: labels, processedImages: images)
        guard try reservations.reserve(stem, token: token) else {
            _ = try claims.release(labels, inbox: layout.inbox)
            return nil
        }
        inputs.stem = stem
        return inputs
    }

    /// Step 2: reserves the output stem of a new batch (relabelling reserved it when claiming).
    func reserveStem(_ inputs: inout BatchInputs) throws {
        if inputs.stem == nil { inputs.stem = try reservations.reserveNew(for: inputs.name, token: inputs.token) }
    }

    // MARK: Reading

    /// Maps and checks the batch's images and labels against `model`; errors name the inbox file.
    func load(_ inputs: BatchInputs, for model: ServingModel) throws -> ImageSet {
        guard let imagesPath = inputs.imagesPath else { throw InboxError("\(inputs.displayName): has no images") }
        for file in inputs.claimed {
            // Checked again on the claimed name, which no one else touches: nothing is ever followed.
            // An entry that cannot even be looked at fails the batch too (an InboxError).
            let status: EntryStatus?
            do { status = try EntryStatus.of(file.path) } catch { throw InboxError(error.description) }
            if let irregularity = status?.irregularity {
                throw InboxError("\(file.original) \(irregularity); sumd only reads regular files")
            }
        }
        do {
            let set = try ImageSet.load(
                images: URL(fileURLWithPath: imagesPath.string),
                labels: inputs.labels.map { URL(fileURLWithPath: $0.path.string) })
            try model.validate(set)
            return set
        } catch {
            throw InboxError(presentable("\(error)", for: inputs))
        }
    }

    /// Rewrites claim paths in a message to the names producers gave the files.
    func presentable(_ message: String, for inputs: BatchInputs) -> String {
        var text = message
        for file in inputs.claimed {
            text = text.replacingOccurrences(of: file.path.string, with: file.original)
            text = text.replacingOccurrences(of: file.token + "." + file.original, with: file.original)
        }
        let fromProcessed = inputs.processedImages.map { text.hasPrefix($0.string) } == true
        let named = inputs.claimed.contains { text.hasPrefix($0.original) } || fromProcessed
        return named ? text : "\(inputs.displayName): \(text)"
    }

    // MARK: Finishing

    /// Steps 4–7: reports (report last), the summary row, inputs to processed/, reservation removed.
    ///
    /// The row is recorded durably, then merged into `summary.csv`. A merge that fails does not fail
    /// the batch: the row stays pending and the next adoption round merges it. Its error is
    /// returned, for the log.
    func finish(_ inputs: BatchInputs, outcome: BatchOutcome) throws -> (any Error)? {
        guard let stem = inputs.stem else { throw InboxError("\(inputs.displayName): finished without an output stem") }
        try claims.ensureHolds(inputs.claimed)
        try BatchReportFiles.write(outcome, to: URL(fileURLWithPath: layout.outbox.string), stem: stem)
        try claims.ensureHolds(inputs.claimed)  // Again: writing the reports took a moment.
        try ledger.record(outcome.reportRecord)
        var mergeFailure: (any Error)?
        do { try ledger.merge() } catch { mergeFailure = error }
        try complete(inputs, stem: stem)
        return mergeFailure
    }

    /// Steps 6–7: moves the claimed inputs to `processed/S.*` and drops the reservation.
    func complete(_ inputs: BatchInputs, stem: String) throws {
        _ = try moveGroup(inputs.claimed, into: layout.processed, base: stem)
        try reservations.release(stem)
    }

    /// Moves a bad batch's claimed files to failed/ with `S.error.txt` holding `reason`, and drops
    /// any reservation; returns the paths written.
    @discardableResult
    func fail(_ inputs: BatchInputs, reason: String) throws -> [FilePath] {
        try claims.ensureHolds(inputs.claimed)
        let moved = try failFiles(inputs.claimed, base: inputs.name, reason: reason)
        if let stem = inputs.stem { try reservations.release(stem) }
        return moved
    }

    /// Moves claimed entries to failed/ under the first free `NAME~k` and writes `S.error.txt`.
    func failFiles(_ files: [ClaimedFile], base: String, reason: String) throws -> [FilePath] {
        let stem = try moveGroup(files, into: layout.failed, base: base, keepingFree: [".error.txt"])
        let errorFile = layout.failed.appending(stem + ".error.txt")
        try DurableFile.write(reason + "\n", to: URL(fileURLWithPath: errorFile.string))
        return files.map { layout.failed.appending(stem + $0.kind.suffix(of: $0.original)) } + [errorFile]
    }

    /// Gives an abandoned batch back: claimed files return to their inbox names, reservation dropped.
    /// Files whose name was taken meanwhile stay claimed and are adopted by the next daemon.
    func release(_ inputs: BatchInputs) throws {
        for file in inputs.claimed { _ = try claims.release(file, inbox: layout.inbox) }
        if let stem = inputs.stem { try reservations.release(stem) }
    }

    /// Moves `files` (each keeping its suffix after `NAME`) to `directory` under the first stem
    /// `base`, `base~2`, … whose targets are all free, never replacing anything; returns the stem.
    /// Stems where a name with one of the `keepingFree` suffixes exists are skipped.
    private func moveGroup(
        _ files: [ClaimedFile], into directory: FilePath, base: String,
        keepingFree extra: [String] = []
    ) throws -> String {
        var k = 1
        search: while true {
            let stem = Stem.candidate(base, k)
            k += 1
            if extra.contains(where: { directory.appending(stem + $0).exists }) { continue }
            var moved: [FilePath] = []
            for file in files {
                let target = directory.appending(stem + file.kind.suffix(of: file.original))
                guard try FileMoves.moveNoReplace(file.path, to: target) else {
                    // Put back what this attempt moved and try the next stem.
                    for (done, path) in zip(files, moved) { _ = try FileMoves.moveNoReplace(path, to: done.path) }
                    continue search
                }
                moved.append(target)
            }
            try DurableFile.syncDirectory(URL(fileURLWithPath: directory.string))
            return stem
        }
    }
}
