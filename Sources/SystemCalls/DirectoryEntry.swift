import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// One entry of a directory and what it is, as `lstat` sees it: symbolic links are reported as
/// links and never followed. The one way sumd lists a directory: the inbox scans (start-up backlog,
/// rescans after the watcher's overflow and re-watch), claims, reservations and the summary ledger.
public struct DirectoryEntry: Sendable, Hashable {
    /// What kind of file system object an entry is.
    public enum Kind: Sendable, Hashable {
        case regularFile, directory, symbolicLink, fifo, socket
        /// Character or block device, or anything else.
        case other
    }

    /// The entry's name inside its directory.
    public var name: FilePath.Component
    public var kind: Kind

    public init(name: FilePath.Component, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// The entries of `directory` (without `.` and `..`), sorted by name. Entries removed while the
    /// directory is read are left out. `directory` itself must be a directory, not a symbolic link.
    public static func contents(of directory: FilePath) throws(SystemCallError) -> [DirectoryEntry] {
        let fd = try systemCall("open", path: directory) {
            directory.withPlatformString { open($0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        }
        guard let stream = fdopendir(fd) else {
            let failure = Errno(rawValue: errno)
            close(fd)
            throw SystemCallError("fdopendir", path: directory, errno: failure)
        }
        defer { closedir(stream) }
        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let record = readdir(stream) else {
                if errno != 0 { throw SystemCallError("readdir", path: directory, errno: Errno(rawValue: errno)) }
                break
            }
            let name = withUnsafePointer(to: &record.pointee.d_name) { namePointer in
                namePointer.withMemoryRebound(to: CChar.self, capacity: 256) { FilePath.Component(platformString: $0) }
            }
            guard let name, name.kind == .regular else { continue }  // skips "." and ".."
            var kind = Kind(directoryEntryType: record.pointee.d_type)
            if kind == nil {
                kind = try Kind(statting: name, in: FileDescriptor(rawValue: fd), naming: directory)
            }
            if let kind { entries.append(DirectoryEntry(name: name, kind: kind)) }
        }
        return entries.sorted { $0.name.string < $1.name.string }
    }

    /// What `name` in `directory` is, without following a symbolic link; nil if it does not exist.
    public static func kind(of name: FilePath.Component, in directory: FilePath) throws(SystemCallError) -> Kind? {
        let path = directory.appending(name)
        return try path.statusIfPresent().map { Kind($0.type) }
    }
}

extension DirectoryEntry.Kind {
    /// The kind of a file of `type` (from `Stat.type`).
    public init(_ type: FileType) {
        switch type {
        case .regular: self = .regularFile
        case .directory: self = .directory
        case .symbolicLink: self = .symbolicLink
        case .fifo: self = .fifo
        case .socket: self = .socket
        default: self = .other
        }
    }

    /// The kind from `readdir`'s `d_type`, or nil if the file system did not fill it in.
    init?(directoryEntryType type: UInt8) {
        switch Int(type) {
        case Int(DT_REG): self = .regularFile
        case Int(DT_DIR): self = .directory
        case Int(DT_LNK): self = .symbolicLink
        case Int(DT_FIFO): self = .fifo
        case Int(DT_SOCK): self = .socket
        case Int(DT_UNKNOWN): return nil
        default: self = .other
        }
    }

    /// The kind from `fstatat(…, AT_SYMLINK_NOFOLLOW)`, or nil if the entry is gone.
    init?(statting name: FilePath.Component, in directory: FileDescriptor, naming path: FilePath) throws(SystemCallError) {
        do {
            self.init(try Stat(FilePath(root: nil, [name]), relativeTo: directory, flags: .symlinkNoFollow).type)
        } catch .noSuchFileOrDirectory {
            return nil
        } catch {
            throw SystemCallError("fstatat", path: path.appending(name), errno: error)
        }
    }
}
