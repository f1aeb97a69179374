import Foundation

extension BatchOutcome {
    /// `NAME.report.html`: the batch's report as one page to look at (see `HTMLReport`).
    public var reportHTML: Data { Data(HTMLReport(outcome: self).page.utf8) }
}

/// A batch's report as one self-contained HTML page: the counts and accuracy, the confusion matrix
/// as a heat map, accuracy per sum, a confidence histogram and thumbnails of the mistakes (or,
/// unlabelled, of the least confident images).
///
/// Self-contained means no reference to anything outside the file: CSS and SVG are inline and the
/// thumbnails are `data:` URLs, so the page opens the same from an outbox, a mail attachment or
/// an archive years later, and loads nothing from the network. Every text that comes from outside
/// (batch name, checkpoint path) is escaped.
struct HTMLReport {
    let outcome: BatchOutcome

    var page: String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>sumd report: \(escaped(outcome.batch))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>sumd report: \(escaped(outcome.batch))</h1>

            """
        html += summary
        if let confusion = outcome.confusion {
            html += "<section><h2>Confusion matrix</h2><p>Rows are true sums, columns predicted sums; the diagonal is correct.</p>\n"
            html += confusionHeatMap(confusion) + "</section>\n"
            html +=
                "<section><h2>Accuracy per sum</h2><p>Bar height is the accuracy on images whose true sum it is; the number above is how many there are.</p>\n"
            html += perSumAccuracy(confusion) + "</section>\n"
        }
        html += "<section><h2>Confidence</h2><p>How many images got each confidence (probability of the predicted sum)"
        html += outcome.labels == nil ? ".</p>\n" : ", correct and wrong stacked.</p>\n"
        html += confidenceHistogram + "</section>\n"
        html += thumbnailSection
        html += "<script>\(Self.imageCheck)</script>\n</body>\n</html>\n"
        return html
    }

    /// The numbers of `S.report.csv`, as a table.
    private var summary: String {
        var rows: [(String, String)] = [("Images", "\(outcome.images)")]
        if let correct = outcome.correct, let accuracy = outcome.accuracy {
            rows.append(
                (
                    "Accuracy",
                    "<strong>\(Self.fraction(accuracy))</strong> (\(String(format: "%.2f", accuracy * 100)) %, \(correct) of \(outcome.images) correct)"
                ))
            rows.append(("Mistakes", "\(outcome.images - correct)"))
        } else {
            rows.append(("Accuracy", "unknown: no labels came with this batch"))
        }
        rows += [
            ("Mean confidence", Self.fraction(outcome.meanConfidence)),
            ("Checkpoint", "<code>\(escaped(outcome.checkpoint))</code>"),
            ("Model SHA-256", "<code>\(outcome.modelSHA256)</code>"),
            ("Started", BatchOutcome.timestamp(outcome.startedAt)),
            ("Finished", BatchOutcome.timestamp(outcome.finishedAt)),
            ("Images per second", String(format: "%.1f", outcome.imagesPerSecond)),
        ]
        return "<table class=\"summary\">\n" + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>\n" }.joined() + "</table>\n"
    }

    /// A fraction as `S.report.csv` writes it (six decimals), so the page and the CSV agree to the digit.
    static func fraction(_ value: Double) -> String {
        var text = CSVText()
        text.append(fraction: value)
        return String(decoding: text.bytes, as: UTF8.self)
    }

    /// `text` safe inside HTML text and attribute values.
    func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    private static let style = """
        body{font:15px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222;background:#fff}
        h1{font-size:1.5em;word-break:break-all}h2{font-size:1.2em;margin-top:1.6em}
        table.summary th{text-align:left;padding-right:1.5em;font-weight:600}
        code{font-size:.9em;word-break:break-all}
        svg text{font-family:system-ui,sans-serif}
        .thumbs{display:flex;flex-wrap:wrap;gap:10px}
        figure{margin:0;padding:6px;border:1px solid #ddd;border-radius:4px;background:#fafafa}
        figure img{display:block;image-rendering:pixelated;background:#000}
        figcaption{font-size:12px;margin-top:4px}
        .wrong{color:#b00020;font-weight:600}
        """

    /// Records on `<body data-images-loaded="loaded/total">` how many thumbnails decoded, once the
    /// page has loaded: a headless browser's DOM dump then shows whether the pictures work.
    private static let imageCheck = """
        addEventListener('load',function(){var a=document.images,n=0;for(var i=0;i<a.length;i++){if(a[i].complete&&a[i].naturalWidth>0)n++}document.body.setAttribute('data-images-loaded',n+'/'+a.length)});
        """
}
