/// The keys of the top-level JSON object in `bytes`, in order and with repeats.
///
/// Foundation's JSON parser silently keeps one of two equal keys; the safetensors header must
/// not have any, so the keys are listed here first. Assumes `bytes` is valid JSON (checked
/// separately) and only tracks strings and nesting.
func topLevelJSONKeys(_ bytes: UnsafeRawBufferPointer) -> [String] {
    var keys: [String] = []
    var depth = 0
    var index = 0
    var expectingKey = false
    while index < bytes.count {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            expectingKey = byte == UInt8(ascii: "{") && depth == 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
        case UInt8(ascii: ","):
            expectingKey = depth == 1
        case UInt8(ascii: "\""):
            let start = index + 1
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                index += 1
            }
            if expectingKey {
                keys.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<min(index, bytes.count)]), as: UTF8.self))
                expectingKey = false
            }
        default:
            break
        }
        index += 1
    }
    return keys
}

/// `s` as a JSON string literal, quotes included.
func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case let c where c.value < 0x20:
            let hex = String(c.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
