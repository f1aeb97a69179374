import Foundation
import Testing

@testable import Inbox

#if canImport(Glibc)
    import Glibc
#endif

/// Moves that never replace, and that read the state an NFS retransmission leaves behind (the
/// request done once, its repeat answered with ENOENT or EEXIST) as success, and nothing else.
@Suite struct FileMovesTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-moves-\(UUID().uuidString)").path
        try FileMoves.makeDirectory(directory)
    }

    func file(_ name: String, _ text: String = "x") -> String {
        let path = directory + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func aRenameWhoseSourceIsGoneIsSomeoneElsesClaim() throws {
        #expect(try FileMoves.renameIfPresent(directory + "/gone", to: directory + "/mine") == false)
    }

    @Test func aRenameRepeatedAfterItSucceededCountsAsDone() throws {
        // State after the first rename: source gone, target there; the repeat fails with ENOENT.
        let target = file("token.batch.npy")
        #expect(try FileMoves.renameIfPresent(directory + "/batch.npy", to: target) == true)
    }

    @Test func moveNoReplaceKeepsAnExistingTarget() throws {
        let source = file("a", "new")
        let target = file("b", "old")
        #expect(try FileMoves.moveNoReplace(source, to: target) == false)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old")
        #expect(FileMoves.exists(source))
    }

    @Test func aLinkAlreadyMadeCompletesTheMove() throws {
        // State after link succeeded (or was answered EEXIST on its repeat): both names, one inode.
        let source = file("a")
        let target = directory + "/b"
        #expect(link(source, target) == 0)
        #expect(try FileMoves.moveNoReplace(source, to: target) == true)
        #expect(!FileMoves.exists(source) && FileMoves.exists(target))
    }

    @Test func linkUnlessPresentAcceptsAnEarlierLink() throws {
        let source = file("row")
        try FileMoves.linkUnlessPresent(source, to: directory + "/pending")
        try FileMoves.linkUnlessPresent(source, to: directory + "/pending")
        #expect(FileMoves.exists(directory + "/pending"))
    }
}
