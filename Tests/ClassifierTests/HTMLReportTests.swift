import Classifier
import Foundation
import Testing

/// `S.report.html` as text (the real browser renders it in SumdTests' ReportPageTests), its PNG
/// thumbnails against bytes from Python's zlib, and which images become thumbnails.
@Suite struct HTMLReportTests {
    /// Bytes written by Python: zlib.compress(rows, 0) and zlib.crc32 for the chunks.
    @Test func pngMatchesPythonsZlibByteForByte() {
        let png = PNGEncoder.grayscale([0, 255, 128, 64, 1, 2], width: 3, height: 2)
        let expected =
            "89504e470d0a1a0a0000000d4948445200000003000000020800000000b81f39c6"
            + "00000013494441547801010800f7ff0000ff8000400102094601c3b1fc108f0000000049454e44ae426082"
        #expect(png.map { String(format: "%02x", $0) }.joined() == expected)
    }

    /// More than one stored block (65,535 bytes each): lengths and the final-block flag.
    @Test func largeImagesSpanSeveralStoredBlocks() {
        let (width, height) = (300, 300)
        let png = PNGEncoder.grayscale([UInt8](repeating: 7, count: width * height), width: width, height: height)
        let dataLength = height * (width + 1)
        let blocks = (dataLength + 65_534) / 65_535
        // signature 8, IHDR 25, IDAT 12 + zlib (2 + 5 per block + data + 4), IEND 12
        #expect(png.count == 8 + 25 + 12 + 2 + 5 * blocks + dataLength + 4 + 12)
        #expect(png[8 + 25 + 8 + 2] == 0, "first block not final")
        #expect(Array(png[(8 + 25 + 8 + 3)..<(8 + 25 + 8 + 5)]) == [0xFF, 0xFF], "first block holds 65,535 bytes")
    }

    @Test func picksConfidentMistakesOrLeastConfidentImages() {
        let predicted = [1, 2, 3, 4, 5, 6]
        let confidence: [Float] = [0.9, 0.2, 0.7, 0.5, 0.2, 0.99]
        let labels = [1, 0, 0, 4, 0, 0]
        #expect(Thumbnail.pick(predicted: predicted, confidence: confidence, labels: labels) == [5, 2, 1, 4])
        #expect(Thumbnail.pick(predicted: predicted, confidence: confidence, labels: labels, limit: 2) == [5, 2])
        #expect(Thumbnail.pick(predicted: predicted, confidence: confidence, labels: nil, limit: 3) == [1, 4, 3])
    }

    @Test func labelledPageHasTheNumbersChartsAndEscapedNames() throws {
        var outcome = Self.outcome(labels: [3, 0, 2, 2], name: "<b>&\"x'")
        outcome.thumbnails = [Thumbnail(index: 1, width: 2, height: 1, pixels: [0, 255])]
        let html = String(decoding: outcome.reportHTML, as: UTF8.self)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>sumd report: &lt;b&gt;&amp;&quot;x&#39;</title>"))
        #expect(!html.contains("<b>&"))
        #expect(html.contains("<strong>0.500000</strong> (50.00 %, 2 of 4 correct)"), "accuracy as report.csv writes it")
        #expect(html.contains("/tmp/a&lt;b.safetensors"))
        #expect(html.contains("aria-label=\"confusion matrix\"") && html.contains("aria-label=\"accuracy per sum\""))
        #expect(html.contains("<title>true 2, predicted 2: 1 image</title>"))
        #expect(html.contains("aria-label=\"confidence histogram\""))
        #expect(html.contains("<h2>Misclassified images</h2><p>1 of 2, the most confident mistakes first."))
        let png = Data(PNGEncoder.grayscale([0, 255], width: 2, height: 1)).base64EncodedString()
        #expect(html.contains("<img src=\"data:image/png;base64,\(png)\" width=\"4\" height=\"2\" alt=\"image 1\">"))
        #expect(html.contains("predicted <span class=\"wrong\">1</span>, true 0"))
        for external in ["http:", "https:", "src=\"/", "href=", "url("] { #expect(!html.contains(external), "\(external)") }
    }

    @Test func unlabelledPageShowsTheLeastConfidentImages() {
        let html = String(decoding: Self.outcome(labels: nil, name: "b").reportHTML, as: UTF8.self)
        #expect(html.contains("unknown: no labels came with this batch"))
        #expect(html.contains("<h2>Least confident images</h2>"))
        #expect(!html.contains("confusion matrix"))
    }

    @Test func theReportFilesListThePageBeforeTheReport() throws {
        #expect(BatchReportFiles.names(stem: "s", labeled: false) == ["s.predictions.csv", "s.report.html", "s.report.csv"])
        #expect(BatchReportFiles.names(stem: "s", labeled: true).suffix(2) == ["s.report.html", "s.report.csv"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-html-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = try BatchReportFiles.write(Self.outcome(labels: [3, 0, 2, 2], name: "s"), to: directory, stem: "s")
        #expect(written.map(\.lastPathComponent) == BatchReportFiles.names(stem: "s", labeled: true))
        #expect(try String(contentsOf: directory.appendingPathComponent("s.report.html"), encoding: .utf8).contains("sumd report: s"))
    }

    /// Four images of a 4-class model: predicted 3, 1, 0, 2.
    private static func outcome(labels: [Int]?, name: String) -> BatchOutcome {
        BatchOutcome(
            batch: name, predicted: [3, 1, 0, 2], confidence: [0.9, 0.6, 0.3, 0.95], labels: labels, classes: 4,
            checkpoint: "/tmp/a<b.safetensors", modelSHA256: String(repeating: "0", count: 64),
            startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 2))
    }
}
