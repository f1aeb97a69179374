/// The prefixes PyTorch wrappers put in front of a module's own `state_dict` keys: `module.`
/// (`DataParallel`, `DistributedDataParallel`) and `_orig_mod.` (`torch.compile`), possibly both.
enum StateDictNames {
    static let wrapperPrefixes = ["module.", "_orig_mod."]

    /// `name` without any leading wrapper prefixes (`_orig_mod.module.conv1.weight` → `conv1.weight`).
    static func stripped(_ name: String) -> String {
        var name = Substring(name)
        while let prefix = wrapperPrefixes.first(where: { name.hasPrefix($0) }) {
            name = name.dropFirst(prefix.count)
        }
        return String(name)
    }

    /// Each stripped name → the name in the file; throws when two names in the file strip to the same one.
    static func strippedToOriginal(_ names: [String], source: String) throws -> [String: String] {
        var map: [String: String] = [:]
        for name in names {
            let plain = stripped(name)
            if let other = map[plain] {
                let pair = [other, name].sorted()
                throw CheckpointError(
                    "\(source): tensors '\(pair[0])' and '\(pair[1])' are both '\(plain)' once the wrapper prefixes (\(wrapperPrefixes.joined(separator: ", "))) are removed"
                )
            }
            map[plain] = name
        }
        return map
    }
}
