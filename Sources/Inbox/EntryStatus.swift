import Foundation
import SystemCalls
import SystemPackage

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

    init(_ status: Stat) {
        irregularity = DirectoryEntry.Kind(status.type).irregularity
        age = status.age(now: Date().timeIntervalSince1970)
    }

    /// The status of `path`, or nil if it is gone.
    static func of(_ path: FilePath) throws(SystemCallError) -> EntryStatus? {
        try path.statusIfPresent().map(EntryStatus.init)
    }

    /// Every entry of `directory` by name, with its status (entries removed meanwhile are left out).
    static func all(in directory: FilePath) throws -> [(name: String, status: EntryStatus)] {
        try FileMoves.names(in: directory).compactMap { name in
            try of(directory.appending(name)).map { (name, $0) }
        }
    }
}

extension DirectoryEntry.Kind {
    /// Nil for a regular file; otherwise what the entry is, as the reason it goes to failed/:
    /// "is a symbolic link", "is a directory", …
    var irregularity: String? {
        switch self {
        case .regularFile: nil
        case .symbolicLink: "is a symbolic link"
        case .directory: "is a directory"
        case .fifo: "is a FIFO (named pipe)"
        case .socket: "is a socket"
        case .other: "is a device"
        }
    }
}
