/// A growing UTF-8 buffer for writing CSV quickly: no `String(format:)`, no per-field allocation.
struct CSVText {
    private(set) var bytes: [UInt8] = []

    init(reservingRows rows: Int = 0, bytesPerRow: Int = 32) {
        bytes.reserveCapacity(rows * bytesPerRow)
    }

    /// Appends a header or literal text as is.
    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Appends a field, quoted per RFC 4180 when it holds a comma, quote or line break.
    mutating func appendField(_ text: String) {
        if text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) {
            append("\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
        } else {
            append(text)
        }
    }

    mutating func append(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// Appends a non-negative fraction such as a probability or accuracy with exactly
    /// `decimals` digits after the point (6 by default), rounding half away from zero.
    mutating func append(fraction value: Double, decimals: Int = 6) {
        guard value.isFinite else {
            append("nan")
            return
        }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        if value < 0 && scaled > 0 { bytes.append(UInt8(ascii: "-")) }
        append(scaled / scale)
        bytes.append(UInt8(ascii: "."))
        var remainder = scaled % scale
        var divisor = scale / 10
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(remainder / divisor))
            remainder %= divisor
            divisor /= 10
        }
    }

    mutating func comma() { bytes.append(UInt8(ascii: ",")) }
    mutating func newline() { bytes.append(10) }
}
