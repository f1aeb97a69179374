import Foundation
import Logging

/// Why the config file cannot be used, as `PATH:LINE: problem` (or `PATH: problem` when the file
/// cannot be read at all), the form editors and `grep -n` use.
public struct ServeConfigFileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let problem: String

    public init(path: String, line: Int?, problem: String) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String { "\(path):\(line.map { "\($0):" } ?? "") \(problem)" }
}

/// `sumd serve --config PATH`: the daemon's settings in a file (`/etc/sumd/sumd.toml` for the
/// systemd unit), in a subset of TOML: `key = value` lines with strings, integers, floats and
/// booleans, `#` comments, and optionally the keys under a `[serve]` table header.
///
/// Every `sumd serve` flag has a key (`inbox`, `outbox`, `checkpoint`, `processed`, `failed`,
/// `workers`, `chunk_size`, `labels_grace`, `log_level`, `metrics_file`, `status_file`, `claim_timeout`,
/// `rescan_interval`). An unknown key, a value
/// of the wrong type or range, a repeated key or a line that is not TOML stops the daemon at start,
/// naming the file and line. Relative paths are taken from the file's directory.
public enum ServeConfigFile {
    /// Reads and checks the file at `path`.
    public static func load(path: String) throws -> ServeSettings {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "not a readable file" : "no such file"
            throw ServeConfigFileError(path: path, line: nil, problem: "cannot read the config file: \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ServeConfigFileError(path: path, line: nil, problem: "the config file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses `text` as the contents of the file at `path` (used in messages and for relative paths).
    public static func parse(_ text: String, path: String) throws -> ServeSettings {
        var settings = ServeSettings()
        var seen: [String: Int] = [:]
        var sawTable = false
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        // By Character, "\r\n" is one line break.
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = offset + 1
            func fail(_ problem: String) -> ServeConfigFileError { ServeConfigFileError(path: path, line: number, problem: problem) }
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let header = line.prefix(while: { $0 != "#" }).trimmingCharacters(in: .whitespaces)
                let name = header.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                guard header.hasSuffix("]"), !header.hasPrefix("[[") else {
                    throw fail("bad table header '\(header)': write [serve]")
                }
                guard name == "serve" else { throw fail("unknown table [\(name)]: the only table is [serve]") }
                guard !sawTable else { throw fail("duplicate table [serve]") }
                sawTable = true
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { throw fail("expected 'key = value', got '\(line.prefix(40))'") }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw fail("bad key '\(key)': keys are bare words such as chunk_size")
            }
            guard let field = Field(rawValue: key) else {
                throw fail("unknown key '\(key)'; the keys are \(Field.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let first = seen[key] { throw fail("duplicate key '\(key)' (first set on line \(first))") }
            seen[key] = number
            let value: ConfigValue
            do {
                value = try ConfigValue.parse(line[line.index(after: equals)...])
            } catch {
                throw fail("\(key): \(error.message)")
            }
            do {
                try field.store(value, in: &settings, relativeTo: directory)
            } catch let problem as ConfigProblem {
                throw fail(problem.message)
            }
        }
        return settings
    }

    /// The keys and what each accepts.
    private enum Field: String, CaseIterable {
        case inbox, outbox, checkpoint, processed, failed, workers
        case chunkSize = "chunk_size"
        case labelsGrace = "labels_grace"
        case logLevel = "log_level"
        case metricsFile = "metrics_file"
        case statusFile = "status_file"
        case claimTimeout = "claim_timeout"
        case rescanInterval = "rescan_interval"

        /// A number of seconds, at least `least`.
        private func seconds(_ value: ConfigValue, least: Double) throws -> Double {
            let seconds: Double
            switch value {
            case .integer(let number): seconds = Double(number)
            case .float(let number): seconds = number
            default: throw wrongType(value, "a number of seconds")
            }
            guard seconds.isFinite, seconds >= least else {
                throw ConfigProblem("\(rawValue) must be a number of seconds ≥ \(least.formatted()), not \(seconds)")
            }
            return seconds
        }

        func store(_ value: ConfigValue, in settings: inout ServeSettings, relativeTo directory: URL) throws {
            switch self {
            case .inbox: settings.inbox = try path(value, directory)
            case .outbox: settings.outbox = try path(value, directory)
            case .checkpoint: settings.checkpoint = try path(value, directory)
            case .processed: settings.processed = try path(value, directory)
            case .failed: settings.failed = try path(value, directory)
            case .metricsFile: settings.metricsFile = try path(value, directory)
            case .statusFile: settings.statusFile = try path(value, directory)
            case .workers: settings.workers = try count(value)
            case .chunkSize: settings.chunkSize = try count(value)
            case .labelsGrace: settings.labelsGrace = try seconds(value, least: 0)
            case .claimTimeout: settings.claimTimeout = try seconds(value, least: ServeSettings.shortestClaimTimeout)
            case .rescanInterval:
                settings.rescanInterval = try seconds(value, least: 0)
                guard settings.rescanInterval! > 0 else { throw ConfigProblem("\(rawValue) must be a number of seconds > 0") }
            case .logLevel:
                guard case .string(let level) = value else { throw wrongType(value, "a string") }
                guard Logger.Level(rawValue: level) != nil else {
                    throw ConfigProblem(
                        "\(rawValue) must be one of \"trace\", \"debug\", \"info\", \"notice\", \"warning\", \"error\", \"critical\", not \"\(level)\""
                    )
                }
                settings.logLevel = level
            }
        }

        private func path(_ value: ConfigValue, _ directory: URL) throws -> String {
            guard case .string(let text) = value else { throw wrongType(value, "a string (a path in double quotes)") }
            guard !text.isEmpty else { throw ConfigProblem("\(rawValue) must not be empty") }
            return text.hasPrefix("/") ? text : directory.appendingPathComponent(text).standardizedFileURL.path
        }

        private func count(_ value: ConfigValue) throws -> Int {
            guard case .integer(let number) = value else { throw wrongType(value, "an integer") }
            guard number >= 1 else { throw ConfigProblem("\(rawValue) must be at least 1, not \(number)") }
            return number
        }

        private func wrongType(_ value: ConfigValue, _ expected: String) -> ConfigProblem {
            ConfigProblem("\(rawValue) must be \(expected), not \(value.kind)")
        }
    }
}
