import KernelInterface

/// Register tiles of the direct and Winograd convolutions: sums for a few output channels × a run
/// of positions, held in registers while the kernel walks the input channels and taps. Each
/// kernel set picks the tiles its register file holds (`ConvolutionTile`, and `ConvolutionTailTile`
/// for the positions left over when the main tile's width does not divide them): AVX-512 keeps
/// 8 channels × 32 positions in 16 of its 32 registers; AVX2 keeps 4 channels × 24 positions in 12
/// of its 16, leaving room for the 3 loaded vectors and a broadcast.
protocol ConvolutionRegisterTile {
    /// Output channels per tile.
    static var channels: Int { get }
    /// Positions per tile.
    static var width: Int { get }
    init()
    /// Adds `w[i] · x[0..<width]` to channel i's sums, for the `channels` weights at `w` and the
    /// positions at byte offset `offset` of `x`.
    mutating func add(weights w: UnsafePointer<Float>, positions x: UnsafeRawPointer, byteOffset offset: Int)
    /// Writes channel i's sums at byte offset `base + i·channelStride` of `out`.
    func store(to out: UnsafeMutableRawPointer, byteOffset base: Int, channelStride: Int)
}

/// Sums for 8 output channels × one `V` of positions: two 4-channel tiles over the same positions
/// (the second load of them folds into the first).
struct ChannelTile8<V: SIMD>: ConvolutionRegisterTile where V.Scalar == Float {
    static var channels: Int { 8 }
    static var width: Int { V.scalarCount }
    private var low = ChannelTile4<V>(), high = ChannelTile4<V>()

    @inline(__always)
    mutating func add(weights w: UnsafePointer<Float>, positions x: UnsafeRawPointer, byteOffset offset: Int) {
        low.add(weights: w, positions: x, byteOffset: offset)
        high.add(weights: w + 4, positions: x, byteOffset: offset)
    }

    @inline(__always)
    func store(to out: UnsafeMutableRawPointer, byteOffset base: Int, channelStride: Int) {
        low.store(to: out, byteOffset: base, channelStride: channelStride)
        high.store(to: out, byteOffset: base &+ 4 &* channelStride, channelStride: channelStride)
    }
}

/// Sums for 4 output channels × one `V` of positions.
struct ChannelTile4<V: SIMD>: ConvolutionRegisterTile where V.Scalar == Float {
    static var channels: Int { 4 }
    static var width: Int { V.scalarCount }
    private var s0 = V(), s1 = V(), s2 = V(), s3 = V()

    @inline(__always)
    mutating func add(weights w: UnsafePointer<Float>, positions x: UnsafeRawPointer, byteOffset offset: Int) {
        let v = x.loadUnaligned(fromByteOffset: offset, as: V.self)
        s0.multiplyAdd(V(repeating: w[0]), v)
        s1.multiplyAdd(V(repeating: w[1]), v)
        s2.multiplyAdd(V(repeating: w[2]), v)
        s3.multiplyAdd(V(repeating: w[3]), v)
    }

    @inline(__always)
    func store(to out: UnsafeMutableRawPointer, byteOffset base: Int, channelStride: Int) {
        out.storeBytes(of: s0, toByteOffset: base, as: V.self)
        out.storeBytes(of: s1, toByteOffset: base &+ channelStride, as: V.self)
        out.storeBytes(of: s2, toByteOffset: base &+ 2 &* channelStride, as: V.self)
        out.storeBytes(of: s3, toByteOffset: base &+ 3 &* channelStride, as: V.self)
    }
}

/// Sums for 4 output channels × three `V` of positions (24 on AVX2: 12 accumulators, the most
/// that leaves 16 registers room for the loaded positions and a broadcast).
struct ChannelTile4x3<V: SIMD>: ConvolutionRegisterTile where V.Scalar == Float {
    static var channels: Int { 4 }
    static var width: Int { 3 &* V.scalarCount }
    private var a0 = V(), a1 = V(), a2 = V(), a3 = V(), b0 = V(), b1 = V(), b2 = V(), b3 = V()
    private var c0 = V(), c1 = V(), c2 = V(), c3 = V()

