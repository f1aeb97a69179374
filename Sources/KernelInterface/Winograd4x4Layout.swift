/// The arrays of a 3×3 convolution + ReLU + 2×2 max-pool at inference by Winograd's F(4×4, 3×3)
/// (Lavin & Gray 2015, interpolation points 0, ±1, ±2).
///
/// A 4×4 output tile costs 36·C multiply-adds per output channel here, against 64·C as four
/// F(2×2, 3×3) tiles (`WinogradLayout`) and 144·C directly, for larger transforms and a coarser
/// cover: each tile holds 2×2 pooling windows, so a pooled size that is not even wastes tiles, and
/// small layers waste more of the positions rounded up for the register tiles. `ConvolutionPlan`
/// counts both layouts' `productMultiplyAdds` and takes the smaller. It is not used in training,
/// which needs the dense output and its input gradient (F(2×2, 3×3) is exact enough there).
///
/// Layouts (tile `(ti, tj)` sits at position `p = ti·QW + tj`, `QW = tileColumns + 1`):
/// - input: each zero-padded plane split by row and column modulo 4 into 16 planes of QW columns,
///   plane `(r % 4, s % 4)` row `r / 4` column `s / 4` holding padded pixel `(r, s)`: value `(a, b)`
///   of tile p's 6×6 patch is then at `p + (a / 4)·QW + b / 4` of plane `(a % 4, b % 4)`, so each
///   of the 36 is one contiguous vector load across tiles;
/// - transformed inputs `V[ξ][c][p]`, transformed weights `U[ξ][c][o]`, products `M[o][ξ][p]`,
///   ξ = 6a + b over the 36 points of a patch. Positions `tj = tileColumns` (when the planes have
///   that column), tiles past the pooled output's odd last row or column and the slack up to the
///   kernel set's tile width are computed and thrown away.
///
/// The column past the tiles (`planeWidth = tileColumns + 1`) holds patch columns 4 and 5 of the
/// last tile column. When the pooled output has an odd number of columns, that tile's right pool
/// window is thrown away, and its left window's outputs (tile columns 0 and 1) never read patch
/// column 5 (`Aᵀ`'s rows 0 and 1 skip product column 5, the only one `Bᵀ` feeds it to) and read
/// patch column 4 as the padding's zero, which is what the next plane row's column 0 holds. So the
/// planes are then `tileColumns` wide and the loads of patch columns 4 and 5 run into the next row:
/// the seed network's conv2 (35 pooled columns) computes 72 positions instead of 76, three whole
/// AVX2 register tiles, with bit-identical outputs.
public struct Winograd4x4Layout: WinogradProductLayout, Hashable {
    public static var points: Int { 36 }
    public let inChannels: Int, outChannels: Int
    /// Rows and columns of the pooled output (the pool's floor of half the input's).
    public let pooledRows: Int, pooledColumns: Int
    /// 4×4 output tiles (2×2 pooled values each) down and across.
    public let tileRows: Int, tileColumns: Int
    /// Columns of one of the 16 planes, the position stride of one tile row: `tileColumns + 1`, or
    /// `tileColumns` when the pooled columns are odd (see above).
    public let planeWidth: Int
    /// Positions that hold output tiles (`tileRows · planeWidth`); a kernel set computes them
    /// rounded up to its tail tile's width.
    public let tilePositions: Int
    /// Tile positions stored per channel, a whole number of 16-wide blocks (the widest `Lane`
    /// and tail tile of any kernel set).
    public let positions: Int
    /// Floats per plane, with zero slack for the loads of the last positions.
    public let planeStride: Int
    /// Floats from one row of positions in `V` or `M` to the next (see `strides(positions:inChannels:)`).
    public let rowStride: Int
    /// Floats between `V`'s ξ planes and between `M`'s output channels.
    public let transformedPlane: Int, productChannel: Int

    public init(_ g: ConvolutionGeometry) {
        inChannels = g.inChannels
        outChannels = g.outChannels
        pooledRows = g.outHeight / 2
        pooledColumns = g.outWidth / 2
        tileRows = (pooledRows + 1) / 2
        tileColumns = (pooledColumns + 1) / 2
        planeWidth = pooledColumns % 2 == 1 ? tileColumns : tileColumns + 1
        tilePositions = tileRows * planeWidth
        positions = Self.wholeBlocks(of: tilePositions)
        // Patch rows and columns 4 and 5 load up to planeWidth + 1 past the last position.
        planeStride = Self.wholeBlocks(of: positions + planeWidth + 1)
        (rowStride, transformedPlane, productChannel) = Self.strides(positions: positions, inChannels: inChannels)
    }

    /// Floating-point operations per image on the tiles that hold pooled outputs: 36 multiply-adds
    /// per input and output channel, 204 operations to transform each input channel and 130 for
    /// each output channel.
    public var flopsPerImage: Int {
        tileRows * tileColumns * (2 * 36 * inChannels * outChannels + 204 * inChannels + 130 * outChannels)
    }

    /// Floats of the 16 planes followed by transformed inputs (the workspace's scratch).
    public var scratchCount: Int { transformedStart + 36 * transformedPlane }
    /// Where the transformed inputs start in the scratch.
    public var transformedStart: Int { 16 * inChannels * planeStride }

    /// The same layers as `WinogradLayout.applies(to:pool:)`: a 3×3, padding-1 convolution with
    /// whole groups of 8 outputs and 8+ inputs, followed by a 2×2 max-pool (any size: the tiles
    /// cover the pooled output's top-left part and the rest is thrown away).
    public static func applies(to g: ConvolutionGeometry, pool: PoolGeometry) -> Bool {
        WinogradLayout.applies(to: g, pool: pool)
    }
}
