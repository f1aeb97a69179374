import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Whatever keeps `sumd serve` from starting reaches the journal at error priority: run as systemd
/// runs it (standard error is the stream `$JOURNAL_STREAM` names), every such line starts with `<3>`.
/// Settings that cannot work (a bad flag, no checkpoint file) exit 78, so systemd does not restart.
@Suite(.enabled(if: DaemonProcess.binaryExists, "needs the release sumd binary (make test builds it)"))
struct ServeStartupErrorTests {
    @Test func aMissingCheckpointIsAConfigurationError() async throws {
        let work = try TemporaryDirectory("sumd-startup")
        let (status, log) = try await serveAsUnderSystemd(["--checkpoint", work.path("absent.safetensors")], in: work)
        #expect(status == 78)
        #expect(
            log.hasPrefix("<3>Error: cannot read the checkpoint \(work.path("absent.safetensors")): No such file or directory"), "\(log)")
    }

    @Test func aCheckpointThatDoesNotLoadIsLoggedAsAnError() async throws {
        let work = try TemporaryDirectory("sumd-startup")
        try Data("not a checkpoint".utf8).write(to: work.url.appendingPathComponent("model.safetensors"))
        let (status, log) = try await serveAsUnderSystemd(["--checkpoint", work.path("model.safetensors")], in: work)
        #expect(status == 1)
        let line = log.split(separator: "\n").first { $0.contains("stopped on an error") }
        #expect(line?.hasPrefix("<3>") == true && line?.contains("cannot serve \(work.path("model.safetensors"))") == true, "\(log)")
    }

    @Test func anInboxThatCannotBeCreatedIsLoggedAsAnError() async throws {
        let work = try TemporaryDirectory("sumd-startup")
        try DaemonCheckpoint.write(to: work.url.appendingPathComponent("model.safetensors"), channels: [4], hidden: 8, seed: 1)
        try Data().write(to: work.url.appendingPathComponent("file"))
        let (status, log) = try await serveAsUnderSystemd(
            ["--checkpoint", work.path("model.safetensors"), "--inbox", work.path("file/inbox")], in: work)
        #expect(status == 1)
        let line = log.split(separator: "\n").first { $0.contains("stopped on an error") }
        #expect(line?.hasPrefix("<3>") == true && line?.contains(work.path("file/inbox")) == true, "\(log)")
    }

    @Test func aBadFlagIsAnErrorOnEveryLine() async throws {
        let work = try TemporaryDirectory("sumd-startup")
        let (status, log) = try await serveAsUnderSystemd(["--workers", "two"], in: work)
        #expect(status == 64, "EX_USAGE from ArgumentParser")
        #expect(log.contains("two"), "\(log)")
        let lines = log.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("<3>") }, "\(log)")
    }

    /// `sumd serve --inbox W/in --outbox W/out ARGUMENTS` (later flags win), standard error in a
    /// file that `$JOURNAL_STREAM` names; returns the exit status and what it wrote there.
    private func serveAsUnderSystemd(_ arguments: [String], in work: TemporaryDirectory) async throws -> (Int32, String) {
        let logURL = work.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        var status = stat()
        try #require(fstat(log.fileDescriptor, &status) == 0)
        let process = Process()
        process.executableURL = DaemonProcess.binary
        process.arguments = ["serve", "--inbox", work.path("in"), "--outbox", work.path("out")] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        let exit = try await runToEnd(process, timeout: 30)
        try log.close()
        return (exit, try String(contentsOf: logURL, encoding: .utf8))
    }
}
