import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `sumd serve` that behaves like a daemon on another host sharing the sandbox's directories over
/// a network file system: its own PID, UTS and mount namespaces (`unshare`, so it is PID 1 with its
/// own host name) and its own FUSE view of the sandbox (`bindfs`). Its inotify watch then sees only
/// the files it writes itself, and `flock`s are not shared with the other hosts, as on NFS.
final class SimulatedHost {
    let name: String
    /// Where this host mounts the sandbox (an empty directory outside its namespace).
    let view: URL
    let daemon: DaemonProcess

    /// Starts host `name` on `sandbox` with `sumd serve` options `extra`, waits for "ready" and
    /// finds the daemon's pid, so that signals reach it rather than `unshare`.
    init(_ name: String, sandbox: DaemonSandbox, extra: [String] = []) async throws {
        for tool in ["/usr/bin/unshare", "/usr/bin/bindfs"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw DaemonTestError("\(tool) is missing: `make deps` installs it (Debian packages util-linux, bindfs)")
        }
        guard access("/dev/fuse", R_OK | W_OK) == 0 else { throw DaemonTestError("/dev/fuse is not usable: bindfs needs FUSE") }
        self.name = name
        view = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-host-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: view, withIntermediateDirectories: true)
        let serve =
            [
                DaemonProcess.binary.path, "serve", "--inbox", view.path + "/inbox", "--outbox", view.path + "/outbox",
                "--checkpoint", sandbox.checkpoint.path, "--workers", "1", "--log-level", "debug",
            ] + extra
        let script =
            "set -e; hostname \(name); bindfs \(sandbox.root.path) \(view.path); exec " + serve.map(Self.quoted).joined(separator: " ")
        daemon = try DaemonProcess(
            launching: URL(fileURLWithPath: "/usr/bin/unshare"),
            ["--pid", "--fork", "--uts", "--mount", "--mount-proc", "--kill-child", "/bin/sh", "-c", script],
            log: sandbox.root.appendingPathComponent("\(name).log"))
        try await daemon.waitForLog("ready", timeout: 60)
        guard let pid = Self.child(of: daemon.process.processIdentifier) else {
            throw DaemonTestError("\(name): cannot find sumd under unshare; log:\n\(daemon.log)")
        }
        daemon.signalTarget = pid
    }

    deinit {
        daemon.send(SIGKILL)  // Its namespace, bindfs and the mount go with it.
        try? FileManager.default.removeItem(at: view)
    }

    /// Kills the host: SIGKILL to its PID 1 ends every process in its namespace.
    func kill() async throws {
        daemon.send(SIGKILL)
        _ = try await daemon.waitForExit()
    }

    /// The first child of `pid` (`/proc/PID/task/PID/children`).
    private static func child(of pid: pid_t) -> pid_t? {
        let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
        return text?.split(separator: " ").first.flatMap { pid_t($0) }
    }

    private static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
