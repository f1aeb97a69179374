import ArrayFormats
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A temporary inbox/outbox/processed/failed layout with a checkpoint, for one test's daemon(s).
/// Images are 28×56 uint8 like the test checkpoint's input; sums are 0…18.
final class DaemonSandbox {
    static let height = 28, width = 56, classes = 19

    let root: URL
    var inbox: URL { root.appendingPathComponent("inbox") }
    var outbox: URL { root.appendingPathComponent("outbox") }
    var processed: URL { root.appendingPathComponent("processed") }
    var failed: URL { root.appendingPathComponent("failed") }
    /// A sibling of the inbox on the same file system, for writing files before renaming them in.
    var staging: URL { root.appendingPathComponent("staging") }
    var checkpoint: URL { root.appendingPathComponent("model.safetensors") }
    private var daemons = 0
    private var generator = SystemRandomNumberGenerator()

    init(channels: [Int] = [4, 8], hidden: Int = 16) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-serve-\(UUID().uuidString)")
        for directory in [inbox, staging] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        try DaemonCheckpoint.write(to: checkpoint, channels: channels, hidden: hidden, seed: 1)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// Starts a daemon on this sandbox and waits for "ready".
    func startDaemon(
        _ extra: [String] = [], user: String? = nil, environment: [String: String] = [:],
        waitForReady: Bool = true
    ) async throws -> DaemonProcess {
        daemons += 1
        let daemon = try DaemonProcess(
            serve: [
                "--inbox", inbox.path, "--outbox", outbox.path, "--checkpoint", checkpoint.path,
                "--workers", "2", "--log-level", "debug",
            ] + extra,
            log: root.appendingPathComponent("daemon\(daemons).log"), user: user, environment: environment)
        if waitForReady { try await daemon.waitForLog("ready") }
        return daemon
    }

    /// The daemons' logs so far, for failure messages.
    var logs: String {
        (1...max(1, daemons)).map { index in
            (try? String(contentsOf: root.appendingPathComponent("daemon\(index).log"), encoding: .utf8)) ?? ""
        }.joined(separator: "\n")
    }

    // MARK: Data

    /// `count` random images (uint8) and sums.
    func randomBatch(_ count: Int) -> (pixels: [UInt8], labels: [Int64]) {
        // Eight pixels per random number: test data for thousands of images in milliseconds.
        let words = (0..<((count * Self.height * Self.width + 7) / 8)).map { _ in generator.next() as UInt64 }
        let pixels = words.withUnsafeBytes { Array($0.prefix(count * Self.height * Self.width)) }
        let labels = (0..<count).map { _ in Int64.random(in: 0..<Int64(Self.classes), using: &generator) }
        return (pixels, labels)
    }

    /// Writes `NAME.npy` (and first `NAME.labels.npy` when `labeled`) in staging and renames them
    /// into the inbox; returns the sums written.
    @discardableResult
    func dropBatch(_ name: String, images count: Int, labeled: Bool = false) throws -> [Int64] {
        let batch = randomBatch(count)
        if labeled { try drop(name + ".labels.npy", NpyWriter.encode(batch.labels, shape: [count])) }
        try drop(name + ".npy", NpyWriter.encode(batch.pixels, shape: [count, Self.height, Self.width]))
        return batch.labels
    }

    /// Writes `data` under `staging/name` and renames it to `inbox/name`.
    func drop(_ name: String, _ data: Data) throws {
        let staged = staging.appendingPathComponent(name)
        try data.write(to: staged)
        guard rename(staged.path, inbox.appendingPathComponent(name).path) == 0 else {
            throw DaemonTestError("cannot rename \(staged.path) into the inbox: errno \(errno)")
        }
    }

    // MARK: Reading outputs

    /// The rows of an outbox CSV file, header first, split at commas (the test names have none).
    func csv(_ name: String) throws -> [[String]] {
        let text = try String(contentsOf: outbox.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// `summary.csv` rows (without header) as dictionaries by column name.
    func summary() throws -> [[String: String]] {
        guard FileManager.default.fileExists(atPath: outbox.appendingPathComponent("summary.csv").path) else { return [] }
        let rows = try csv("summary.csv")
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(rows[0], $0)) }
    }

    /// The report row of stem `S` as a dictionary, if `S.report.csv` exists.
    func report(_ stem: String) throws -> [String: String]? {
        guard exists(outbox, stem + ".report.csv") else { return nil }
        let rows = try csv(stem + ".report.csv")
        return Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
    }

    func exists(_ directory: URL, _ name: String) -> Bool {
        var status = stat()
        return lstat(directory.appendingPathComponent(name).path, &status) == 0
    }

    func names(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Waits until `directory/name` exists.
    func waitFor(_ directory: URL, _ name: String, timeout: Double = 20) async throws {
        guard try await eventually(timeout: timeout, { exists(directory, name) }) else {
            throw DaemonTestError(
                "\(directory.lastPathComponent)/\(name) did not appear within \(timeout) s; "
                    + "\(directory.lastPathComponent) has \(names(in: directory)), inbox has \(names(in: inbox)); daemon logs:\n\(logs)")
        }
    }
}
