import Foundation
import Inbox
import Logging
import Testing

/// `SystemdWatchdogService` pings at half the interval until its task ends.
@Suite struct SystemdWatchdogTests {
    @Test func pingsAtHalfTheIntervalUntilCancelled() async throws {
        let socket = try NotifySocket()
        let service = SystemdWatchdogService(notifier: SystemdNotifier(socketPath: socket.path, watchdogInterval: .milliseconds(200)),
                                             logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { try await service.run() }
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(try socket.receive() == "WATCHDOG=1") }
        let elapsed = ContinuousClock.now - start
        // Pings at 0, 100 and 200 ms; a loaded machine may be late, never early.
        #expect(elapsed >= .milliseconds(190) && elapsed < .seconds(2), "3 pings took \(elapsed)")
        running.cancel()
        try await running.value
    }
}
