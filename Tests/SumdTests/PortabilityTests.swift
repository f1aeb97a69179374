import Foundation
import Testing

/// Debian's user-mode emulator for x86-64 (elsewhere it would run nothing of ours).
let x86Emulator = x86HostTool("/usr/bin/qemu-x86_64")

/// One binary on every x86-64 CPU: the plain build runs natively, under `qemu-x86_64 -cpu max`
/// (AVX2 and FMA, no AVX-512) and under `-cpu qemu64` (SSE2 only), picks a kernel set each CPU
/// has, and predicts the same sums with confidences within 1e-4. A set the CPU lacks is refused
/// with a clear error, never an illegal instruction. qemu proves correctness there, not speed.
@Suite(.serialized, .enabled(if: x86Emulator != nil, "needs x86-64 and qemu-user (make test installs it)"))
struct PortabilityTests {

    /// The emulated CPUs and the kernel set sumd must choose on each.
    static let cpus: [(name: String, kernels: String)] = [("max", "avx2"), ("qemu64", "portable")]

    @Test func sameSumsNativelyAndUnderEmulatedCPUs() async throws {
        let qemu = try #require(x86Emulator)
        let work = try TemporaryDirectory("sumd-portability")
        #expect(try await runSumd(["synth", "--out", work.path("train"), "--n", "600", "--seed", "3"]).status == 0)
        #expect(try await runSumd(["synth", "--out", work.path("test"), "--n", "40", "--seed", "4"]).status == 0)
        let trained = try await runSumd([
            "train", "--images", work.path("train/images.npy"), "--labels", work.path("train/labels.npy"),
            "--out", work.path("model.safetensors"), "--epochs", "2",
        ])
        #expect(trained.status == 0, "\(trained.standardError)")
        let predictArguments = ["predict", "--checkpoint", work.path("model.safetensors"), "--images", work.path("test/images.npy")]
        let native = try await runSumd(predictArguments + ["--out", work.path("native.csv")])
        #expect(native.status == 0, "\(native.standardError)")
        let reference = try Self.predictions(work.path("native.csv"))
        #expect(reference.count == 40)

        for cpu in Self.cpus {
            let version = try await runCommand(qemu, ["-cpu", cpu.name, DaemonProcess.binary.path, "--version"])
            #expect(version.standardOutput.contains("kernels: \(cpu.kernels)"), "-cpu \(cpu.name): \(version.standardOutput)")
            let emulated = try await runCommand(
                qemu, ["-cpu", cpu.name, DaemonProcess.binary.path] + predictArguments + ["--out", work.path("\(cpu.name).csv")])
            #expect(emulated.status == 0, "-cpu \(cpu.name): status \(emulated.status), \(emulated.standardError)")
            let rows = try Self.predictions(work.path("\(cpu.name).csv"))
            #expect(rows.map(\.sum) == reference.map(\.sum), "-cpu \(cpu.name) predicts other sums")
            let largest = zip(rows, reference).map { abs($0.confidence - $1.confidence) }.max() ?? .infinity
            print("-cpu \(cpu.name) (\(cpu.kernels)): same sums, confidences within \(largest)")
            #expect(largest <= 1e-4)
        }
    }

    @Test func aKernelSetTheCPULacksIsRefused() async throws {
        let qemu = try #require(x86Emulator)
        for forced in ["avx2", "avx512"] {
            let result = try await runCommand(
                qemu, ["-cpu", "qemu64", DaemonProcess.binary.path, "bench", "--quick", "--batches", "1"],
                environment: ["SUMD_KERNELS": forced])
            #expect(result.status == 1, "SUMD_KERNELS=\(forced) on qemu64 exited \(result.status) (132 would be SIGILL)")
            #expect(result.standardError.contains("SUMD_KERNELS=\(forced): this CPU cannot run the \(forced) kernels; it runs portable"))
        }
        let unknown = try await runCommand(DaemonProcess.binary, ["--version"], environment: ["SUMD_KERNELS": "sse9"])
        #expect(unknown.standardOutput.contains("SUMD_KERNELS=sse9 is not a kernel set; use one of avx512, avx2, portable"))
        let portable = try await runCommand(
            DaemonProcess.binary, ["bench", "--quick", "--batches", "1", "--phases", "inference"],
            environment: ["SUMD_KERNELS": "portable"])
        #expect(portable.status == 0 && portable.standardOutput.contains("kernels: portable"), "\(portable.standardError)")
    }

    /// `(predicted sum, confidence)` per row of a predictions CSV.
    static func predictions(_ path: String) throws -> [(sum: Int, confidence: Double)] {
        try csvRows(path).dropFirst().map { row in (Int(row[1]) ?? -1, Double(row[2]) ?? .nan) }
    }
}
