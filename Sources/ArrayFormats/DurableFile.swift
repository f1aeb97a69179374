import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files so that a reader never sees a partial file under its final name, and the file
/// survives a crash once the call returns: temporary name in the same directory, `fsync`,
/// `rename`, then `fsync` of the directory.
public enum DurableFile {
    /// Atomically replaces (or creates) `url` with `data`.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = temporaryName(for: url)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create", temporary) }
        var ok = false
        defer {
            if !ok { unlink(temporary.path) }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw failure("write", temporary)
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw failure("fsync", temporary) }
        }
        // ENOENT with the temporary gone and the file there: a rename sent again by NFS, done.
        guard rename(temporary.path, url.path) == 0 || (errno == ENOENT && !exists(temporary) && exists(url)) else {
            throw failure("rename to \(url.lastPathComponent)", temporary)
        }
        ok = true
        try syncDirectory(directory)
    }

    /// Atomically writes UTF-8 `text` to `url`.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Creates `url` with `data` only if nothing has that name yet (never overwrites);
    /// returns false when the name is taken. Durable and atomic like `write(_:to:)`.
    public static func create(_ data: Data, at url: URL) throws -> Bool {
        let directory = url.deletingLastPathComponent()
        let temporary = temporaryName(for: url)
        try write(data, to: temporary)
        defer { unlink(temporary.path) }
        // link(2) fails with EEXIST instead of replacing, unlike rename(2). On NFS, EEXIST can also
        // be this link sent again: then the name is the temporary's inode.
        if link(temporary.path, url.path) != 0 {
            guard errno == EEXIST else { throw failure("link to \(url.lastPathComponent)", temporary) }
            guard let created = inode(temporary), created == inode(url) else { return false }
        }
        try syncDirectory(directory)
        return true
    }

    /// Removes the temporary files (`.NAME.WRITER.RANDOM.tmp`) that writers killed mid-write left in
    /// `directory`; returns the names removed. A temporary of this machine and pid namespace goes
    /// once its process is gone; one written elsewhere (another host sharing the directory, whose
    /// pids mean nothing here) once it is `foreignTemporaryAge` seconds old.
    @discardableResult
    public static func removeAbandonedTemporaries(in directory: URL) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let parts = name.split(separator: ".")
            guard parts.count >= 4 else { continue }
            let writer = parts[parts.count - 3].split(separator: "@")
            guard let pid = pid_t(writer[0]), pid > 0 else { continue }
            let path = directory.appendingPathComponent(name)
            let abandoned =
                writer.count == 1 || writer[1] == ProcessFacts.machineTag
                ? kill(pid, 0) != 0 && errno == ESRCH
                : age(of: path).map { $0 > foreignTemporaryAge } == true
            if abandoned, unlink(path.path) == 0 { removed.append(name) }
        }
        return removed
    }

    /// Seconds after which another machine's temporary counts as abandoned: far longer than any write.
    public static let foreignTemporaryAge: Double = 3600

    /// Makes a directory's entries (new names, renames) durable.
    public static func syncDirectory(_ directory: URL) throws {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open directory", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync directory", directory) }
    }

    /// `.NAME.PID@MACHINE.RANDOM.tmp` beside `url`: hidden, and traceable to its writer for clean-up.
    private static func temporaryName(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid())@\(ProcessFacts.machineTag).\(UInt32.random(in: 0...UInt32.max)).tmp")
    }

    private static func exists(_ url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0
    }

    /// Device and inode of `url`, nil if it does not exist.
    private static func inode(_ url: URL) -> [UInt]? {
        var status = stat()
        return lstat(url.path, &status) == 0 ? [UInt(status.st_dev), UInt(status.st_ino)] : nil
    }

    /// Seconds since `url` was last modified, nil if it does not exist.
    private static func age(of url: URL) -> Double? {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { return nil }
        return Date().timeIntervalSince1970 - (Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9)
    }

    private static func failure(_ call: String, _ url: URL) -> ArrayFormatError {
        ArrayFormatError(url.path, "cannot \(call): \(String(cString: strerror(errno)))")
    }
}
