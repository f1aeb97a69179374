import ArrayFormats
import Foundation
import Testing

@Suite("Reading .npz")
struct NpzTests {
    @Test("np.savez, np.savez_compressed and a zip64 directory", arguments: ["stored.npz", "compressed.npz", "zip64.npz"])
    func archives(name: String) throws {
        let archive = try NpzArchive(contentsOf: fixture(name))
        #expect(archive.names == ["images", "labels"])
        let images = try archive.array(named: "images")
        #expect(images.dtype == .uint8 && images.shape == [2, 3, 4])
        #expect(images.floats() == base)
        #expect(try archive.array(named: "labels.npy").integers() == [7, 11])
    }

    @Test func missingMember() {
        expectFormatError("stored.npz", "no array named 'weights'", "images, labels") {
            _ = try NpzArchive(contentsOf: fixture("stored.npz")).array(named: "weights")
        }
    }

    @Test func notAZip() {
        expectFormatError("base_f4.npy", "not a valid zip archive") { _ = try NpzArchive(contentsOf: fixture("base_f4.npy")) }
    }

    @Test("a corrupted deflated member fails its CRC or inflation")
    func corruptedMember() throws {
        try withTemporaryDirectory { directory in
            var bytes = try Data(contentsOf: fixture("compressed.npz"))
            // The first member's deflate stream starts after its 30-byte header, name and extra field.
            let start = 30 + Int(bytes[26]) + Int(bytes[28])
            for i in start..<(start + 40) { bytes[i] ^= 0x5A }
            let url = directory.appendingPathComponent("bad.npz")
            try bytes.write(to: url)
            expectFormatError("bad.npz[images]") { _ = try NpzArchive(contentsOf: url).array(named: "images") }
        }
    }
}
