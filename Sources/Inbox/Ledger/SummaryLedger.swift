import ArrayFormats
import Classifier
import Foundation
import SystemCalls
import SystemPackage

/// `summary.csv`, the one file users read for every batch, kept by any number of daemons on one
/// host or many sharing the outbox, without an atomic append (NFS has none) and without a lock.
///
/// A finished batch's row is first recorded as a file of its own, `outbox/.ledger/rows/KEY` (KEY:
/// the stem, then `.labeled` or `.unlabeled`), written whole under a temporary name and then
/// `link`ed to KEY. The link fails with EEXIST when the row is already there, so a row is recorded
/// at most once, by whichever daemon gets there first (the batch's own or one that adopted its
/// claim), and never torn. A second link, `.ledger/pending/KEY`, says a merge is due.
///
/// A merge reads `summary.csv`, appends every recorded row missing from it (oldest first), writes
/// the result under a temporary name and renames it over `summary.csv`: readers see the old file
/// or the new one, never a torn line. Daemons may merge at the same time. Two merges that read the
/// same file lose the first rename's rows to the second, so every merge reads the file again after
/// its rename and merges again until nothing recorded is missing: the last rename is always
/// followed by such a check. Only then are the pending links it saw removed. See
/// docs/many-hosts.md, "The summary ledger".
struct SummaryLedger: Sendable {
    let summary: FilePath
    let rows: FilePath
    let pending: FilePath

    init(outbox: FilePath) {
        summary = outbox.appending("summary.csv")
        rows = outbox.appending(".ledger/rows")
        pending = outbox.appending(".ledger/pending")
    }

    /// The directories `prepare` creates.
    var directories: [FilePath] { [rows, pending] }

    /// The row file name of a batch report: one per stem and labelled-ness (a batch reported
    /// without labels and relabelled later has two rows).
    static func key(of record: ReportRecord) -> String {
        key(batch: record.batch, isLabeled: record.isLabeled)
    }

    static func key(batch: String, isLabeled: Bool) -> String {
        batch + (isLabeled ? ".labeled" : ".unlabeled")
    }

    /// Records `record` unless it already is, and marks a merge as due.
    func record(_ record: ReportRecord) throws {
        let key = Self.key(of: record)
        _ = try DurableFile.create(Data(record.line.utf8), at: URL(fileURLWithPath: rows.appending(key).string))
        try FileMoves.linkUnlessPresent(rows.appending(key), to: pending.appending(key))
    }

    /// Merges when a row is pending: rows recorded by a daemon that died before its merge, or
    /// whose merge another daemon's rename undid.
    func mergeIfPending() throws {
        if try !visibleNames(in: pending).isEmpty { try merge() }
    }

    /// Brings every recorded row into `summary.csv`, then clears the pending links seen before.
    func merge() throws {
        let due = try visibleNames(in: pending)
        while try mergeRound() {}
        for key in due { try FileMoves.removeIfPresent(pending.appending(key)) }
    }

    /// Appends the recorded rows missing from `summary.csv` and replaces it; false when none was missing.
    private func mergeRound() throws -> Bool {
        let (kept, listed) = try readSummary()
        let missing = try visibleNames(in: rows).filter { !listed.contains($0) }
        guard !missing.isEmpty else { return false }
        var text = kept
        for key in try oldestFirst(missing) { text.append(try Data(contentsOf: URL(fileURLWithPath: rows.appending(key).string))) }
        try DurableFile.write(text, to: URL(fileURLWithPath: summary.string))
        return true
    }

    /// What a merge keeps of `summary.csv` (its header and complete rows, as they are; a torn last
    /// line is left out) and the keys of those rows; a header alone when there is no file. A file
    /// with another column order is rewritten in sumd's; one that is no sumd summary at all is
    /// kept as `summary.csv.unreadable` (`~2`, …) and a new one is started.
    private func readSummary() throws -> (kept: Data, keys: Set<String>) {
        let header = Data((ReportColumn.header + "\n").utf8)
        guard summary.exists else { return (header, []) }
        let data = try Data(contentsOf: URL(fileURLWithPath: summary.string))
        if data.isEmpty { return (header, []) }
        if let scan = data.withUnsafeBytes(SummaryScan.init) { return (data.prefix(scan.keptLength), scan.keys) }
        if let text = String(data: data, encoding: .utf8), let records = ReportRecord.records(inCSV: text) {
            return (header + Data(records.map(\.line).joined().utf8), Set(records.map(Self.key)))
        }
        var k = 1
        while try !FileMoves.moveNoReplace(summary, to: FilePath(summary.string + Stem.candidate(".unreadable", k))) { k += 1 }
        return (header, [])
    }

    /// `keys` in the order their rows were recorded (modification time, then name).
    private func oldestFirst(_ keys: [String]) throws -> [String] {
        try keys.map { key -> (key: String, time: Double) in
            guard let status = try rows.appending(key).statusIfPresent() else { return (key, 0) }
            return (key, Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9)
        }
        .sorted { ($0.time, $0.key) < ($1.time, $1.key) }
        .map(\.key)
    }

    /// Names in `directory` other than hidden temporaries.
    private func visibleNames(in directory: FilePath) throws -> [String] {
        try FileMoves.names(in: directory).filter { !$0.hasPrefix(".") }
    }
}
