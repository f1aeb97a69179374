/// What the Winograd product kernel needs to know of a layout, shared by F(2×2, 3×3) and
/// F(4×4, 3×3): both multiply transformed inputs `V[ξ][c][p]` by transformed weights `U[ξ][c][o]`
/// into products `M[o][ξ][p]`, one `[Cout × Cin]·[Cin × positions]` product per point ξ.
public protocol WinogradProductLayout: Sendable {
    /// Points ξ of a transformed patch: 16 for F(2×2, 3×3) (4×4 patches), 36 for F(4×4, 3×3) (6×6).
    static var points: Int { get }
    var inChannels: Int { get }
    var outChannels: Int { get }
    /// Tile positions stored per channel (a multiple of every kernel set's tail tile width). Training
    /// computes them all; pooled inference only those holding tiles, rounded up to the set's tail tile.
    var positions: Int { get }
    /// Positions that hold output tiles (at most `positions`).
    var tilePositions: Int { get }
    /// Floats from one row of positions in `V` or `M` to the next.
    var rowStride: Int { get }
    /// Floats between `V`'s ξ planes and between `M`'s output channels.
    var transformedPlane: Int { get }
    var productChannel: Int { get }
}

extension WinogradProductLayout {
    /// Floats of products `M` (the workspace's convolution output).
    public var productCount: Int { outChannels * productChannel }
    /// Floats of transformed weights `U`.
    public var weightCount: Int { Self.points * inChannels * outChannels }

    /// `count` tile positions rounded up to whole 16-wide blocks (the widest `Lane` and tail tile
    /// of any kernel set).
    static func wholeBlocks(of count: Int) -> Int { (count + 15) / 16 * 16 }

    /// `rowStride`, `transformedPlane` and `productChannel` for `positions` per channel. Rows, `V`'s
    /// ξ planes and `M`'s channels are padded by one cache line so the 16+ streams a kernel walks
    /// do not all fall into the same L1 set (unpadded, they sit multiples of 4 KiB apart).
    static func strides(positions: Int, inChannels: Int) -> (row: Int, transformedPlane: Int, productChannel: Int) {
        let row = positions + 16
        return (row, inChannels * row + 16, points * row + 16)
    }

    /// Multiply-adds of the products per image, counting every computed position (the wasted
    /// ones too): what the plan compares to choose a tile size.
    public var productMultiplyAdds: Int { Self.points * positions * inChannels * outChannels }
}
