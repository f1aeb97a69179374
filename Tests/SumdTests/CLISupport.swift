import Foundation

/// Runs the real `sumd` executable to completion and captures its output.
struct CommandResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init(_ prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// `sumd ARGUMENTS` in `directory`, waiting for it to exit without blocking a test thread.
func runSumd(_ arguments: [String], in directory: URL? = nil, timeout: Double = 300) async throws -> CommandResult {
    try await runCommand(DaemonProcess.binary, arguments, in: directory, timeout: timeout)
}

/// `EXECUTABLE ARGUMENTS` in `directory`, with `environment` added to this process's, waiting for
/// it to exit without blocking a test thread. Output goes to files (a pipe could fill up and stall
/// the command).
func runCommand(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], timeout: Double = 300
) async throws -> CommandResult {
    let capture = try TemporaryDirectory("sumd-output")
    let outputURL = capture.url.appendingPathComponent("stdout")
    let errorURL = capture.url.appendingPathComponent("stderr")
    for url in [outputURL, errorURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    let status = try await runToEnd(process, timeout: timeout)
    return CommandResult(
        status: status,
        standardOutput: try String(contentsOf: outputURL, encoding: .utf8),
        standardError: try String(contentsOf: errorURL, encoding: .utf8))
}

/// Runs a Python snippet in `directory` (for files written by real NumPy); returns its exit status.
@discardableResult
func runPython(_ script: String, in directory: URL) async throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    process.currentDirectoryURL = directory
    return try await runToEnd(process)
}

/// True when `python3 -c 'import numpy'` works (checked once, synchronously, when a trait asks).
let numpyAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import numpy"]
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// Parses a CSV without quoted fields into rows of fields (header included).
func csvRows(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
}

/// The tool at `path` on an x86-64 host where it is installed, else nil: the tests that check the
/// x86 build's instructions or run it as other x86 CPUs have nothing to check elsewhere.
func x86HostTool(_ path: String) -> URL? {
    #if arch(x86_64)
        let url = URL(fileURLWithPath: path)
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    #else
        return nil
    #endif
}
