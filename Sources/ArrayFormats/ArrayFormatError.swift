import Foundation

/// Why a `.npy`, `.npz` or safetensors file cannot be read or written.
///
/// The description is one sentence that names the file and the problem, e.g.
/// `x.npy: truncated: header says 1000×28×140 uint8 (3,920,000 bytes) but only 1,024 bytes follow`.
public struct ArrayFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or archive member) the problem was found in, as given by the caller.
    public var source: String
    /// What is wrong, without the file name.
    public var problem: String

    public init(_ source: String, _ problem: String) {
        self.source = source
        self.problem = problem
    }

    public var description: String { "\(source): \(problem)" }
}

extension Int {
    /// `1234567` → `"1,234,567"`, for byte counts in error messages.
    var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return self < 0 ? "-" + out : out
    }
}

/// `[1000, 28, 140]` → `"1000×28×140"`; `[]` → `"scalar"`.
func describeShape(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
}

/// The element count of `shape`, or nil if it overflows `Int` or has a negative dimension.
func elementCount(of shape: [Int]) -> Int? {
    var count = 1
    for dimension in shape {
        guard dimension >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
        guard !overflow else { return nil }
        count = product
    }
    return count
}

/// The file at `url`, memory-mapped (never copied into memory whole), or an error naming it.
func mapFile(_ url: URL) throws -> Data {
    do {
        return try Data(contentsOf: url, options: .alwaysMapped)
    } catch {
        throw ArrayFormatError(url.path, "cannot be read: \(error.localizedDescription)")
    }
}
