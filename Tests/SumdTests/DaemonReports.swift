import Foundation
import Testing

/// Checks one batch's outbox files against what the test fed in: row counts, columns, true sums,
/// the correct flags, accuracy, and that classes/confusion agree with the predictions.
extension DaemonSandbox {
    /// Verifies `S.predictions.csv`, `S.report.csv`, `S.report.html` (and, with labels, `S.classes.csv`,
    /// `S.confusion.csv`); returns the predicted sums.
    @discardableResult
    func checkReports(
        stem: String, images: Int, labels: [Int64]?, sha256: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [Int] {
        let predictions = try csv(stem + ".predictions.csv")
        let header = labels == nil ? "index,predicted_sum,confidence" : "index,predicted_sum,confidence,true_sum,correct"
        #expect(predictions.first?.joined(separator: ",") == header, sourceLocation: sourceLocation)
        try #require(
            predictions.count == images + 1, "\(stem): \(predictions.count - 1) prediction rows for \(images) images",
            sourceLocation: sourceLocation)
        var predicted: [Int] = []
        var correct = 0
        for (index, row) in predictions.dropFirst().enumerated() {
            let sum = try #require(Int(row[1]), sourceLocation: sourceLocation)
            let confidence = try #require(Double(row[2]), sourceLocation: sourceLocation)
            #expect(Int(row[0]) == index && (0..<Self.classes).contains(sum), sourceLocation: sourceLocation)
            #expect(confidence >= 1.0 / Double(Self.classes) - 1e-6 && confidence <= 1, sourceLocation: sourceLocation)
            if let labels {
                #expect(Int64(row[3]) == labels[index], "\(stem) row \(index): true_sum", sourceLocation: sourceLocation)
                #expect(row[4] == (Int64(sum) == labels[index] ? "1" : "0"), sourceLocation: sourceLocation)
                if Int64(sum) == labels[index] { correct += 1 }
            }
            predicted.append(sum)
        }
        let report = try #require(try report(stem), sourceLocation: sourceLocation)
        #expect(report["batch"] == stem && report["images"] == "\(images)", sourceLocation: sourceLocation)
        #expect(report["labeled"] == (labels == nil ? "0" : "\(images)"), sourceLocation: sourceLocation)
        if let sha256 { #expect(report["model_sha256"] == sha256, sourceLocation: sourceLocation) }
        let page = try String(contentsOf: outbox.appendingPathComponent(stem + ".report.html"), encoding: .utf8)
        #expect(page.contains("<h1>sumd report: \(stem)</h1>"), sourceLocation: sourceLocation)
        // Random weights on random pixels: there are mistakes (labelled) or least confident images to show.
        #expect(page.contains("<img src=\"data:image/png;base64,"), "\(stem).report.html has no thumbnail", sourceLocation: sourceLocation)
        if let accuracy = report["accuracy"], !accuracy.isEmpty {
            #expect(
                page.contains("<strong>\(accuracy)</strong>"), "\(stem).report.html lacks accuracy \(accuracy)",
                sourceLocation: sourceLocation)
        }
        guard let labels else {
            #expect(report["correct"] == "" && report["accuracy"] == "", sourceLocation: sourceLocation)
            #expect(!exists(outbox, stem + ".confusion.csv"), sourceLocation: sourceLocation)
            return predicted
        }
        #expect(report["correct"] == "\(correct)", sourceLocation: sourceLocation)
        let accuracy = try #require(Double(report["accuracy"] ?? ""), sourceLocation: sourceLocation)
        #expect(abs(accuracy - Double(correct) / Double(images)) < 1e-6, sourceLocation: sourceLocation)

        let confusion = try csv(stem + ".confusion.csv").dropFirst().map { $0.dropFirst().compactMap { Int($0) } }
        try #require(confusion.count == Self.classes && confusion.allSatisfy { $0.count == Self.classes }, sourceLocation: sourceLocation)
        for sum in 0..<Self.classes {
            let support = labels.filter { $0 == Int64(sum) }.count
            #expect(confusion[sum].reduce(0, +) == support, "confusion row \(sum)", sourceLocation: sourceLocation)
            #expect(
                (0..<Self.classes).map { confusion[$0][sum] }.reduce(0, +) == predicted.filter { $0 == sum }.count,
                sourceLocation: sourceLocation)
        }
        #expect((0..<Self.classes).map { confusion[$0][$0] }.reduce(0, +) == correct, sourceLocation: sourceLocation)
        let classes = try csv(stem + ".classes.csv")
        #expect(
            classes.count == Self.classes + 1 && classes[0].joined(separator: ",") == "sum,support,correct,accuracy",
            sourceLocation: sourceLocation)
        return predicted
    }
}
