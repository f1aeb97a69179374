import Foundation

/// The central directory of a zip file, read just far enough to find where each member's bytes
/// start, so `NpzArchive` can map stored (uncompressed) members in place instead of copying them.
///
/// Handles zip64 (which `np.savez` writes for large members): the zip64 end-of-central-directory
/// record and the zip64 extra field of each entry.
struct ZipDirectory {
    struct Member {
        var name: String
        /// 0 = stored, 8 = deflated.
        var method: UInt16
        var compressedSize: Int
        var uncompressedSize: Int
        /// Offset of the member's bytes (after its local header) in the file.
        var dataOffset: Int
    }

    var members: [Member]

    init(bytes: UnsafeRawBufferPointer, source: String) throws {
        func fail(_ problem: String) -> ArrayFormatError { ArrayFormatError(source, "not a valid zip archive: \(problem)") }
        func u16(_ at: Int) -> Int { Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self))) }
        func u32(_ at: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
        func u64(_ at: Int) throws -> Int {
            guard let value = Int(exactly: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))) else {
                throw fail("a zip64 size or offset is out of range")
            }
            return value
        }
        func inBounds(_ offset: Int, _ length: Int) -> Bool { offset >= 0 && length >= 0 && offset <= bytes.count - length }

        // The end-of-central-directory record is in the last 22 + 65,535 (comment) bytes.
        guard bytes.count >= 22 else { throw fail("too short") }
        var end = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while end >= lowest, u32(end) != 0x0605_4B50 { end -= 1 }
        guard end >= lowest else { throw fail("no end-of-central-directory record") }
        var entryCount = u16(end + 10)
        var directoryOffset = u32(end + 16)
        if entryCount == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = end - 20
            guard inBounds(locator, 20), u32(locator) == 0x0706_4B50 else { throw fail("zip64 locator missing") }
            let record = try u64(locator + 8)
            guard inBounds(record, 56), u32(record) == 0x0606_4B50 else { throw fail("zip64 end record missing") }
            entryCount = try u64(record + 32)
            directoryOffset = try u64(record + 48)
        }

        var members: [Member] = []
        var cursor = directoryOffset
        for _ in 0..<entryCount {
            guard inBounds(cursor, 46), u32(cursor) == 0x0201_4B50 else {
                throw fail("central directory entry \(members.count) is damaged")
            }
            let nameLength = u16(cursor + 28)
            let extraLength = u16(cursor + 30)
            let commentLength = u16(cursor + 32)
            guard inBounds(cursor + 46, nameLength + extraLength + commentLength) else { throw fail("central directory is truncated") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(cursor + 46)..<(cursor + 46 + nameLength)]), as: UTF8.self)
            var uncompressed = u32(cursor + 24)
            var compressed = u32(cursor + 20)
            var localHeader = u32(cursor + 42)
            // Zip64 extra field: the 64-bit values of whichever fields hold 0xFFFFFFFF, in this order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(extra)
                let size = u16(extra + 2)
                if id == 0x0001 {
                    var field = extra + 4
                    func widen(_ value: inout Int) throws {
                        guard value == 0xFFFF_FFFF else { return }
                        guard field + 8 <= extra + 4 + size else { throw fail("zip64 field of '\(name)' is too short") }
                        value = try u64(field)
                        field += 8
                    }
                    try widen(&uncompressed)
                    try widen(&compressed)
                    try widen(&localHeader)
                }
                extra += 4 + size
            }
            guard inBounds(localHeader, 30), u32(localHeader) == 0x0403_4B50 else { throw fail("local header of '\(name)' is missing") }
            let dataOffset = localHeader + 30 + u16(localHeader + 26) + u16(localHeader + 28)
            guard inBounds(dataOffset, compressed) else { throw fail("member '\(name)' runs past the end of the file") }
            members.append(
                Member(
                    name: name, method: UInt16(u16(cursor + 10)), compressedSize: compressed,
                    uncompressedSize: uncompressed, dataOffset: dataOffset))
            cursor += 46 + nameLength + extraLength + commentLength
        }
        self.members = members
    }
}
