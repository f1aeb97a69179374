import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

extension FilePath {
    /// `lstat` of this path (a symbolic link is described, not followed), or nil if nothing has this
    /// name (ENOENT, or ENOTDIR for a parent that is no directory).
    public func statusIfPresent() throws(SystemCallError) -> Stat? {
        do {
            return try stat(followTargetSymlink: false)
        } catch .noSuchFileOrDirectory, .notDirectory {
            return nil
        } catch {
            throw SystemCallError("lstat", path: self, errno: error)
        }
    }

    /// Whether anything has this name (`lstat` succeeds; a dangling symbolic link exists).
    public var exists: Bool { (try? stat(followTargetSymlink: false)) != nil }
}

extension Stat {
    /// Whether `other` is the same file (device and inode).
    public func isSameFile(as other: Stat) -> Bool {
        deviceID == other.deviceID && inode == other.inode
    }

    /// Seconds from the last modification to `now` (seconds since the epoch).
    public func age(now: Double) -> Double {
        now - (Double(st_mtim.tv_sec) + Double(st_mtim.tv_nsec) / 1e9)
    }
}
