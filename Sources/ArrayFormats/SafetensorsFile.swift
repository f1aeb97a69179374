import Foundation

/// One tensor's entry in a safetensors header.
public struct SafetensorsTensorInfo: Sendable, Hashable {
    public var name: String
    public var dtype: SafetensorsDType
    public var shape: [Int]
    /// Byte range within the data section (after the header).
    public var dataOffsets: Range<Int>
}

/// A safetensors file (Hugging Face's format; what `safetensors.torch.save_file` writes), memory-mapped.
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON mapping tensor names to
/// `{"dtype", "shape", "data_offsets"}` plus an optional `"__metadata__"` string map, then the
/// data section. Validation follows the reference implementation: header at most 100 MB and a
/// JSON object; every tensor's byte size equals its dtype size × element count; the tensors tile
/// the data section exactly, without gaps or overlaps; no duplicate names; metadata values are strings.
public struct SafetensorsFile: Sendable {
    /// The reference implementation's limit on the header length.
    public static let maximumHeaderLength = 100_000_000

    /// The file name used in error messages.
    public let source: String
    /// The tensors, in data-section order.
    public let tensors: [SafetensorsTensorInfo]
    /// The `__metadata__` map (empty if absent).
    public let metadata: [String: String]

    private let storage: Data
    private let dataStart: Int
    private let index: [String: Int]

    /// Maps and validates the file at `url`.
    public init(contentsOf url: URL) throws {
        let data = try mapFile(url)
        try self.init(data: data, source: url.lastPathComponent)
    }

