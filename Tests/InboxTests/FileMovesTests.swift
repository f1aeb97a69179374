import Foundation
import SystemCalls
import SystemPackage
import Testing

@testable import Inbox

#if canImport(Glibc)
    import Glibc
#endif

/// Moves that never replace, and that read the state an NFS retransmission leaves behind (the
/// request done once, its repeat answered with ENOENT or EEXIST) as success, and nothing else.
@Suite struct FileMovesTests {
    let directory: FilePath

    init() throws {
        directory = FilePath(FileManager.default.temporaryDirectory.appendingPathComponent("sumd-moves-\(UUID().uuidString)").path)
        try FileMoves.makeDirectory(directory)
    }

    func file(_ name: String, _ text: String = "x") -> FilePath {
        let path = directory.appending(name)
        _ = FileManager.default.createFile(atPath: path.string, contents: Data(text.utf8))
        return path
    }

    @Test func aRenameWhoseSourceIsGoneIsSomeoneElsesClaim() throws {
        #expect(try FileMoves.renameIfPresent(directory.appending("gone"), to: directory.appending("mine")) == false)
    }

    @Test func aRenameRepeatedAfterItSucceededCountsAsDone() throws {
        // State after the first rename: source gone, target there; the repeat fails with ENOENT.
        let target = file("token.batch.npy")
        #expect(try FileMoves.renameIfPresent(directory.appending("batch.npy"), to: target) == true)
    }

    @Test func moveNoReplaceKeepsAnExistingTarget() throws {
        let source = file("a", "new")
        let target = file("b", "old")
        #expect(try FileMoves.moveNoReplace(source, to: target) == false)
        #expect(try String(contentsOfFile: target.string, encoding: .utf8) == "old")
        #expect(source.exists)
    }

    @Test func aLinkAlreadyMadeCompletesTheMove() throws {
        // State after link succeeded (or was answered EEXIST on its repeat): both names, one inode.
        let source = file("a")
        let target = directory.appending("b")
        #expect(withPlatformStrings(source, target) { link($0, $1) } == 0)
        #expect(try FileMoves.moveNoReplace(source, to: target) == true)
        #expect(!source.exists && target.exists)
    }

    @Test func linkUnlessPresentAcceptsAnEarlierLink() throws {
        let source = file("row")
        try FileMoves.linkUnlessPresent(source, to: directory.appending("pending"))
        try FileMoves.linkUnlessPresent(source, to: directory.appending("pending"))
        #expect(directory.appending("pending").exists)
    }
}
