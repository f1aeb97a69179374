import Foundation

#if canImport(Glibc)
    import TestFixtures
    import Glibc
#endif

/// A running `sumd serve` (the real executable), its standard error captured in a log file.
///
/// The binary is `$SUMD_BIN`, else `<package root>/.build/release/sumd`.
final class DaemonProcess {
    let process = Process()
    let logURL: URL
    /// Where `send` delivers signals: the process started, unless a launcher (such as `unshare`)
    /// started the daemon as its child and the test pointed this at it.
    var signalTarget: pid_t = 0

    static var binary: URL {
        RepositoryFiles.sumdBinary
    }

    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

    /// Starts `sumd serve ARGUMENTS`; with `user`, as that user (the test runs as root).
    init(serve arguments: [String], log: URL, user: String? = nil, environment: [String: String] = [:]) throws {
        logURL = log
        guard Self.binaryExists else {
            throw DaemonTestError("no sumd executable at \(Self.binary.path): run `swift build -c release` first or set SUMD_BIN")
        }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments =
                [
                    "--reuid=\(user)", "--regid=\(user == "nobody" ? "nogroup" : user)", "--clear-groups",
                    Self.binary.path, "serve",
                ] + arguments
        } else {
            process.executableURL = Self.binary
            process.arguments = ["serve"] + arguments
        }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        signalTarget = process.processIdentifier
    }

    /// Starts `executable ARGUMENTS`, a launcher that ends up running `sumd serve` (its output
    /// goes to the same log).
    init(launching executable: URL, _ arguments: [String], log: URL) throws {
        logURL = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        signalTarget = process.processIdentifier
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Lines of the log containing `text`.
    func logLines(containing text: String) -> [Substring] {
        log.split(separator: "\n").filter { $0.contains(text) }
    }

    /// When the daemon logged the first line containing `text`, by the timestamp that starts the line.
    func logTime(of text: String) -> Date? {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return logLines(containing: text).first.flatMap { $0.split(separator: " ").first }.flatMap { format.date(from: String($0)) }
    }

    /// Waits until the log has `count` lines containing `text`.
    func waitForLog(_ text: String, count: Int = 1, timeout: Double = 20) async throws {
        let found = try await eventually(timeout: timeout) { self.logLines(containing: text).count >= count }
        if !found { throw DaemonTestError("no \(count)× '\(text)' in the daemon's log within \(timeout) s; log:\n\(log)") }
    }

    func send(_ signal: Int32) {
        kill(signalTarget, signal)
    }

    /// Waits for the process to exit; returns its exit status, or nil on timeout.
    func waitForExit(timeout: Double = 20) async throws -> Int32? {
        guard try await eventually(timeout: timeout, { !self.process.isRunning }) else { return nil }
        return process.terminationStatus
    }

    /// Sends SIGTERM and expects a clean exit (status 0) within `timeout` seconds.
    func stop(timeout: Double = 10) async throws {
        send(SIGTERM)
        let status = try await waitForExit(timeout: timeout)
        if status != 0 {
            throw DaemonTestError(
                "sumd serve exited with \(status.map(String.init) ?? "nothing (still running)") after SIGTERM; log:\n\(log)")
        }
    }
}

/// A failed expectation about the daemon, with the evidence.
struct DaemonTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `process` to its end and returns its exit status, polling instead of blocking a thread of
/// the test's concurrency pool (on 2 cores a blocking wait starves every other test).
func runToEnd(_ process: Process, timeout: Double = 60) async throws -> Int32 {
    try process.run()
    guard try await eventually(timeout: timeout, { !process.isRunning }) else {
        process.terminate()
        throw DaemonTestError("\(process.executableURL?.path ?? "process") did not finish within \(timeout) s")
    }
    return process.terminationStatus
}

/// Polls `condition` every 50 ms until it holds (true) or `timeout` seconds pass (false).
func eventually(timeout: Double = 20, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() > deadline { return false }
        try await Task.sleep(for: .milliseconds(50))
    }
}
