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

/// Sums of the weight gradient for 8 output channels × 3 taps, one vector each: 24 registers.
struct WeightGradientTile8<V: SIMD> where V.Scalar == Float {
    typealias Vector = V
    static var channels: Int { 8 }
    private var s00 = Vector(), s01 = Vector(), s02 = Vector(), s10 = Vector(), s11 = Vector(), s12 = Vector()
    private var s20 = Vector(), s21 = Vector(), s22 = Vector(), s30 = Vector(), s31 = Vector(), s32 = Vector()
    private var s40 = Vector(), s41 = Vector(), s42 = Vector(), s50 = Vector(), s51 = Vector(), s52 = Vector()
    private var s60 = Vector(), s61 = Vector(), s62 = Vector(), s70 = Vector(), s71 = Vector(), s72 = Vector()

    /// Adds channel i's dOutput (at `byteOffset + i·channelStride` of `d`) times each tap's inputs.
    @inline(__always)
    mutating func add(dOutput d: UnsafeRawPointer, byteOffset: Int, channelStride: Int, _ i0: Vector, _ i1: Vector, _ i2: Vector) {
        var v = d.loadUnaligned(fromByteOffset: byteOffset, as: Vector.self)
        s00.multiplyAdd(v, i0); s01.multiplyAdd(v, i1); s02.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ channelStride, as: Vector.self)
        s10.multiplyAdd(v, i0); s11.multiplyAdd(v, i1); s12.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 2 &* channelStride, as: Vector.self)
        s20.multiplyAdd(v, i0); s21.multiplyAdd(v, i1); s22.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 3 &* channelStride, as: Vector.self)
        s30.multiplyAdd(v, i0); s31.multiplyAdd(v, i1); s32.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 4 &* channelStride, as: Vector.self)
        s40.multiplyAdd(v, i0); s41.multiplyAdd(v, i1); s42.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 5 &* channelStride, as: Vector.self)
        s50.multiplyAdd(v, i0); s51.multiplyAdd(v, i1); s52.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 6 &* channelStride, as: Vector.self)
        s60.multiplyAdd(v, i0); s61.multiplyAdd(v, i1); s62.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 7 &* channelStride, as: Vector.self)
        s70.multiplyAdd(v, i0); s71.multiplyAdd(v, i1); s72.multiplyAdd(v, i2)
    }

    /// Adds channel i's three tap sums to `target[i·channelStride ..< +min(3, limit)]`.
    @inline(__always)
    func addSums(to target: UnsafeMutablePointer<Float>, channelStride: Int, limit: Int) {
        addTapSums(s00, s01, s02, to: target, limit: limit)
        addTapSums(s10, s11, s12, to: target + channelStride, limit: limit)
        addTapSums(s20, s21, s22, to: target + 2 &* channelStride, limit: limit)
        addTapSums(s30, s31, s32, to: target + 3 &* channelStride, limit: limit)
        addTapSums(s40, s41, s42, to: target + 4 &* channelStride, limit: limit)
        addTapSums(s50, s51, s52, to: target + 5 &* channelStride, limit: limit)
        addTapSums(s60, s61, s62, to: target + 6 &* channelStride, limit: limit)
        addTapSums(s70, s71, s72, to: target + 7 &* channelStride, limit: limit)
    }
}

/// Sums of the weight gradient for 4 output channels × 3 taps, one vector each: 12 registers.
struct WeightGradientTile4<V: SIMD> where V.Scalar == Float {
    typealias Vector = V
    static var channels: Int { 4 }
    private var s00 = Vector(), s01 = Vector(), s02 = Vector(), s10 = Vector(), s11 = Vector(), s12 = Vector()
    private var s20 = Vector(), s21 = Vector(), s22 = Vector(), s30 = Vector(), s31 = Vector(), s32 = Vector()

    /// Adds channel i's dOutput (at `byteOffset + i·channelStride` of `d`) times each tap's inputs.
    @inline(__always)
    mutating func add(dOutput d: UnsafeRawPointer, byteOffset: Int, channelStride: Int, _ i0: Vector, _ i1: Vector, _ i2: Vector) {
        var v = d.loadUnaligned(fromByteOffset: byteOffset, as: Vector.self)
        s00.multiplyAdd(v, i0); s01.multiplyAdd(v, i1); s02.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ channelStride, as: Vector.self)
        s10.multiplyAdd(v, i0); s11.multiplyAdd(v, i1); s12.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 2 &* channelStride, as: Vector.self)
        s20.multiplyAdd(v, i0); s21.multiplyAdd(v, i1); s22.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 3 &* channelStride, as: Vector.self)
        s30.multiplyAdd(v, i0); s31.multiplyAdd(v, i1); s32.multiplyAdd(v, i2)
    }

    /// Adds channel i's three tap sums to `target[i·channelStride ..< +min(3, limit)]`.
    @inline(__always)
    func addSums(to target: UnsafeMutablePointer<Float>, channelStride: Int, limit: Int) {
        addTapSums(s00, s01, s02, to: target, limit: limit)
        addTapSums(s10, s11, s12, to: target + channelStride, limit: limit)
        addTapSums(s20, s21, s22, to: target + 2 &* channelStride, limit: limit)
        addTapSums(s30, s31, s32, to: target + 3 &* channelStride, limit: limit)
    }
}

/// Adds the lane sums of up to three vectors to consecutive floats, stopping after `limit`.
@inline(__always)
private func addTapSums<Vector: SIMD>(_ a: Vector, _ b: Vector, _ c: Vector, to target: UnsafeMutablePointer<Float>, limit: Int)
where Vector.Scalar == Float {
    target[0] += laneSum(a)
    if limit > 1 { target[1] += laneSum(b) }
    if limit > 2 { target[2] += laneSum(c) }
}

/// The sum of a vector's lanes (outside the hot loops: once per register tile).
@inline(__always)
func laneSum<Vector: SIMD>(_ v: Vector) -> Float where Vector.Scalar == Float {
    var sum: Float = 0
    for i in 0..<Vector.scalarCount { sum += v[i] }
    return sum
}
