import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which daemon this is, among several serving one inbox from several hosts: the host name plus
/// an instance id that is unique per process, written `HOST@INSTANCE` (`sumd-7d9f-x2k@3f2a9c1e-7b04d2aa`).
///
/// A pid cannot tell daemons apart: in containers every daemon may be PID 1, and a host name is
/// a pod name that a replacement pod may reuse. The instance id is the first 8 hex digits of the
/// kernel's boot id (`/proc/sys/kernel/random/boot_id`, which changes on every boot) and 8 random
/// hex digits drawn at start, so a restarted daemon on the same host is a different instance.
public struct HostIdentity: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The host name (`gethostname`), reduced to letters, digits, `.`, `-` and `_` so that the
    /// identity can name files.
    public let hostname: String
    /// `BOOT-RANDOM`: 8 hex digits of the boot id, 8 random hex digits.
    public let instance: String

    public init(hostname: String, instance: String) {
        self.hostname = hostname
        self.instance = instance
    }

    /// This process's identity, made once.
    public static let current = HostIdentity(
        hostname: systemHostname(), bootID: bootID(),
        nonce: UInt32.random(in: 0...UInt32.max))

    /// An identity from its parts: `bootID` is the kernel's boot id (only its first 8 hex digits
    /// are kept), `nonce` the per-process random part.
    public init(hostname: String, bootID: String?, nonce: UInt32) {
        let boot = bootID.map { String($0.lowercased().filter(\.isHexDigit).prefix(8)) } ?? ""
        let suffix = String(nonce, radix: 16)
        self.init(
            hostname: Self.fileSafe(hostname),
            instance: (boot.count == 8 ? boot : "00000000") + "-" + String(repeating: "0", count: 8 - suffix.count) + suffix)
    }

    public var description: String { "\(hostname)@\(instance)" }

    /// Host names are letters, digits, `.` and `-` already; anything else (and an empty name)
    /// would make the identity unusable in a file name.
    static func fileSafe(_ hostname: String) -> String {
        let safe = String(hostname.map { $0.isASCII && ($0.isLetter || $0.isNumber || ".-_".contains($0)) ? $0 : "_" })
        return safe.isEmpty ? "localhost" : safe
    }

    private static func systemHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func bootID() -> String? {
        try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
    }
}
