import ArgumentParser
import Foundation
import Inbox
import Logging
import ServiceLifecycle
import SystemCalls

/// `sumd serve`: the inbox daemon. A thin layer over `InboxService` (target Inbox): options,
/// logging set-up and the `ServiceGroup` that turns SIGTERM/SIGINT into a graceful shutdown.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Watch an inbox directory and write reports for every batch of images dropped into it.",
        discussion: """
            Drop NAME.npy (images, uint8 or float, (N, H, W) or (N, 1, H, W)) into the inbox, optionally \
            with NAME.labels.npy (true sums, integers, one per image; before or after the images), or a \
            NAME.npz holding arrays 'images' and optionally 'labels'. Write a file in place or, better, \
            under a temporary name (NAME.npy.part, NAME.tmp or a hidden name) and rename it into the inbox: \
            names starting with '.' or ending in .tmp/.part are ignored until renamed.

            For every batch the outbox gets NAME.predictions.csv (index,predicted_sum,confidence[,true_sum,correct]), \
            NAME.report.html (a page with charts and thumbnails of the mistakes) and NAME.report.csv \
            (written last), with labels also NAME.classes.csv and NAME.confusion.csv, and one row in \
            summary.csv. A later batch with the same NAME gets NAME~2, NAME~3, … and never \
            overwrites earlier reports. Labels that arrive after their batch was reported re-run it: its \
            reports are rewritten with accuracy and summary.csv gets a labelled row. Inputs then move to \
            the processed directory; bad inputs (not .npy/.npz, damaged, wrong dtype or image size, no \
            images, NaN pixels, labels that do not fit, symbolic links, directories, …) move to the failed \
            directory with NAME.error.txt saying why. Labels whose batch never comes are failed after \
            --labels-grace seconds.

            Several daemons may serve one inbox: each batch is claimed by exactly one. A daemon killed \
            mid-batch leaves its claim behind; the next daemon to start, or any running one (at once on \
            the same machine, after --claim-timeout from another host), finishes it, so every input is \
            reported exactly once. A daemon paused for longer than that finds its claims taken and exits \
            (status 75) without writing.

            Signals: SIGTERM/SIGINT stop taking files, give the batch in flight back to the inbox (under \
            its own name) and exit 0 within about a second; SIGHUP reloads the checkpoint (a bad one is \
            logged and the old one keeps serving). Logs go to standard error; "ready" is logged once the \
            checkpoint is loaded, the inbox watched and the backlog queued. Settings that cannot work \
            (including a missing checkpoint file) exit with status 78; every start-up failure is logged at \
            error priority in the journal.

            Example:
              sumd serve --inbox /srv/sumd/inbox --outbox /srv/sumd/outbox \\
                         --checkpoint /srv/sumd/model.safetensors --labels-grace 120
            """
    )

    @Option(help: ArgumentHelp("Settings from a file (TOML: inbox = \"/srv/in\", workers = 2, …); flags override it.", valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("The directory to watch for batches (created if missing).", valueName: "dir"))
    var inbox: String?

    @Option(help: ArgumentHelp("Where reports and summary.csv are written (created if missing).", valueName: "dir"))
    var outbox: String?

    @Option(help: ArgumentHelp("The checkpoint to serve (.safetensors from `sumd train`); reread on SIGHUP.", valueName: "file"))
    var checkpoint: String?

    @Option(
        help: ArgumentHelp("Where inputs go once reported (default: 'processed' beside the inbox; same file system).", valueName: "dir"))
    var processed: String?

    @Option(
        help: ArgumentHelp(
            "Where bad inputs go with NAME.error.txt (default: 'failed' beside the inbox; same file system).", valueName: "dir"))
    var failed: String?

    @Option(help: "Worker threads (default: all cores).")
    var workers: Int?

    @Option(help: "Images per chunk handed to a worker (default: the network's; 64 for the seed network, 32 for digitsum).")
    var chunkSize: Int?

    @Option(
        help: ArgumentHelp(
            "Grid phases each image is read at, predictions averaged (1: one pass, the fastest; default: the checkpoint's, 4 for digitsum).",
            valueName: "count"))
    var gridPhases: Int?

    @Option(
        help: ArgumentHelp(
            "How long labels wait for their batch before they count as failed (default \(ServeConfiguration.Defaults.labelsGraceSeconds)).",
            valueName: "seconds"))
    var labelsGrace: Double?

    @Option(help: ArgumentHelp("Least severe log level shown: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("Prometheus metrics written here after every batch.", valueName: "path"))
    var metricsFile: String?

    @Option(
        help: ArgumentHelp("A JSON status (host, state, batches, …) rewritten every few seconds, for `sumd health`.", valueName: "path"))
    var statusFile: String?

    @Option(
        help: ArgumentHelp(
            "Another daemon's claims are adopted once its lease has not changed for this long (default \(ServeConfiguration.Defaults.claimTimeoutSeconds); several hosts: longer than any pause you expect).",
            valueName: "seconds"))
    var claimTimeout: Double?

    @Option(
        help: ArgumentHelp(
            "List the inbox this often besides inotify; needed on NFS and other shared filesystems, where inotify misses other hosts' files (default: off).",
            valueName: "seconds"))
    var rescanInterval: Double?

    /// The exit status of a configuration that cannot work: `EX_CONFIG` from sysexits.h.
    static let configurationError: Int32 = 78

    func run() async throws {
        var configuration = ServeConfiguration()
        do {
            if let config { try configuration.read(configFile: config) }
            for (setting, value) in givenFlags { try configuration.set(setting, to: value, from: .flag) }
            try configuration.validate()
            try Self.checkReadable(checkpoint: configuration.checkpoint.path)
        } catch {
            // EX_CONFIG (sysexits.h): the unit's RestartPreventExitStatus=78 keeps systemd from
            // restarting a daemon whose configuration cannot work until someone fixes it. In the
            // journal the line has error priority (`<3>`), like the daemon's own error logs.
            ErrorOutput.write("Error: " + ((error as? ValidationError)?.message ?? "\(error)"))
            throw ExitCode(Self.configurationError)
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = JournalLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "sumd.serve")
        var groupConfiguration = ServiceGroupConfiguration(
            services: [InboxService(configuration: configuration, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // A slice takes about half a second; past this, shutdown escalates to cancellation.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            // ServiceGroup logs a failed service at debug level only. This is the line that says why
            // the daemon did not start (a checkpoint that does not load, an inbox that cannot be
            // created, no inotify) or stopped, at error priority in the journal.
            logger.error("stopped on an error", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }

    /// The flags given, as values for the settings they override (after the config file's).
    private var givenFlags: [(ServeConfiguration.Setting, ConfigValue)] {
        let flags: [(ServeConfiguration.Setting, ConfigValue?)] = [
            (.inbox, inbox.map(ConfigValue.string)), (.outbox, outbox.map(ConfigValue.string)),
            (.checkpoint, checkpoint.map(ConfigValue.string)), (.processed, processed.map(ConfigValue.string)),
            (.failed, failed.map(ConfigValue.string)), (.workers, workers.map(ConfigValue.integer)),
            (.chunkSize, chunkSize.map(ConfigValue.integer)), (.gridPhases, gridPhases.map(ConfigValue.integer)),
            (.labelsGrace, labelsGrace.map(ConfigValue.float)),
            (.logLevel, logLevel.map(ConfigValue.string)), (.metricsFile, metricsFile.map(ConfigValue.string)),
            (.statusFile, statusFile.map(ConfigValue.string)), (.claimTimeout, claimTimeout.map(ConfigValue.float)),
            (.rescanInterval, rescanInterval.map(ConfigValue.float)),
        ]
        return flags.compactMap { setting, value in value.map { (setting, $0) } }
    }

    /// A checkpoint that is missing or unreadable is a setting to fix (often: the service was
    /// enabled before the model was put in place), so it counts as a configuration error; a file
    /// that is there but does not load is the daemon's to report.
    static func checkReadable(checkpoint path: String) throws {
        guard case .failure(let reason) = valueOrErrno({ access(path, R_OK) }) else { return }
        throw ValidationError(
            "cannot read the checkpoint \(path): \(reason); put the model there or name another with checkpoint = \"…\" in the config file or --checkpoint."
        )
    }
}
