import Foundation
import Testing

/// binutils' disassembler, which `make test` installs (the kernel sets' instruction names below
/// are x86's).
let disassembler = x86HostTool("/usr/bin/objdump")

/// The kernel sets' hot loops are vector code in the binary itself. The standard library computes
/// `SIMD32` and `SIMD64` operations as loops over their lanes that only become vector instructions
/// when LLVM unrolls them fully; once they did not (a toolchain's default threshold stopped short),
/// and the AVX-512 set ran one scalar FMA per lane through the stack, about 100× slower, while
/// every correctness test passed. So this reads the compiled instructions: a vector kernel set
/// holds no scalar fused multiply-add, and its convolution multiplies whole registers.
@Suite(.enabled(if: disassembler != nil, "needs x86-64 and objdump (binutils)"))
struct KernelCodegenTests {

    /// Each x86-64 vector set: the mangled prefix of its `Kernels` enum's functions (the entry
    /// points the engine calls, with the tiles specialised into them; a testable build also emits
    /// the tiles' unspecialised generic bodies, which nothing hot calls) and its register's name.
    static let sets: [(name: String, kernels: String, register: String)] = [
        ("avx512", "13KernelsAVX5120A0O", "%zmm"), ("avx2", "11KernelsAVX20A0O", "%ymm"),
    ]

    @Test func vectorKernelSetsHoldNoScalarMultiplyAdd() async throws {
        let objdump = try #require(disassembler)
        let listing = try await runCommand(objdump, ["-d", "--no-show-raw-insn", DaemonProcess.binary.path])
        #expect(listing.status == 0, "\(listing.standardError)")
        let functions = Self.multiplyAdds(in: listing.standardOutput)
        for set in Self.sets {
            let own = functions.filter { $0.key.contains(set.kernels) }
            let scalar = own.filter { $0.value.scalar > 0 }.map { "\($0.value.scalar) in \($0.key)" }
            #expect(scalar.isEmpty, "\(set.name): scalar FMAs: \(scalar.joined(separator: "; "))")
            let convolution = own.filter { $0.key.contains("blockedConvolution") }.map(\.value)
            #expect(!convolution.isEmpty, "\(set.name): no blocked convolution in the binary")
            let widths = convolution.map { $0.packed[set.register, default: 0] }
            #expect(widths.allSatisfy { $0 >= 8 }, "\(set.name): blocked convolution FMAs on \(set.register): \(widths)")
        }
    }

    /// Per function of an `objdump -d` listing: its scalar FMAs (`vfmadd231ss` and kin) and its
    /// packed ones by destination register kind (`%zmm`, `%ymm`, `%xmm`).
    static func multiplyAdds(in listing: String) -> [String: (scalar: Int, packed: [String: Int])] {
        var functions: [String: (scalar: Int, packed: [String: Int])] = [:]
        var current = ""
        for line in listing.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasSuffix(">:"), let open = line.firstIndex(of: "<") {
                current = String(line[line.index(after: open)..<line.index(line.endIndex, offsetBy: -2)])
                continue
            }
            guard line.contains("\tvf"), let mnemonic = line.split(separator: "\t").dropFirst().first else { continue }
            let name = mnemonic.split(separator: " ").first ?? ""
            guard name.hasPrefix("vfmadd") || name.hasPrefix("vfnmadd") else { continue }
            if name.hasSuffix("ss") {
                functions[current, default: (0, [:])].scalar += 1
            } else if name.hasSuffix("ps"), let register = line.split(separator: ",").last?.prefix(4) {
                functions[current, default: (0, [:])].packed[String(register), default: 0] += 1
            }
        }
        return functions
    }
}
