import Foundation

/// The report's pictures: the outcome's thumbnails as inline PNGs (`data:` URLs), shown at twice
/// their size with their index, predicted sum, confidence and (labelled) true sum.
extension HTMLReport {
    var thumbnailSection: String {
        let shown = outcome.thumbnails.count
        var html = "<section>"
        if let correct = outcome.correct {
            let mistakes = outcome.images - correct
            html += "<h2>Misclassified images</h2><p>"
            html +=
                mistakes == 0
                ? "None: every image was predicted right."
                : "\(shown) of \(mistakes), the most confident mistakes first."
        } else {
            html += "<h2>Least confident images</h2><p>"
            html += "\(shown) of \(outcome.images), the least confident first (no labels, so mistakes are unknown)."
        }
        html += "</p>\n<div class=\"thumbs\">\n"
        for thumbnail in outcome.thumbnails {
            let predicted = outcome.predicted[thumbnail.index]
            let png = Data(PNGEncoder.grayscale(thumbnail.pixels, width: thumbnail.width, height: thumbnail.height))
            html += "<figure><img src=\"data:image/png;base64,\(png.base64EncodedString())\" width=\"\(thumbnail.width * 2)\" "
            html += "height=\"\(thumbnail.height * 2)\" alt=\"image \(thumbnail.index)\"><figcaption>#\(thumbnail.index) · "
            if let labels = outcome.labels {
                html += "predicted <span class=\"wrong\">\(predicted)</span>, true \(labels[thumbnail.index])"
            } else {
                html += "predicted \(predicted)"
            }
            html += " · \(String(format: "%.3f", outcome.confidence[thumbnail.index]))</figcaption></figure>\n"
        }
        return html + "</div></section>\n"
    }
}
