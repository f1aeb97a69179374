import ArgumentParser
import Foundation
import Inbox

/// `sumd health`: is the daemon that writes this status file alive? What a Kubernetes exec probe
/// (or a monitoring script) runs; the judgement is `DaemonHealth`'s.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check the status file of a running `sumd serve`: exit 0 if it is fresh and the daemon not stopping.",
        discussion: """
            `sumd serve --status-file PATH` (config key status_file) rewrites PATH every few seconds from \
            its working loop. This command reads it and prints one line. It exits 0 when the file was \
            written within --max-age seconds and the daemon is not stopping; otherwise it exits 1 and says \
            why: no file, unreadable, stale by N s (the loop is hung, the process paused or dead), or \
            stopping. With --ready a daemon still starting (adopting claims, queuing the backlog) fails too.

            Example (a Kubernetes liveness probe):
              sumd health --status-file /run/sumd/status.json --max-age 30
            """
    )

    @Option(help: ArgumentHelp("The file `sumd serve --status-file` writes.", valueName: "path"))
    var statusFile: String

    @Option(help: ArgumentHelp("Seconds since the last write after which the daemon counts as hung or dead.", valueName: "seconds"))
    var maxAge: Double = 30

    @Flag(help: "Also fail while the daemon is starting (a readiness probe).")
    var ready = false

    func validate() throws {
        guard maxAge.isFinite, maxAge > 0 else { throw ValidationError("--max-age must be a number of seconds > 0.") }
    }

    func run() throws {
        let health = DaemonHealth.check(
            statusFile: URL(fileURLWithPath: statusFile), now: Date(), maxAge: maxAge,
            requireReady: ready)
        print(health.message)
        if !health.isHealthy { throw ExitCode.failure }
    }
}
