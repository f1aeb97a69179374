import ArrayFormats
import Foundation
import Testing

/// A version-1.0 `.npy` image with `header` (padded to 64 bytes and newline-terminated) and `payload` bytes.
private func npy(header: String, payload: Int, version: UInt8 = 1, terminate: Bool = true) -> Data {
    var text = Array(header.utf8)
    let lengthSize = version == 1 ? 2 : 4
    let total = (6 + 2 + lengthSize + text.count + 1 + 63) / 64 * 64
    text += [UInt8](repeating: 0x20, count: total - 6 - 2 - lengthSize - text.count - 1) + [terminate ? 0x0A : 0x20]
    var data = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
    for i in 0..<lengthSize { data.append(UInt8(truncatingIfNeeded: text.count >> (8 * i))) }
    data.append(contentsOf: text)
    data.append(contentsOf: [UInt8](repeating: 7, count: payload))
    return data
}

@Suite("Refusing bad .npy files")
struct NpyRefusalTests {
    @Test func objectArrayPickle() {
        expectFormatError("object.npy", "object array", "pickle") { _ = try NpyArray(contentsOf: fixture("object.npy")) }
    }

    @Test func structuredAndStringDtypes() {
        expectFormatError("structured.npy", "structured dtype") { _ = try NpyArray(contentsOf: fixture("structured.npy")) }
        expectFormatError("unicode.npy", "unsupported dtype '<U5'") { _ = try NpyArray(contentsOf: fixture("unicode.npy")) }
        expectFormatError("x.npy", "unsupported dtype '<c8'") {
            _ = try NpyArray(data: npy(header: "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", payload: 16), source: "x.npy")
        }
    }

    @Test func truncatedData() {
        let data = npy(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (1000, 28, 140), }", payload: 1024)
        expectFormatError("x.npy: truncated: header says 1000×28×140 uint8 (3,920,000 bytes) but only 1,024 bytes follow") {
            _ = try NpyArray(data: data, source: "x.npy")
        }
    }

    @Test func trailingBytes() {
        let data = npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", payload: 13)
        expectFormatError("x.npy", "size mismatch", "13 bytes follow", "1 extra") { _ = try NpyArray(data: data, source: "x.npy") }
    }

    @Test(
        "shapes whose byte size overflows",
        arguments: [
            "(9223372036854775807, 2)", "(4611686018427387904,)", "(99999999999999999999,)",
        ])
    func overflow(shape: String) {
        let data = npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }", payload: 8)
        expectFormatError("x.npy") { _ = try NpyArray(data: data, source: "x.npy") }
    }

    @Test(
        "malformed headers",
        arguments: [
            ("['descr', '<f4']", "not a dict"),
            ("{'descr': '<f4', 'shape': (2,), }", "missing key(s) fortran_order"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key(s) extra"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", "'shape' is not a tuple"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", "non-negative integers"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,), }", "only integers"),
            ("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", "'fortran_order' is not True or False"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) ", "unterminated dict"),
            ("{'descr': '<f4', 'fortran_order': Falsey, 'shape': (2,), }", "unexpected character"),
            ("{'descr': 4, 'fortran_order': False, 'shape': (2,), }", "'descr' is not a string"),
            ("{'descr': 'f4', 'fortran_order': False, 'shape': (2,), }", "byte-order character"),
            ("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", "duplicate key"),
        ])
    func malformedHeader(header: String, fragment: String) {
        expectFormatError("x.npy", fragment) { _ = try NpyArray(data: npy(header: header, payload: 8), source: "x.npy") }
    }

    @Test func acceptsPythonSpellings() throws {
        // No trailing comma, double quotes, a Python 2 long: all still valid headers.
        let array = try NpyArray(
            data: npy(header: "{\"descr\": \"<u2\", \"fortran_order\": False, \"shape\": (2L, 2)}", payload: 8), source: "x.npy")
        #expect(array.shape == [2, 2])
        #expect(array.floats() == [1799, 1799, 1799, 1799])
    }

    @Test func badMagicAndVersion() {
        var wrongMagic = npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", payload: 8)
        wrongMagic[1] = UInt8(ascii: "n")
        expectFormatError("x.npy", "magic") { _ = try NpyArray(data: wrongMagic, source: "x.npy") }
        let version4 = npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", payload: 8, version: 4)
        expectFormatError("x.npy", "version 4.0") { _ = try NpyArray(data: version4, source: "x.npy") }
        expectFormatError("x.npy", "too short") { _ = try NpyArray(data: Data([0x93, 0x4E]), source: "x.npy") }
    }

    @Test("the header length must end at the newline before the data")
    func dataOffset() {
        let unterminated = npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", payload: 8, terminate: false)
        expectFormatError("x.npy", "not where the header says") { _ = try NpyArray(data: unterminated, source: "x.npy") }
        var tooLong = npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", payload: 8)
        tooLong[8] = 0xFF
        tooLong[9] = 0x7F
        expectFormatError("x.npy", "truncated", "header claims 32,767 bytes") { _ = try NpyArray(data: tooLong, source: "x.npy") }
    }

    @Test func unreadableFile() {
        expectFormatError("/nonexistent/x.npy", "cannot be read") {
            _ = try NpyArray(contentsOf: URL(fileURLWithPath: "/nonexistent/x.npy"))
        }
    }
}
