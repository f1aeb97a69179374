import KernelInterface

/// The portable kernel set: `Sources/Kernels` compiled for the architecture's baseline (SSE2 on
/// x86-64, NEON on AArch64), register tiles sized for 16 registers of 4 floats.
public enum Kernels: KernelSet {
    public static let name = KernelSetName.portable
}

/// One vector register.
typealias Lane = SIMD4<Float>
/// The convolutions' register tile: 4 channels × 8 positions, 8 registers.
typealias ConvolutionTile = ChannelTile4<SIMD8<Float>>
/// The convolutions' tile for positions the main tile leaves over: 4 channels × 4 positions.
typealias ConvolutionTailTile = ChannelTile4<SIMD4<Float>>
/// A row of the matrix products' register tile: 6 rows × 8 columns, 12 registers.
typealias ProductRow = SIMD8<Float>
/// The weight gradient's register tile: 4 channels × 3 taps, 12 registers.
typealias WeightGradientTile = WeightGradientTile4<SIMD4<Float>>
