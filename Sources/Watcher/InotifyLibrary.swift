import CInotify
import Synchronization
import SystemCalls
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The first descriptor number libinotifytools' `select()` cannot poll.
let cinotifyFDSetSize = Int32(cinotify_fd_setsize())

/// The process-wide libinotifytools instance: one inotify descriptor, one watch table and one
/// static event buffer shared by the whole process.
///
/// Only the thread of the active `DirectoryWatcher` calls into it (`ActiveSession` lets one
/// watcher run at a time), so the library never sees two threads. It is initialized once and
/// never cleaned up: `inotifytools_cleanup` leaves undelivered events in the static buffer, which
/// a later instance would hand out under recycled watch descriptors. Watch descriptors are not
/// reused by the kernel for a long time, so leftovers of an earlier watcher are recognized as
/// stale by their descriptor.
enum InotifyLibrary {
    private static let isInitialized = Mutex(false)

    /// Initializes libinotifytools on first use, marks its descriptor close-on-exec (the library
    /// uses `inotify_init()` without `IN_CLOEXEC`, which would leak it into child processes) and
    /// checks that `select()` can poll it.
    static func prepare(naming directory: FilePath) throws(WatcherError) {
        try isInitialized.withLock { (initialized: inout Bool) throws(WatcherError) in
            guard !initialized else { return }
            let before = inotifyDescriptors()
            try libraryCall("inotify_init", path: directory) { inotifytools_initialize() }
            let created = inotifyDescriptors().subtracting(before)
            for fd in created {
                _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
            }
            if let tooHigh = created.first(where: { $0 >= cinotifyFDSetSize }) {
                inotifytools_cleanup()
                throw .descriptorOutOfRange(tooHigh)
            }
            initialized = true
        }
    }

    /// Watches `directory` (which must be a directory and is not followed if it is a symbolic link)
    /// and returns its watch descriptor.
    static func watch(_ directory: FilePath) throws(WatcherError) -> Int32 {
        let mask = Int32(bitPattern: InotifyMask.watched.rawValue)
        try libraryCall("inotify_add_watch", path: directory) {
            directory.withPlatformString { inotifytools_watch_file($0, mask) }
        }
        // The library records a directory under its path with a trailing slash. It has no record
        // only if the directory was replaced by a non-directory right after the watch was added.
        let wd = withTableKey(directory) { inotifytools_wd_from_filename($0) }
        guard wd > 0 else {
            throw .systemCall(SystemCallError("inotifytools_wd_from_filename", path: directory, errno: .notDirectory))
        }
        return wd
    }

    /// Removes the watch `wd` on `directory` from the kernel and from the library's table.
    static func removeWatch(_ wd: Int32, of directory: FilePath) {
        if inotifytools_remove_watch_by_wd(wd) == 0 {
            forgetWatch(wd, of: directory)
        }
    }

    /// Renames the library's record of a watch the kernel already dropped (after `IN_IGNORED`).
    /// The library keeps such records, and a record left under the directory's path would make
    /// `watch` find the old descriptor when the directory is watched again.
    static func forgetWatch(_ wd: Int32, of directory: FilePath) {
        withTableKey(directory) { old in
            "\u{1}sumd-dropped-watch-\(wd)/".withCString { inotifytools_replace_filename(old, $0) }
        }
    }

    /// Waits up to `seconds` (at least 1) for the next event and copies it out of the library's
    /// static buffer. Returns nil when the wait timed out or was interrupted by a signal.
    static func nextRecord(waitingUpTo seconds: Int, naming directory: FilePath) throws(WatcherError) -> InotifyRecord? {
        // A timeout of 0 would make libinotifytools block forever.
        guard let event = inotifytools_next_event(max(1, seconds)) else {
            let error = inotifytools_error()
            if error == 0 || error == EINTR { return nil }
            throw .systemCall(SystemCallError("select/read on the inotify descriptor", path: directory, errno: Errno(rawValue: error)))
        }
        return InotifyRecord(copying: event)
    }

    /// Runs a libinotifytools call, which returns 0 on failure and keeps the `errno` in
    /// `inotifytools_error()`, through `systemCall` (so EINTR is retried and a failure names `call`
    /// and `directory`).
    private static func libraryCall(_ call: String, path directory: FilePath, _ body: () -> Int32) throws(WatcherError) {
        do {
            try systemCall(call, path: directory) { () -> Int32 in
                if body() != 0 { return 0 }
                errno = inotifytools_error()
                return -1
            }
        } catch {
            throw .systemCall(error)
        }
    }

    /// Calls `body` with the C string the library's table uses for `directory`: its path with a
    /// trailing slash (`FilePath` itself drops trailing slashes).
    private static func withTableKey<Result>(_ directory: FilePath, _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        directory.withPlatformString { path in
            var key = Array(UnsafeBufferPointer(start: path, count: strlen(path)))
            if key.last != CChar(UInt8(ascii: "/")) { key.append(CChar(UInt8(ascii: "/"))) }
            key.append(0)
            return body(key)
        }
    }

    /// The descriptors of this process that are inotify instances, from `/proc/self/fd`
    /// (libinotifytools does not expose its descriptor). Empty if `/proc` is not mounted.
    private static func inotifyDescriptors() -> Set<Int32> {
        let descriptors: FilePath = "/proc/self/fd"
        guard let entries = try? DirectoryEntry.contents(of: descriptors) else { return [] }
        var found: Set<Int32> = []
        let wanted = Array("anon_inode:inotify".utf8)
        var target = [UInt8](repeating: 0, count: 64)
        for entry in entries {
            guard let fd = Int32(entry.name.string) else { continue }
            let length = descriptors.appending(entry.name).withPlatformString { path in
                target.withUnsafeMutableBufferPointer { readlink(path, $0.baseAddress!, $0.count) }
            }
            if length > 0 && target[..<length].elementsEqual(wanted) { found.insert(fd) }
        }
        return found
    }
}
