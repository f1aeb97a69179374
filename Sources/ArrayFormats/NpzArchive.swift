import Foundation
import ZIPFoundation

/// A NumPy `.npz` archive (`np.savez` / `np.savez_compressed`): a zip of `.npy` members.
///
/// Members are named without the `.npy` suffix, as `np.load(path)[name]` does. Stored members
/// (`np.savez`) are mapped in place, so large ones cost no memory; deflated members
/// (`np.savez_compressed`) are inflated by ZIPFoundation, with their CRC-32 checked.
public struct NpzArchive: Sendable {
    /// The archive's file name, for error messages.
    public let source: String
    /// Member names without `.npy`, in archive order.
    public let names: [String]

    private let url: URL
    private let storage: Data
    private let members: [String: ZipDirectory.Member]

    /// Maps the archive at `url` and reads its directory.
    public init(contentsOf url: URL) throws {
        self.url = url
        source = url.lastPathComponent
        do {
            storage = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ArrayFormatError(url.path, "cannot be read: \(error.localizedDescription)")
        }
        let source = self.source
        let directory = try storage.withUnsafeBytes { try ZipDirectory(bytes: $0, source: source) }
        var members: [String: ZipDirectory.Member] = [:]
        var names: [String] = []
        for member in directory.members where !member.name.hasSuffix("/") {
            let name = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
            guard members.updateValue(member, forKey: name) == nil else {
                throw ArrayFormatError(source, "holds two members named '\(name)'")
            }
            names.append(name)
        }
        self.names = names
        self.members = members
    }

    /// The array stored as `name` (with or without `.npy`).
    public func array(named name: String) throws -> NpyArray {
        let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
        guard let member = members[key] else {
            throw ArrayFormatError(
                source, "has no array named '\(key)'; it holds \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        }
        let memberSource = "\(source)[\(key)]"
        switch member.method {
        case 0:
            guard member.compressedSize == member.uncompressedSize else {
                throw ArrayFormatError(
                    memberSource, "stored member sizes disagree (\(member.compressedSize) vs \(member.uncompressedSize) bytes)")
            }
            let range = member.dataOffset..<(member.dataOffset + member.compressedSize)
            // Mapped `Data` slices share the mapping; rebasing the indices keeps it zero-copy.
            return try NpyArray(data: storage[range], source: memberSource)
        case 8:
            return try NpyArray(data: inflate(member, source: memberSource), source: memberSource)
        default:
            throw ArrayFormatError(memberSource, "uses zip compression method \(member.method); sumd reads stored and deflated members")
        }
    }

    private func inflate(_ member: ZipDirectory.Member, source memberSource: String) throws -> Data {
        do {
            let archive = try Archive(url: url, accessMode: .read)
            guard let entry = archive[member.name] else {
                throw ArrayFormatError(memberSource, "ZIPFoundation cannot find the member")
            }
            var data = Data(capacity: member.uncompressedSize)
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            guard data.count == member.uncompressedSize else {
                throw ArrayFormatError(
                    memberSource, "inflated to \(data.count.grouped) bytes, the directory says \(member.uncompressedSize.grouped)")
            }
            return data
        } catch let error as ArrayFormatError {
            throw error
        } catch {
            throw ArrayFormatError(memberSource, "cannot be inflated: \(error)")
        }
    }
}
