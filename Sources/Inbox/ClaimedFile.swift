import SystemPackage

/// An inbox file this daemon took by renaming it into its claim directory as `TOKEN.ORIGINAL`.
struct ClaimedFile: Sendable, Hashable {
    /// The claim token shared by a batch's files (images and labels), 16 hex digits.
    var token: String
    /// The name the file had in the inbox (and gets back if the claim is abandoned).
    var original: String
    /// Where the claimed file is now.
    var path: FilePath

    var kind: InboxName { InboxName(original) }

    /// Parses `TOKEN.ORIGINAL` in `directory`; nil for names that are not claims.
    init?(claimName name: String, in directory: FilePath) {
        guard let dot = name.firstIndex(of: "."), name.distance(from: name.startIndex, to: dot) == 16 else { return nil }
        token = String(name[..<dot])
        original = String(name[name.index(after: dot)...])
        guard !original.isEmpty, token.allSatisfy(\.isHexDigit) else { return nil }
        path = directory.appending(name)
    }

    init(token: String, original: String, directory: FilePath) {
        self.token = token
        self.original = original
        self.path = directory.appending(token + "." + original)
    }

    /// A fresh random claim token.
    static func newToken() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
