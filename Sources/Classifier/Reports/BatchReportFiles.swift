import ArrayFormats
import Foundation

/// Writes a batch's reports into a directory, each file atomically and durably.
///
/// Files for a batch with stem `S`: `S.predictions.csv`, when labelled `S.classes.csv` and
/// `S.confusion.csv`, then `S.report.html` (the page to look at), and `S.report.csv` last, so an
/// existing `S.report.csv` means the set is complete.
public enum BatchReportFiles {
    /// The file names written for `stem`, in writing order (report.csv last).
    public static func names(stem: String, labeled: Bool) -> [String] {
        [stem + ".predictions.csv"] + (labeled ? [stem + ".classes.csv", stem + ".confusion.csv"] : [])
            + [stem + ".report.html", stem + ".report.csv"]
    }

    /// Writes every report of `outcome` under `directory` with the given stem; returns the files written.
    @discardableResult
    public static func write(_ outcome: BatchOutcome, to directory: URL, stem: String) throws -> [URL] {
        var contents = [outcome.predictionsCSV]
        if let classes = outcome.classesCSV, let confusion = outcome.confusionCSV { contents += [classes, confusion] }
        contents += [outcome.reportHTML, outcome.reportCSV]
        let urls = names(stem: stem, labeled: outcome.labels != nil).map { directory.appendingPathComponent($0) }
        for (url, data) in zip(urls, contents) { try DurableFile.write(data, to: url) }
        return urls
    }
}
