import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file replacement: readers see either the old file or the complete new one, never a
/// half-written one, even across a power cut.
///
/// Writes a temporary file in the same directory, `fsync`s it, `rename`s it over the target, then
/// `fsync`s the directory so the rename itself is durable.
public enum AtomicFile {
    /// Replaces (or creates) the file at `url` with `data`.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("be replaced: no temporary file can be created in \(directory)", url) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { bytes in
                var written = 0
                while written < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else { throw failure("be written", url) }
                    written += n
                }
            }
            guard fsync(fd) == 0 else { throw failure("be flushed to disk (fsync)", url) }
        }
        guard rename(temporary, url.path) == 0 else { throw failure("be replaced by renaming the temporary file", url) }
        renamed = true
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else { throw failure("have its directory opened for fsync", url) }
        defer { close(directoryFD) }
        guard fsync(directoryFD) == 0 else { throw failure("have its directory flushed to disk (fsync)", url) }
    }

    private static func failure(_ action: String, _ url: URL) -> ArrayFormatError {
        ArrayFormatError(url.path, "cannot \(action): \(String(cString: strerror(errno)))")
    }
}
