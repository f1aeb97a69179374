import SystemPackage

/// Something that happened in a watched directory, copied out of libinotifytools on the watcher's
/// own thread. Names are single path components inside the watched directory; nothing is ever
/// resolved or followed, so check what a name is (`DirectoryEntry.kind(of:in:)`) before using it.
public enum DirectoryEvent: Sendable, Hashable {
    /// A file opened for writing was closed (`IN_CLOSE_WRITE`): a producer finished writing it in place.
    case closedAfterWriting(FilePath.Component)
    /// An entry was renamed or moved into the directory (`IN_MOVED_TO`), for example a file written
    /// under a temporary name elsewhere on the same file system and then `rename`d in.
    case movedIn(FilePath.Component)
    /// An entry was created (`IN_CREATE`): a new file (its `closedAfterWriting` follows once written),
    /// a hard link, a directory, a symbolic link, a FIFO or a socket.
    case created(FilePath.Component)
    /// The kernel's event queue overflowed (`IN_Q_OVERFLOW`) and events were lost: rescan the directory.
    case overflow
    /// The watched directory was deleted, moved away or unmounted (`IN_DELETE_SELF`, `IN_MOVE_SELF`,
    /// `IN_IGNORED`). The watcher polls for it to exist again and then sends `rewatched`.
    case directoryLost
    /// The directory exists again and is watched again; entries may have appeared while it was not
    /// watched, so rescan it.
    case rewatched

    /// The entry the event is about, or nil for events about the whole directory.
    public var name: FilePath.Component? {
        switch self {
        case .closedAfterWriting(let name), .movedIn(let name), .created(let name): name
        case .overflow, .directoryLost, .rewatched: nil
        }
    }

    /// True when the consumer must list the directory again because events may have been missed.
    public var requiresRescan: Bool {
        switch self {
        case .overflow, .rewatched: true
        case .closedAfterWriting, .movedIn, .created, .directoryLost: false
        }
    }
}
