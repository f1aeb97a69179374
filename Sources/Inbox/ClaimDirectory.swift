import Foundation
import Synchronization
import SystemCalls
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// This daemon's claims: `inbox/.claims/OWNER/`, kept alive by the lease `inbox/.claims/OWNER.lease`,
/// where OWNER is the daemon's `HOST@INSTANCE`.
///
/// Taking a batch is a `rename` into this directory, so two daemons never both get it (the loser
/// sees ENOENT), on one host or on several sharing the filesystem. The owner renews its lease from
/// its loop; a lease that stops changing for the claim timeout (or whose process is gone, when it
/// ran on this machine) is dead: another daemon removes it, which fences the owner (its next
/// renewal fails), and adopts the claims. Leases work where `flock` does not (NFS and other shared
/// filesystems, daemons that are all PID 1 in their containers). See docs/daemon-design.md.
final class ClaimDirectory: Sendable {
    /// `inbox/.claims`.
    let root: FilePath
    /// This daemon's claim directory.
    let path: FilePath
    private let leasePath: FilePath
    private let owner: String
    private let claimTimeout: Duration
    private let started = ContinuousClock.now
    private let observer = Mutex(LeaseObserver())

    /// Creates the lease, then the claim directory, under `inbox/.claims`.
    init(inbox: FilePath, owner: String, claimTimeout: Duration) throws {
        root = inbox.appending(".claims")
        try FileMoves.makeDirectory(root)
        self.owner = owner
        self.claimTimeout = claimTimeout
        path = root.appending(owner)
        leasePath = root.appending(owner + ".lease")
        // The lease exists before the directory, so a directory without a lease belongs to nobody.
        // Both names are this daemon's alone: EEXIST is its own request sent again (NFS).
        try Self.write(LeaseContent.now(owner: owner), to: leasePath, flags: O_CREAT | O_EXCL)
        switch valueOrErrno({ path.withPlatformString { mkdir($0, 0o755) } }) {
        case .success, .failure(.fileExists): break
        case .failure(let failure):
            try? FileMoves.removeIfPresent(leasePath)
            throw SystemCallError("mkdir", path: path, errno: failure)
        }
    }

    /// Shows other daemons that this one is alive. Throws `ClaimsFenced` when the lease is
    /// gone: another daemon judged this one dead and adopted its claims.
    func renewLease() throws {
        try Self.write(LeaseContent.now(owner: owner), to: leasePath, flags: 0)
    }

    /// Whether this daemon still holds `file`: its lease stands and the file is still in its claim
    /// directory.
    func holds(_ file: ClaimedFile) -> Bool {
        leasePath.exists && file.path.exists
    }

    /// Throws `ClaimsFenced` unless this daemon still holds every one of `files`: checked before a
    /// batch's outputs are written, so a daemon that was paused while its claims were adopted
    /// writes nothing for them.
    func ensureHolds(_ files: [ClaimedFile]) throws {
        guard files.allSatisfy(holds) else { throw ClaimsFenced(lease: leasePath) }
    }

    /// Takes `inbox/<name>` for the batch with `token`; nil if it is gone (another daemon took it).
    func claim(_ name: String, inbox: FilePath, token: String) throws -> ClaimedFile? {
        let claimed = ClaimedFile(token: token, original: name, directory: path)
        return try FileMoves.renameIfPresent(inbox.appending(name), to: claimed.path) ? claimed : nil
    }

    /// Puts a claimed file back into the inbox under its original name; false (and the file stays
    /// claimed, to be adopted after this process ends) if a new file with that name arrived meanwhile.
    func release(_ file: ClaimedFile, inbox: FilePath) throws -> Bool {
        try FileMoves.moveNoReplace(file.path, to: inbox.appending(file.original))
    }

