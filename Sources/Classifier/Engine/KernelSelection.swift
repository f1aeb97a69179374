import CPUFeatures
import Foundation
import KernelInterface
import KernelsAVX2
import KernelsAVX512
import KernelsPortable

/// Which kernel set the engine runs: by default the fastest one this CPU can run; `SUMD_KERNELS`
/// (`avx512`, `avx2` or `portable`) forces one, and a set the CPU lacks is refused rather than
/// left to die on an illegal instruction.
public enum KernelSelection {
    /// The environment variable that forces a kernel set.
    public static let environmentVariable = "SUMD_KERNELS"

    /// The kernel sets this CPU can run, fastest first (always ending with `.portable`).
    public static let runnable: [KernelSetName] = {
        var sets: [KernelSetName] = []
        if sumd_cpu_runs_avx512() != 0 { sets.append(.avx512) }
        if sumd_cpu_runs_avx2() != 0 { sets.append(.avx2) }
        return sets + [.portable]
    }()

    /// The set `SUMD_KERNELS` names in `environment`, or the fastest runnable one when it is unset or empty.
    public static func choose(environment: [String: String]) throws(EngineError) -> KernelSetName {
        guard let requested = environment[environmentVariable], !requested.isEmpty else { return runnable[0] }
        guard let name = KernelSetName(rawValue: requested.lowercased()) else {
            let known = KernelSetName.allCases.map(\.rawValue).joined(separator: ", ")
            throw EngineError("\(environmentVariable)=\(requested) is not a kernel set; use one of \(known), or unset it")
        }
        guard runnable.contains(name) else {
            let usable = runnable.map(\.rawValue).joined(separator: ", ")
            throw EngineError("\(environmentVariable)=\(requested): this CPU cannot run the \(name) kernels; it runs \(usable)")
        }
        return name
    }

    /// The process's kernel set, chosen once from its environment (the error, if `SUMD_KERNELS` is bad).
    public static let processDefault = Result { () throws(EngineError) in
        try choose(environment: ProcessInfo.processInfo.environment)
    }

    /// `name`, or the process's kernel set when nil.
    static func resolve(_ name: KernelSetName?) throws(EngineError) -> KernelSetName {
        if let name {
            guard runnable.contains(name) else { throw EngineError("this CPU cannot run the \(name) kernels") }
            return name
        }
        return try processDefault.get()
    }

    /// The kernel table of a set.
    static func kernels(_ name: KernelSetName) -> any KernelSet.Type {
        switch name {
        case .avx512: KernelsAVX512.Kernels.self
        case .avx2: KernelsAVX2.Kernels.self
        case .portable: KernelsPortable.Kernels.self
        }
    }
}
