import Testing

@testable import Classifier

/// Which cells of a digit-sum grid count as blank for the blank-cell penalty.
@Suite("Blank cells")
struct BlankCellsTests {
    @Test func aCellIsBlankUnlessInkLiesWithinHalfACellOfIt() {
        // A 64×64 image, 4×4 cells of 16 px: each cell looks 8 px past its own square.
        var image = [Float](repeating: 0, count: 64 * 64)
        for y in 20..<40 {
            for x in 4..<24 { image[y * 64 + x] = 0.7 }
        }
        let cells = BlankCells(imageHeight: 64, imageWidth: 64, gridHeight: 4, gridWidth: 4)
        var flags = [Double](repeating: .nan, count: 16)
        image.withUnsafeBufferPointer { pixels in
            flags.withUnsafeMutableBufferPointer { cells.mark(image: pixels.baseAddress!, into: $0.baseAddress!) }
        }
        // Rows 20…39 reach the windows of cell rows 0 ([0, 24)), 1 ([8, 40)) and 2 ([24, 56)), not
        // 3 ([40, 64)); columns 4…23 those of cell columns 0 and 1, not 2 ([24, 56)).
        let inked = Set([0, 1, 4, 5, 8, 9])
        #expect(flags == (0..<16).map { inked.contains($0) ? 0 : 1 })
    }

    @Test func rowsUseTheirOwnCellWidths() {
        // A 28×140 row has a 1×8 grid (140 / 8 = 17.5 px a cell, 8 px of margin).
        var image = [Float](repeating: 0, count: 28 * 140)
        image[14 * 140 + 70] = 1
        let cells = BlankCells(imageHeight: 28, imageWidth: 140, gridHeight: 1, gridWidth: 8)
        var flags = [Double](repeating: .nan, count: 8)
        image.withUnsafeBufferPointer { pixels in
            flags.withUnsafeMutableBufferPointer { cells.mark(image: pixels.baseAddress!, into: $0.baseAddress!) }
        }
        // Column 70 lies in cell 4 ([70, 87) grown to [62, 95)) and in cell 3's ([52, 70) grown to [44, 78)).
        #expect(flags == [1, 1, 1, 0, 0, 1, 1, 1])
    }
}
