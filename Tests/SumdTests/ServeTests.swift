import ArrayFormats
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `sumd serve` end to end: the real executable, real inotify, temporary directories.
@Suite("sumd serve: batches in, reports out")
struct ServeTests {
    @Test("renamed-in and in-place batches, labels first, each reported with correct CSVs")
    func renamedAndInPlace() async throws {
        let sandbox = try DaemonSandbox()
        let daemon = try await sandbox.startDaemon()
        let sha = try SHA256.hex(ofFileAt: sandbox.checkpoint)
        // The ready line names the kernel set the engine runs (one of the sets this CPU can run).
        let ready = daemon.logLines(containing: "ready").first.map(String.init) ?? ""
        #expect(["avx512", "avx2", "portable"].contains { ready.contains("kernels=\($0)") }, "ready line: \(ready)")

        let labels = try sandbox.dropBatch("renamed", images: 37, labeled: true)
        try await sandbox.waitFor(sandbox.processed, "renamed.labels.npy")
        try sandbox.checkReports(stem: "renamed", images: 37, labels: labels, sha256: sha)
        #expect(sandbox.exists(sandbox.processed, "renamed.npy"))

        // Written in place in two parts: created, then closed after writing. (That a writer may pause
        // longer than 2 s mid-file is a decision, tested in InboxTests' SettlingTests.)
        let batch = sandbox.randomBatch(9)
        let data = try NpyWriter.encode(batch.pixels, shape: [9, DaemonSandbox.height, DaemonSandbox.width])
        let descriptor = open(sandbox.inbox.appendingPathComponent("inplace.npy").path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        try #require(descriptor >= 0)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: data.prefix(data.count / 2))
        try await Task.sleep(for: .milliseconds(200))
        #expect(sandbox.exists(sandbox.inbox, "inplace.npy"), "taken while still being written")
        try handle.write(contentsOf: data.dropFirst(data.count / 2))
        try handle.close()
        try await sandbox.waitFor(sandbox.processed, "inplace.npy")
        try sandbox.checkReports(stem: "inplace", images: 9, labels: nil, sha256: sha)

        let summary = try sandbox.summary()
        #expect(summary.map { $0["batch"] } == ["renamed", "inplace"])
        #expect(summary.map { $0["model_sha256"] } == [sha, sha])
        #expect(sandbox.names(in: sandbox.failed).isEmpty)
        try await daemon.stop()
        #expect(daemon.logLines(containing: "batch done").count == 2)
        #expect(daemon.logLines(containing: "batch.images_per_second=").count == 2)
    }

    @Test("labels after images: reported unlabelled, then re-run with accuracy; a second batch of the same name gets NAME~2")
    func labelsAfterImagesAndNameReuse() async throws {
        let sandbox = try DaemonSandbox()
        let daemon = try await sandbox.startDaemon()
        let batch = sandbox.randomBatch(25)
        try sandbox.drop("late.npy", NpyWriter.encode(batch.pixels, shape: [25, DaemonSandbox.height, DaemonSandbox.width]))
        try await sandbox.waitFor(sandbox.processed, "late.npy")
        let unlabelled = try sandbox.checkReports(stem: "late", images: 25, labels: nil)

        try sandbox.drop("late.labels.npy", NpyWriter.encode(batch.labels, shape: [25]))
        try await sandbox.waitFor(sandbox.processed, "late.labels.npy")
        let labelled = try sandbox.checkReports(stem: "late", images: 25, labels: batch.labels)
        #expect(labelled == unlabelled, "the re-run predicts the same sums")
        #expect(try sandbox.summary().map { $0["labeled"] } == ["0", "25"])

        let again = try sandbox.dropBatch("late", images: 4, labeled: true)
        try await sandbox.waitFor(sandbox.processed, "late~2.labels.npy")
        try sandbox.checkReports(stem: "late~2", images: 4, labels: again)
        try sandbox.checkReports(stem: "late", images: 25, labels: batch.labels)
        #expect(try sandbox.summary().map { $0["batch"] } == ["late", "late", "late~2"])
        try await daemon.stop()
    }

    @Test("a backlog present at start-up is served, and reports match `sumd predict`")
    func backlog() async throws {
        let sandbox = try DaemonSandbox()
        var labels: [String: [Int64]] = [:]
        for name in ["b1", "b2", "b3"] { labels[name] = try sandbox.dropBatch(name, images: 11, labeled: true) }
        let daemon = try await sandbox.startDaemon()
        for name in ["b1", "b2", "b3"] {
            try await sandbox.waitFor(sandbox.processed, name + ".labels.npy")
            try sandbox.checkReports(stem: name, images: 11, labels: labels[name])
        }
        try await daemon.stop()

        let predict = Process()
        predict.executableURL = DaemonProcess.binary
        let out = sandbox.root.appendingPathComponent("b1.predict.csv")
        predict.arguments = [
            "predict", "--checkpoint", sandbox.checkpoint.path,
            "--images", sandbox.processed.appendingPathComponent("b1.npy").path,
            "--labels", sandbox.processed.appendingPathComponent("b1.labels.npy").path,
            "--out", out.path, "--report", sandbox.root.appendingPathComponent("b1.predict-report.csv").path,
        ]
        predict.standardError = FileHandle.nullDevice
        #expect(try await runToEnd(predict) == 0)
        #expect(
            try String(contentsOf: out, encoding: .utf8)
                == String(contentsOf: sandbox.outbox.appendingPathComponent("b1.predictions.csv"), encoding: .utf8))
    }

