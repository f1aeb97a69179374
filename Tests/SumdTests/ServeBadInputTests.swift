import ArrayFormats
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Every kind of bad input goes to failed/ with `NAME.error.txt`, and the daemon keeps serving.
@Suite("sumd serve: bad inputs")
struct ServeBadInputTests {
    /// A `.npy` file with any header dictionary (for dtypes `NpyWriter` does not write).
    static func rawNpy(descr: String, shape: String, payload: Data) -> Data {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.append(payload)
        return data
    }

    @Test("each bad input kind is moved to failed/ with a sentence naming the file and the problem")
    func badInputs() async throws {
        let sandbox = try DaemonSandbox()
        let daemon = try await sandbox.startDaemon(["--labels-grace", "2"])
        let (h, w) = (DaemonSandbox.height, DaemonSandbox.width)
        let good = try NpyWriter.encode(sandbox.randomBatch(5).pixels, shape: [5, h, w])
        var nan = [Float](repeating: 0.5, count: 3 * h * w)
        nan[h * w + 7] = .nan

        // name → words its error.txt must contain; it starts with the name of the file at fault.
        var expected: [String: [String]] = [:]
        var atFault: [String: String] = [:]
        func drop(_ name: String, _ data: Data, _ words: [String] = [], fault: String? = nil) throws {
            try sandbox.drop(name, data)
            expected[name] = words
            atFault[name] = fault ?? name
        }
        try drop("notes.txt", Data("hello".utf8), ["not a batch"])
        try drop("garbage.npy", Data((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        try drop("truncated.npy", good.prefix(good.count - 1000))
        try drop("pickle.npy", Self.rawNpy(descr: "|O", shape: "(2,)", payload: Data(repeating: 0, count: 16)))
        try drop("complex.npy", Self.rawNpy(descr: "<c8", shape: "(1, 28, 56)", payload: Data(repeating: 0, count: 8 * h * w)))
        try drop("int64.npy", NpyWriter.encode([Int64](repeating: 1, count: h * w), shape: [1, h, w]), ["int64"])
        try drop("size.npy", NpyWriter.encode([UInt8](repeating: 1, count: 2 * 28 * 50), shape: [2, 28, 50]), ["28×50"])
        try drop("empty.npy", NpyWriter.encode([UInt8](), shape: [0, h, w]), ["no images"])
        try drop("nan.npy", NpyWriter.encode(nan, shape: [3, h, w]), ["NaN", "image 1"])
        try drop(
            "bytes.npy", NpyWriter.encode((0..<(2 * h * w)).map { Float($0 % 256) }, shape: [2, h, w]),
            ["image 0 has float pixels from 0.0 to 255.0", "[0, 1]", "divide by 255"])
        try sandbox.drop("count.labels.npy", NpyWriter.encode([Int64](repeating: 1, count: 4), shape: [4]))
        try drop("count.npy", good, ["4 labels", "count.npy has 5 images"], fault: "count.labels.npy")
        try sandbox.drop("range.labels.npy", NpyWriter.encode([Int64]([1, 2, 3, 4, 25]), shape: [5]))
        try drop("range.npy", good, ["25"], fault: "range.labels.npy")
        try sandbox.drop("fraction.labels.npy", NpyWriter.encode([Float]([1, 2, 3.5, 4, 5]), shape: [5]))
        try drop("fraction.npy", good, ["integer"], fault: "fraction.labels.npy")
        try drop("orphan.labels.npy", NpyWriter.encode([Int64](repeating: 1, count: 5), shape: [5]), ["no batch orphan.npy"])

        // Non-regular entries are never opened or followed, only moved.
        let target = sandbox.staging.appendingPathComponent("target.npy")
        try good.write(to: target)
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.inbox.appendingPathComponent("link.npy").path, withDestinationPath: target.path)
        expected["link.npy"] = ["symbolic link"]
        try FileManager.default.createDirectory(at: sandbox.inbox.appendingPathComponent("folder.npy"), withIntermediateDirectories: false)
        expected["folder.npy"] = ["directory"]
        #expect(mkfifo(sandbox.inbox.appendingPathComponent("pipe.npy").path, 0o644) == 0)
        expected["pipe.npy"] = ["FIFO"]

        try sandbox.drop("good.npy", good)
        try await sandbox.waitFor(sandbox.processed, "good.npy")
        func base(_ name: String) -> String {
            name.hasSuffix(".labels.npy") ? String(name.dropLast(11)) : String(name[..<name.lastIndex(of: ".")!])
        }
        // The error file is written last, after the inputs moved.
        for name in expected.keys.sorted() {
            try await sandbox.waitFor(sandbox.failed, base(name) + ".error.txt")
            #expect(sandbox.exists(sandbox.failed, name))
        }
        for (name, words) in expected.sorted(by: { $0.key < $1.key }) {
            let base = base(name)
            let message = try String(contentsOf: sandbox.failed.appendingPathComponent(base + ".error.txt"), encoding: .utf8)
            #expect(message.hasPrefix(atFault[name] ?? name), "\(base).error.txt: \(message)")
            #expect(message.split(separator: "\n").count == 1, "\(base).error.txt is one line: \(message)")
            for word in words { #expect(message.contains(word), "\(base).error.txt: \(message)") }
            // The log line follows the error file.
            #expect(
                try await eventually { daemon.logLines(containing: name).contains { $0.contains("warning") } }, "a log line about \(name)")
        }
        for labels in ["count.labels.npy", "range.labels.npy", "fraction.labels.npy"] {
            #expect(sandbox.exists(sandbox.failed, labels), "\(labels) goes to failed/ with its batch")
        }
        #expect(try Data(contentsOf: target) == good, "the symbolic link's target is untouched")
        #expect(try sandbox.summary().map { $0["batch"] } == ["good"], "only the good batch is reported")
        #expect(sandbox.names(in: sandbox.outbox).allSatisfy { $0.hasPrefix("good.") || $0 == "summary.csv" })
        #expect(sandbox.names(in: sandbox.inbox).isEmpty)
        try await daemon.stop()
    }

    @Test("a file the daemon may not read goes to failed/")
    func unreadable() async throws {
        let sandbox = try DaemonSandbox()
        // Root reads everything: run the daemon as nobody, in directories nobody may write.
        let user = getuid() == 0 ? "nobody" : nil
        if user != nil {
            for directory in [sandbox.root, sandbox.inbox, sandbox.staging] { chmod(directory.path, 0o777) }
            chmod(sandbox.checkpoint.path, 0o644)
        }
        let daemon = try await sandbox.startDaemon(user: user)
        let secret = sandbox.staging.appendingPathComponent("secret.npy")
        try NpyWriter.encode(sandbox.randomBatch(3).pixels, shape: [3, DaemonSandbox.height, DaemonSandbox.width]).write(to: secret)
        chmod(secret.path, 0)
        #expect(rename(secret.path, sandbox.inbox.appendingPathComponent("secret.npy").path) == 0)
        try await sandbox.waitFor(sandbox.failed, "secret.error.txt")
        let message = try String(contentsOf: sandbox.failed.appendingPathComponent("secret.error.txt"), encoding: .utf8)
        #expect(message.hasPrefix("secret.npy") && message.lowercased().contains("permission"), "\(message)")
        #expect(sandbox.exists(sandbox.failed, "secret.npy"))
        try sandbox.dropBatch("after", images: 2)
        try await sandbox.waitFor(sandbox.processed, "after.npy")
        try await daemon.stop()
    }
}
