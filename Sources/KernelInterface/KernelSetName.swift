/// The kernel sets sumd ships: the same kernel sources compiled for three instruction sets, each
/// with register tiles shaped for that set's vector registers (see docs/kernels.md).
public enum KernelSetName: String, Sendable, CaseIterable, CustomStringConvertible {
    /// AVX-512 (F, CD, BW, DQ, VL): 32 registers of 16 floats (Intel Skylake-SP and later, AMD Zen 4).
    case avx512
    /// AVX2 + FMA (and the rest of Haswell's set): 16 registers of 8 floats (Intel Haswell and
    /// later, AMD Zen 1–3).
    case avx2
    /// Plain SIMD code for the architecture's baseline: SSE2 on x86-64, NEON on AArch64.
    case portable

    public var description: String { rawValue }
}