    /// Removes the leases of dead daemons, then moves the claims of every directory without a
    /// lease into this one and removes those directories; returns the files adopted.
    func adoptDeadClaims() throws -> [ClaimedFile] {
        let now = ContinuousClock.now - started
        let myLease = owner + ".lease"
        var leases = Set<String>()
        for name in try FileMoves.names(in: root) where name.hasSuffix(".lease") && name != myLease {
            leases.insert(name)
            guard let text = try? String(contentsOfFile: root.appending(name).string, encoding: .utf8) else { continue }
            let goneHere = LeaseContent(parsing: text)?.ownerIsGoneHere == true
            let stale = observer.withLock { $0.isStale(name, content: text, now: now, timeout: claimTimeout) }
            if goneHere || stale { try FileMoves.removeIfPresent(root.appending(name)) }
        }
        observer.withLock { $0.forget(allBut: leases) }
        var adopted: [ClaimedFile] = []
        for name in try FileMoves.names(in: root) where name != owner && !name.hasSuffix(".lease") {
            let directory = root.appending(name)
            guard !root.appending(name + ".lease").exists, let status = try directory.statusIfPresent() else { continue }
            guard status.type == .directory else {
                try FileMoves.removeIfPresent(directory)  // A lock file of a daemon from before leases.
                continue
            }
            for claimName in try FileMoves.names(in: directory) {
                guard let claim = ClaimedFile(claimName: claimName, in: path) else { continue }
                if try FileMoves.renameIfPresent(directory.appending(claimName), to: claim.path) { adopted.append(claim) }
            }
            try FileMoves.removeDirectoryIfPresent(directory, keepingNonEmpty: true)
        }
        return adopted
    }

    /// Every claim of every daemon (this one included).
    func allClaims() throws -> [ClaimedFile] {
        try FileMoves.names(in: root).filter { !$0.hasSuffix(".lease") }.flatMap { name in
            let directory = root.appending(name)
            return try FileMoves.names(in: directory).compactMap { ClaimedFile(claimName: $0, in: directory) }
        }
    }

    /// True when any daemon (this one included) holds a claim on `inbox/<name>`.
    func isClaimedAnywhere(_ name: String) throws -> Bool {
        try allClaims().contains { $0.original == name }
    }

    /// Removes the claim directory (if empty: leftovers stay for the next daemon to adopt) and the lease.
    func dispose() {
        if case .success = valueOrErrno({ path.withPlatformString { rmdir($0) } }) {
            try? FileMoves.removeIfPresent(leasePath)
        }
    }

    /// Writes a lease file whole: with `O_CREAT | O_EXCL` a new one, with no flags an existing one
    /// (a removed lease is never re-created: that is how a daemon learns it was fenced).
    private static func write(_ content: LeaseContent, to path: FilePath, flags: Int32) throws {
        let call = flags == 0 ? "renew lease" : "create lease"
        var opened = valueOrErrno { path.withPlatformString { open($0, O_WRONLY | O_TRUNC | O_CLOEXEC | flags, 0o644) } }
        if opened == .failure(.fileExists) {
            opened = valueOrErrno { path.withPlatformString { open($0, O_WRONLY | O_TRUNC | O_CLOEXEC, 0o644) } }
        }
        let descriptor: Int32
        switch opened {
        case .success(let value): descriptor = value
        case .failure(.noSuchFileOrDirectory) where flags == 0: throw ClaimsFenced(lease: path)
        case .failure(let failure): throw SystemCallError(call, path: path, errno: failure)
        }
        defer { close(descriptor) }
        try Array(content.text.utf8).withUnsafeBytes { raw in try writeAll(raw, to: descriptor, naming: path) }
    }
}

/// This daemon's lease was removed by another daemon that judged it dead (it was paused, or cut
/// off from the filesystem, for longer than the claim timeout) and took its claims. The daemon
/// must write nothing more for them: it exits, and its supervisor starts it afresh.
struct ClaimsFenced: Error, CustomStringConvertible {
    let lease: FilePath
    var description: String {
        "\(lease): this daemon's lease is gone: another daemon adopted its claims after it was silent for longer than the claim timeout"
    }
}
