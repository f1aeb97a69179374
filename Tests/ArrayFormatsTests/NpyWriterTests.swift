import ArrayFormats
import Foundation
import Testing

@Suite("Writing .npy")
struct NpyWriterTests {
    @Test func roundTrips() throws {
        try withTemporaryDirectory { directory in
            let floats = directory.appendingPathComponent("f.npy")
            let bytes = directory.appendingPathComponent("u.npy")
            let longs = directory.appendingPathComponent("i.npy")
            try NpyWriter.write(base, shape: [2, 3, 4], to: floats)
            try NpyWriter.write((0..<6).map(UInt8.init), shape: [6], to: bytes)
            try NpyWriter.write([Int64.min, -1, 0, Int64.max], shape: [2, 2], to: longs)

            let f = try NpyArray(contentsOf: floats)
            #expect(f.dtype == .float32 && f.shape == [2, 3, 4] && f.version == (1, 0))
            #expect(f.floats() == base)
            let u = try NpyArray(contentsOf: bytes)
            #expect(u.dtype == .uint8 && u.shape == [6])
            #expect(try u.integers() == [0, 1, 2, 3, 4, 5])
            let i = try NpyArray(contentsOf: longs)
            #expect(i.dtype == .int64 && i.shape == [2, 2])
            #expect(try i.integers() == [Int.min, -1, 0, Int.max])
            // The data starts on a 64-byte boundary, as NumPy's writer does.
            let size = try FileManager.default.attributesOfItem(atPath: floats.path)[.size] as! Int
            #expect((size - 24 * 4) % 64 == 0)
        }
    }

    @Test("a header over 64 KiB switches to format 2.0")
    func version2() throws {
        let shape = [Int](repeating: 1, count: 30_000)
        let array = try NpyArray(data: NpyWriter.encode([Float(4)], shape: shape), source: "wide.npy")
        #expect(array.version == (2, 0))
        #expect(array.shape == shape)
        #expect(array.floats() == [4])
    }

    @Test func scalarShape() throws {
        let array = try NpyArray(data: NpyWriter.encode([Int64(9)], shape: []), source: "s.npy")
        #expect(array.shape == [])
        #expect(try array.integers() == [9])
    }

    @Test func wrongCount() {
        expectFormatError("shape 2×3", "5 elements") { _ = try NpyWriter.encode([Float](repeating: 0, count: 5), shape: [2, 3]) }
    }
}
