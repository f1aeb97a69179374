import ArrayFormats
import Foundation
import Testing

/// The committed fixture `name` (see `Fixtures/make_fixtures.py`).
func fixture(_ name: String) throws -> URL {
    let directory = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return directory.appendingPathComponent(name)
}

/// A fresh temporary directory, removed when `body` returns.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-formats-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// Runs `body`, expecting an `ArrayFormatError` whose description contains every fragment.
func expectFormatError(_ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error mentioning \(fragments)", sourceLocation: sourceLocation)
    } catch let error as ArrayFormatError {
        for fragment in fragments {
            #expect(error.description.contains(fragment), "\(error.description) should mention \(fragment)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected ArrayFormatError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// 0, 1, …, 23: the fixtures' `base` array in C order.
let base: [Float] = (0..<24).map(Float.init)