    @inline(__always)
    mutating func add(weights w: UnsafePointer<Float>, positions x: UnsafeRawPointer, byteOffset offset: Int) {
        let bytes = V.scalarCount &* MemoryLayout<Float>.stride
        let x0 = x.loadUnaligned(fromByteOffset: offset, as: V.self)
        let x1 = x.loadUnaligned(fromByteOffset: offset &+ bytes, as: V.self)
        let x2 = x.loadUnaligned(fromByteOffset: offset &+ 2 &* bytes, as: V.self)
        var s = V(repeating: w[0])
        a0.multiplyAdd(s, x0)
        b0.multiplyAdd(s, x1)
        c0.multiplyAdd(s, x2)
        s = V(repeating: w[1])
        a1.multiplyAdd(s, x0)
        b1.multiplyAdd(s, x1)
        c1.multiplyAdd(s, x2)
        s = V(repeating: w[2])
        a2.multiplyAdd(s, x0)
        b2.multiplyAdd(s, x1)
        c2.multiplyAdd(s, x2)
        s = V(repeating: w[3])
        a3.multiplyAdd(s, x0)
        b3.multiplyAdd(s, x1)
        c3.multiplyAdd(s, x2)
    }

    @inline(__always)
    func store(to out: UnsafeMutableRawPointer, byteOffset base: Int, channelStride: Int) {
        let bytes = V.scalarCount &* MemoryLayout<Float>.stride
        func row(_ a: V, _ b: V, _ c: V, _ i: Int) {
            let start = base &+ i &* channelStride
            out.storeBytes(of: a, toByteOffset: start, as: V.self)
            out.storeBytes(of: b, toByteOffset: start &+ bytes, as: V.self)
            out.storeBytes(of: c, toByteOffset: start &+ 2 &* bytes, as: V.self)
        }
        row(a0, b0, c0, 0)
        row(a1, b1, c1, 1)
        row(a2, b2, c2, 2)
        row(a3, b3, c3, 3)
    }
}

/// Sums of the weight gradient for 8 output channels × 3 taps, one vector each: 24 registers, as
/// two 4-channel tiles.
struct WeightGradientTile8<V: SIMD> where V.Scalar == Float {
    typealias Vector = V
    static var channels: Int { 8 }
    private var low = WeightGradientTile4<V>(), high = WeightGradientTile4<V>()

    /// Adds channel i's dOutput (at `byteOffset + i·channelStride` of `d`) times each tap's inputs.
    @inline(__always)
    mutating func add(dOutput d: UnsafeRawPointer, byteOffset: Int, channelStride: Int, _ i0: V, _ i1: V, _ i2: V) {
        low.add(dOutput: d, byteOffset: byteOffset, channelStride: channelStride, i0, i1, i2)
        high.add(dOutput: d, byteOffset: byteOffset &+ 4 &* channelStride, channelStride: channelStride, i0, i1, i2)
    }

    /// Adds channel i's three tap sums to `target[i·channelStride ..< +min(3, limit)]`.
    @inline(__always)
    func addSums(to target: UnsafeMutablePointer<Float>, channelStride: Int, limit: Int) {
        low.addSums(to: target, channelStride: channelStride, limit: limit)
        high.addSums(to: target + 4 &* channelStride, channelStride: channelStride, limit: limit)
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
        s00.multiplyAdd(v, i0)
        s01.multiplyAdd(v, i1)
        s02.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ channelStride, as: Vector.self)
        s10.multiplyAdd(v, i0)
        s11.multiplyAdd(v, i1)
        s12.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 2 &* channelStride, as: Vector.self)
        s20.multiplyAdd(v, i0)
        s21.multiplyAdd(v, i1)
        s22.multiplyAdd(v, i2)
        v = d.loadUnaligned(fromByteOffset: byteOffset &+ 3 &* channelStride, as: Vector.self)
        s30.multiplyAdd(v, i0)
        s31.multiplyAdd(v, i1)
        s32.multiplyAdd(v, i2)
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
