import ArrayFormats
import Foundation
import Testing

@Suite("Reading .npy")
struct NpyReadingTests {
    @Test(
        "every dtype converts to the same floats and integers",
        arguments: ["u1", "i1", "i2", "i4", "i8", "u2", "u4", "u8", "f2", "f4", "f8"])
    func dtypes(code: String) throws {
        let array = try NpyArray(contentsOf: fixture("base_\(code).npy"))
        #expect(array.shape == [2, 3, 4])
        #expect(array.count == 24)
        #expect(array.dtype.itemSize == Int(code.dropFirst())!)
        #expect(!array.isFortranOrder && !array.isBigEndian)
        #expect(array.floats() == base)
        #expect(try array.integers() == Array(0..<24))
    }

    @Test func bool() throws {
        let array = try NpyArray(contentsOf: fixture("base_bool.npy"))
        #expect(array.dtype == .bool)
        #expect(array.floats() == base.map { Int($0) % 3 == 0 ? 1 : 0 })
        #expect(try array.integers() == (0..<24).map { $0 % 3 == 0 ? 1 : 0 })
    }

    @Test(
        "big-endian and Fortran-order files come back in C order",
        arguments: [
            "big_endian_f4.npy", "big_endian_i8.npy", "fortran_f4.npy", "fortran_big_endian_i2.npy", "v2_f4.npy", "v3_f4.npy",
        ])
    func layouts(name: String) throws {
        let array = try NpyArray(contentsOf: fixture(name))
        #expect(array.shape == [2, 3, 4])
        #expect(array.isBigEndian == name.contains("big_endian"))
        #expect(array.isFortranOrder == name.contains("fortran"))
        #expect(array.floats() == base)
        #expect(try array.integers() == Array(0..<24))
    }

    @Test func versions() throws {
        #expect(try NpyArray(contentsOf: fixture("base_f4.npy")).version == (1, 0))
        #expect(try NpyArray(contentsOf: fixture("v2_f4.npy")).version == (2, 0))
        #expect(try NpyArray(contentsOf: fixture("v3_f4.npy")).version == (3, 0))
    }

    @Test(
        "chunks of a Fortran array, scaled, match the C-order values",
        arguments: ["fortran_f4.npy", "base_u1.npy", "base_f4.npy", "fortran_big_endian_i2.npy"])
    func chunks(name: String) throws {
        let array = try NpyArray(contentsOf: fixture(name))
        var out = [Float](repeating: -1, count: 7)
        for start in stride(from: 0, to: 24, by: 7) {
            let range = start..<min(start + 7, 24)
            out.withUnsafeMutableBufferPointer { array.copyFloats(elements: range, into: $0, scale: 0.5) }
            #expect(Array(out.prefix(range.count)) == range.map { Float($0) * 0.5 })
        }
    }

    @Test func scalarAndEmpty() throws {
        let scalar = try NpyArray(contentsOf: fixture("scalar_f8.npy"))
        #expect(scalar.shape == [] && scalar.count == 1)
        #expect(scalar.floats() == [2.5])
        let empty = try NpyArray(contentsOf: fixture("empty_f4.npy"))
        #expect(empty.shape == [0, 3] && empty.count == 0)
        #expect(empty.floats().isEmpty)
    }

    @Test func integralFloatsAreIntegers() throws {
        #expect(try NpyArray(contentsOf: fixture("labels_as_f8.npy")).integers() == [3, 0, 17, 45])
        expectFormatError("non_integral_f8.npy", "element 2", "2.5", "not an integer") {
            _ = try NpyArray(contentsOf: fixture("non_integral_f8.npy")).integers()
        }
    }

    @Test func nonFiniteValuesAreFound() throws {
        let nan = try NpyArray(contentsOf: fixture("nan_f4.npy"))
        #expect(nan.firstNonFinite() == 4)
        #expect(nan.firstNonFinite(in: 0..<4) == nil)
        #expect(nan.firstNonFinite(in: 5..<6) == nil)
        // Stored column-major, the inf is the last element in C order too.
        let inf = try NpyArray(contentsOf: fixture("inf_fortran_f8.npy"))
        #expect(inf.firstNonFinite() == 5)
        #expect(try NpyArray(contentsOf: fixture("base_u1.npy")).firstNonFinite() == nil)
        #expect(try NpyArray(contentsOf: fixture("base_f4.npy")).firstNonFinite() == nil)
    }

    @Test func valuesOutsideARangeAreFound() throws {
        // base = 0…23 in C order; NaN lies outside every range.
        let base = try NpyArray(contentsOf: fixture("base_f4.npy"))
        #expect(base.firstElement(outside: 0...1) == 2)
        #expect(base.firstElement(outside: 0...23) == nil)
        #expect(base.firstElement(outside: 0...10, in: 3..<24) == 11)
        #expect(try NpyArray(contentsOf: fixture("nan_f4.npy")).firstElement(outside: 0...5) == 4)
        #expect(try NpyArray(contentsOf: fixture("inf_fortran_f8.npy")).firstElement(outside: 0...4) == 5)
        #expect(try NpyArray(contentsOf: fixture("base_u1.npy")).firstElement(outside: 0...1) == nil, "integer arrays are not scanned")
    }

    @Test("a large file is mapped, not read into memory")
    func largeFileIsMapped() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("large.npy")
            let count = 64 << 20
            try NpyWriter.write([UInt8](repeating: 3, count: count), shape: [count / 4096, 4096], to: url)
            let before = residentBytes()
            let array = try NpyArray(contentsOf: url)
            var chunk = [Float](repeating: 0, count: 4096)
            chunk.withUnsafeMutableBufferPointer { array.copyFloats(elements: (count - 4096)..<count, into: $0, scale: 1) }
            #expect(chunk.allSatisfy { $0 == 3 })
            // Touching one page of a mapped file costs kilobytes, a copy 64 MiB.
            #expect(residentBytes() - before < 16 << 20)
        }
    }
}

/// Anonymous resident memory of this process, from /proc/self/status (`RssAnon`).
private func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
        let kilobytes = Int(line.split(separator: " ")[1])
    else { return 0 }
    return kilobytes * 1024
}
