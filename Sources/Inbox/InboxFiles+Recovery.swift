import ArrayFormats
import Classifier
import Foundation
import SystemCalls
import SystemPackage

extension InboxFiles {
    /// What became of a claim left by a daemon that died.
    enum Resumption: Sendable {
        /// Its outputs are incomplete: run it again (with its reserved stem, if it got that far).
        case run(BatchInputs)
        /// Its reports were complete: the summary row and the moves to processed/ were finished.
        case completed(BatchInputs)
        /// Nothing was written yet: the files are back in the inbox, to be taken like new ones.
        case released(BatchInputs)
        /// An entry that is no batch at all (it was being moved to failed/): moved there now.
        case rejected(name: String, reason: String)
    }

    /// Adopts the claims of dead daemons and decides, per claim token, how to go on
    /// (docs/daemon-design.md, "Resume of an adopted claim"); then merges summary rows that a
    /// dead daemon recorded but did not merge.
    func adoptDeadClaims() throws -> [Resumption] {
        let adopted = try claims.adoptDeadClaims()
        let resumptions = try Dictionary(grouping: adopted, by: \.token).values.map(resume)
        try ledger.mergeIfPending()
        return resumptions
    }

    /// Removes reservations no claim of any daemon refers to (left when a daemon died between
    /// moving a finished batch's inputs and removing its reservation).
    func removeStaleReservations() throws {
        try reservations.removeStale { try Set(claims.allClaims().map(\.token)) }
        // Writers killed mid-write leave hidden temporaries behind; never under a final name.
        for directory in [layout.outbox, reservations.directory, ledger.rows, layout.failed] {
            try DurableFile.removeAbandonedTemporaries(in: URL(fileURLWithPath: directory.string))
        }
    }

    private func resume(_ group: [ClaimedFile]) throws -> Resumption {
        let images = group.first { $0.kind.isBatch }
        let labels = group.first { if case .labels = $0.kind { true } else { false } }
        guard let anchor = images ?? labels, let name = anchor.kind.base else {
            let entry = group[0]
            let reason = try rejection(of: entry)
            _ = try failFiles(group, base: entry.kind.base ?? entry.original, reason: reason)
            return .rejected(name: entry.original, reason: reason)
        }
        var inputs = BatchInputs(name: name, token: anchor.token, images: images, labels: labels)
        inputs.stem = try reservations.stem(reservedBy: anchor.token)
        guard let stem = inputs.stem else {
            // Nothing was written yet: back to the inbox, where the usual rules pair images with
            // labels that arrived meanwhile. Run it directly only if a new file took its name.
            if let labels = inputs.labels {
                guard try claims.release(labels, inbox: layout.inbox) else { return .run(inputs) }
                inputs.labels = nil
            }
            if let images = inputs.images, try !claims.release(images, inbox: layout.inbox) { return .run(inputs) }
            return .released(inputs)
        }
        if inputs.isRelabel {
            guard let processedImages = [".npy", ".npz"].map({ layout.processed.appending(stem + $0) }).first(where: \.exists) else {
                try release(inputs)
                return .released(inputs)
            }
            inputs.processedImages = processedImages
        }
        guard let report = ReportRecord.report(at: reservations.reportPath(stem).string), !inputs.isRelabel || report.isLabeled else {
            return .run(inputs)
        }
        // Step 4 was done: finish 5–7 without writing any report twice (a recorded row stays one;
        // adoptDeadClaims merges it).
        try ledger.record(report)
        try complete(inputs, stem: stem)
        return .completed(inputs)
    }

    /// Why an entry that is not a batch was (or is) moved to failed/.
    func rejection(of file: ClaimedFile) throws -> String {
        if let irregularity = try EntryStatus.of(file.path)?.irregularity {
            return "\(file.original) \(irregularity); sumd only reads regular files"
        }
        return "\(file.original) is not a batch: sumd takes NAME.npy, NAME.labels.npy or NAME.npz"
    }
}
