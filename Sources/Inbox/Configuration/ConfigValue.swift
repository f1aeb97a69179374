/// The value kinds of the TOML subset `sumd.toml` is written in, and how one is read from the
/// text after `key =` on a line. Flags of `sumd serve` hand their values over in the same kinds.
public enum ConfigValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)

    /// How the kind is called in error messages ("must be a string, not an integer").
    var kind: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number with a fraction"
        case .boolean: "a boolean"
        }
    }

    /// Reads one value from `text` (everything after the `=`), which may end in a `#` comment;
    /// the error is a sentence without the file and line, which the caller adds.
    static func parse(_ text: Substring) throws(ConfigProblem) -> ConfigValue {
        let text = text.drop(while: { $0 == " " || $0 == "\t" })
        guard let first = text.first else { throw ConfigProblem("missing value after '='") }
        let value: ConfigValue
        let rest: Substring
        switch first {
        case "\"":
            if text.hasPrefix("\"\"\"") {
                throw ConfigProblem("multi-line strings (\"\"\") are not supported; write the value on one line")
            }
            (value, rest) = try basicString(text.dropFirst())
        case "'":
            if text.hasPrefix("'''") { throw ConfigProblem("multi-line strings (''') are not supported; write the value on one line") }
            guard let end = text.dropFirst().firstIndex(of: "'") else { throw ConfigProblem("the string has no closing '") }
            (value, rest) = (.string(String(text[text.index(after: text.startIndex)..<end])), text[text.index(after: end)...])
        case "[", "{":
            throw ConfigProblem("arrays and inline tables are not supported; sumd.toml takes strings, integers, numbers and booleans")
        default:
            let end = text.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "#" }) ?? text.endIndex
            (value, rest) = (try bare(text[..<end]), text[end...])
        }
        let trailing = rest.drop(while: { $0 == " " || $0 == "\t" })
        guard trailing.isEmpty || trailing.first == "#" else {
            throw ConfigProblem("unexpected '\(trailing.prefix(20))' after the value (a comment starts with #)")
        }
        return value
    }

    /// A double-quoted string after its opening quote, with TOML's escapes; returns the rest of the line.
    private static func basicString(_ text: Substring) throws(ConfigProblem) -> (ConfigValue, Substring) {
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            switch character {
            case "\"": return (.string(result), text[index...])
            case "\\":
                guard index < text.endIndex else { break }
                let escape = text[index]
                index = text.index(after: index)
                switch escape {
                case "\\": result.append("\\")
                case "\"": result.append("\"")
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "b": result.append("\u{8}")
                case "f": result.append("\u{C}")
                case "u", "U":
                    let digits = escape == "u" ? 4 : 8
                    let hex = text[index...].prefix(digits)
                    guard hex.count == digits, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw ConfigProblem("\\\(escape) must be followed by \(digits) hexadecimal digits of a Unicode character")
                    }
                    result.unicodeScalars.append(scalar)
                    index = text.index(index, offsetBy: digits)
                default:
                    throw ConfigProblem("unknown escape \\\(escape) in a string (write \\\\ for a backslash)")
                }
            default: result.append(character)
            }
        }
        throw ConfigProblem("the string has no closing \"")
    }

    /// `true`, `false`, a decimal integer or a float (`_` allowed between digits, as in TOML).
    private static func bare(_ token: Substring) throws(ConfigProblem) -> ConfigValue {
        if token == "true" { return .boolean(true) }
        if token == "false" { return .boolean(false) }
        let digits = token.replacingUnderscoresBetweenDigits()
        let unsigned = digits.first == "+" || digits.first == "-" ? digits.dropFirst() : digits[...]
        if let integer = Int(digits), !unsigned.isEmpty, unsigned.allSatisfy(\.isASCIIDigit) {
            guard unsigned == "0" || unsigned.first != "0" else { throw ConfigProblem("'\(token)': integers have no leading zeros") }
            return .integer(integer)
        }
        if unsigned.first?.isASCIIDigit == true, unsigned.last?.isASCIIDigit == true,
            unsigned.allSatisfy({ $0.isASCIIDigit || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" }),
            let number = Double(digits)
        {
            return .float(number)
        }
        if ["inf", "+inf", "-inf", "nan"].contains(token), let number = Double(token) { return .float(number) }
        throw ConfigProblem("'\(token)' is not a value: put text in double quotes, write numbers as 12 or 0.5, booleans as true or false")
    }
}

/// A problem with a value, as a sentence without the place, which the caller adds.
struct ConfigProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Substring {
    /// The token with each `_` that stands between two digits removed (`1_000` → `1000`); a
    /// misplaced `_` stays and makes the number invalid.
    fileprivate func replacingUnderscoresBetweenDigits() -> String {
        var result = ""
        var previous: Character?
        for (offset, character) in enumerated() {
            let next = dropFirst(offset + 1).first
            if character == "_", previous?.isASCIIDigit == true, next?.isASCIIDigit == true {
                previous = character
                continue
            }
            result.append(character)
            previous = character
        }
        return result
    }
}
