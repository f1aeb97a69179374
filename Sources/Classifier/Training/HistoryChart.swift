import Foundation

/// Draws a training history as a self-contained SVG: loss (left panel) and accuracy (right panel)
/// per epoch, training, validation and (when scored) the held-out test set, with the best
/// validation epoch marked.
public enum HistoryChart {
    public static func svg(_ history: [EpochRecord], title: String, bestEpoch: Int?) -> String {
        let panelWidth = 420.0
        let panelHeight = 260.0
        let margin = 50.0
        let width = 2 * panelWidth + 3 * margin
        let height = panelHeight + 2 * margin + 30
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(margin)" y="24" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        let tested = history.contains { $0.testAccuracy != nil }
        let maxLoss = Swift.max(
            history.map { Swift.max($0.trainLoss, $0.validationLoss, $0.testLoss ?? 0) }.max() ?? 1, 1e-9)
        let losses: [Series] =
            [({ $0.trainLoss }, "#1f77b4", "train"), ({ $0.validationLoss }, "#d62728", "validation")]
            + (tested ? [({ $0.testLoss }, "#ff7f0e", "test")] : [])
        let accuracies: [Series] =
            [({ $0.trainAccuracy }, "#1f77b4", "train"), ({ $0.validationAccuracy }, "#d62728", "validation")]
            + (tested ? [({ $0.testAccuracy }, "#ff7f0e", "test")] : [])
        svg += panel(
            history, x: margin, y: margin, width: panelWidth, height: panelHeight, name: "cross-entropy loss",
            top: maxLoss * 1.05, series: losses, bestEpoch: bestEpoch)
        svg += panel(
            history, x: 2 * margin + panelWidth, y: margin, width: panelWidth, height: panelHeight, name: "accuracy",
            top: 1, series: accuracies, bestEpoch: bestEpoch)
        svg += "</svg>\n"
        return svg
    }

    /// A line of the chart: the value per epoch (nil: not drawn), its colour and its legend.
    private typealias Series = (value: (EpochRecord) -> Double?, color: String, label: String)

    private static func panel(
        _ history: [EpochRecord], x: Double, y: Double, width: Double, height: Double, name: String,
        top: Double, series: [Series], bestEpoch: Int?
    ) -> String {
        let epochs = history.map(\.epoch)
        let first = Double(epochs.first ?? 1)
        let last = Double(Swift.max(epochs.last ?? 1, (epochs.first ?? 1) + 1))
        func px(_ epoch: Int) -> Double { x + (Double(epoch) - first) / (last - first) * width }
        func py(_ value: Double) -> Double { y + height - value / top * height }
        var out = "<g>\n<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"none\" stroke=\"#888\"/>\n"
        out += "<text x=\"\(f(x + width / 2))\" y=\"\(f(y - 8))\" text-anchor=\"middle\">\(name)</text>\n"
        for tick in 0...4 {
            let value = top * Double(tick) / 4
            out += "<line x1=\"\(f(x))\" x2=\"\(f(x + width))\" y1=\"\(f(py(value)))\" y2=\"\(f(py(value)))\" stroke=\"#eee\"/>\n"
            out += "<text x=\"\(f(x - 6))\" y=\"\(f(py(value) + 4))\" text-anchor=\"end\">\(String(format: "%.2f", value))</text>\n"
        }
        for epoch in epochs {
            out += "<text x=\"\(f(px(epoch)))\" y=\"\(f(y + height + 16))\" text-anchor=\"middle\">\(epoch)</text>\n"
        }
        out += "<text x=\"\(f(x + width / 2))\" y=\"\(f(y + height + 32))\" text-anchor=\"middle\">epoch</text>\n"
        if let bestEpoch, epochs.contains(bestEpoch) {
            out +=
                "<line x1=\"\(f(px(bestEpoch)))\" x2=\"\(f(px(bestEpoch)))\" y1=\"\(f(y))\" y2=\"\(f(y + height))\" stroke=\"#2ca02c\" stroke-dasharray=\"4 3\"/>\n"
            out += "<text x=\"\(f(px(bestEpoch) + 4))\" y=\"\(f(y + 14))\" fill=\"#2ca02c\">best</text>\n"
        }
        for (index, (value, color, label)) in series.enumerated() {
            let values = history.compactMap { record in value(record).map { (record.epoch, $0) } }
            let points = values.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
            out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            for (epoch, value) in values {
                out += "<circle cx=\"\(f(px(epoch)))\" cy=\"\(f(py(value)))\" r=\"3\" fill=\"\(color)\"/>\n"
            }
            let legendY = y + 16 + Double(index) * 16
            out +=
                "<line x1=\"\(f(x + width - 110))\" x2=\"\(f(x + width - 90))\" y1=\"\(f(legendY - 4))\" y2=\"\(f(legendY - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(f(x + width - 84))\" y=\"\(f(legendY))\">\(label)</text>\n"
        }
        return out + "</g>\n"
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
