import Foundation
import SystemCalls
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Why a notification could not be sent to systemd: the socket, the call and the system's reason.
public struct SystemdNotifyError: Error, CustomStringConvertible {
    public let description: String
}

/// Tells systemd how the service is doing, as `sd_notify(3)` does, without libsystemd: one
/// datagram of `KEY=VALUE` lines to the `AF_UNIX` socket named by `$NOTIFY_SOCKET`.
///
/// Outside systemd (no `$NOTIFY_SOCKET`) every call is a silent no-op, so the daemon calls it
/// unconditionally. Used by a `Type=notify` unit: `ready()` once serving, `reloading()` then
/// `ready()` around a SIGHUP reload, `stopping()` on SIGTERM, `watchdog()` at least every
/// `watchdogInterval` (the daemon pings on every tick of its loop, well within it).
public struct SystemdNotifier: Sendable {
    /// The notification socket: a file system path, or `@name` for Linux's abstract namespace.
    /// Nil when the process was not started by systemd (or not as a notify service).
    public let socketPath: String?
    /// How often systemd expects `watchdog()` (`$WATCHDOG_USEC`); nil when the unit has no
    /// `WatchdogSec=` or the setting is meant for another process (`$WATCHDOG_PID`).
    public let watchdogInterval: Duration?

    /// A notifier for an explicit socket (tests, or a caller that reads the environment itself).
    public init(socketPath: String?, watchdogInterval: Duration? = nil) {
        self.socketPath = socketPath.flatMap { $0.isEmpty ? nil : $0 }
        self.watchdogInterval = watchdogInterval
    }

    /// The notifier systemd set up for this process through `NOTIFY_SOCKET`, `WATCHDOG_USEC` and
    /// `WATCHDOG_PID` (the watchdog is ignored when `WATCHDOG_PID` names another process).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, pid: Int32 = getpid()) {
        var interval: Duration?
        if let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0,
            environment["WATCHDOG_PID"].map({ Int32($0) == pid }) ?? true
        {
            interval = .microseconds(microseconds)
        }
        self.init(socketPath: environment["NOTIFY_SOCKET"], watchdogInterval: interval)
    }

    /// The notifier of this process, read from the environment once.
    public static let fromEnvironment = SystemdNotifier()

    /// Whether messages go anywhere (the process runs under systemd as a notify service).
    public var isEnabled: Bool { socketPath != nil }

    /// Start-up is complete: systemd marks the unit active (`READY=1`).
    public func ready(status: String? = nil) throws {
        try send(["READY=1"] + statusLine(status))
    }

    /// A reload began (`RELOADING=1`); send `ready()` when it is done. `MONOTONIC_USEC` is required
    /// by systemd ≥ 253 to tell this reload from an earlier one, and ignored by older versions.
    public func reloading(status: String? = nil) throws {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        try send(["RELOADING=1", "MONOTONIC_USEC=\(microseconds)"] + statusLine(status))
    }

    /// Shutdown began (`STOPPING=1`).
    public func stopping(status: String? = nil) throws {
        try send(["STOPPING=1"] + statusLine(status))
    }

    /// A one-line state shown by `systemctl status` (`STATUS=`); line breaks become spaces.
    public func status(_ text: String) throws {
        try send(statusLine(text))
    }

    /// Still alive (`WATCHDOG=1`): resets systemd's watchdog timer.
    public func watchdog() throws {
        try send(["WATCHDOG=1"])
    }

    /// Sends `assignments` (each `KEY=VALUE`, no line breaks) as one datagram; nothing when disabled.
    /// Never blocks the caller (the daemon's working loop): when the receiver's queue is full the
    /// message is dropped and the error (EAGAIN) thrown.
    public func send(_ assignments: [String]) throws {
        guard let socketPath, !assignments.isEmpty else { return }
        let message = Array(assignments.joined(separator: "\n").utf8)
        var address = try Self.address(socketPath)
        let path = FilePath(socketPath)
        do {
            let fd = try systemCall("socket", path: path) { socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
            defer { close(fd) }
            try systemCall("send to", path: path) {
                withUnsafePointer(to: &address.storage) { storage in
                    storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                        message.withUnsafeBytes { bytes in
                            sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), pointer, address.length)
                        }
                    }
                }
            }
        } catch {
            throw SystemdNotifyError(description: "cannot notify systemd through its notification socket \(error)")
        }
    }

    private func statusLine(_ status: String?) -> [String] {
        guard let status else { return [] }
        return ["STATUS=" + status.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")]
    }

    /// `sockaddr_un` for a path (NUL-terminated) or an abstract name (`@` becomes a leading NUL,
    /// and the length ends at the name: abstract names are not NUL-terminated).
    private static func address(_ path: String) throws -> (storage: sockaddr_un, length: socklen_t) {
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        guard abstract || bytes.first == UInt8(ascii: "/") else {
            throw SystemdNotifyError(description: "NOTIFY_SOCKET=\(path): sumd only supports a socket path or an @abstract name")
        }
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard bytes.count < capacity else {
            throw SystemdNotifyError(description: "NOTIFY_SOCKET=\(path): longer than the \(capacity - 1) bytes a socket address holds")
        }
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1)
        return (storage, socklen_t(length))
    }
}
