/// Encodes 8-bit grayscale images as PNG, for the thumbnails inlined in `S.report.html`.
///
/// The pixel data goes into the zlib stream as stored (uncompressed) deflate blocks: thumbnails are
/// a few kilobytes each and capped in number, so compression would save little, and this way the
/// encoder needs no library (CRC-32 and Adler-32 are computed here).
public enum PNGEncoder {
    /// A PNG of `width × height` pixels, row-major, 0 = black, 255 = white.
    public static func grayscale(_ pixels: [UInt8], width: Int, height: Int) -> [UInt8] {
        precondition(width > 0 && height > 0 && pixels.count == width * height)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, 0, 0, 0, 0]  // bit depth 8, colour type 0 (gray), deflate, adaptive filters, no interlace
        appendChunk("IHDR", header, to: &png)
        // Every row starts with its filter type; 0 = none.
        var scanlines: [UInt8] = []
        scanlines.reserveCapacity(height * (width + 1))
        for row in 0..<height {
            scanlines.append(0)
            scanlines += pixels[(row * width)..<((row + 1) * width)]
        }
        appendChunk("IDAT", zlibStored(scanlines), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// `data` as a zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, at most 65,535 bytes each).
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window; 0x7801 is a multiple of 31
        let blockSize = 65_535
        var start = 0
        repeat {
            let end = min(data.count, start + blockSize)
            let length = UInt16(end - start)
            stream.append(end == data.count ? 1 : 0)  // BFINAL on the last block, BTYPE 00 (stored)
            stream += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            stream += data[start..<end]
            start = end
        } while start < data.count
        appendBigEndian(adler32(data), to: &stream)
        return stream
    }

    /// Adler-32 (RFC 1950), the checksum that ends a zlib stream.
    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        // 5552 bytes is the most that can be summed before b could overflow 32 bits.
        var start = 0
        while start < data.count {
            let end = min(data.count, start + 5552)
            for byte in data[start..<end] {
                a &+= UInt32(byte)
                b &+= a
            }
            a %= 65_521
            b %= 65_521
            start = end
        }
        return b << 16 | a
    }

    /// CRC-32 (ISO 3309, as in zlib and PNG) of `bytes`.
    static func crc32<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    private static let crcTable: [UInt32] = (0..<256).map { entry in
        var value = UInt32(entry)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// Length, type, data and the CRC of type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typed = Array(type.utf8) + data
        appendBigEndian(UInt32(data.count), to: &png)
        png += typed
        appendBigEndian(crc32(typed), to: &png)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
