import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The few file system operations the inbox protocol is built from, with the error handling each
/// needs: a missing source means another daemon was faster, an existing target is never replaced.
///
/// On NFS a request the client sends again (its reply was lost) can fail although the first one
/// succeeded: a rename with ENOENT, a link with EEXIST. So on those errors each move looks at
/// source and target before it concludes anything; the targets are names no other daemon uses
/// (claims carry a random token), so a target that is the moved file means the move happened.
enum FileMoves {
    /// `lstat` of `path`, or nil if nothing has that name.
    static func status(_ path: String) throws -> stat? {
        var result = stat()
        if lstat(path, &result) == 0 { return result }
        if errno == ENOENT || errno == ENOTDIR { return nil }
        throw InboxError.system("lstat", path)
    }

    static func exists(_ path: String) -> Bool {
        var result = stat()
        return lstat(path, &result) == 0
    }

    /// Renames `source` to `target` (replacing nothing that matters: targets are fresh random names);
    /// false when `source` is gone, i.e. someone else took it first. ENOENT with `source` gone and
    /// `target` there is a rename that succeeded and was sent again (NFS).
    static func renameIfPresent(_ source: String, to target: String) throws -> Bool {
        if rename(source, target) == 0 { return true }
        let failure = errno
        if failure == ENOENT { return !exists(source) && exists(target) }
        throw InboxError.system("rename to \(target)", source, failure)
    }

    /// Moves `source` to `target` without ever replacing an existing `target`: `link` + `unlink`
    /// for files, symbolic links, FIFOs and sockets. Directories cannot be hard-linked, and Linux
    /// refuses to link another user's file the daemon may not write (`fs.protected_hardlinks`, the
    /// usual case in a shared inbox): those are renamed after checking that `target` is free (the
    /// sources are claimed, so only another daemon moving a batch of the same name could race).
    /// Returns false when `target` is taken. A `target` that already is `source` (a move
    /// interrupted between link and unlink) completes the move.
    static func moveNoReplace(_ source: String, to target: String) throws -> Bool {
        guard let from = try status(source) else { throw InboxError.system("move to \(target)", source, ENOENT) }
        if let to = try status(target) {
            guard to.st_dev == from.st_dev, to.st_ino == from.st_ino else { return false }
            try removeIfPresent(source)
            return true
        }
        if from.st_mode & S_IFMT != S_IFDIR {
            if link(source, target) == 0 {
                try removeIfPresent(source)
                return true
            }
            let failure = errno
            if failure == EEXIST {
                // Either another file took the name, or this link succeeded and was sent again (NFS).
                guard try isSameFile(target, as: from) else { return false }
                try removeIfPresent(source)
                return true
            }
            guard failure == EPERM else { throw InboxError.system("link to \(target)", source, failure) }
        }
        if rename(source, target) == 0 { return true }
        let failure = errno
        if failure == ENOENT, !exists(source), try isSameFile(target, as: from) { return true }
        throw InboxError.system("rename to \(target)", source, failure)
    }

    /// Whether `path` is the file `status` describes (same device and inode).
    private static func isSameFile(_ path: String, as status: stat) throws -> Bool {
        guard let other = try self.status(path) else { return false }
        return other.st_dev == status.st_dev && other.st_ino == status.st_ino
    }

    /// Gives `source` the second name `target`; a `target` that exists already (from an earlier
    /// attempt) is fine.
    static func linkUnlessPresent(_ source: String, to target: String) throws {
        guard link(source, target) == 0 || errno == EEXIST else { throw InboxError.system("link to \(target)", source) }
    }

    /// Removes a file (or an empty directory); a missing one is fine.
    static func removeIfPresent(_ path: String) throws {
        if unlink(path) == 0 || errno == ENOENT { return }
        if errno == EISDIR, rmdir(path) == 0 || errno == ENOENT { return }
        throw InboxError.system("unlink", path)
    }

    /// Names in `directory`, unsorted; empty when the directory does not exist.
    static func names(in directory: String) throws -> [String] {
        guard let stream = opendir(directory) else {
            if errno == ENOENT { return [] }
            throw InboxError.system("opendir", directory)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates `path` (and missing parents) as a directory.
    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw InboxError("\(path): cannot create the directory: \(error.localizedDescription)")
        }
    }

    /// Seconds since `status` was last modified.
    static func age(of status: stat, now: Date = Date()) -> Double {
        now.timeIntervalSince1970 - (Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9)
    }

    static func isRegular(_ status: stat) -> Bool { status.st_mode & S_IFMT == S_IFREG }

    /// "is a symbolic link", "is a directory", … for an entry that is not a regular file.
    static func describeKind(_ status: stat) -> String {
        switch status.st_mode & S_IFMT {
        case S_IFLNK: "is a symbolic link"
        case S_IFDIR: "is a directory"
        case S_IFIFO: "is a FIFO (named pipe)"
        case S_IFSOCK: "is a socket"
        case S_IFCHR, S_IFBLK: "is a device"
        default: "is not a regular file"
        }
    }
}
