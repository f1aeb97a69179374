/// How the rows of a batch group into images with one sum each: image `i` is `counts[i]`
/// consecutive rows (its ink-separated pieces, see `InkPieces`), or one row when `counts` is nil.
struct PieceGroups {
    /// Pieces per image, or nil for one row per image.
    let counts: UnsafePointer<Int>?
    /// Images (groups).
    let count: Int

    /// One row per image.
    init(images: Int) {
        counts = nil
        count = images
    }

    init(counts: UnsafePointer<Int>, images: Int) {
        self.counts = counts
        count = images
    }

    func pieces(_ group: Int) -> Int { counts?[group] ?? 1 }

    /// The groups from `first` on, `count` of them.
    func dropFirst(_ first: Int, count: Int) -> PieceGroups {
        guard let counts else { return PieceGroups(images: count) }
        return PieceGroups(counts: counts + first, images: count)
    }

}
