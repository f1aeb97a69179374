import CCrypto
import Foundation

/// SHA-256 digests through OpenSSL's EVP interface, as lowercase hex (what `sha256sum` prints).
///
/// Used to pin checkpoints and data sets in provenance records; files are hashed in 1 MiB chunks,
/// so hashing a large file costs no memory.
public enum SHA256 {
    /// The digest of `data`.
    public static func hex(of data: Data) -> String {
        var hasher = Hasher()
        data.withUnsafeBytes { hasher.update($0) }
        return hasher.finish()
    }

    /// The digest of the file at `url`, read in chunks.
    public static func hex(ofFileAt url: URL) throws -> String {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw ArrayFormatError(url.path, "cannot be opened for hashing: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        var hasher = Hasher()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw ArrayFormatError(url.path, "cannot be read for hashing: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finish()
    }

    /// One EVP digest context; not shared, so it needs no locking.
    private struct Hasher: ~Copyable {
        private let context: OpaquePointer

        init() {
            guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
                fatalError("OpenSSL could not set up a SHA-256 context (out of memory)")
            }
            self.context = context
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            precondition(EVP_DigestUpdate(context, base, bytes.count) == 1, "EVP_DigestUpdate failed")
        }

        consuming func finish() -> String {
            var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            precondition(EVP_DigestFinal_ex(context, &digest, &length) == 1, "EVP_DigestFinal_ex failed")
            return digest.prefix(Int(length)).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        }

        deinit { EVP_MD_CTX_free(context) }
    }
}
