import Logging

/// The one place where the daemon says it is ready: the checkpoint is loaded, the inbox watched,
/// claims of dead daemons resumed and the backlog queued. (systemd's `sd_notify("READY=1")` goes here.)
enum Readiness {
    static func announce(_ logger: Logger, metadata: Logger.Metadata) {
        logger.notice("ready", metadata: metadata)
    }
}
