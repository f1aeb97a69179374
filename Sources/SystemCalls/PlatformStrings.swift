import SystemPackage

/// Calls `body` with the C strings of two paths, for the calls that take a source and a target
/// (`rename`, `link`): `valueOrErrno { withPlatformStrings(source, target) { rename($0, $1) } }`.
public func withPlatformStrings<Result>(
    _ first: FilePath, _ second: FilePath, _ body: (UnsafePointer<CChar>, UnsafePointer<CChar>) -> Result
) -> Result {
    first.withPlatformString { first in second.withPlatformString { second in body(first, second) } }
}
