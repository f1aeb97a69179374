import KernelInterface

/// Register tiles of the direct and Winograd convolutions: sums for a few output channels × a
/// vector of positions, held in registers while the kernel walks the input channels and taps.
/// Each kernel set picks the tile its register file holds (`ConvolutionTile`): AVX-512 keeps
/// 8 channels × 32 positions in 16 of its 32 registers; AVX2 and the portable set keep 4 channels
/// × 2 registers in 8 of their 16, leaving room for the loaded positions and the broadcasts.

/// Sums for 8 output channels × `Positions`.
struct ChannelTile8<Vector: SIMD> where Vector.Scalar == Float {
    typealias Positions = Vector
    static var channels: Int { 8 }
    private var s0 = Positions(), s1 = Positions(), s2 = Positions(), s3 = Positions()
    private var s4 = Positions(), s5 = Positions(), s6 = Positions(), s7 = Positions()

    /// Adds `w[i] · x` to channel i's sums, for the 8 weights at `w`.
    @inline(__always)
    mutating func add(weights w: UnsafePointer<Float>, _ x: Positions) {
        s0.multiplyAdd(Positions(repeating: w[0]), x); s1.multiplyAdd(Positions(repeating: w[1]), x)
        s2.multiplyAdd(Positions(repeating: w[2]), x); s3.multiplyAdd(Positions(repeating: w[3]), x)
        s4.multiplyAdd(Positions(repeating: w[4]), x); s5.multiplyAdd(Positions(repeating: w[5]), x)
        s6.multiplyAdd(Positions(repeating: w[6]), x); s7.multiplyAdd(Positions(repeating: w[7]), x)
    }

    /// Writes channel i's sums at byte offset `base + i·channelStride` of `out`.
    @inline(__always)
    func store(to out: UnsafeMutableRawPointer, byteOffset base: Int, channelStride: Int) {
        out.storeBytes(of: s0, toByteOffset: base, as: Positions.self)
        out.storeBytes(of: s1, toByteOffset: base &+ channelStride, as: Positions.self)
        out.storeBytes(of: s2, toByteOffset: base &+ 2 &* channelStride, as: Positions.self)
        out.storeBytes(of: s3, toByteOffset: base &+ 3 &* channelStride, as: Positions.self)
        out.storeBytes(of: s4, toByteOffset: base &+ 4 &* channelStride, as: Positions.self)
        out.storeBytes(of: s5, toByteOffset: base &+ 5 &* channelStride, as: Positions.self)
        out.storeBytes(of: s6, toByteOffset: base &+ 6 &* channelStride, as: Positions.self)
        out.storeBytes(of: s7, toByteOffset: base &+ 7 &* channelStride, as: Positions.self)
    }
}

/// Sums for 4 output channels × `Positions`.
struct ChannelTile4<Vector: SIMD> where Vector.Scalar == Float {
    typealias Positions = Vector
    static var channels: Int { 4 }
    private var s0 = Positions(), s1 = Positions(), s2 = Positions(), s3 = Positions()

    /// Adds `w[i] · x` to channel i's sums, for the 4 weights at `w`.
    @inline(__always)
    mutating func add(weights w: UnsafePointer<Float>, _ x: Positions) {
        s0.multiplyAdd(Positions(repeating: w[0]), x); s1.multiplyAdd(Positions(repeating: w[1]), x)
        s2.multiplyAdd(Positions(repeating: w[2]), x); s3.multiplyAdd(Positions(repeating: w[3]), x)
    }

    /// Writes channel i's sums at byte offset `base + i·channelStride` of `out`.
    @inline(__always)
    func store(to out: UnsafeMutableRawPointer, byteOffset base: Int, channelStride: Int) {
        out.storeBytes(of: s0, toByteOffset: base, as: Positions.self)
        out.storeBytes(of: s1, toByteOffset: base &+ channelStride, as: Positions.self)
        out.storeBytes(of: s2, toByteOffset: base &+ 2 &* channelStride, as: Positions.self)
        out.storeBytes(of: s3, toByteOffset: base &+ 3 &* channelStride, as: Positions.self)
    }
}
