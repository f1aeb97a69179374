import Foundation

/// Reads back what the daemon wrote to the outbox, for recovery after a crash: the data row of a
/// `S.report.csv` and the rows of `summary.csv` (layout: `BatchOutcome.reportHeader`).
enum ReportRows {
    /// The data row of `S.report.csv` (with its newline), or nil if there is no complete report.
    static func reportRow(at path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.count == 2 else { return nil }
        return String(lines[1]) + "\n"
    }

    /// Whether a report row counts labelled images (its `labeled` column is above 0).
    static func isLabeled(_ row: String) -> Bool {
        let fields = split(row)
        return fields.count > 2 && (Int(fields[2]) ?? 0) > 0
    }

    /// Whether `summary.csv` has a row for batch `stem` with the given labelled-ness.
    static func summary(at path: String, hasRowFor stem: String, labeled: Bool) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        for line in text.split(separator: "\n").dropFirst() {
            let fields = split(String(line))
            if fields.first == stem && isLabeled(String(line)) == labeled { return true }
        }
        return false
    }

    /// Splits one CSV line into fields, undoing RFC 4180 quoting.
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\"" where quoted:
                if let next = iterator.next() {
                    if next == "\"" { field.append("\"") } else {
                        quoted = false
                        if next == "," { fields.append(field); field = "" } else if next != "\n" { field.append(next) }
                    }
                } else {
                    quoted = false
                }
            case "\"" where field.isEmpty:
                quoted = true
            case "," where !quoted:
                fields.append(field)
                field = ""
            case "\n" where !quoted:
                break
            default:
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}
