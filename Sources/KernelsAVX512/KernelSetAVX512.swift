import KernelInterface

/// The AVX-512 kernel set: `Sources/Kernels` compiled with `-target-cpu skylake-avx512`, register
/// tiles sized for 32 registers of 16 floats.
public enum Kernels: KernelSet {
    public static let name = KernelSetName.avx512
}

/// One vector register.
typealias Lane = SIMD16<Float>
/// The convolutions' register tile: 8 channels × 32 positions, 16 registers.
typealias ConvolutionTile = ChannelTile8<SIMD32<Float>>
/// The convolutions' tile for positions the main tile leaves over: 8 channels × 16 positions.
typealias ConvolutionTailTile = ChannelTile8<SIMD16<Float>>
/// A row of the matrix products' register tile: 6 rows × 64 columns, 24 registers.
typealias ProductRow = SIMD64<Float>
/// The weight gradient's register tile: 8 channels × 3 taps, 24 registers.
typealias WeightGradientTile = WeightGradientTile8<SIMD16<Float>>
