import Foundation
import Logging
import SystemCalls
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Log lines on standard error, shaped for whoever reads them: systemd's journal or a person.
///
/// Under systemd (`$JOURNAL_STREAM` names the device and inode of standard error) each line starts
/// with the syslog priority in angle brackets, `<6>ready inbox=/var/lib/sumd/inbox`, which journald
/// turns into the entry's priority (`journalctl -p warning` works) and strips; journald adds the
/// time and the unit itself. Anywhere else a line reads
/// `2026-11-26T18:51:59.123Z info sumd.serve: ready inbox=/var/lib/sumd/inbox`.
/// Metadata follows the message as `key=value`, sorted by key, values quoted when they hold a
/// space, a quote or an `=`; line breaks are escaped so that one event stays one line.
public struct JournalLogHandler: LogHandler {
    /// How lines are written.
    public enum Style: Sendable, Equatable {
        /// `<priority>message key=value` for journald's stream protocol.
        case journal
        /// `timestamp level label: message key=value`.
        case plain
    }

    public let label: String
    public let style: Style
    /// Where lines go (standard error, or a pipe or file in tests); each line is one `write(2)`.
    public let fileDescriptor: Int32
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let now: @Sendable () -> Date

    /// A handler writing to `fileDescriptor` in `style`; `now` gives the timestamps of plain lines.
    public init(
        label: String, style: Style, fileDescriptor: Int32 = STDERR_FILENO,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.style = style
        self.fileDescriptor = fileDescriptor
        self.now = now
    }

    /// The handler for `LoggingSystem.bootstrap`: standard error, journal style when it is connected
    /// to the journal.
    public static func standardError(label: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> JournalLogHandler
    {
        JournalLogHandler(label: label, style: isJournal(fileDescriptor: STDERR_FILENO, environment: environment) ? .journal : .plain)
    }

    /// Whether `fileDescriptor` is the stream systemd connected to the journal: `$JOURNAL_STREAM`
    /// (`DEVICE:INODE`) matches its `fstat`. A redirected standard error (`sumd serve 2>file` in a
    /// unit, or a child that inherited the variable) does not match and gets plain lines.
    public static func isJournal(fileDescriptor: Int32, environment: [String: String]) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        guard let status = try? FileDescriptor(rawValue: fileDescriptor).stat() else { return false }
        return UInt64(status.deviceID.rawValue) == device && UInt64(status.inode.rawValue) == inode
    }

    /// The syslog priority journald reads from a `<N>` prefix.
    public static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        let line = format(level: event.level, message: event.message.description, metadata: merged)
        // A line that cannot be written has nowhere else to go: it is dropped.
        Array(line.utf8).withUnsafeBytes { raw in
            _ = try? writeAll(raw, to: fileDescriptor, naming: FilePath("/dev/fd/\(fileDescriptor)"))
        }
    }

    /// One event as a line (with its final line feed).
    public func format(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var line: String
        switch style {
        case .journal: line = "<\(Self.syslogPriority(level))>" + Self.singleLine(message)
        case .plain: line = "\(Self.timestamp(now())) \(level) \(label): " + Self.singleLine(message)
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(Self.quoted(Self.singleLine(value.description)))"
        }
        return line + "\n"
    }

    private static func singleLine(_ text: String) -> String {
        text.contains(where: \.isNewline)
            ? text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n") : text
    }

    /// `value` as is, or in double quotes with `"` and `\` escaped when it is empty or holds a
    /// space, a quote or an `=` (so `key=value` pairs can be split again).
    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\t" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-26T18:51:59.123Z`.
    private static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        let milliseconds = Int((date.timeIntervalSince1970 - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let digits = { (value: Int32, width: Int) in String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        return "\(digits(parts.tm_year + 1900, 4))-\(digits(parts.tm_mon + 1, 2))-\(digits(parts.tm_mday, 2))T"
            + "\(digits(parts.tm_hour, 2)):\(digits(parts.tm_min, 2)):\(digits(parts.tm_sec, 2)).\(digits(Int32(milliseconds), 3))Z"
    }
}
