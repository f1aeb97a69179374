import Foundation
import SystemCalls
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files so that a reader never sees a partial file under its final name, and the file
/// survives a crash once the call returns: temporary name in the same directory, `fsync`,
/// `rename`, then `fsync` of the directory.
public enum DurableFile {
    /// Atomically replaces (or creates) `url` with `data`.
    public static func write(_ data: Data, to url: URL) throws {
        let target = FilePath(url.path)
        let temporary = temporaryName(for: target)
        let fd = try systemCall("create", path: temporary) {
            temporary.withPlatformString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        }
        var ok = false
        defer {
            if !ok { _ = valueOrErrno { temporary.withPlatformString { unlink($0) } } }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { raw in try writeAll(raw, to: fd, naming: temporary) }
            try systemCall("fsync", path: temporary) { fsync(fd) }
        }
        // ENOENT with the temporary gone and the file there: a rename sent again by NFS, done.
        switch valueOrErrno({ withPlatformStrings(temporary, target) { rename($0, $1) } }) {
        case .success: break
        case .failure(.noSuchFileOrDirectory) where !temporary.exists && target.exists: break
        case .failure(let failure): throw SystemCallError("rename to \(url.lastPathComponent)", path: temporary, errno: failure)
        }
        ok = true
        try syncDirectory(target.removingLastComponent())
    }

    /// Atomically writes UTF-8 `text` to `url`.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Creates `url` with `data` only if nothing has that name yet (never overwrites);
    /// returns false when the name is taken. Durable and atomic like `write(_:to:)`.
    public static func create(_ data: Data, at url: URL) throws -> Bool {
        let target = FilePath(url.path)
        let temporary = temporaryName(for: target)
        try write(data, to: URL(fileURLWithPath: temporary.string))
        defer { _ = valueOrErrno { temporary.withPlatformString { unlink($0) } } }
        // link(2) fails with EEXIST instead of replacing, unlike rename(2). On NFS, EEXIST can also
        // be this link sent again: then the name is the temporary's inode.
        switch valueOrErrno({ withPlatformStrings(temporary, target) { link($0, $1) } }) {
        case .success: break
        case .failure(.fileExists):
            guard let created = try temporary.statusIfPresent(), let existing = try target.statusIfPresent(),
                created.isSameFile(as: existing)
            else { return false }
        case .failure(let failure): throw SystemCallError("link to \(url.lastPathComponent)", path: temporary, errno: failure)
        }
        try syncDirectory(target.removingLastComponent())
        return true
    }

    /// Removes the temporary files (`.NAME.WRITER.RANDOM.tmp`) that writers killed mid-write left in
    /// `directory`; returns the names removed. A temporary of this machine and pid namespace goes
    /// once its process is gone; one written elsewhere (another host sharing the directory, whose
    /// pids mean nothing here) once it is `foreignTemporaryAge` seconds old.
    @discardableResult
    public static func removeAbandonedTemporaries(in directory: URL) throws -> [String] {
        let folder = FilePath(directory.path)
        guard let entries = try? DirectoryEntry.contents(of: folder) else { return [] }
        var removed: [String] = []
        for name in entries.map(\.name.string) where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let parts = name.split(separator: ".")
            guard parts.count >= 4 else { continue }
            let writer = parts[parts.count - 3].split(separator: "@")
            guard let pid = pid_t(writer[0]), pid > 0 else { continue }
            let path = folder.appending(name)
            let abandoned =
                writer.count == 1 || writer[1] == ProcessFacts.machineTag
                ? valueOrErrno({ kill(pid, 0) }) == .failure(.noSuchProcess)
                : (try? path.statusIfPresent()).map { $0.age(now: Date().timeIntervalSince1970) > foreignTemporaryAge } == true
            if abandoned, case .success = valueOrErrno({ path.withPlatformString { unlink($0) } }) { removed.append(name) }
        }
        return removed
    }

    /// Seconds after which another machine's temporary counts as abandoned: far longer than any write.
    public static let foreignTemporaryAge: Double = 3600

    /// Makes a directory's entries (new names, renames) durable.
    public static func syncDirectory(_ directory: URL) throws {
        try syncDirectory(FilePath(directory.path))
    }

    private static func syncDirectory(_ directory: FilePath) throws(SystemCallError) {
        let fd = try systemCall("open directory", path: directory) {
            directory.withPlatformString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        }
        defer { close(fd) }
        try systemCall("fsync directory", path: directory) { fsync(fd) }
    }

    /// `.NAME.PID@MACHINE.RANDOM.tmp` beside `path`: hidden, and traceable to its writer for clean-up.
    private static func temporaryName(for path: FilePath) -> FilePath {
        path.removingLastComponent().appending(
            ".\(path.lastComponent?.string ?? "").\(getpid())@\(ProcessFacts.machineTag).\(UInt32.random(in: 0...UInt32.max)).tmp")
    }
}
