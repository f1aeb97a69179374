import Foundation
import SystemCalls
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's directories on disk, created if missing and checked before anything is served.
struct InboxLayout: Sendable {
    let inbox: FilePath
    let outbox: FilePath
    let processed: FilePath
    let failed: FilePath

    init(_ configuration: ServeConfiguration) {
        inbox = FilePath(configuration.inbox.path)
        outbox = FilePath(configuration.outbox.path)
        processed = FilePath(configuration.processed.path)
        failed = FilePath(configuration.failed.path)
    }

    /// Creates missing directories and refuses a layout the protocol cannot work in: inputs move
    /// from the inbox to processed/ and failed/ with `rename`/`link`, which only work within one
    /// file system. (The outbox may live elsewhere: reports are written in place.)
    func prepare() throws {
        let ledger = SummaryLedger(outbox: outbox).directories
        for directory in [inbox, outbox, StemReservations(outbox: outbox).directory] + ledger + [processed, failed] {
            try FileMoves.makeDirectory(directory)
        }
        let device = try Self.device(of: inbox)
        for (role, directory) in [("processed", processed), ("failed", failed)] where try Self.device(of: directory) != device {
            throw InboxError(
                "\(directory): the \(role) directory is on another file system than the inbox \(inbox); "
                    + "sumd moves inputs with rename and link, so put them on one file system")
        }
        for (role, directory) in [("inbox", inbox), ("outbox", outbox), ("processed", processed), ("failed", failed)] {
            if case .failure(let failure) = valueOrErrno({ directory.withPlatformString { access($0, R_OK | W_OK | X_OK) } }) {
                throw InboxError("\(directory): the \(role) directory is not writable by this user: \(failure)")
            }
        }
    }

    private static func device(of directory: FilePath) throws -> DeviceID {
        guard let status = try directory.statusIfPresent() else {
            throw SystemCallError("stat", path: directory, errno: .noSuchFileOrDirectory)
        }
        guard status.type == .directory else { throw InboxError("\(directory): is not a directory") }
        return status.deviceID
    }
}
