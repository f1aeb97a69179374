import Logging
import ServiceLifecycle

/// Pings systemd's watchdog (`WATCHDOG=1`) every half `WatchdogSec=` while the service group runs,
/// so that systemd kills and restarts a daemon that hangs or is stopped.
///
/// The pings come from a task on the cooperative pool: a process that is stopped, deadlocked or
/// whose pool is starved stops pinging. Without a watchdog (not under systemd, or no
/// `WatchdogSec=`) it just waits for the shutdown. Put it first in the `ServiceGroup` so that
/// it is shut down last and keeps pinging while the inbox service gives its batch back.
public struct SystemdWatchdogService: Service {
    public let notifier: SystemdNotifier
    public let logger: Logger

    public init(notifier: SystemdNotifier = .fromEnvironment, logger: Logger) {
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        guard notifier.isEnabled, let interval = notifier.watchdogInterval else {
            try? await gracefulShutdown()
            return
        }
        let notifier = notifier
        let logger = logger
        logger.debug("pinging the systemd watchdog", metadata: ["watchdog.interval_ms": "\(interval / .milliseconds(1))"])
        await cancelWhenGracefulShutdown {
            var warned = false
            while !Task.isCancelled {
                do {
                    try notifier.watchdog()
                } catch where !warned {
                    logger.warning("cannot ping the systemd watchdog", metadata: ["error": "\(error)"])
                    warned = true
                } catch {}
                try? await Task.sleep(for: interval / 2)
            }
        }
    }
}
