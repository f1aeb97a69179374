import Classifier
import Foundation

/// Which rows `summary.csv` holds, read straight off its bytes. A merge reads the whole file twice
/// (before its rename and after), so this scan is most of what a merge costs: it looks only at
/// each row's `batch` and `labeled` fields and keeps the rest as bytes.
struct SummaryScan {
    /// Bytes of the header and every complete row: what a merge keeps verbatim. A torn last line
    /// (a writer of an older sumd killed mid-append) lies beyond it.
    private(set) var keptLength: Int
    /// `SummaryLedger.key` of every complete row.
    private(set) var keys: Set<String> = []

    private static let header = Array((ReportColumn.header + "\n").utf8)
    private static let columns = ReportColumn.allCases.count
    private static let labeledColumn = ReportColumn.allCases.firstIndex(of: .labeled)!

    /// nil when the file does not start with sumd's header or a row other than the last one does
    /// not have every column: the caller then reads it by column names.
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.starts(with: Self.header) else { return nil }
        keptLength = Self.header.count
        var start = keptLength
        while start < bytes.count {
            guard let row = Self.row(in: bytes, from: start) else { return }  // torn last line
            guard row.fields == Self.columns else {
                if row.end == bytes.count { return }
                return nil
            }
            keys.insert(SummaryLedger.key(batch: row.batch, isLabeled: row.labeled > 0))
            keptLength = row.end
            start = row.end
        }
    }

    /// The row starting at `start`: its field count, batch, labelled count and the offset after its
    /// newline; nil if no newline ends it.
    private static func row(
        in bytes: UnsafeRawBufferPointer, from start: Int
    ) -> (fields: Int, batch: String, labeled: Int, end: Int)? {
        var fields = 0
        var batch = ""
        var labeled = 0
        var fieldStart = start
        var quoted = false
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") { index += 1 } else { quoted = false }
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") {
                let field = UnsafeRawBufferPointer(rebasing: bytes[fieldStart..<index])
                if fields == 0 { batch = unquoted(field) }
                if fields == labeledColumn { labeled = Int(unquoted(field)) ?? 0 }
                fields += 1
                fieldStart = index + 1
                if byte == UInt8(ascii: "\n") { return (fields, batch, labeled, index + 1) }
            }
            index += 1
        }
        return nil
    }

    /// A field's text: surrounding quotes removed and doubled quotes undone.
    private static func unquoted(_ field: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: field, as: UTF8.self)
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }
}
