/// A Python literal as found in a `.npy` header: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
///
/// The header is `repr()` of a dict, so a small strict parser is enough and safer than `eval` or a
/// regex: it accepts strings, integers, `True`/`False`/`None`, tuples, lists and dicts (with trailing
/// commas) and rejects everything else.
indirect enum PythonLiteral {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(String, PythonLiteral)])

    /// Parses `text` as exactly one literal (surrounding whitespace allowed); the error is a short phrase.
    static func parse(_ text: String) throws(PythonLiteralError) -> PythonLiteral {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the literal") }
        return value
    }
}

/// Where and why a Python literal could not be parsed.
struct PythonLiteralError: Error {
    var message: String
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0

    func error(_ what: String) -> PythonLiteralError {
        PythonLiteralError(message: "\(what) at character \(index)")
    }

    mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 || bytes[index] == 0x0D {
            index += 1
        }
    }

    mutating func value() throws(PythonLiteralError) -> PythonLiteral {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "("):
            let (items, sawComma) = try sequence(close: UInt8(ascii: ")"))
            // `(5)` is just 5 in Python; a one-element tuple needs its comma.
            if items.count == 1, !sawComma { return items[0] }
            return .tuple(items)
        case UInt8(ascii: "["): return .list(try sequence(close: UInt8(ascii: "]")).items)
        case UInt8(ascii: "{"): return try dict()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try integer())
        default:
            for (word, literal) in [("True", PythonLiteral.boolean(true)), ("False", .boolean(false)), ("None", .none)]
            where bytes[index...].starts(with: word.utf8) {
                let end = index + word.utf8.count
                guard end == bytes.count || !isIdentifierByte(bytes[end]) else { break }
                index = end
                return literal
            }
            throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    private mutating func string() throws(PythonLiteralError) -> String {
        let quote = bytes[index]
        index += 1
        var out: [UInt8] = []
        while index < bytes.count, bytes[index] != quote {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(bytes[index])
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                default: throw error("unsupported escape in a string")
                }
            } else {
                guard bytes[index] != 0x0A else { throw error("newline inside a string") }
                out.append(bytes[index])
            }
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string") }
        index += 1
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func integer() throws(PythonLiteralError) -> Int {
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        var value = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(bytes[index] - 0x30))
            guard !o1, !o2 else { throw error("integer too large") }
            value = sum
            index += 1
        }
        guard index > start else { throw error("'-' without digits") }
        if index < bytes.count, bytes[index] == UInt8(ascii: "L") { index += 1 }  // Python 2 long, e.g. `(3L, 4L)`.
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") {
            throw error("only integers are allowed here, not floating-point numbers")
        }
        return negative ? -value : value
    }

    private mutating func sequence(close: UInt8) throws(PythonLiteralError) -> (items: [PythonLiteral], sawComma: Bool) {
        index += 1
        var items: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated tuple or list") }
            if bytes[index] == close {
                index += 1
                return (items, sawComma)
            }
            items.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated tuple or list") }
            if bytes[index] == UInt8(ascii: ",") {
                sawComma = true
                index += 1
            } else if bytes[index] != close {
                throw error("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
        }
    }

    private mutating func dict() throws(PythonLiteralError) -> PythonLiteral {
        index += 1
        var entries: [(String, PythonLiteral)] = []
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated dict") }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .dict(entries)
            }
            guard case .string(let key) = try value() else { throw error("dict keys must be strings") }
            guard !entries.contains(where: { $0.0 == key }) else { throw error("duplicate key '\(key)'") }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a dict key") }
            index += 1
            entries.append((key, try value()))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated dict") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] != UInt8(ascii: "}") {
                throw error("expected ',' or '}'")
            }
        }
    }
}
