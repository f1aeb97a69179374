import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line live progress bar on standard error, drawn only when it is a terminal.
///
/// Redraws at most ten times a second; `finish()` clears the line so the permanent
/// per-epoch line printed next starts clean.
struct ProgressBar {
    let label: String
    let total: Int
    private let enabled = isatty(STDERR_FILENO) == 1
    private let started = Date()
    private var lastDraw = Date.distantPast

    init(label: String, total: Int) {
        self.label = label
        self.total = total
    }

    /// Shows `done` of `total` steps, the throughput in `images`, and a running `loss`.
    mutating func update(done: Int, images: Int, loss: Double) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = elapsed > 0 ? Double(images) / elapsed : 0
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let line = "\(label) \(bar) \(done)/\(total) · \(Int(rate)) img/s · loss \(String(format: "%.4f", loss)) · ETA \(Self.clock(eta))"
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
