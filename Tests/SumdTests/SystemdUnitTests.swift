import Foundation
import TestFixtures
import Testing

/// `systemd/sumd.service` passes `systemd-analyze verify` without a word and scores ≤ 1.0 in
/// `systemd-analyze security --offline=true` (the same checks as `make systemd-check`).
/// Both run on a copy whose ExecStart names /bin/sh: verify insists that the program exists, and
/// the installed /usr/local/bin/sumd may not.
@Suite(.enabled(if: SystemdUnit.analyzer != nil, "needs systemd-analyze (Debian package systemd)"))
struct SystemdUnitTests {
    @Test func verifyPrintsNothing() throws {
        let unit = try SystemdUnit()
        let result = try unit.analyze(["verify", "--man=no", "sumd.service"])
        #expect(result.output.isEmpty, "systemd-analyze verify: \(result.output)")
        #expect(result.status == 0)
    }

    @Test func exposureIsAtMostOne() throws {
        let unit = try SystemdUnit()
        let result = try unit.analyze(["security", "--offline=true", "--no-pager", "sumd.service"])
        let line = try #require(
            result.output.split(separator: "\n").first { $0.contains("Overall exposure level for sumd.service:") },
            "no score in: \(result.output)")
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }, "\(line)")
        #expect(
            score <= 1.0,
            "exposure \(score); unprotected:\n\(result.output.split(separator: "\n").filter { $0.hasPrefix("✗") }.joined(separator: "\n"))")
    }

    @Test func notifiesWatchesAndReloads() throws {
        let text = try SystemdUnit().text
        for setting in [
            "Type=notify", "NotifyAccess=main", "WatchdogSec=30s", "Restart=on-failure",
            "ExecReload=/bin/sh -c 'kill -HUP $MAINPID'", "ExecStart=/usr/local/bin/sumd serve --config /etc/sumd/sumd.toml",
            "User=sumd", "StateDirectory=sumd", "SystemCallFilter=setpriority", "RestartPreventExitStatus=78",
        ] {
            #expect(text.split(separator: "\n").contains { $0 == setting }, "missing \(setting)")
        }
    }
}

/// A copy of the unit in a temporary directory, ExecStart's program replaced by /bin/sh.
struct SystemdUnit {
    static let analyzer = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

    let text: String
    let directory: URL

    init() throws {
        let source = RepositoryFiles.url("systemd/sumd.service")
        text = try String(contentsOf: source, encoding: .utf8)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-unit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.hasPrefix("ExecStart=") else { return String(line) }
            return "ExecStart=/bin/sh" + (line.firstIndex(of: " ").map { String(line[$0...]) } ?? "")
        }.joined(separator: "\n")
        try copy.write(to: directory.appendingPathComponent("sumd.service"), atomically: true, encoding: .utf8)
    }

    /// Runs systemd-analyze in the copy's directory; output is standard output and error together.
    func analyze(_ arguments: [String]) throws -> (status: Int32, output: String) {
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.analyzer))
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
