import Foundation
import Inbox
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `JournalLogHandler`: journal lines with syslog priorities, plain lines with a timestamp, and the
/// `JOURNAL_STREAM` check, written through a real file descriptor.
@Suite struct SystemdJournalLogTests {
    @Test func journalLinesCarryTheSyslogPriority() throws {
        let output = try CapturedOutput()
        var logger = Logger(label: "sumd.serve") { label in
            JournalLogHandler(label: label, style: .journal, fileDescriptor: output.fd)
        }
        logger.logLevel = .trace
        logger[metadataKey: "daemon"] = "1"
        logger.trace("t")
        logger.debug("d")
        logger.info("batch done", metadata: ["batch.file": "a.npy", "batch.images": "64"])
        logger.notice("n")
        logger.warning("w", metadata: ["error": "a = b \"c\""])
        logger.error("two\nlines")
        logger.critical("c", metadata: ["empty": ""])
        #expect(
            try output.text() == """
                <7>t daemon=1
                <7>d daemon=1
                <6>batch done batch.file=a.npy batch.images=64 daemon=1
                <5>n daemon=1
                <4>w daemon=1 error="a = b \\"c\\""
                <3>two\\nlines daemon=1
                <2>c daemon=1 empty=""

                """)
    }

    @Test func plainLinesHaveTimeLevelAndLabel() throws {
        let output = try CapturedOutput()
        let logger = Logger(label: "sumd.serve") { label in
            JournalLogHandler(
                label: label, style: .plain, fileDescriptor: output.fd,
                now: { Date(timeIntervalSince1970: 1_764_183_119.123_4) })
        }
        logger.info("ready", metadata: ["inbox": "/srv/in"])
        logger.debug("below the level")
        #expect(try output.text() == "2025-11-26T18:51:59.123Z info sumd.serve: ready inbox=/srv/in\n")
    }

    @Test func recognisesTheJournalStreamByDeviceAndInode() throws {
        let output = try CapturedOutput()
        var status = stat()
        try #require(fstat(output.fd, &status) == 0)
        let stream = "\(status.st_dev):\(status.st_ino)"
        #expect(JournalLogHandler.isJournal(fileDescriptor: output.fd, environment: ["JOURNAL_STREAM": stream]))
        #expect(
            !JournalLogHandler.isJournal(
                fileDescriptor: output.fd, environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino + 1)"]))
        #expect(!JournalLogHandler.isJournal(fileDescriptor: output.fd, environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!JournalLogHandler.isJournal(fileDescriptor: output.fd, environment: [:]))
    }
}

/// A temporary file opened for writing; `text()` reads back what was written to `fd`.
final class CapturedOutput {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-log-\(UUID().uuidString.prefix(8)).txt")
    let fd: Int32

    init() throws {
        fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
    }

    deinit {
        close(fd)
        try? FileManager.default.removeItem(at: url)
    }

    func text() throws -> String { try String(contentsOf: url, encoding: .utf8) }
}
