import Foundation

/// Builds safetensors files the way the reference implementation lays them out: an 8-byte
/// little-endian header length, a compact JSON header (`__metadata__` first) padded with spaces
/// to a multiple of 8 bytes, then each tensor's little-endian bytes back to back.
public struct SafetensorsWriter: Sendable {
    private var entries: [(name: String, shape: [Int], values: [Float])] = []
    /// String-to-string metadata stored as `__metadata__` (omitted when empty).
    public var metadata: [String: String]

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Appends an F32 tensor; tensors are stored in the order they are added.
    public mutating func add(_ name: String, shape: [Int], values: [Float]) throws {
        guard name != "__metadata__", !entries.contains(where: { $0.name == name }) else {
            throw ArrayFormatError("safetensors writer", "tensor name '\(name)' is reserved or already used")
        }
        guard let count = elementCount(of: shape), count == values.count else {
            throw ArrayFormatError(
                "safetensors writer", "tensor '\(name)' has \(values.count.grouped) values, not the \(describeShape(shape)) its shape needs"
            )
        }
        entries.append((name, shape, values))
    }

    /// The complete file.
    public func encode() -> Data {
        var parts: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonQuoted($0.key)):\(jsonQuoted($0.value))" }
            parts.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for entry in entries {
            let end = offset + entry.values.count * 4
            let shape = entry.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonQuoted(entry.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(parts.joined(separator: ","))}".utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for entry in entries {
            entry.values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes the file to `url` (replacing any file there; see `DurableFile` for crash-safe replacement).
    public func write(to url: URL) throws {
        try DurableFile.write(encode(), to: url)
    }
}
