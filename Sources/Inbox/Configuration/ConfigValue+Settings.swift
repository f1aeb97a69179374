import Foundation
import Logging

/// A value as the kind a setting takes; the problem names the kind expected and the kind given
/// (`must be an integer, not a string`), and the caller puts the setting's name in front.
extension ConfigValue {
    /// A path, relative ones taken from `directory`.
    func path(relativeTo directory: URL) throws(ConfigProblem) -> URL {
        guard case .string(let text) = self else { throw wrongKind("a string (a path in double quotes)") }
        guard !text.isEmpty else { throw ConfigProblem("must not be empty") }
        return (text.hasPrefix("/") ? URL(fileURLWithPath: text) : directory.appendingPathComponent(text)).standardizedFileURL
    }

    func integer() throws(ConfigProblem) -> Int {
        guard case .integer(let number) = self else { throw wrongKind("an integer") }
        return number
    }

    /// A number of seconds, whole or not.
    func seconds() throws(ConfigProblem) -> Double {
        switch self {
        case .integer(let number): Double(number)
        case .float(let number): number
        default: throw wrongKind("a number of seconds")
        }
    }

    /// One of swift-log's level names.
    func logLevel() throws(ConfigProblem) -> Logger.Level {
        guard case .string(let name) = self else { throw wrongKind("a string") }
        guard let level = Logger.Level(rawValue: name) else {
            let names = Logger.Level.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw ConfigProblem("must be one of \(names), not \"\(name)\"")
        }
        return level
    }

    private func wrongKind(_ expected: String) -> ConfigProblem { ConfigProblem("must be \(expected), not \(kind)") }
}
