import Foundation

/// Where the tests find files that are not made by the tests themselves: the repository's own
/// files, and the optional reference data beside it. The one place that knows these paths.
public enum RepositoryFiles {
    /// The repository's root folder (this file is `Tests/TestFixtures/RepositoryFiles.swift`).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A file or folder of the repository, e.g. `"systemd/sumd.service"`.
    public static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    /// The release binary `make test` builds, or `SUMD_BIN` when set.
    public static var sumdBinary: URL {
        if let path = ProcessInfo.processInfo.environment["SUMD_BIN"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return url(".build/release/sumd")
    }
}

/// The shared reference data beside the repository (`../shared`: real MNIST digits and PyTorch's
/// full-size golden model), which development machines and CI have but a clone need not.
/// Tests that use it are enabled only when it is there; every other test makes its own data.
public enum SharedData {
    /// The folder, when it holds the golden seed model.
    public static let directory: URL? = {
        let folder = RepositoryFiles.root.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("golden/seed-model/model.safetensors").path)
            ? folder : nil
    }()

    /// PyTorch's full-size seed network with seeded weights, 8 images and their logits.
    public static var goldenSeedModel: URL? { directory?.appendingPathComponent("golden/seed-model") }
}
