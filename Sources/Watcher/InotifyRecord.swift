import CInotify
import SystemPackage

/// The inotify mask bits the watcher asks for or interprets (the C constants import as `Int32`).
struct InotifyMask: OptionSet, Sendable {
    let rawValue: UInt32

    init(rawValue: UInt32) { self.rawValue = rawValue }
    private init(_ constant: Int32) { rawValue = UInt32(bitPattern: constant) }

    static let closeWrite = Self(IN_CLOSE_WRITE)
    static let movedTo = Self(IN_MOVED_TO)
    static let create = Self(IN_CREATE)
    static let deleteSelf = Self(IN_DELETE_SELF)
    static let moveSelf = Self(IN_MOVE_SELF)
    static let unmount = Self(IN_UNMOUNT)
    static let ignored = Self(IN_IGNORED)
    static let queueOverflow = Self(IN_Q_OVERFLOW)
    static let onlyDirectory = Self(IN_ONLYDIR)
    static let dontFollow = Self(IN_DONT_FOLLOW)

    /// What the watcher subscribes to: entries finished, moved in or created, and the directory
    /// itself going away. The watched path must be a directory and is not followed if it is a link.
    static let watched: Self = [.closeWrite, .movedTo, .create, .deleteSelf, .moveSelf, .onlyDirectory, .dontFollow]
}

/// One inotify event copied out of libinotifytools' static buffer, which the next
/// `inotifytools_next_event` call overwrites.
struct InotifyRecord: Sendable, Equatable {
    /// The watch descriptor; -1 for `IN_Q_OVERFLOW`.
    var watch: Int32
    var mask: InotifyMask
    /// The entry name, or nil for events about the watched directory itself.
    var name: FilePath.Component?

    init(watch: Int32, mask: InotifyMask, name: FilePath.Component?) {
        self.watch = watch
        self.mask = mask
        self.name = name
    }

    /// Copies `event`, which points into libinotifytools' static storage.
    init(copying event: UnsafePointer<inotify_event>) {
        watch = event.pointee.wd
        mask = InotifyMask(rawValue: event.pointee.mask)
        name = FilePath.Component(platformString: cinotify_event_name(event))
    }

    /// What this record means for a watcher whose directory currently has watch descriptor
    /// `current` (nil while the directory is lost).
    func meaning(forWatch current: Int32?) -> Meaning {
        if mask.contains(.queueOverflow) { return .report(.overflow) }
        guard let current, watch == current else { return .stale }
        // The kernel already dropped the watch: IN_IGNORED follows IN_DELETE_SELF and IN_UNMOUNT.
        if !mask.isDisjoint(with: [.ignored, .deleteSelf, .unmount]) { return .lost(stillWatched: false) }
        // A moved directory stays watched at its new place until the watch is removed.
        if mask.contains(.moveSelf) { return .lost(stillWatched: true) }
        guard let name else { return .stale }
        if mask.contains(.closeWrite) { return .report(.closedAfterWriting(name)) }
        if mask.contains(.movedTo) { return .report(.movedIn(name)) }
        if mask.contains(.create) { return .report(.created(name)) }
        return .stale
    }

    /// How the watch loop should react to a record.
    enum Meaning: Equatable {
        /// Pass this event to the consumer.
        case report(DirectoryEvent)
        /// The directory is gone from its path; `stillWatched` if the watch must still be removed.
        case lost(stillWatched: Bool)
        /// Nothing to report: an event for an earlier watch of this process, or one not subscribed to.
        case stale
    }
}
