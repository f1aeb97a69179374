#if canImport(Glibc)
    import Glibc
#endif

/// What an inbox entry is and how long ago it changed, copied out of `lstat` on the IO thread.
struct EntryStatus: Sendable {
    /// Nil for a regular file; otherwise "is a symbolic link", "is a directory", …
    let irregularity: String?
    /// Seconds since the last modification.
    let age: Double

    init(irregularity: String? = nil, age: Double) {
        self.irregularity = irregularity
        self.age = age
    }

    init(_ status: stat) {
        irregularity = FileMoves.isRegular(status) ? nil : FileMoves.describeKind(status)
        age = FileMoves.age(of: status)
    }

    /// The status of `name` in `directory`, or nil if it is gone.
    static func of(_ name: String, in directory: String) throws -> EntryStatus? {
        try FileMoves.status(directory + "/" + name).map(EntryStatus.init)
    }

    /// Every entry of `directory` with its status (entries removed meanwhile are left out).
    static func all(in directory: String) throws -> [(name: String, status: EntryStatus)] {
        try FileMoves.names(in: directory).sorted().compactMap { name in
            try of(name, in: directory).map { (name, $0) }
        }
    }
}
