/// Reads CSV the way `CSVText` writes it (RFC 4180): fields split on commas, quoted fields may hold
/// commas, doubled quotes and line breaks. Records are split on line breaks outside quotes only,
/// so a batch name holding a newline stays one field.
enum CSVReader {
    /// The records of `text`, each a list of fields. A last record without its newline is returned
    /// only when `keepUnterminated` (a torn write leaves one behind; callers that append lines drop it).
    static func records(_ text: String, keepUnterminated: Bool = false) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        for character in text {
            if quoted {
                if character == "\"" {
                    quoted = false
                    afterQuote = true
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                if afterQuote { field.append("\"") }  // a doubled quote inside a quoted field
                quoted = true
                afterQuote = false
            case ",":
                record.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                afterQuote = false
            default:
                field.append(character)
                afterQuote = false
            }
        }
        if keepUnterminated, !quoted, !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
