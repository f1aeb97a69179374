import Foundation

/// The CSV layouts of sumd's reports (documented in docs/operations.md, "Outbox"); the report's
/// columns are `ReportColumn`.
extension BatchOutcome {
    /// Columns of `NAME.report.csv` and of the `summary.csv` ledger.
    public static var reportHeader: String { ReportColumn.header }

    /// `index,predicted_sum,confidence` (+ `true_sum,correct` when labelled), one row per image in input order.
    public var predictionsCSV: Data {
        var text = CSVText(reservingRows: images + 1, bytesPerRow: labels == nil ? 16 : 22)
        text.append(labels == nil ? "index,predicted_sum,confidence\n" : "index,predicted_sum,confidence,true_sum,correct\n")
        for index in 0..<images {
            text.append(index)
            text.comma()
            text.append(predicted[index])
            text.comma()
            text.append(fraction: Double(confidence[index]))
            if let labels {
                text.comma()
                text.append(labels[index])
                text.comma()
                text.append(labels[index] == predicted[index] ? 1 : 0)
            }
            text.newline()
        }
        return Data(text.bytes)
    }

    /// The report's one row, by column.
    public var reportRecord: ReportRecord {
        func text(_ build: (inout CSVText) -> Void) -> String {
            var text = CSVText()
            build(&text)
            return String(decoding: text.bytes, as: UTF8.self)
        }
        return ReportRecord([
            .batch: batch,
            .images: String(images),
            .labeled: String(labels == nil ? 0 : images),
            .correct: correct.map(String.init) ?? "",
            .accuracy: accuracy.map { value in text { $0.append(fraction: value) } } ?? "",
            .meanConfidence: text { $0.append(fraction: meanConfidence) },
            .checkpoint: checkpoint,
            .modelSHA256: modelSHA256,
            .startedAt: Self.timestamp(startedAt),
            .finishedAt: Self.timestamp(finishedAt),
            .seconds: text { $0.append(fraction: seconds, decimals: 3) },
            .imagesPerSecond: text { $0.append(fraction: imagesPerSecond, decimals: 1) },
        ])
    }

    /// The one data row of the report (also the line appended to `summary.csv`), with a newline.
    public var reportRow: String { reportRecord.line }

    /// `NAME.report.csv`: header and one row.
    public var reportCSV: Data { Data((Self.reportHeader + "\n" + reportRow).utf8) }

    /// `NAME.classes.csv`: `sum,support,correct,accuracy` for every sum the model knows
    /// (accuracy empty where no image has that true sum); nil when unlabelled.
    public var classesCSV: Data? {
        guard let confusion else { return nil }
        var text = CSVText(reservingRows: classes + 1)
        text.append("sum,support,correct,accuracy\n")
        for sum in 0..<classes {
            let support = confusion[sum].reduce(0, +)
            text.append(sum)
            text.comma()
            text.append(support)
            text.comma()
            text.append(confusion[sum][sum])
            text.comma()
            if support > 0 { text.append(fraction: Double(confusion[sum][sum]) / Double(support)) }
            text.newline()
        }
        return Data(text.bytes)
    }

    /// `NAME.confusion.csv`: one row per true sum, one column per predicted sum
    /// (`true_sum,pred_0,…,pred_K-1`), counts of images; nil when unlabelled.
    public var confusionCSV: Data? {
        guard let confusion else { return nil }
        var text = CSVText(reservingRows: classes + 1, bytesPerRow: classes * 3)
        text.append("true_sum")
        for sum in 0..<classes { text.append(",pred_\(sum)") }
        text.newline()
        for sum in 0..<classes {
            text.append(sum)
            for count in confusion[sum] {
                text.comma()
                text.append(count)
            }
            text.newline()
        }
        return Data(text.bytes)
    }

    /// ISO 8601 UTC with milliseconds, e.g. `2026-11-26T18:30:00.123Z`.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
