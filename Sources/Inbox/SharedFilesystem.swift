import Foundation
import SystemPackage

/// Network and cluster filesystems, by the type the kernel reports for the mount a path is on
/// (`/proc/self/mountinfo`): on them inotify does not see files other hosts write, so the inbox
/// needs `--rescan-interval`.
enum SharedFilesystem {
    /// Types of filesystems shared between hosts; any FUSE filesystem (GlusterFS, s3fs, sshfs,
    /// bindfs over one of these, …) counts too.
    static let types: Set<String> = [
        "nfs", "nfs4", "cifs", "smb3", "ceph", "9p", "gfs2", "ocfs2", "lustre", "glusterfs", "afs", "gpfs", "beegfs", "wekafs",
    ]

    /// The type of the shared filesystem `path` is on, or nil for a local one (or when unknown).
    static func type(of path: FilePath) -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return nil }
        let target = URL(fileURLWithPath: path.string).resolvingSymlinksInPath().path
        return type(of: target, mountinfo: mounts).flatMap { types.contains($0) || $0.hasPrefix("fuse") ? $0 : nil }
    }

    /// The type of the innermost mount in `mountinfo` that holds `path` (an absolute path, no symlinks).
    static func type(of path: String, mountinfo: String) -> String? {
        var best: (point: String, type: String)?
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 4, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let point = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
            let holds = point == "/" || path == point || path.hasPrefix(point + "/")
            if holds, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[dash + 1])) }
        }
        return best?.type
    }
}
