import Foundation

/// The report's three charts as inline SVG (no script, no library): every shape is written out,
/// with a `<title>` tooltip giving the exact numbers.
extension HTMLReport {
    /// Counts per (true, predicted) sum, shaded by count relative to the largest cell.
    func confusionHeatMap(_ confusion: [[Int]]) -> String {
        let classes = confusion.count
        let cell = max(14, min(30, 600 / max(1, classes)))
        let margin = 44
        let size = margin + classes * cell + 4
        let largest = max(1, confusion.lazy.flatMap { $0 }.max() ?? 1)
        var svg = "<svg width=\"\(size)\" height=\"\(size)\" role=\"img\" aria-label=\"confusion matrix\">\n"
        svg += "<text x=\"\(margin + classes * cell / 2)\" y=\"11\" font-size=\"11\" text-anchor=\"middle\">predicted sum</text>\n"
        svg +=
            "<text transform=\"translate(11 \(margin + classes * cell / 2)) rotate(-90)\" font-size=\"11\" text-anchor=\"middle\">true sum</text>\n"
        let fontSize = max(8, cell / 2 - 2)
        for sum in 0..<classes {
            let middle = margin + sum * cell + cell / 2
            svg += "<text x=\"\(middle)\" y=\"\(margin - 6)\" font-size=\"\(fontSize)\" text-anchor=\"middle\">\(sum)</text>"
            svg += "<text x=\"\(margin - 6)\" y=\"\(middle + fontSize / 3)\" font-size=\"\(fontSize)\" text-anchor=\"end\">\(sum)</text>\n"
        }
        for (truth, row) in confusion.enumerated() {
            for (predicted, count) in row.enumerated() {
                let (x, y) = (margin + predicted * cell, margin + truth * cell)
                let shade = Double(count) / Double(largest)
                // Blue for the diagonal (right), red off it (wrong); white for none.
                let colour = truth == predicted ? "33,102,172" : "178,24,43"
                svg +=
                    "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"rgba(\(colour),\(String(format: "%.3f", count == 0 ? 0 : 0.12 + 0.88 * shade)))\" stroke=\"#eee\">"
                svg += "<title>true \(truth), predicted \(predicted): \(count) image\(count == 1 ? "" : "s")</title></rect>"
                if count > 0 {
                    svg +=
                        "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + fontSize / 3)\" font-size=\"\(fontSize)\" text-anchor=\"middle\" fill=\"\(shade > 0.55 ? "#fff" : "#222")\">\(count)</text>"
                }
            }
            svg += "\n"
        }
        return svg + "</svg>\n"
    }

    /// One bar per true sum: its accuracy, with the number of such images above it.
    func perSumAccuracy(_ confusion: [[Int]]) -> String {
        let classes = confusion.count
        let bar = max(12, min(40, 760 / max(1, classes)))
        let (top, plot, bottom, left) = (18, 160, 20, 36)
        let width = left + classes * bar + 4
        var svg = "<svg width=\"\(width)\" height=\"\(top + plot + bottom)\" role=\"img\" aria-label=\"accuracy per sum\">\n"
        svg += axis(left: left, top: top, plot: plot, width: width, labels: ["0%", "50%", "100%"])
        for (sum, row) in confusion.enumerated() {
            let support = row.reduce(0, +)
            let x = left + sum * bar
            svg += "<text x=\"\(x + bar / 2)\" y=\"\(top + plot + 14)\" font-size=\"10\" text-anchor=\"middle\">\(sum)</text>"
            guard support > 0 else {
                svg += "\n"
                continue
            }
            let accuracy = Double(row[sum]) / Double(support)
            let height = Int((accuracy * Double(plot)).rounded())
            svg += "<rect x=\"\(x + 2)\" y=\"\(top + plot - height)\" width=\"\(bar - 4)\" height=\"\(height)\" fill=\"#2166ac\">"
            svg += "<title>sum \(sum): \(row[sum]) of \(support) correct (\(String(format: "%.1f", accuracy * 100)) %)</title></rect>"
            svg +=
                "<text x=\"\(x + bar / 2)\" y=\"\(top + plot - height - 3)\" font-size=\"9\" text-anchor=\"middle\" fill=\"#555\">\(support)</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Images per confidence bin (20 bins of 0.05); with labels, correct (blue) under wrong (red).
    var confidenceHistogram: String {
        let bins = 20
        var correct = [Int](repeating: 0, count: bins)
        var wrong = [Int](repeating: 0, count: bins)
        for index in 0..<outcome.images {
            let bin = min(bins - 1, max(0, Int(outcome.confidence[index] * Float(bins))))
            if let labels = outcome.labels, labels[index] != outcome.predicted[index] { wrong[bin] += 1 } else { correct[bin] += 1 }
        }
        let largest = max(1, zip(correct, wrong).map { $0 + $1 }.max() ?? 1)
        let (top, plot, bottom, left, bar) = (10, 160, 34, 44, 32)
        let width = left + bins * bar + 16
        var svg = "<svg width=\"\(width)\" height=\"\(top + plot + bottom)\" role=\"img\" aria-label=\"confidence histogram\">\n"
        svg += axis(left: left, top: top, plot: plot, width: width, labels: ["0", "\(largest / 2)", "\(largest)"])
        for bin in 0..<bins {
            let x = left + bin * bar
            let correctHeight = plot * correct[bin] / largest
            let wrongHeight = plot * wrong[bin] / largest
            let range = "\(String(format: "%.2f", Double(bin) / Double(bins)))–\(String(format: "%.2f", Double(bin + 1) / Double(bins)))"
            let counts = outcome.labels == nil ? "\(correct[bin]) images" : "\(correct[bin]) correct, \(wrong[bin]) wrong"
            svg += "<g><title>confidence \(range): \(counts)</title>"
            svg +=
                "<rect x=\"\(x + 2)\" y=\"\(top + plot - correctHeight)\" width=\"\(bar - 4)\" height=\"\(correctHeight)\" fill=\"#2166ac\"/>"
            svg +=
                "<rect x=\"\(x + 2)\" y=\"\(top + plot - correctHeight - wrongHeight)\" width=\"\(bar - 4)\" height=\"\(wrongHeight)\" fill=\"#b2182b\"/></g>\n"
            if bin % 2 == 0 {
                svg +=
                    "<text x=\"\(x)\" y=\"\(top + plot + 14)\" font-size=\"10\" text-anchor=\"middle\">\(String(format: "%.1f", Double(bin) / Double(bins)))</text>"
            }
        }
        svg += "<text x=\"\(left + bins * bar)\" y=\"\(top + plot + 14)\" font-size=\"10\" text-anchor=\"middle\">1.0</text>"
        svg += "<text x=\"\(left + bins * bar / 2)\" y=\"\(top + plot + 30)\" font-size=\"11\" text-anchor=\"middle\">confidence</text>\n"
        return svg + "</svg>\n"
    }

    /// The frame of a bar chart: base line, and three labels at the bottom, middle and top of the scale.
    private func axis(left: Int, top: Int, plot: Int, width: Int, labels: [String]) -> String {
        var svg = "<line x1=\"\(left)\" y1=\"\(top + plot)\" x2=\"\(width)\" y2=\"\(top + plot)\" stroke=\"#888\"/>"
        for (step, label) in labels.enumerated() {
            let y = top + plot - plot * step / (labels.count - 1)
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width)\" y2=\"\(y)\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(left - 4)\" y=\"\(y + 4)\" font-size=\"10\" text-anchor=\"end\">\(label)</text>"
        }
        return svg + "\n"
    }
}
