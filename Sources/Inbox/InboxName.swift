/// What a name in the inbox means under the inbox protocol (README, "Inbox protocol").
enum InboxName: Equatable, Sendable {
    /// `NAME.npy`: a batch of images.
    case images(batch: String)
    /// `NAME.labels.npy`: the true sums of batch `NAME`.
    case labels(batch: String)
    /// `NAME.npz`: images (and optionally labels) in one archive.
    case archive(batch: String)
    /// Hidden names and producers' temporary names (`.x`, `x.tmp`, `x.part`): never touched.
    case ignored
    /// Any other name: moved to failed/ as "not a batch".
    case other(base: String)

    static let labelsSuffix = ".labels.npy"

    init(_ name: String) {
        if name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") {
            self = .ignored
        } else if let batch = Self.strip(Self.labelsSuffix, from: name) {
            self = .labels(batch: batch)
        } else if let batch = Self.strip(".npy", from: name) {
            self = .images(batch: batch)
        } else if let batch = Self.strip(".npz", from: name) {
            self = .archive(batch: batch)
        } else if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            self = .other(base: String(name[..<dot]))
        } else {
            self = .other(base: name)
        }
    }

    /// `NAME` for batch files; the name without its extension otherwise (nil when ignored).
    var base: String? {
        switch self {
        case .images(let batch), .labels(let batch), .archive(let batch): batch
        case .other(let base): base
        case .ignored: nil
        }
    }

    /// The part of the file name after `base` (`.npy`, `.labels.npy`, `.npz`, `.txt`, …).
    func suffix(of name: String) -> String {
        guard let base else { return "" }
        return String(name.dropFirst(base.count))
    }

    /// A batch's images (`.npy` or `.npz`), which start a job.
    var isBatch: Bool {
        switch self {
        case .images, .archive: true
        default: false
        }
    }

    private static func strip(_ suffix: String, from name: String) -> String? {
        guard name.hasSuffix(suffix), name.count > suffix.count else { return nil }
        return String(name.dropLast(suffix.count))
    }
}

/// Output and move targets for a batch `NAME`: `NAME`, then `NAME~2`, `NAME~3`, …
enum Stem {
    static func candidate(_ base: String, _ k: Int) -> String { k == 1 ? base : "\(base)~\(k)" }
}
