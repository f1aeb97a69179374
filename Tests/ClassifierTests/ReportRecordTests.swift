import Classifier
import Foundation
import Testing

/// The report schema read back the way it is written: by column name, with RFC 4180 quoting, so
/// crash recovery finds a batch whose name holds commas, quotes or line breaks.
@Suite("Report rows, written and read")
struct ReportRecordTests {
    static func outcome(batch: String, labeled: Bool) -> BatchOutcome {
        BatchOutcome(
            batch: batch, predicted: [3, 7, 7], confidence: [0.5, 0.25, 1], labels: labeled ? [3, 7, 9] : nil, classes: 10,
            checkpoint: "/models/a,b.safetensors", modelSHA256: String(repeating: "ab", count: 32),
            startedAt: Date(timeIntervalSince1970: 1_800_000_000), finishedAt: Date(timeIntervalSince1970: 1_800_000_002))
    }

    static let awkwardNames = ["plain", "with,comma", "with \"quotes\"", "two\nlines", "crlf\r\nname", "", "\"", "trailing\n"]

    @Test("a report reads back with its batch name and labelled-ness", arguments: awkwardNames)
    func reportRoundTrip(name: String) throws {
        for labeled in [false, true] {
            let outcome = Self.outcome(batch: name, labeled: labeled)
            let records = try #require(ReportRecord.records(inCSV: String(decoding: outcome.reportCSV, as: UTF8.self)))
            #expect(records.count == 1)
            #expect(records[0].batch == name)
            #expect(records[0].isLabeled == labeled)
            #expect(records[0].line == outcome.reportRow)
            #expect(records[0][.accuracy] == (labeled ? "0.666667" : ""))
            #expect(records[0][.checkpoint] == "/models/a,b.safetensors")
        }
    }

    @Test("a ledger keeps its complete rows and drops a torn last one")
    func tornLedger() throws {
        let rows = Self.awkwardNames.map { Self.outcome(batch: $0, labeled: true).reportRow }
        let complete = ReportColumn.header + "\n" + rows.joined()
        let torn = complete + String(Self.outcome(batch: "torn", labeled: false).reportRow.dropLast(20))
        for text in [complete, torn] {
            let records = try #require(ReportRecord.records(inCSV: text))
            #expect(records.map(\.batch) == Self.awkwardNames)
        }
        let unterminatedQuote = complete + "\"half a name,3,3"
        #expect(try #require(ReportRecord.records(inCSV: unterminatedQuote)).count == Self.awkwardNames.count)
    }

    @Test("columns are found by name, and a header without one is refused")
    func columnsByName() throws {
        let reordered =
            "images,batch," + ReportColumn.allCases.dropFirst(2).map(\.rawValue).joined(separator: ",") + "\n"
            + "3,\"a,b\",3,2,0.666667,0.5,c,d,e,f,2.000,1.5\n"
        let record = try #require(ReportRecord.records(inCSV: reordered)?.first)
        #expect(record.batch == "a,b" && record[.images] == "3" && record.isLabeled)
        #expect(ReportRecord.records(inCSV: "batch,images\nx,1\n") == nil)
    }

    @Test("the header is the columns in order")
    func header() {
        #expect(
            BatchOutcome.reportHeader
                == "batch,images,labeled,correct,accuracy,mean_confidence,checkpoint,model_sha256,started_at,finished_at,seconds,images_per_second"
        )
    }
}
