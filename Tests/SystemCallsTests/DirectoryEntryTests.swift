import PathFixtures
import SystemCalls
import SystemPackage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

struct DirectoryEntryTests {
    @Test func listsEveryKindWithoutFollowingLinks() async throws {
        try await withTemporaryDirectory { root in
            try writeFile(root.appending("b.npy"))
            try makeDirectory(root.appending("d"))
            #expect(symlink("d", root.appending("link-to-dir").string) == 0)
            #expect(symlink("missing", root.appending("dangling").string) == 0)
            #expect(mkfifo(root.appending("fifo").string, 0o600) == 0)
            try bindSocket(at: root.appending("sock"))

            let entries = try DirectoryEntry.contents(of: root)
            #expect(
                entries == [
                    DirectoryEntry(name: name("b.npy"), kind: .regularFile),
                    DirectoryEntry(name: name("d"), kind: .directory),
                    DirectoryEntry(name: name("dangling"), kind: .symbolicLink),
                    DirectoryEntry(name: name("fifo"), kind: .fifo),
                    DirectoryEntry(name: name("link-to-dir"), kind: .symbolicLink),
                    DirectoryEntry(name: name("sock"), kind: .socket),
                ])
            for entry in entries {
                #expect(try DirectoryEntry.kind(of: entry.name, in: root) == entry.kind, "\(entry.name)")
            }
            #expect(try DirectoryEntry.kind(of: name("gone"), in: root) == nil)
            #expect(try DirectoryEntry.contents(of: root.appending("d")).isEmpty)
        }
    }

    @Test func listingAMissingDirectoryNamesIt() async throws {
        try await withTemporaryDirectory { root in
            let missing = root.appending("missing")
            #expect(throws: SystemCallError("open", path: missing, errno: .noSuchFileOrDirectory)) {
                try DirectoryEntry.contents(of: missing)
            }
        }
    }

    @Test func listingDoesNotFollowALinkToADirectory() async throws {
        try await withTemporaryDirectory { root in
            let link = root.appending("link")
            #expect(symlink(root.string, link.string) == 0)
            let error = try #require(#expect(throws: SystemCallError.self) { try DirectoryEntry.contents(of: link) })
            #expect(error.call == "open" && error.path == link)
        }
    }
}

/// Creates a listening-free Unix domain socket file at `path`.
private func bindSocket(at path: FilePath) throws {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.string.utf8)
    try #require(bytes.count < MemoryLayout.size(ofValue: address.sun_path))
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
    let status = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    try #require(status == 0)
}
