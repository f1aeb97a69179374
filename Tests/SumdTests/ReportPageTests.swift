import Classifier
import Foundation
import Testing

/// `S.report.html` from the real `sumd predict` on 300 labelled synthetic images and an untrained
/// model (so most images are mistakes): small, self-contained, with the accuracy and at least 10
/// thumbnails, and rendered by a real headless Chromium, whose DOM dump says every image decoded.
@Suite(.enabled(if: DaemonProcess.binaryExists, "needs the release sumd binary (make test builds it)"))
struct ReportPageTests {
    @Test func aLabelledBatchOf300GivesASmallSelfContainedPage() async throws {
        let work = try await Self.predictedBatch()
        let html = try String(contentsOfFile: work.path("r.report.html"), encoding: .utf8)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: work.path("r.report.html"))[.size] as? Int)
        #expect(size < 5_000_000, "\(size) bytes")
        for external in ["http:", "https:", "src=\"/", "href=", "url(", "@import"] {
            #expect(!html.contains(external), "the page refers to something outside itself: \(external)")
        }
        let sources = html.components(separatedBy: "src=\"").dropFirst()
        #expect(sources.allSatisfy { $0.hasPrefix("data:image/png;base64,") }, "every image is inline")

        let report = try csvRows(work.path("r.report.csv"))
        let row = Dictionary(uniqueKeysWithValues: zip(report[0], report[1]))
        let accuracy = try #require(row["accuracy"])
        let correct = try #require(Int(row["correct"] ?? ""))
        #expect(html.contains("<strong>\(accuracy)</strong>"), "accuracy \(accuracy) not in the page")
        let mistakes = 300 - correct
        try #require(mistakes >= 10, "the untrained model should get most of 300 images wrong; it got \(mistakes)")
        #expect(sources.count == min(mistakes, Thumbnail.limit), "\(sources.count) thumbnails for \(mistakes) mistakes")
        print("report.html: \(size) bytes, \(sources.count) thumbnails, \(mistakes) mistakes, accuracy \(accuracy)")
    }

    @Test(.enabled(if: Chromium.path != nil, "needs chromium (make deps installs it)"))
    func chromiumRendersThePageAndDecodesEveryThumbnail() async throws {
        let work = try await Self.predictedBatch()
        let page = work.url.appendingPathComponent("r.report.html")
        let dom = try await Chromium.run(["--dump-dom", page.absoluteString], in: work)
        #expect(dom.status == 0, "\(dom.standardError)")
        let loaded = try #require(
            dom.standardOutput.firstMatch(of: /data-images-loaded="(\d+)\/(\d+)"/),
            "no data-images-loaded in the DOM: the page's script did not run; \(dom.standardOutput.prefix(500))")
        #expect(Int(loaded.1)! >= 10 && loaded.1 == loaded.2, "\(loaded.1) of \(loaded.2) thumbnails decoded")

        // A screenshot of the report against one of an empty page the same size: the report's is much larger.
        try "<!DOCTYPE html><html><body></body></html>".write(
            to: work.url.appendingPathComponent("blank.html"), atomically: true, encoding: .utf8)
        var sizes: [Int] = []
        for name in ["r.report.html", "blank.html"] {
            let shot = work.path(name + ".png")
            let result = try await Chromium.run(
                [
                    "--screenshot=\(shot)", "--window-size=1200,2000",
                    work.url.appendingPathComponent(name).absoluteString,
                ], in: work)
            #expect(result.status == 0, "\(result.standardError)")
            sizes.append(try #require(try FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int))
        }
        #expect(sizes[0] > 20_000 && sizes[0] > 5 * sizes[1], "screenshots: report \(sizes[0]) bytes, blank page \(sizes[1]) bytes")
        print("chromium: \(loaded.1)/\(loaded.2) images decoded; screenshot \(sizes[0]) bytes, blank page \(sizes[1]) bytes")
    }

    /// Without labels the page shows the least confident images, beside the input (there is no
    /// report CSV); predictions sent to standard output leave no files at all.
    @Test func anUnlabelledBatchShowsTheLeastConfidentImages() async throws {
        let work = try await Self.predictedBatch()
        var result = try await runSumd([
            "predict", "--checkpoint", work.path("model.safetensors"), "--images", work.path("data/images.npy"),
        ])
        try #require(result.status == 0, "\(result.standardError)")
        let html = try String(contentsOfFile: work.path("data/images.report.html"), encoding: .utf8)
        #expect(html.contains("<h2>Least confident images</h2><p>48 of 300, the least confident first"))
        #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == Thumbnail.limit)
        try FileManager.default.removeItem(atPath: work.path("data/images.report.html"))
        result = try await runSumd([
            "predict", "--checkpoint", work.path("model.safetensors"), "--images", work.path("data/images.npy"), "--out", "-",
        ])
        #expect(result.status == 0)
        #expect(!FileManager.default.fileExists(atPath: work.path("data/images.report.html")))
    }

    /// `sumd synth` 300 images (28×140, sums 0…45), an untrained checkpoint for them, and
    /// `sumd predict --labels … --report r.report.csv`.
    private static func predictedBatch() async throws -> TemporaryDirectory {
        let work = try TemporaryDirectory("sumd-report-page")
        var result = try await runSumd(["synth", "--out", work.path("data"), "--n", "300", "--seed", "11"])
        try #require(result.status == 0, "\(result.standardError)")
        let architecture = try Architecture.seed(height: 28, width: 140, channels: [4], hidden: 8, classes: 46)
        try Checkpoint(parameters: Parameters(architecture: architecture, seed: 5)).write(
            to: work.url.appendingPathComponent("model.safetensors"))
        result = try await runSumd([
            "predict", "--checkpoint", work.path("model.safetensors"), "--images", work.path("data/images.npy"),
            "--labels", work.path("data/labels.npy"), "--out", work.path("r.predictions.csv"),
            "--report", work.path("r.report.csv"),
        ])
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains(work.path("r.report.html")), "predict names the page it wrote")
        return work
    }
}

/// Debian's chromium, headless. It refuses to run as root without --no-sandbox; a profile
/// directory of its own keeps parallel runs apart.
enum Chromium {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(_ arguments: [String], in work: TemporaryDirectory) async throws -> CommandResult {
        let profile = work.path("chromium-profile-\(UUID().uuidString.prefix(8))")
        return try await runCommand(
            URL(fileURLWithPath: try #require(path)),
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)"] + arguments,
            in: work.url, timeout: 90)
    }
}
