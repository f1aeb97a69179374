import Foundation
import SystemCalls
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The few file system operations the inbox protocol is built from, with the error handling each
/// needs: a missing source means another daemon was faster, an existing target is never replaced.
/// Every call goes through `systemCall`/`valueOrErrno` (EINTR retried; a failure names the call,
/// the path and the reason).
///
/// On NFS a request the client sends again (its reply was lost) can fail although the first one
/// succeeded: a rename with ENOENT, a link with EEXIST. So on those errors each move looks at
/// source and target before it concludes anything; the targets are names no other daemon uses
/// (claims carry a random token), so a target that is the moved file means the move happened.
enum FileMoves {
    /// Renames `source` to `target` (replacing nothing that matters: targets are fresh random names);
    /// false when `source` is gone, i.e. someone else took it first. ENOENT with `source` gone and
    /// `target` there is a rename that succeeded and was sent again (NFS).
    static func renameIfPresent(_ source: FilePath, to target: FilePath) throws(SystemCallError) -> Bool {
        switch valueOrErrno({ withPlatformStrings(source, target) { rename($0, $1) } }) {
        case .success: return true
        case .failure(.noSuchFileOrDirectory): return !source.exists && target.exists
        case .failure(let failure): throw SystemCallError("rename to \(target)", path: source, errno: failure)
        }
    }

    /// Moves `source` to `target` without ever replacing an existing `target`: `link` + `unlink`
    /// for files, symbolic links, FIFOs and sockets. Directories cannot be hard-linked, and Linux
    /// refuses to link another user's file the daemon may not write (`fs.protected_hardlinks`, the
    /// usual case in a shared inbox): those are renamed after checking that `target` is free (the
    /// sources are claimed, so only another daemon moving a batch of the same name could race).
    /// Returns false when `target` is taken. A `target` that already is `source` (a move
    /// interrupted between link and unlink) completes the move.
    static func moveNoReplace(_ source: FilePath, to target: FilePath) throws(SystemCallError) -> Bool {
        guard let from = try source.statusIfPresent() else {
            throw SystemCallError("move to \(target)", path: source, errno: .noSuchFileOrDirectory)
        }
        if let to = try target.statusIfPresent() {
            guard to.isSameFile(as: from) else { return false }
            try removeIfPresent(source)
            return true
        }
        if from.type != .directory {
            switch valueOrErrno({ withPlatformStrings(source, target) { link($0, $1) } }) {
            case .success:
                try removeIfPresent(source)
                return true
            case .failure(.fileExists):
                // Either another file took the name, or this link succeeded and was sent again (NFS).
                guard try isSameFile(target, as: from) else { return false }
                try removeIfPresent(source)
                return true
            case .failure(.notPermitted):
                break
            case .failure(let failure):
                throw SystemCallError("link to \(target)", path: source, errno: failure)
            }
        }
        let renamed = valueOrErrno { withPlatformStrings(source, target) { rename($0, $1) } }
        guard case .failure(let failure) = renamed else { return true }
        if failure == .noSuchFileOrDirectory, !source.exists, try isSameFile(target, as: from) { return true }
        throw SystemCallError("rename to \(target)", path: source, errno: failure)
    }

    /// Whether `path` is the file `status` describes (same device and inode).
    private static func isSameFile(_ path: FilePath, as status: Stat) throws(SystemCallError) -> Bool {
        try path.statusIfPresent()?.isSameFile(as: status) ?? false
    }

    /// Gives `source` the second name `target`; a `target` that exists already (from an earlier
    /// attempt) is fine.
    static func linkUnlessPresent(_ source: FilePath, to target: FilePath) throws(SystemCallError) {
        switch valueOrErrno({ withPlatformStrings(source, target) { link($0, $1) } }) {
        case .success, .failure(.fileExists): return
        case .failure(let failure): throw SystemCallError("link to \(target)", path: source, errno: failure)
        }
    }

    /// Removes a file (or an empty directory); a missing one is fine.
    static func removeIfPresent(_ path: FilePath) throws(SystemCallError) {
        switch valueOrErrno({ path.withPlatformString { unlink($0) } }) {
        case .success, .failure(.noSuchFileOrDirectory): return
        case .failure(.isDirectory): try removeDirectoryIfPresent(path)
        case .failure(let failure): throw SystemCallError("unlink", path: path, errno: failure)
        }
    }

    /// Removes an empty directory; a missing one is fine, and so (when `keepingNonEmpty`) is one
    /// that still has entries.
    static func removeDirectoryIfPresent(_ path: FilePath, keepingNonEmpty: Bool = false) throws(SystemCallError) {
        switch valueOrErrno({ path.withPlatformString { rmdir($0) } }) {
        case .success, .failure(.noSuchFileOrDirectory): return
        case .failure(.directoryNotEmpty) where keepingNonEmpty: return
        case .failure(let failure): throw SystemCallError("rmdir", path: path, errno: failure)
        }
    }

    /// Names in `directory` (sorted); empty when the directory does not exist.
    static func names(in directory: FilePath) throws(SystemCallError) -> [String] {
        do {
            return try DirectoryEntry.contents(of: directory).map(\.name.string)
        } catch let error where error.errno == .noSuchFileOrDirectory {
            return []
        }
    }

    /// Creates `path` (and missing parents) as a directory.
    static func makeDirectory(_ path: FilePath) throws {
        do {
            try FileManager.default.createDirectory(atPath: path.string, withIntermediateDirectories: true)
        } catch {
            throw InboxError("\(path): cannot create the directory: \(error.localizedDescription)")
        }
    }
}