    @Test("a burst of 200 small batches: every one reported exactly once")
    func burst() async throws {
        let sandbox = try DaemonSandbox()
        let daemon = try await sandbox.startDaemon()
        let names = (0..<200).map { String(format: "burst%03d", $0) }
        for name in names {
            let batch = sandbox.randomBatch(2)
            try sandbox.drop(name + ".npy", NpyWriter.encode(batch.pixels, shape: [2, DaemonSandbox.height, DaemonSandbox.width]))
        }
        // Moving the input to processed/ is a batch's last step; the summary row comes before it.
        let done = try await eventually(timeout: 60) { sandbox.names(in: sandbox.processed).count >= 200 }
        let summary = try sandbox.summary()
        #expect(done, "\(sandbox.names(in: sandbox.processed).count) of 200 batches moved to processed/")
        #expect(summary.compactMap { $0["batch"] }.sorted() == names)
        #expect(summary.allSatisfy { $0["images"] == "2" })
        #expect(sandbox.names(in: sandbox.processed) == names.map { $0 + ".npy" })
        #expect(sandbox.names(in: sandbox.outbox).filter { $0.hasSuffix(".report.csv") }.count == 200)
        try await daemon.stop()
    }
}

/// Runs a Python snippet (with NumPy) in `directory` without blocking a thread of the test pool.
/// (`numpyAvailable` is in CLISupport.swift.)
func runNumPy(_ code: String, in directory: URL) async throws {
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", "-c", code]
    python.currentDirectoryURL = directory
    guard try await runToEnd(python) == 0 else { throw DaemonTestError("python3 failed on: \(code)") }
}

@Suite("sumd serve: files written by NumPy")
struct ServeNumPyTests {
    @Test("np.save images + labels and np.savez bundles are served", .enabled(if: numpyAvailable, "needs python3 with numpy"))
    func numpyFiles() async throws {
        let sandbox = try DaemonSandbox()
        let daemon = try await sandbox.startDaemon()
        try await runNumPy(
            """
            import numpy as np, os
            rng = np.random.default_rng(7)
            x = rng.integers(0, 256, size=(13, 28, 56), dtype=np.uint8)
            y = rng.integers(0, 19, size=13)
            np.save('np1.labels.npy', y); np.save('np1.npy', x)
            np.savez('bundle.npz', images=(x / 255.0).astype(np.float32)[:, None], labels=y)
            np.save('expected.npy', y)
            for name in ['np1.labels.npy', 'np1.npy', 'bundle.npz']:
                os.rename(name, os.path.join('..', 'inbox', name))
            """, in: sandbox.staging)
        let expected = try NpyArray(contentsOf: sandbox.staging.appendingPathComponent("expected.npy")).integers().map(Int64.init)
        try await sandbox.waitFor(sandbox.processed, "np1.labels.npy")
        try await sandbox.waitFor(sandbox.processed, "bundle.npz")
        let fromNpy = try sandbox.checkReports(stem: "np1", images: 13, labels: expected)
        let fromNpz = try sandbox.checkReports(stem: "bundle", images: 13, labels: expected)
        // uint8 × (1/255) in Float and NumPy's float64 division rounded to float32 may differ in the last bit.
        #expect(zip(fromNpy, fromNpz).filter { $0 != $1 }.count <= 1, "the same pixels as uint8 and as float32 predict the same sums")
        try await daemon.stop()
    }
}
