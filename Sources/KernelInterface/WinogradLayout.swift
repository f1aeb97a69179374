/// The arrays of a 3×3 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2015).
///
/// Computed directly, a 2×2 output tile costs 36·C multiply-adds per output channel (C inputs);
/// here it costs 16·C, spent in 16 independent `[Cout × C]·[C × tiles]` products, plus additions
/// that transform the inputs and outputs. Inference fuses the bias, ReLU and 2×2 max-pool that
/// follow: each 2×2 output tile is exactly one pooling window, so the pool is taken as the tile
/// comes out and the raw convolution is never stored. Training (forward and dInput) writes the
/// dense output instead.
///
/// Layouts (tile `(ti, tj)` sits at position `p = ti·QW + tj`, `QW = tileColumns + 1`):
/// - input: the zero-padded planes split by row and column parity into four quarter planes of QW
///   columns; the 4×4 patch of tile p then starts at p in every quarter, so each of its 16 values
///   is one contiguous vector load across 16 tiles;
/// - transformed inputs `V[ξ][c][p]`, transformed weights `U[ξ][c][o]` (ξ: the 16 positions of a
///   4×4 patch), products `M[o][ξ][p]`. Positions `tj = tileColumns` and the rounding slack are
///   computed and thrown away.

/// Where a Winograd convolution keeps its intermediate arrays.
public struct WinogradLayout: WinogradProductLayout, Hashable {
    public static var points: Int { 16 }
    public let inChannels: Int, outChannels: Int
    /// Output tiles (= pooling windows) down and across.
    public let tileRows: Int, tileColumns: Int
    /// Columns of a quarter plane (`tileColumns + 1`), the position stride of one tile row.
    public let quarterWidth: Int
    /// Positions that hold output tiles (`tileRows · quarterWidth`); pooled inference computes them
    /// rounded up to the kernel set's tail tile.
    public let tilePositions: Int
    /// Tile positions stored (and in training computed) per channel, a whole number of 16-wide
    /// blocks (the widest `Lane` and tail tile of any kernel set): rounding to the 32-wide AVX-512
    /// tile instead computed twice the products of a small layer such as digitsum's 3×17 conv4 (9 positions).
    public let positions: Int
    /// Floats per quarter plane, with zero slack for the loads of the last positions.
    public let quarterStride: Int
    /// Floats from one row of positions in `V` or `M` to the next (see `strides(positions:inChannels:)`).
    public let rowStride: Int
    /// Floats between `V`'s ξ planes and between `M`'s output channels.
    public let transformedPlane: Int, productChannel: Int

    public init(_ g: ConvolutionGeometry) {
        inChannels = g.inChannels
        outChannels = g.outChannels
        tileRows = g.outHeight / 2
        tileColumns = g.outWidth / 2
        quarterWidth = tileColumns + 1
        tilePositions = tileRows * quarterWidth
        positions = Self.wholeBlocks(of: tilePositions)
        quarterStride = Self.wholeBlocks(of: positions + quarterWidth + 1)
        (rowStride, transformedPlane, productChannel) = Self.strides(positions: positions, inChannels: inChannels)
    }

    /// Floating-point operations per image on the valid tiles: 16 multiply-adds per input and
    /// output channel, 32 additions to transform each input channel and 24 for each output.
    public var flopsPerImage: Int {
        tileRows * tileColumns * (2 * 16 * inChannels * outChannels + 32 * inChannels + 24 * outChannels)
    }

    /// Floats of quarter planes followed by transformed inputs (the workspace's scratch).
    public var scratchCount: Int { transformedStart + 16 * transformedPlane }
    /// Where the transformed inputs start in the scratch.
    public var transformedStart: Int { 4 * inChannels * quarterStride }

    /// A 3×3, padding-1 convolution on even sizes (whole 2×2 tiles), with whole groups of 8
    /// outputs and enough input channels for the transforms to pay off.
    public static func applies(to g: ConvolutionGeometry) -> Bool {
        g.kernel == 3 && g.padding == 1 && g.outHeight % 2 == 0 && g.outWidth % 2 == 0
            && g.outHeight == g.inHeight && g.outWidth == g.inWidth && g.outChannels % 8 == 0 && g.inChannels >= 8
    }

    /// A 3×3, padding-1 convolution followed by a 2×2 max-pool, at inference: every tile is one
    /// pooling window, and the pool's floor rounding drops an odd last row or column, so odd sizes
    /// qualify too (tiles cover the top-left even part; the last input row or column still feeds them).
    public static func applies(to g: ConvolutionGeometry, pool: PoolGeometry) -> Bool {
        g.kernel == 3 && g.padding == 1 && g.outHeight == g.inHeight && g.outWidth == g.inWidth && g.outHeight >= 2
            && g.outWidth >= 2 && g.outChannels % 8 == 0 && g.inChannels >= 8 && pool.kernel == 2
    }
}
