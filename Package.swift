// swift-tools-version:6.0
import PackageDescription

/// Compile the numeric hot loops for the AVX-512 cores sumd runs on (see README, "Performance").
/// `SUMD_PORTABLE=1` builds a baseline x86-64 binary instead; OpenBLAS still picks its kernels at run time.
let nativeCPU: [SwiftSetting] =
    Context.environment["SUMD_PORTABLE"] == "1" ? [] : [.unsafeFlags(["-target-cpu", "skylake-avx512"])]

/// `sqrt` need not set errno (nothing reads it), so `squareRoot()` on `Float` and SIMD vectors
/// compiles to `vsqrtps` instead of a libm call per lane (Adam's update).
let noMathErrno: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno"])]

let package = Package(
    name: "sumd",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sumd", targets: ["sumd"]),
        .library(name: "Classifier", targets: ["Classifier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // C libraries from Debian, wrapped with a small shim header each.
        .systemLibrary(name: "CInotify", path: "Sources/CInotify", providers: [.apt(["libinotifytools0-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // NumPy .npy/.npz and safetensors: reading (memory-mapped), validating, writing.
        .target(
            name: "ArrayFormats",
            dependencies: ["CCrypto", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: nativeCPU
        ),
        // The CNN engine, checkpoints, training and batch prediction.
        .target(
            name: "Classifier",
            dependencies: ["CBLAS", "ArrayFormats"],
            swiftSettings: nativeCPU + noMathErrno
        ),
        // inotify (through libinotifytools) as an AsyncSequence of directory events.
        .target(
            name: "Watcher",
            dependencies: ["CInotify", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The daemon's inbox protocol: claims, labels pairing, slices, reports, recovery.
        .target(
            name: "Inbox",
            dependencies: [
                "Classifier", "ArrayFormats", "Watcher",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Synthetic multi-digit images: drawn handwriting-like digits or composed from a digit pool.
        .target(name: "Synth", dependencies: ["ArrayFormats"], swiftSettings: nativeCPU),
        .executableTarget(
            name: "sumd",
            dependencies: [
                "Classifier", "ArrayFormats", "Watcher", "Synth", "Inbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: nativeCPU
        ),
        .testTarget(name: "ArrayFormatsTests", dependencies: ["ArrayFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ClassifierTests", dependencies: ["Classifier", "ArrayFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "WatcherTests", dependencies: ["Watcher"]),
        .testTarget(name: "SynthTests", dependencies: ["Synth", "ArrayFormats"]),
        .testTarget(
            name: "SumdTests",
            dependencies: ["sumd", "Inbox", "ArrayFormats", "Classifier", .product(name: "Logging", package: "swift-log")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
