import ArrayFormats
import Foundation
import Testing

/// Streaming through a mapped file hands pages back to the kernel without changing what is read.
struct NpyReleasePagesTests {
    @Test func releasedPagesReadBackUnchanged() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("release-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("x.npy")
        let values = (0..<(300 * 28 * 140)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 7) }
        try NpyWriter.write(values, shape: [300, 28, 140], to: url)
        let array = try NpyArray(contentsOf: url)
        var first = [Float](repeating: 0, count: array.count)
        var second = first
        first.withUnsafeMutableBufferPointer { buffer in
            for start in stride(from: 0, to: array.count, by: 10_000) {
                let range = start..<min(start + 10_000, array.count)
                array.copyFloats(elements: range, into: UnsafeMutableBufferPointer(rebasing: buffer[range]))
                array.releasePages(elements: range)
            }
        }
        second.withUnsafeMutableBufferPointer { array.copyFloats(elements: 0..<array.count, into: $0) }
        #expect(first == second)
        #expect(first == values.map(Float.init))
    }
}
