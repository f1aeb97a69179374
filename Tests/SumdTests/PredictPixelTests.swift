import Foundation
import Testing

/// Pixels users really send to `sumd predict`: 0–255 values stored as floats are refused with the
/// range found and the fix, other dtypes get advice that does not produce such floats, and
/// channels-last `(N, H, W, 1)` is read like `(N, 1, H, W)`.
@Suite(.enabled(if: DaemonProcess.binaryExists && numpyAvailable, "needs the release sumd binary and python3 with numpy"))
struct PredictPixelTests {
    /// A 28×56 random-weight checkpoint and, written by real NumPy, the same 4 images in several forms.
    private func fixture() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("pixels")
        try DaemonCheckpoint.write(to: directory.url.appendingPathComponent("model.safetensors"), channels: [4], hidden: 8, seed: 3)
        let status = try await runPython(
            """
            import numpy as np
            x = np.random.default_rng(0).integers(0, 256, (4, 28, 56), dtype=np.uint8)
            np.save('rows.npy', x)
            np.save('last.npy', x[..., None])
            np.save('first.npy', x[:, None])
            np.save('bytes.npy', x.astype(np.float32))
            np.save('scaled.npy', x.astype(np.float32) / 255)
            np.save('int.npy', x.astype(np.int64))
            np.save('rgb.npy', np.repeat(x[..., None], 3, axis=3))
            """, in: directory.url)
        try #require(status == 0)
        return directory
    }

    private func predict(_ images: String, in directory: TemporaryDirectory) async throws -> CommandResult {
        try await runSumd([
            "predict", "--checkpoint", directory.path("model.safetensors"), "--images", directory.path(images),
            "--out", directory.path(images + ".csv"),
        ])
    }

    @Test func channelsLastReadsLikeChannelsFirst() async throws {
        let directory = try await fixture()
        for name in ["rows.npy", "last.npy", "first.npy", "scaled.npy"] {
            let result = try await predict(name, in: directory)
            try #require(result.status == 0, "\(name): \(result.standardError)")
        }
        let reference = try String(contentsOfFile: directory.path("rows.npy.csv"), encoding: .utf8)
        for name in ["last.npy", "first.npy"] {
            #expect(try String(contentsOfFile: directory.path(name + ".csv"), encoding: .utf8) == reference, "\(name)")
        }
        // x / 255 in float32 differs from uint8 × (1/255) in the last bits only.
        let scaled = try csvRows(directory.path("scaled.npy.csv"))
        let rows = try csvRows(directory.path("rows.npy.csv"))
        #expect(scaled.map { $0[1] } == rows.map { $0[1] })
    }

    @Test func zeroTo255FloatsAreRefusedWithTheRangeAndTheFix() async throws {
        let directory = try await fixture()
        let result = try await predict("bytes.npy", in: directory)
        #expect(result.status != 0)
        #expect(
            result.standardError.contains("bytes.npy: image 0 has float pixels from 0.0 to 255.0, but float pixels must be in [0, 1]"),
            "\(result.standardError)")
        #expect(result.standardError.contains("divide by 255 (images / 255.0) or send them as uint8 (images.astype(np.uint8))"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("bytes.npy.csv")), "no predictions for refused images")
    }

    @Test func otherDtypesGetAdviceThatKeepsPixelsInRange() async throws {
        let directory = try await fixture()
        let result = try await predict("int.npy", in: directory)
        #expect(result.status != 0)
        #expect(result.standardError.contains("images are int64"), "\(result.standardError)")
        #expect(result.standardError.contains("(images / 255).astype(np.float32)"))
        #expect(!result.standardError.contains("or .astype(np.float32)"), "plain .astype(np.float32) gives 0–255 floats")
        let rgb = try await predict("rgb.npy", in: directory)
        #expect(rgb.status != 0)
        #expect(rgb.standardError.contains("(4, 28, 56, 3) have more than one channel"), "\(rgb.standardError)")
    }
}
