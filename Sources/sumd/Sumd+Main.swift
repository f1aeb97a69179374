import ArgumentParser
import Foundation
import Inbox

#if canImport(Glibc)
    import Glibc
#endif

extension Sumd {
    /// ArgumentParser's own `main`, except that error text on standard error goes through
    /// `ErrorOutput`: whatever keeps `sumd serve` from starting under systemd (a bad flag in the
    /// unit, a configuration that cannot work) is at error priority in the journal, not the
    /// info priority journald gives plain lines. Help, `--version` and completion scripts still go
    /// to standard output as they are.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            ErrorOutput.end(printing: fullMessage(for: error), status: exitCode(for: error))
        }
    }
}

/// Error text for standard error: when that is systemd's journal (`JournalLogHandler.isJournal`),
/// every line starts with `<3>`, which journald reads as error priority (`journalctl -p err`
/// shows it) and strips; anywhere else the text is unchanged.
enum ErrorOutput {
    /// Prints `text` as ArgumentParser would (standard output for help and other clean exits,
    /// else standard error through `write`) and exits with `status`.
    static func end(printing text: String, status: ExitCode) -> Never {
        if !text.isEmpty {
            if status.isSuccess { print(text) } else { write(text) }
        }
        exit(status.rawValue)
    }

    /// Writes `text` and a line feed to standard error, `<3>` before each line under the journal.
    static func write(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let journal = JournalLogHandler.isJournal(fileDescriptor: STDERR_FILENO, environment: environment)
        let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { (journal ? "<3>" : "") + $0 }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
