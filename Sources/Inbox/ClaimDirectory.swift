#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// This process's claims: `inbox/.claims/<pid>-<random>/`, kept alive by an exclusive `flock` on
/// `inbox/.claims/<pid>-<random>.lock` held for the life of the process.
///
/// Taking a batch is a `rename` into this directory, so two daemons on one inbox never both get it
/// (the loser sees ENOENT). When a daemon dies its lock is released by the kernel, and another
/// daemon (or the next start) adopts its claims.
final class ClaimDirectory: Sendable {
    /// `inbox/.claims`.
    let root: String
    /// This process's claim directory.
    let path: String
    private let lockPath: String
    private let lockDescriptor: Int32

    /// Creates and locks a new claim directory under `inbox/.claims`.
    init(inbox: String) throws {
        root = inbox + "/.claims"
        try FileMoves.makeDirectory(root)
        let id = "\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))"
        path = root + "/" + id
        lockPath = path + ".lock"
        // The lock exists before the directory, so a directory without a lock belongs to nobody.
        lockDescriptor = open(lockPath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0 else { throw InboxError.system("create lock file", lockPath) }
        guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = InboxError.system("flock", lockPath)
            close(lockDescriptor)
            throw error
        }
        guard mkdir(path, 0o755) == 0 else {
            let error = InboxError.system("mkdir", path)
            unlink(lockPath)
            close(lockDescriptor)
            throw error
        }
    }

    /// Takes `inbox/<name>` for the batch with `token`; false if it is gone (another daemon took it).
    func claim(_ name: String, inbox: String, token: String) throws -> ClaimedFile? {
        let claimed = ClaimedFile(token: token, original: name, directory: path)
        return try FileMoves.renameIfPresent(inbox + "/" + name, to: claimed.path) ? claimed : nil
    }

    /// Puts a claimed file back into the inbox under its original name; false (and the file stays
    /// claimed, to be adopted after this process ends) if a new file with that name arrived meanwhile.
    func release(_ file: ClaimedFile, inbox: String) throws -> Bool {
        try FileMoves.moveNoReplace(file.path, to: inbox + "/" + file.original)
    }

    /// Moves the claims of dead daemons (whose lock can be taken) into this directory and removes
    /// their directories; returns the files adopted.
    func adoptDeadClaims() throws -> [ClaimedFile] {
        let myName = (path as NSString).lastPathComponent
        var adopted: [ClaimedFile] = []
        for name in try FileMoves.names(in: root) where name != myName && name != myName + ".lock" {
            let isLock = name.hasSuffix(".lock")
            let directory = root + "/" + (isLock ? String(name.dropLast(5)) : name)
            var descriptor: Int32 = -1
            if isLock {
                descriptor = open(root + "/" + name, O_RDWR | O_CLOEXEC)
                guard descriptor >= 0 else { continue }  // Removed meanwhile by its owner or an adopter.
                guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { close(descriptor); continue }  // Alive.
            } else if FileMoves.exists(directory + ".lock") || !FileMoves.exists(directory) {
                continue  // Its lock file is handled on its own.
            }
            defer { if descriptor >= 0 { close(descriptor) } }
            for name in try FileMoves.names(in: directory) {
                guard let claim = ClaimedFile(claimName: name, in: path) else { continue }
                if try FileMoves.renameIfPresent(directory + "/" + name, to: claim.path) { adopted.append(claim) }
            }
            if rmdir(directory) != 0 && errno != ENOENT { throw InboxError.system("rmdir", directory) }
            if isLock { try FileMoves.removeIfPresent(root + "/" + name) }
        }
        return adopted
    }

    /// Every claim of every daemon (this one included).
    func allClaims() throws -> [ClaimedFile] {
        try FileMoves.names(in: root).filter { !$0.hasSuffix(".lock") }.flatMap { directory in
            try FileMoves.names(in: root + "/" + directory).compactMap { ClaimedFile(claimName: $0, in: root + "/" + directory) }
        }
    }

    /// True when any daemon (this one included) holds a claim on `inbox/<name>`.
    func isClaimedAnywhere(_ name: String) throws -> Bool {
        try allClaims().contains { $0.original == name }
    }

    /// Removes the claim directory (if empty: leftovers stay for the next daemon to adopt) and the lock.
    func dispose() {
        if rmdir(path) == 0 {
            unlink(lockPath)
        }
        close(lockDescriptor)
    }
}
