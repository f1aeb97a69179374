import KernelInterface

/// The AVX2 + FMA kernel set: `Sources/Kernels` compiled with `-target-cpu haswell`, register tiles
/// sized for 16 registers of 8 floats.
public enum Kernels: KernelSet {
    public static let name = KernelSetName.avx2
}

/// One vector register.
typealias Lane = SIMD8<Float>
/// The convolutions' register tile: 4 channels × 24 positions, 12 registers.
typealias ConvolutionTile = ChannelTile4x3<SIMD8<Float>>
/// The convolutions' tile for positions the main tile leaves over: 8 channels × 8 positions, so
/// that 8 independent sums cover the FMA latency (4 would run at half rate).
typealias ConvolutionTailTile = ChannelTile8<SIMD8<Float>>
/// A row of the matrix products' register tile: 6 rows × 16 columns, 12 registers.
typealias ProductRow = SIMD16<Float>
/// The weight gradient's register tile: 4 channels × 3 taps, 12 registers.
typealias WeightGradientTile = WeightGradientTile4<SIMD8<Float>>
