/// The cells of a digit-sum network's grid with no ink near them, for the loss's blank-cell
/// penalty (`TrainingLoss.blankCellPenalty`).
///
/// Cell (i, j) of a `gridHeight × gridWidth` grid covers its share of the image, rows
/// `i·H/gridHeight ..< (i+1)·H/gridHeight` (columns likewise), grown by half a cell on every side:
/// a digit lies near every cell its ink touches, so the cell that claims it always sees ink there.
struct BlankCells: Sendable {
    let imageHeight: Int
    let imageWidth: Int
    let gridHeight: Int
    let gridWidth: Int

    /// Sets `flags[i·gridWidth + j]` to 1 where cell (i, j) is blank (no pixel above 0), 0 elsewhere.
    func mark(image: UnsafePointer<Float>, into flags: UnsafeMutablePointer<Double>) {
        for i in 0..<gridHeight {
            let rows = Self.window(i, cells: gridHeight, pixels: imageHeight)
            for j in 0..<gridWidth {
                let columns = Self.window(j, cells: gridWidth, pixels: imageWidth)
                var inked = false
                for y in rows where !inked {
                    let row = image + y * imageWidth
                    for x in columns where row[x] > 0 {
                        inked = true
                        break
                    }
                }
                flags[i * gridWidth + j] = inked ? 0 : 1
            }
        }
    }

    /// Pixels of cell `index` of `cells` along an axis of `pixels`, grown by half a cell each way.
    private static func window(_ index: Int, cells: Int, pixels: Int) -> Range<Int> {
        let margin = pixels / (2 * cells)
        return max(0, index * pixels / cells - margin)..<min(pixels, (index + 1) * pixels / cells + margin)
    }
}
