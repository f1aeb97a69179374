// swift-tools-version:6.0
import PackageDescription

/// The engine's hot loops are compiled three times, from the same sources (`Sources/Kernels`,
/// linked into each kernel-set target as `Shared`), once per instruction set; the binary asks
/// the CPU at start which it can run (`KernelSelection`). Everything else is compiled for the
/// architecture's baseline, so one binary runs on every x86-64 and AArch64 CPU.
func kernelSet(_ name: String, targetCPU: String?, defines: [String] = []) -> Target {
    var settings: [SwiftSetting] = defines.map { .define($0) } + noMathErrno + wholeVectorUnrolling
    #if arch(x86_64)
        if let targetCPU { settings.append(.unsafeFlags(["-target-cpu", targetCPU])) }
    #endif
    return .target(name: name, dependencies: ["KernelInterface"], swiftSettings: settings)
}

/// `sqrt` need not set errno (nothing reads it), so `squareRoot()` on `Float` and SIMD vectors
/// compiles to `vsqrtps` instead of a libm call per lane (Adam's update).
let noMathErrno: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno"])]

/// The standard library computes an operation on a `SIMD32` or `SIMD64` vector (a tile two or
/// four registers wide) as a loop over its lanes, which becomes vector instructions only once LLVM
/// unrolls it fully. Its default unroll threshold stops short of 32 lanes, leaving a scalar loop
/// through the stack about 100× slower (the AVX-512 set measured 8 training images/s against
/// 942 for AVX2 on the same Zen 4); this threshold unrolls up to 64.
let wholeVectorUnrolling: [SwiftSetting] = [.unsafeFlags(["-Xllvm", "-unroll-threshold=1000"])]

/// The portable set multiplies and adds separately where the baseline has no FMA instruction
/// (x86-64); AArch64's baseline has one.
#if arch(x86_64)
    let portableDefines = ["KERNELS_SEPARATE_MULTIPLY_ADD"]
#else
    let portableDefines: [String] = []
#endif

let package = Package(
    name: "sumd",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sumd", targets: ["sumd"]),
        .library(name: "Classifier", targets: ["Classifier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // C libraries from Debian, wrapped with a small shim header each.
        .systemLibrary(name: "CInotify", path: "Sources/CInotify", providers: [.apt(["libinotifytools0-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // The one way sumd calls the C library on files: retry on EINTR, errors naming the call, the
        // path and the reason; `lstat` and directory listings on `FilePath`.
        .target(name: "SystemCalls", dependencies: [.product(name: "SystemPackage", package: "swift-system")]),
        // NumPy .npy/.npz and safetensors: reading (memory-mapped), validating, writing.
        .target(
            name: "ArrayFormats",
            dependencies: [
                "CCrypto", "SystemCalls", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // What the engine's kernels compute, and the shapes they compute on (no code that runs per element).
        .target(name: "KernelInterface"),
        kernelSet("KernelsAVX512", targetCPU: "skylake-avx512"),
        kernelSet("KernelsAVX2", targetCPU: "haswell"),
        kernelSet("KernelsPortable", targetCPU: nil, defines: portableDefines),
        // cpuid and xgetbv: which kernel sets this CPU runs.
        .target(name: "CPUFeatures"),
        // The CNN engine, checkpoints, training and batch prediction.
        .target(
            name: "Classifier",
            dependencies: [
                "ArrayFormats", "KernelInterface", "KernelsAVX512", "KernelsAVX2", "KernelsPortable", "CPUFeatures",
            ]
        ),
        // inotify (through libinotifytools) as an AsyncSequence of directory events.
        .target(
            name: "Watcher",
            dependencies: ["CInotify", "SystemCalls", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The daemon's inbox protocol: claims, labels pairing, slices, reports, recovery; its configuration and log lines.
        .target(
            name: "Inbox",
            dependencies: [
                "Classifier", "ArrayFormats", "Watcher", "SystemCalls", "KernelInterface",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Synthetic multi-digit images: drawn handwriting-like digits or composed from a digit pool.
        .target(name: "Synth", dependencies: ["ArrayFormats"]),
        .executableTarget(
            name: "sumd",
            dependencies: [
                "Classifier", "ArrayFormats", "Watcher", "Synth", "Inbox", "SystemCalls", "KernelInterface",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Paths of the repository's files and of the optional reference data beside it, for every test target.
        .target(name: "TestFixtures", path: "Tests/TestFixtures"),
        .testTarget(name: "ArrayFormatsTests", dependencies: ["ArrayFormats", "TestFixtures"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ClassifierTests", dependencies: ["Classifier", "ArrayFormats", "KernelInterface", "TestFixtures"],
            resources: [.copy("Fixtures")]
        ),
        // Temporary directories and files by FilePath, for the tests of the system-call layers.
        .target(
            name: "PathFixtures", dependencies: [.product(name: "SystemPackage", package: "swift-system")], path: "Tests/PathFixtures"),
        .testTarget(
            name: "SystemCallsTests",
            dependencies: ["SystemCalls", "PathFixtures", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .testTarget(
            name: "WatcherTests",
            dependencies: ["Watcher", "SystemCalls", "PathFixtures", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .testTarget(name: "SynthTests", dependencies: ["Synth", "ArrayFormats"]),
        // The daemon's decisions (InboxStateMachine) fed inputs on a fake clock, and its input merge.
        .testTarget(
            name: "InboxTests",
            dependencies: ["Inbox", "Classifier", "Watcher", "SystemCalls", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The executable driven as a process (`make test` builds it first), and the serve configuration and log lines.
        .testTarget(
            name: "SumdTests",
            dependencies: ["Inbox", "ArrayFormats", "Classifier", "TestFixtures", .product(name: "Logging", package: "swift-log")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
