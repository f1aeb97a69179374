import KernelInterface

/// The products of both Winograd convolutions (`WinogradLayout`, `Winograd4x4Layout`): for each
/// point ξ of a transformed patch, `[Cout × Cin]·[Cin × positions]`, on the kernel set's register
/// tiles. This is where Winograd spends most of its time.

extension Kernels {
    /// The positions pooled inference computes: those holding tiles, rounded up to whole
    /// `ConvolutionTailTile`s (and so whole `Lane`s), rather than all the 16-rounded `positions`.
    static func pooledPositions<Layout: WinogradProductLayout>(_ layout: Layout) -> Int {
        let tail = ConvolutionTailTile.width
        return (layout.tilePositions + tail - 1) / tail * tail
    }

    /// `M[o][ξ][p] = Σ_c U[ξ][c][o]·V[ξ][c][p]` for the first `positions` positions (a whole number
    /// of `ConvolutionTailTile`s): per ξ, register tiles of outputs × positions (`ConvolutionTile`,
    /// then `ConvolutionTailTile` for the positions its width leaves over).
    static func multiplyTransformed<Layout: WinogradProductLayout>(
        _ layout: Layout, positions: Int, weights: UnsafePointer<Float>, transformed: UnsafePointer<Float>,
        products: UnsafeMutablePointer<Float>
    ) {
        for xi in 0..<Layout.points {
            // Positions outermost: one block of V (Cin × a tile's positions) stays in L1 while every
            // group of output channels passes over it, and this ξ's U (Cin × Cout) stays there too.
            var q = 0
            while q &+ ConvolutionTile.width <= positions {
                productTiles(
                    ConvolutionTile.self, layout, xi: xi, position: q, weights: weights, transformed: transformed,
                    products: products)
                q &+= ConvolutionTile.width
            }
            while q < positions {
                productTiles(
                    ConvolutionTailTile.self, layout, xi: xi, position: q, weights: weights, transformed: transformed,
                    products: products)
                q &+= ConvolutionTailTile.width
            }
        }
    }

    /// Products of one ξ for positions `q…` (one tile wide), every group of output channels.
    @inline(__always)
    private static func productTiles<Tile: ConvolutionRegisterTile, Layout: WinogradProductLayout>(
        _: Tile.Type, _ layout: Layout, xi: Int, position q: Int, weights: UnsafePointer<Float>,
        transformed: UnsafePointer<Float>, products: UnsafeMutablePointer<Float>
    ) {
        let cin = layout.inChannels
        let cout = layout.outChannels
        let rowStride = layout.rowStride
        let size = MemoryLayout<Float>.stride
        let raw = UnsafeRawPointer(transformed)
        let out = UnsafeMutableRawPointer(products)
        let u = weights + xi &* cin &* cout
        let planeV = xi &* layout.transformedPlane
        for group in stride(from: 0, to: cout, by: Tile.channels) {
            var tile = Tile()
            for c in 0..<cin {
                tile.add(weights: u + (c &* cout &+ group), positions: raw, byteOffset: (planeV &+ c &* rowStride &+ q) &* size)
            }
            // Output o's ξ row starts at o·productChannel + ξ·rowStride.
            tile.store(
                to: out, byteOffset: (group &* layout.productChannel &+ xi &* rowStride &+ q) &* size,
                channelStride: layout.productChannel &* size)
        }
    }
}
