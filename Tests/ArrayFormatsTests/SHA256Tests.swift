import ArrayFormats
import Foundation
import Testing

@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a file hashed in chunks matches its bytes hashed at once")
    func fileMatchesData() throws {
        try withTemporaryDirectory { directory in
            let data = Data((0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) })
            let url = directory.appendingPathComponent("blob")
            try data.write(to: url)
            #expect(try SHA256.hex(ofFileAt: url) == SHA256.hex(of: data))
        }
    }

    @Test func missingFile() {
        expectFormatError("/nonexistent/blob", "cannot be opened") {
            _ = try SHA256.hex(ofFileAt: URL(fileURLWithPath: "/nonexistent/blob"))
        }
    }
}
