import Foundation
import Synchronization

/// Looks at an outbox every few milliseconds, on its own thread, for a file under a final name that
/// is not complete: a CSV without its last newline, a predictions file short of `images` rows, a
/// `summary.csv` line short of a column, a report page without its end.
final class PartialFileWatch: Sendable {
    private final class State: Sendable {
        let findings = Mutex<[String]>([])
        let running = Atomic<Bool>(true)
    }

    private let state = State()

    init(outbox: URL, images: Int, columns: Int) {
        let state = state
        Thread {
            while state.running.load(ordering: .relaxed) {
                let problems = Self.look(at: outbox, images: images, columns: columns)
                if !problems.isEmpty { state.findings.withLock { $0 += problems } }
                usleep(5_000)
            }
        }.start()
    }

    /// Stops watching; returns every partial file seen.
    func stop() -> [String] {
        state.running.store(false, ordering: .relaxed)
        usleep(20_000)
        return state.findings.withLock { $0 }
    }

    private static func look(at outbox: URL, images: Int, columns: Int) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
        var problems: [String] = []
        for name in names where !name.hasPrefix(".") {
            // A file renamed away between listing and reading is not a finding.
            guard let data = FileManager.default.contents(atPath: outbox.appendingPathComponent(name).path), !data.isEmpty else { continue }
            let text = String(decoding: data, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            if name.hasSuffix(".report.html") {
                if !text.hasSuffix("</html>\n") { problems.append("\(name): \(data.count) bytes without the page's end") }
            } else if !text.hasSuffix("\n") {
                problems.append("\(name): ends mid-line")
            } else if name.hasSuffix(".predictions.csv"), lines.count != images + 1 {
                problems.append("\(name): \(lines.count - 1) rows of \(images)")
            } else if name == "summary.csv",
                let short = lines.first(where: { $0.split(separator: ",", omittingEmptySubsequences: false).count != columns })
            {
                problems.append("summary.csv: line '\(short)'")
            }
        }
        return problems
    }
}
