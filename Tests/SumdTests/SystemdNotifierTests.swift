import Foundation
import Inbox
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The notifier against a real `AF_UNIX` datagram socket standing in for systemd's.
@Suite struct SystemdNotifierTests {
    @Test func sendsEachMessageAsOneDatagram() throws {
        let socket = try NotifySocket()
        let notifier = SystemdNotifier(socketPath: socket.path)
        #expect(notifier.isEnabled)
        try notifier.ready(status: "serving\nmodel abc")
        try notifier.status("3 batches")
        try notifier.watchdog()
        try notifier.stopping()
        #expect(try socket.receive() == "READY=1\nSTATUS=serving model abc")
        #expect(try socket.receive() == "STATUS=3 batches")
        #expect(try socket.receive() == "WATCHDOG=1")
        #expect(try socket.receive() == "STOPPING=1")
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let socket = try NotifySocket()
        var before = timespec()
        clock_gettime(CLOCK_MONOTONIC, &before)
        try SystemdNotifier(socketPath: socket.path).reloading()
        let lines = try socket.receive().split(separator: "\n")
        try #require(lines.count == 2)
        #expect(lines[0] == "RELOADING=1")
        let microseconds = try #require(UInt64(lines[1].dropFirst("MONOTONIC_USEC=".count)))
        #expect(lines[1].hasPrefix("MONOTONIC_USEC="))
        let start = UInt64(before.tv_sec) * 1_000_000 + UInt64(before.tv_nsec) / 1_000
        #expect(microseconds >= start && microseconds < start + 10_000_000)
    }

    @Test func reachesAnAbstractSocket() throws {
        let name = "@sumd-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let socket = try NotifySocket(abstract: name)
        try SystemdNotifier(socketPath: name).ready()
        #expect(try socket.receive() == "READY=1")
    }

    @Test func readsTheEnvironment() {
        let environment = ["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "4242"]
        let mine = SystemdNotifier(environment: environment, pid: 4242)
        #expect(mine.socketPath == "/run/systemd/notify")
        #expect(mine.watchdogInterval == .seconds(30))
        #expect(SystemdNotifier(environment: environment, pid: 4243).watchdogInterval == nil, "WATCHDOG_PID of another process")
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "5000000"], pid: 1).watchdogInterval == .seconds(5))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "soon"], pid: 1).watchdogInterval == nil)
    }

    @Test func isSilentOutsideSystemd() throws {
        let notifier = SystemdNotifier(environment: [:], pid: getpid())
        #expect(!notifier.isEnabled && notifier.watchdogInterval == nil)
        try notifier.ready()
        try notifier.watchdog()
    }

    @Test func namesTheSocketWhenSendingFails() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-no-such-\(getpid())/notify").path
        #expect(throws: SystemdNotifyError.self) { try SystemdNotifier(socketPath: missing).ready() }
        do {
            try SystemdNotifier(socketPath: missing).ready()
        } catch {
            #expect("\(error)".contains(missing) && "\(error)".contains("No such file"))
        }
        #expect(throws: SystemdNotifyError.self) { try SystemdNotifier(socketPath: "vsock:2:1234").ready() }
    }
}

/// A bound `AF_UNIX` datagram socket (in a fresh temporary directory, or abstract) that records
/// what is sent to it; `receive()` waits at most 2 s.
final class NotifySocket {
    let path: String
    private let fd: Int32
    private let directory: URL?

    init(abstract name: String? = nil) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        if let name {
            path = name
            directory = nil
        } else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-notify-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            self.directory = directory
            path = directory.appendingPathComponent("notify").path
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (name == nil ? 1 : 0))
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        try #require(bound == 0, "bind \(path): \(String(cString: strerror(errno)))")
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// The next datagram as text.
    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        try #require(count >= 0, "nothing received on \(path): \(String(cString: strerror(errno)))")
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// The next datagram, waiting up to `timeout` seconds without blocking a test thread.
    func next(timeout: Double = 10) async throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count >= 0 { return String(decoding: buffer[..<count], as: UTF8.self) }
            try #require(errno == EAGAIN || errno == EWOULDBLOCK, "receive on \(path): \(String(cString: strerror(errno)))")
            try #require(Date() < deadline, "nothing received on \(path) within \(timeout) s")
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every datagram already queued, without waiting. systemd reads its socket all the time; a
    /// test that stops reading for a while lets the kernel's queue (`net.unix.max_dgram_qlen`, 10
    /// by default) fill with watchdog pings, and then the sender's next message is dropped.
    func drain() -> [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var messages: [String] = []
        while case let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)), count >= 0 {
            messages.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
        return messages
    }
}
