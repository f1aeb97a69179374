import CInotify
import SystemCalls
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `body` on a new detached POSIX thread named `name` (at most 15 bytes), outside Swift's
/// cooperative pool: libinotifytools blocks in `select()` for up to a second per call.
func startThread(named name: String, for directory: FilePath, _ body: @escaping @Sendable () -> Void) throws(WatcherError) {
    final class Work {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
    let work = Unmanaged.passRetained(Work(name: name, body: body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
        &thread, nil,
        { argument in
            let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
            cinotify_name_current_thread(work.name)
            work.body()
            return nil
        }, work)
    guard status == 0 else {
        Unmanaged<Work>.fromOpaque(work).release()
        throw .systemCall(SystemCallError("pthread_create", path: directory, errno: Errno(rawValue: status)))
    }
    pthread_detach(thread)
}
