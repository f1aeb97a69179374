import Classifier
import Foundation
import SystemCalls
import SystemPackage
import Testing

@testable import Inbox

/// `summary.csv` kept by many writers: each row recorded once, merged by rename, never lost to a
/// concurrent merge, never torn (on real files in a temporary outbox).
@Suite struct LedgerTests {
    let outbox: FilePath
    let ledger: SummaryLedger

    init() throws {
        outbox = FilePath(FileManager.default.temporaryDirectory.appendingPathComponent("sumd-ledger-\(UUID().uuidString)").path)
        ledger = SummaryLedger(outbox: outbox)
        for directory in ledger.directories { try FileMoves.makeDirectory(directory) }
    }

    /// A report row for `batch` with made-up figures.
    static func row(_ batch: String, labeled: Bool = false) -> ReportRecord {
        var fields = Dictionary(uniqueKeysWithValues: ReportColumn.allCases.map { ($0, "1") })
        fields[.batch] = batch
        fields[.labeled] = labeled ? "10" : "0"
        return ReportRecord(fields)
    }

    /// `summary.csv` as (batch, labelled) pairs, in order; checks every line is a complete row.
    func summary() throws -> [String] {
        let text = try String(contentsOfFile: ledger.summary.string, encoding: .utf8)
        let records = try #require(ReportRecord.records(inCSV: text))
        #expect(text.split(separator: "\n").count == records.count + 1, "no torn or extra lines:\n\(text)")
        return records.map { $0.batch + ($0.isLabeled ? "+labels" : "") }
    }

    @Test func aRowRecordedAgainStaysOneRow() throws {
        for _ in 0..<3 {
            try ledger.record(Self.row("a"))
            try ledger.merge()
        }
        try ledger.record(Self.row("a", labeled: true))
        try ledger.merge()
        #expect(try summary() == ["a", "a+labels"], "relabelled: one row without and one with labels")
        #expect(try FileMoves.names(in: ledger.pending).isEmpty, "merged rows are no longer pending")
    }

    @Test func rowsKeepTheOrderTheyWereRecordedIn() throws {
        for batch in ["c", "a", "b"] {
            try ledger.record(Self.row(batch))
            usleep(20_000)  // distinct modification times
        }
        try ledger.merge()
        #expect(try summary() == ["c", "a", "b"])
    }

    @Test func batchNamesThatNeedQuotingStayOneRow() throws {
        let name = "a,\"b\"\nc"
        for labeled in [false, true, false] {
            try ledger.record(Self.row(name, labeled: labeled))
            try ledger.merge()
        }
        let records = try #require(ReportRecord.records(inCSV: String(contentsOfFile: ledger.summary.string, encoding: .utf8)))
        #expect(records.map(\.batch) == [name, name] && records.map(\.isLabeled) == [false, true])
    }

    @Test func concurrentMergesLoseNoRow() throws {
        let outbox = outbox
        // Four writers, each with its own ledger value, record and merge at once, as daemons on
        // several hosts do; renames of merges that read the same file undo each other's rows.
        DispatchQueue.concurrentPerform(iterations: 4) { writer in
            let ledger = SummaryLedger(outbox: outbox)
            for index in 0..<40 {
                try! ledger.record(Self.row("w\(writer)-\(index)"))
                try! ledger.merge()
            }
        }
        let rows = try summary()
        #expect(rows.count == 160 && Set(rows).count == 160, "\(rows.count) rows, \(Set(rows).count) distinct")
    }

    @Test func aRowUndoneByAnotherMergeReturnsWithTheNextRound() throws {
        try ledger.record(Self.row("a"))
        try ledger.merge()
        try ledger.record(Self.row("b"))
        // Another daemon renamed a summary read before either row over it, and died before its check.
        try Data((ReportColumn.header + "\n").utf8).write(to: URL(fileURLWithPath: ledger.summary.string))
        try ledger.mergeIfPending()
        #expect(try summary() == ["a", "b"])
    }

    @Test func nothingPendingMeansNoMerge() throws {
        try ledger.mergeIfPending()
        #expect(!ledger.summary.exists)
    }

    @Test func aTornLastLineIsDroppedAndItsRowWrittenWhole() throws {
        try ledger.record(Self.row("a"))
        try ledger.record(Self.row("b"))
        let line = Self.row("b").line
        let torn = ReportColumn.header + "\n" + Self.row("a").line + line.prefix(line.count / 2)
        try Data(torn.utf8).write(to: URL(fileURLWithPath: ledger.summary.string))
        try ledger.merge()
        #expect(try summary() == ["a", "b"])
    }

    @Test func rowsWrittenBeforeTheLedgerAreKept() throws {
        // A summary.csv from a version that appended rows directly: no row files for them.
        try Data((ReportColumn.header + "\n" + Self.row("old").line).utf8).write(to: URL(fileURLWithPath: ledger.summary.string))
        try ledger.record(Self.row("new"))
        try ledger.merge()
        #expect(try summary() == ["old", "new"])
    }

    @Test func aSummaryThatIsNotOursIsSetAsideNotLost() throws {
        try Data("my own notes\n".utf8).write(to: URL(fileURLWithPath: ledger.summary.string))
        try ledger.record(Self.row("a"))
        try ledger.merge()
        #expect(try summary() == ["a"])
        #expect(try String(contentsOfFile: ledger.summary.string + ".unreadable", encoding: .utf8) == "my own notes\n")
    }
}
