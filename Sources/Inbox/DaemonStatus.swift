import Foundation
import SystemCalls
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// What `sumd serve --status-file PATH` writes on its heartbeat, as a small JSON object, for
/// probes (`sumd health`, a Kubernetes exec probe) and people:
///
///     {"backlog":0,"batches":12,"host":{"hostname":"sumd-7d9f-x2k","instance":"3f2a9c1e-7b04d2aa"},
///      "kernels":"avx2","model_sha256":"…","pid":1,"state":"idle","updated_at":1764608000.25}
///
/// The file is replaced atomically (temporary name, rename), never fsynced: it says whether the
/// daemon is alive now, and after a crash its age says so too.
public struct DaemonStatus: Codable, Sendable, Equatable {
    /// What the daemon's loop is doing.
    public enum State: String, Codable, Sendable {
        /// Model loaded, claims being adopted and the backlog queued; not yet "ready".
        case starting
        /// Ready, nothing to predict.
        case idle
        /// A batch is being predicted or waits for the compute thread.
        case busy
        /// SIGTERM/SIGINT received (or the watcher failed): giving work back, about to exit.
        case stopping
    }

    public var host: HostIdentity
    public var pid: Int32
    public var state: State
    /// When this was written, in seconds since the Unix epoch.
    public var updatedAt: Double
    /// Batches reported since start (`sumd_batches_total`) and batches waiting in the inbox.
    public var batches: Int
    public var backlog: Int
    /// The kernel set and the SHA-256 of the checkpoint serving.
    public var kernels: String
    public var modelSHA256: String

    public init(
        host: HostIdentity, pid: Int32, state: State, updatedAt: Double, batches: Int, backlog: Int,
        kernels: String, modelSHA256: String
    ) {
        self.host = host
        self.pid = pid
        self.state = state
        self.updatedAt = updatedAt
        self.batches = batches
        self.backlog = backlog
        self.kernels = kernels
        self.modelSHA256 = modelSHA256
    }

    enum CodingKeys: String, CodingKey {
        case host, pid, state, batches, backlog, kernels
        case updatedAt = "updated_at"
        case modelSHA256 = "model_sha256"
    }

    /// The JSON text, keys sorted, one line.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Replaces `url` with `encoded()`: written under a hidden temporary name in the same
    /// directory, then renamed over it, so a reader sees the old file or the new one, never half.
    public func write(to url: URL) throws {
        let target = FilePath(url.path)
        let temporary = target.removingLastComponent().appending(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try encoded().write(to: URL(fileURLWithPath: temporary.string))
            try systemCall("rename to \(url.lastPathComponent)", path: temporary) {
                withPlatformStrings(temporary, target) { rename($0, $1) }
            }
        } catch {
            try? FileMoves.removeIfPresent(temporary)
            throw error
        }
    }

    /// Reads the file `write(to:)` wrote.
    public static func read(from url: URL) throws -> DaemonStatus {
        try JSONDecoder().decode(DaemonStatus.self, from: Data(contentsOf: url))
    }
}
