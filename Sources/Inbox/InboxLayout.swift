import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's directories on disk, created if missing and checked before anything is served.
struct InboxLayout: Sendable {
    let inbox: String
    let outbox: String
    let processed: String
    let failed: String

    init(_ configuration: ServeConfiguration) {
        inbox = configuration.inbox.path
        outbox = configuration.outbox.path
        processed = configuration.processed.path
        failed = configuration.failed.path
    }

    /// Creates missing directories and refuses a layout the protocol cannot work in: inputs move
    /// from the inbox to processed/ and failed/ with `rename`/`link`, which only work within one
    /// file system. (The outbox may live elsewhere: reports are written in place.)
    func prepare() throws {
        let ledger = SummaryLedger(outbox: outbox).directories
        for directory in [inbox, outbox, outbox + "/.reservations"] + ledger + [processed, failed] {
            try FileMoves.makeDirectory(directory)
        }
        let device = try Self.device(of: inbox)
        for (role, directory) in [("processed", processed), ("failed", failed)] where try Self.device(of: directory) != device {
            throw InboxError(
                "\(directory): the \(role) directory is on another file system than the inbox \(inbox); "
                    + "sumd moves inputs with rename and link, so put them on one file system")
        }
        for (role, directory) in [("inbox", inbox), ("outbox", outbox), ("processed", processed), ("failed", failed)]
        where access(directory, R_OK | W_OK | X_OK) != 0 {
            throw InboxError("\(directory): the \(role) directory is not writable by this user: \(String(cString: strerror(errno)))")
        }
    }

    private static func device(of directory: String) throws -> UInt {
        guard let status = try FileMoves.status(directory) else { throw InboxError.system("stat", directory, ENOENT) }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw InboxError("\(directory): is not a directory") }
        return UInt(status.st_dev)
    }
}
