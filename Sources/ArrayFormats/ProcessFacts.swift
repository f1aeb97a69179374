import Foundation

/// Facts that tell this process's machine and pid namespace apart from others writing to the same
/// (possibly shared) directories: a pid means the same process only where both are equal.
public enum ProcessFacts {
    /// The kernel's boot id (`/proc/sys/kernel/random/boot_id`), new at every boot.
    public static let bootID =
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    /// `pid:[4026531836]` from `/proc/self/ns/pid`.
    public static let pidNamespace = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")) ?? ""
    /// 8 hex digits naming this boot and pid namespace (FNV-1a of both), short enough for file names.
    public static let machineTag: String = {
        var hash: UInt32 = 2_166_136_261
        for byte in (bootID + " " + pidNamespace).utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }()
}