    /// Validates a safetensors image in memory; `source` names it in errors.
    public init(data: Data, source: String) throws {
        self.source = source
        self.storage = data
        guard data.count >= 8 else {
            throw ArrayFormatError(source, "not a safetensors file: \(data.count) bytes, too short for the 8-byte header length")
        }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw ArrayFormatError(source, "header length \(headerLength) exceeds the safetensors limit of 100,000,000 bytes")
        }
        let length = Int(headerLength)
        guard 8 + length <= data.count else {
            throw ArrayFormatError(
                source, "truncated: header length says \(length.grouped) bytes but only \((data.count - 8).grouped) follow")
        }
        dataStart = 8 + length
        let header = data.subdata(in: 8..<dataStart)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: header)
        } catch {
            throw ArrayFormatError(source, "header is not valid JSON")
        }
        guard let object = json as? [String: Any] else {
            throw ArrayFormatError(source, "header is not a JSON object")
        }
        let keys = header.withUnsafeBytes(topLevelJSONKeys)
        if keys.count != object.count {
            var seen = Set<String>()
            let duplicate = keys.first { !seen.insert($0).inserted } ?? "?"
            throw ArrayFormatError(source, "header names tensor '\(duplicate)' more than once")
        }

        var metadata: [String: String] = [:]
        if let raw = object["__metadata__"] {
            guard let map = raw as? [String: Any] else {
                throw ArrayFormatError(source, "__metadata__ is not a JSON object")
            }
            for (key, value) in map {
                guard let string = value as? String else {
                    throw ArrayFormatError(source, "__metadata__ value for '\(key)' is not a string")
                }
                metadata[key] = string
            }
        }
        self.metadata = metadata

        var tensors = try object.filter { $0.key != "__metadata__" }.map { name, value in
            try Self.tensorInfo(name: name, value: value, source: source)
        }
        tensors.sort {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < (
                $1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name
            )
        }
        var end = 0
        for tensor in tensors {
            let offsets = "[\(tensor.dataOffsets.lowerBound), \(tensor.dataOffsets.upperBound)]"
            if tensor.dataOffsets.lowerBound > end {
                throw ArrayFormatError(
                    source,
                    "tensor '\(tensor.name)' starts at byte \(tensor.dataOffsets.lowerBound) of the data, leaving a gap after byte \(end)")
            }
            if tensor.dataOffsets.lowerBound < end {
                throw ArrayFormatError(
                    source, "tensor '\(tensor.name)' data_offsets \(offsets) overlap the previous tensor, which ends at byte \(end)")
            }
            end = tensor.dataOffsets.upperBound
        }
        let dataLength = data.count - dataStart
        guard end == dataLength else {
            throw ArrayFormatError(source, "the tensors cover \(end.grouped) bytes but the data section holds \(dataLength.grouped)")
        }
        self.tensors = tensors
        self.index = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    private static func tensorInfo(name: String, value: Any, source: String) throws -> SafetensorsTensorInfo {
        guard let entry = value as? [String: Any] else {
            throw ArrayFormatError(source, "entry for tensor '\(name)' is not a JSON object")
        }
        guard let dtypeName = entry["dtype"] as? String, let shapeValues = entry["shape"] as? [Any],
            let offsetValues = entry["data_offsets"] as? [Any]
        else {
            throw ArrayFormatError(source, "tensor '\(name)' needs \"dtype\" (string), \"shape\" and \"data_offsets\" (arrays)")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw ArrayFormatError(source, "tensor '\(name)' has unknown dtype '\(dtypeName)'")
        }
        func nonNegativeIntegers(_ values: [Any]) -> [Int]? {
            let numbers = values.compactMap { ($0 as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }
            return numbers.count == values.count && numbers.allSatisfy({ $0 >= 0 }) ? numbers : nil
        }
        guard let shape = nonNegativeIntegers(shapeValues) else {
            throw ArrayFormatError(source, "tensor '\(name)' shape is not a list of non-negative integers")
        }
        guard let offsets = nonNegativeIntegers(offsetValues), offsets.count == 2, offsets[0] <= offsets[1] else {
            throw ArrayFormatError(source, "tensor '\(name)' data_offsets is not a pair [begin, end] with begin ≤ end")
        }
        guard let count = elementCount(of: shape), case (let bytes, false) = count.multipliedReportingOverflow(by: dtype.itemSize) else {
            throw ArrayFormatError(source, "tensor '\(name)' shape \(describeShape(shape)) is too large")
        }
        guard bytes == offsets[1] - offsets[0] else {
            throw ArrayFormatError(
                source,
                "tensor '\(name)' is \(describeShape(shape)) \(dtype.rawValue) (\(bytes.grouped) bytes) but its data_offsets [\(offsets[0]), \(offsets[1])] span \((offsets[1] - offsets[0]).grouped) bytes"
            )
        }
        return SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: offsets[0]..<offsets[1])
    }

    /// Tensor names in data-section order.
    public var tensorNames: [String] { tensors.map(\.name) }

    /// The entry for `name`; throws if the file has no such tensor.
    public func info(of name: String) throws -> SafetensorsTensorInfo {
        guard let position = index[name] else {
            throw ArrayFormatError(source, "has no tensor named '\(name)'")
        }
        return tensors[position]
    }

    public func shape(of name: String) throws -> [Int] { try info(of: name).shape }

    public func dtype(of name: String) throws -> SafetensorsDType { try info(of: name).dtype }

    /// The tensor's elements as `Float`, in its stored (row-major) order; F32, F64, F16 and BF16 only.
    public func floats(named name: String) throws -> [Float] {
        let tensor = try info(of: name)
        let count = tensor.dataOffsets.count / tensor.dtype.itemSize
        let load: (UnsafeRawPointer, Int) -> Float
        switch tensor.dtype {
        case .float32: load = { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: $1 &* 4, as: UInt32.self))) }
        case .float64:
            load = { Float(Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: $1 &* 8, as: UInt64.self)))) }
        case .float16:
            load = { Float(Float16(bitPattern: UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: $1 &* 2, as: UInt16.self)))) }
        case .bfloat16:
            load = { Float(bitPattern: UInt32(UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: $1 &* 2, as: UInt16.self))) << 16) }
        default:
            throw ArrayFormatError(
                source, "tensor '\(name)' is \(tensor.dtype.rawValue); sumd reads F32, F64, F16 and BF16 tensors as floats")
        }
        return storage.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart + tensor.dataOffsets.lowerBound
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if tensor.dtype == .float32 {
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: count * 4)
                } else {
                    for i in 0..<count { buffer[i] = load(base, i) }
                }
                initialized = count
            }
        }
    }
}
