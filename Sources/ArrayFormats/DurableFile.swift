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
        guard rename(temporary.path, url.path) == 0 else { throw failure("rename to \(url.lastPathComponent)", temporary) }
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
        // link(2) fails with EEXIST instead of replacing, unlike rename(2).
        if link(temporary.path, url.path) != 0 {
            if errno == EEXIST { return false }
            throw failure("link to \(url.lastPathComponent)", temporary)
        }
        try syncDirectory(directory)
        return true
    }

    /// Appends `text` to `url` (creating it with `header` first if missing) and syncs it.
    /// Used for ledgers such as `summary.csv`, where each append is one complete line.
    public static func append(_ text: String, to url: URL, header: String) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("open", url) }
        defer { close(fd) }
        var stats = stat()
        guard fstat(fd, &stats) == 0 else { throw failure("stat", url) }
        let bytes = Array(((stats.st_size == 0 ? header : "") + text).utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress!, $0.count) }) == bytes.count else {
            throw failure("append", url)
        }
        guard fsync(fd) == 0 else { throw failure("fsync", url) }
        if stats.st_size == 0 { try syncDirectory(url.deletingLastPathComponent()) }
    }

    /// Removes the temporary files (`.NAME.PID.RANDOM.tmp`) that writers killed mid-write left in
    /// `directory`, keeping those of processes still alive; returns the names removed.
    @discardableResult
    public static func removeAbandonedTemporaries(in directory: URL) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let parts = name.split(separator: ".")
            guard parts.count >= 4, let pid = pid_t(parts[parts.count - 3]), pid > 0 else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            if unlink(directory.appendingPathComponent(name).path) == 0 { removed.append(name) }
        }
        return removed
    }

    /// Makes a directory's entries (new names, renames) durable.
    public static func syncDirectory(_ directory: URL) throws {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open directory", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync directory", directory) }
    }

    /// `.NAME.PID.RANDOM.tmp` beside `url`: hidden, and traceable to its writer for clean-up.
    private static func temporaryName(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    }

    private static func failure(_ call: String, _ url: URL) -> ArrayFormatError {
        ArrayFormatError(url.path, "cannot \(call): \(String(cString: strerror(errno)))")
    }
}
