import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `sumd serve` talking to a stand-in for systemd's notify socket: READY=1 once serving,
/// watchdog pings and a live status from the working loop, RELOADING=1 around SIGHUP, STOPPING=1,
/// and a metrics file that follows the batches.
@Suite(.enabled(if: DaemonProcess.binaryExists, "needs the release sumd binary (make test builds it)"))
struct SystemdDaemonNotifyTests {
    @Test func daemonNotifiesSystemdAndWritesMetrics() async throws {
        let sandbox = try DaemonSandbox()
        let socket = try NotifySocket()
        let metrics = sandbox.root.appendingPathComponent("sumd.prom")
        let daemon = try await sandbox.startDaemon(
            ["--metrics-file", metrics.path],
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "2000000"])
        var messages: [String] = []
        func waitFor(_ prefix: String) async throws {
            for _ in 0..<20 {
                let message = try await socket.next()
                messages.append(message)
                if message.hasPrefix(prefix) { return }
            }
            Issue.record("no \(prefix) among \(messages)")
        }
        try await waitFor("READY=1")
        #expect(messages.last!.contains("STATUS=idle · 0 batches"))
        try await waitFor("WATCHDOG=1")

        // Keep reading (as systemd does) while the batch is served; the status line follows on a tick.
        _ = try sandbox.dropBatch("first", images: 5, labeled: true)
        let deadline = Date().addingTimeInterval(20)
        var status = ""
        while Date() < deadline, !(status.hasPrefix("STATUS=") && status.contains("1 batches")) {
            status = try await socket.next()
            messages.append(status)
        }
        #expect(status.contains("1 batches · last accuracy"), "messages: \(messages.suffix(8))")
        try await sandbox.waitFor(sandbox.outbox, "first.report.csv")
        let text = try String(contentsOf: metrics, encoding: .utf8)
        #expect(text.contains("sumd_batches_total 1\n"))
        #expect(text.contains("sumd_images_total 5\n"))
        #expect(text.contains("sumd_failures_total{reason=\"not_a_batch\"} 0\n"))

        try sandbox.drop("notes.txt", Data("hello".utf8))
        #expect(
            try await eventually {
                (try? String(contentsOf: metrics, encoding: .utf8))?.contains("sumd_failures_total{reason=\"not_a_batch\"} 1\n") == true
            })

        // Catch up on what queued while the test looked at the metrics, as systemd would have.
        messages += socket.drain()
        daemon.send(SIGHUP)
        try await waitFor("RELOADING=1")
        try await waitFor("READY=1")
        daemon.send(SIGTERM)
        try await waitFor("STOPPING=1")
        #expect(try await daemon.waitForExit() == 0)
        #expect(try String(contentsOf: metrics, encoding: .utf8).contains("sumd_up 0\n"))
    }
}
