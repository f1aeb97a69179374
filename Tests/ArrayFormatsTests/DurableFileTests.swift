import ArrayFormats
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Atomic writes and the clean-up of temporaries that killed writers leave, on one host or several
/// sharing a directory.
@Suite struct DurableFileTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test func createNeverReplacesAndWritesWholeFiles() throws {
        let url = directory.appendingPathComponent("row")
        #expect(try DurableFile.create(Data("first\n".utf8), at: url))
        #expect(try !DurableFile.create(Data("second\n".utf8), at: url))
        #expect(try String(contentsOf: url, encoding: .utf8) == "first\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["row"], "no temporary left")
    }

    @Test func temporariesOfDeadWritersGoAndThoseOfLiveOrForeignOnesStay() throws {
        let here = ProcessFacts.machineTag
        let dead = pid_t(Int32.max - 7)  // far above pid_max: no such process
        let names = [
            "live-here": ".a.csv.\(getpid())@\(here).1.tmp",
            "dead-here": ".b.csv.\(dead)@\(here).2.tmp",
            "dead-old-format": ".c.csv.\(dead).3.tmp",
            "recent-elsewhere": ".d.csv.1@0badf00d.4.tmp",  // pid 1 of another host: means nothing here
            "old-elsewhere": ".e.csv.\(dead)@0badf00d.5.tmp",
        ]
        for name in names.values {
            _ = FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: Data())
        }
        let old = Date().addingTimeInterval(-DurableFile.foreignTemporaryAge - 60)
        try FileManager.default.setAttributes(
            [.modificationDate: old], ofItemAtPath: directory.appendingPathComponent(names["old-elsewhere"]!).path)
        let removed = try DurableFile.removeAbandonedTemporaries(in: directory)
        #expect(Set(removed) == [names["dead-here"]!, names["dead-old-format"]!, names["old-elsewhere"]!])
    }
}
