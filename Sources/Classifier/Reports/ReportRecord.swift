import Foundation

/// The columns of `S.report.csv` and of the `summary.csv` ledger, in order: the one definition
/// both the writer (`BatchOutcome.reportRecord`) and the readers (crash recovery, tests) use.
public enum ReportColumn: String, CaseIterable, Sendable {
    case batch, images, labeled, correct, accuracy
    case meanConfidence = "mean_confidence"
    case checkpoint
    case modelSHA256 = "model_sha256"
    case startedAt = "started_at"
    case finishedAt = "finished_at"
    case seconds
    case imagesPerSecond = "images_per_second"

    /// The header line's fields.
    public static let header = allCases.map(\.rawValue).joined(separator: ",")
}

/// One row of a batch report or of the summary ledger, by column.
public struct ReportRecord: Sendable, Hashable {
    public private(set) var fields: [ReportColumn: String]

    public init(_ fields: [ReportColumn: String]) { self.fields = fields }

    public subscript(column: ReportColumn) -> String { fields[column] ?? "" }

    /// The batch's stem.
    public var batch: String { self[.batch] }

    /// Whether the batch was reported with labels (its `labeled` count is above 0).
    public var isLabeled: Bool { (Int(self[.labeled]) ?? 0) > 0 }

    /// The row as written: every column in order, quoted where needed, with its newline.
    public var line: String {
        var text = CSVText()
        for (index, column) in ReportColumn.allCases.enumerated() {
            if index > 0 { text.comma() }
            text.appendField(self[column])
        }
        text.newline()
        return String(decoding: text.bytes, as: UTF8.self)
    }

    /// The rows of a report or ledger file's text, matched to columns by the header's names. Rows
    /// without every column (a torn last line after a crash) are left out; nil if the header lacks
    /// a column.
    public static func records(inCSV text: String) -> [ReportRecord]? {
        let rows = CSVReader.records(text)
        guard let header = rows.first else { return nil }
        var positions: [(ReportColumn, Int)] = []
        for column in ReportColumn.allCases {
            guard let position = header.firstIndex(of: column.rawValue) else { return nil }
            positions.append((column, position))
        }
        return rows.dropFirst().compactMap { row in
            guard row.count == header.count else { return nil }
            return ReportRecord(Dictionary(uniqueKeysWithValues: positions.map { ($0, row[$1]) }))
        }
    }

    /// The record of a complete `S.report.csv` (header and exactly one row), or nil.
    public static func report(at path: String) -> ReportRecord? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let records = records(inCSV: text),
            records.count == 1
        else { return nil }
        return records[0]
    }
}
