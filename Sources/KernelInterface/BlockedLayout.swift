/// Layout of a blocked convolution's raw output: channel `o`, row `i`, column `j` lives at
/// `o·planeStride + i·rowStride + j`.
///
/// The zero-padded input plane is read as one long row: output position `q = i·PW + j` (PW the
/// padded width) needs input `q + ki·PW + kj` for every tap, so each tap is one contiguous vector
/// load, whatever the image width. Columns `j ≥ OW` of each row come out as garbage and are
/// skipped by whatever reads this output. Planes are padded to 32 floats, a whole number of
/// register tiles in every kernel set.
public struct BlockedLayout: Sendable, Hashable {
    public var rowStride: Int
    public var planeStride: Int
    /// Floats of zero-padded input (plus slack for the last block's overreach).
    public var paddedCount: Int
    public var outputCount: Int

    public init(_ g: ConvolutionGeometry) {
        let pw = g.inWidth + 2 * g.padding
        let ph = g.inHeight + 2 * g.padding
        rowStride = pw
        planeStride = (g.outHeight * pw + 31) / 32 * 32
        paddedCount = g.inChannels * ph * pw + planeStride + g.kernel * pw + 64
        outputCount = g.outChannels * planeStride
    }

    /// The blocked kernels take output channels in groups of 8 (AVX-512, and AVX2's tail tiles) or 4.
    public static func applies(to g: ConvolutionGeometry) -> Bool { g.outChannels % 8 == 0 }

    /// The blocked weight gradient sums each block of output channels × 3 taps over the whole
    /// flattened output (`outHeight × rowStride` positions), then reduces its 24 (or 12) vectors
    /// horizontally. Below 128 positions, a few vectors per block, the reductions cost more than
    /// the sums, and im2col's product, whose sums run along the taps and stay in registers, is
    /// faster there: with digitsum's conv4 and context convs (57 to 80 positions and fewer) on
    /// im2col, a training step runs ×1.05–1.08 on rows and ×1.14–1.33 on squares with two context
    /// convs (AVX2, AVX-512; docs/performance.md, sixth session).
    public static func appliesToWeightGradient(_ g: ConvolutionGeometry) -> Bool {
        applies(to: g) && g.outHeight * (g.inWidth + 2 * g.padding) >= minimumWeightGradientPositions
    }

    /// Flattened output positions below which the weight gradient runs on im2col instead.
    public static let minimumWeightGradientPositions = 128
}
