import PathFixtures
import SystemCalls
import SystemPackage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The one calling convention: EINTR is retried, any other failure names the call, the path and
/// the reason; a missing file is an answer, not an error.
struct SystemCallTests {
    @Test func anInterruptedCallIsMadeAgain() throws {
        var attempts = 0
        let value = try systemCall("read", path: "/x") { () -> Int32 in
            attempts += 1
            if attempts < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(value == 7 && attempts == 3)
    }

    @Test func aFailureNamesTheCallThePathAndTheReason() {
        let error = #expect(throws: SystemCallError.self) {
            try systemCall("rename to b", path: "/nowhere/a") { withPlatformStrings("/nowhere/a", "/nowhere/b") { rename($0, $1) } }
        }
        #expect(error == SystemCallError("rename to b", path: "/nowhere/a", errno: .noSuchFileOrDirectory))
        #expect(error?.description == "/nowhere/a: rename to b failed: No such file or directory (errno 2)")
    }

    @Test func valueOrErrnoLeavesTheReasonToTheCaller() {
        #expect(valueOrErrno { unlink("/nowhere/a") } == .failure(.noSuchFileOrDirectory))
        #expect(valueOrErrno { getpid() } == .success(getpid()))
    }

    @Test func aMissingPathHasNoStatus() async throws {
        try await withTemporaryDirectory { root in
            let file = root.appending("file")
            try writeFile(file)
            #expect(try file.statusIfPresent()?.type == .regular)
            #expect(file.exists)
            #expect(try root.appending("gone").statusIfPresent() == nil)
            #expect(try file.appending("under-a-file").statusIfPresent() == nil, "ENOTDIR: nothing has that name")
            #expect(!root.appending("gone").exists)
        }
    }
}
