import Foundation

/// `sumd serve --config PATH`: the daemon's settings in a file (`/etc/sumd/sumd.toml` for the
/// systemd unit), in a subset of TOML: `key = value` lines with strings, integers, floats and
/// booleans, `#` comments, and optionally the keys under a `[serve]` table header.
///
/// Every `sumd serve` flag has a key (`inbox`, `outbox`, `checkpoint`, `processed`, `failed`,
/// `workers`, `chunk_size`, `grid_phases`, `labels_grace`, `log_level`, `metrics_file`, `status_file`,
/// `claim_timeout`, `rescan_interval`; `Setting`). An unknown key, a value of the wrong type, a
/// repeated key or a line that is not TOML stops the daemon at start, naming the file and line;
/// so does a value out of range, found by `validate()`. Relative paths are taken from the file's
/// directory.
extension ServeConfiguration {
    /// Sets every key of the file at `path`, replacing what was set before.
    public mutating func read(configFile path: String) throws(ServeConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "not a readable file" : "no such file"
            throw ServeConfigurationError(origin: .file(path: path, line: nil), problem: "cannot read the config file: \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ServeConfigurationError(origin: .file(path: path, line: nil), problem: "the config file is not UTF-8 text")
        }
        try read(configText: text, path: path)
    }

    /// Sets every key of `text`, read as the contents of the file at `path` (which messages name
    /// and relative paths start from).
    public mutating func read(configText text: String, path: String) throws(ServeConfigurationError) {
        var seen: [String: Int] = [:]
        var sawTable = false
        // By Character, "\r\n" is one line break.
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let origin = Origin.file(path: path, line: offset + 1)
            func fail(_ problem: String) -> ServeConfigurationError { ServeConfigurationError(origin: origin, problem: problem) }
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
            guard let setting = Setting(rawValue: key) else {
                throw fail("unknown key '\(key)'; the keys are \(Setting.allCases.map(\.key).joined(separator: ", "))")
            }
            if let first = seen[key] { throw fail("duplicate key '\(key)' (first set on line \(first))") }
            seen[key] = offset + 1
            let value: ConfigValue
            do {
                value = try ConfigValue.parse(line[line.index(after: equals)...])
            } catch {
                throw fail("\(key): \(error.message)")
            }
            try set(setting, to: value, from: origin)
        }
    }
}
