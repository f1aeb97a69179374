import ArrayFormats
import Foundation
import TestFixtures
import Testing

/// A safetensors image with a hand-written JSON header (padded to 8 bytes) and `data`.
private func safetensors(_ json: String, data: [UInt8]) -> Data {
    var header = Array(json.utf8)
    header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
    var out = Data()
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
    return out + header + data
}

private func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

@Suite("safetensors")
struct SafetensorsTests {
    @Test func roundTrip() throws {
        try withTemporaryDirectory { directory in
            var writer = SafetensorsWriter(metadata: ["format": "test", "note": "quote \" and \\ and\nnewline"])
            try writer.add("b.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
            try writer.add("a.bias", shape: [2], values: [-1.5, .pi])
            try writer.add("empty", shape: [0], values: [])
            let url = directory.appendingPathComponent("t.safetensors")
            try writer.write(to: url)

            let file = try SafetensorsFile(contentsOf: url)
            #expect(file.tensorNames == ["b.weight", "a.bias", "empty"])
            #expect(file.metadata == writer.metadata)
            #expect(try file.shape(of: "b.weight") == [2, 3])
            #expect(try file.dtype(of: "a.bias") == .float32)
            #expect(try file.floats(named: "b.weight") == [1, 2, 3, 4, 5, 6])
            #expect(try file.floats(named: "a.bias") == [-1.5, .pi])
            #expect(try file.floats(named: "empty") == [])
            // Header padded to a multiple of 8, data right after.
            let data = try Data(contentsOf: url)
            let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(headerLength % 8 == 0)
            #expect(data.count == 8 + Int(headerLength) + 8 * 4)
            expectFormatError("t.safetensors", "no tensor named 'c'") { _ = try file.floats(named: "c") }
        }
    }

    @Test("F64, F16 and BF16 convert to floats")
    func otherFloatTypes() throws {
        let f16: [UInt16] = [0x3C00, 0xC000, 0x3555]  // 1, -2, 0.33325
        let bf16: [UInt16] = [0x3F80, 0xC040]  // 1, -3
        let json = """
            {"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"h":{"dtype":"F16","shape":[3],"data_offsets":[16,22]},\
            "b":{"dtype":"BF16","shape":[2],"data_offsets":[22,26]},"i":{"dtype":"I32","shape":[1],"data_offsets":[26,30]}}
            """
        let file = try SafetensorsFile(
            data: safetensors(json, data: bytes([0.25, -8.0] as [Double]) + bytes(f16) + bytes(bf16) + [1, 0, 0, 0]),
            source: "m.safetensors")
        #expect(file.tensorNames == ["d", "h", "b", "i"])
        #expect(try file.floats(named: "d") == [0.25, -8])
        #expect(try file.floats(named: "h") == [1, -2, 0.33325195])
        #expect(try file.floats(named: "b") == [1, -3])
        expectFormatError("m.safetensors", "'i' is I32") { _ = try file.floats(named: "i") }
    }

    @Test(
        "refusals",
        arguments: [
            (
                #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, 12,
                "gap after byte 4"
            ),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8, "overlap"),
            (
                #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8,
                "'a' more than once"
            ),
            (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8, "(12 bytes) but its data_offsets [0, 8] span 8 bytes"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 8, "cover 4 bytes but the data section holds 8"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, 4, "begin ≤ end"),
            (#"{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}"#, 4, "unknown dtype 'Q7'"),
            (#"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#, 4, "needs \"dtype\""),
            (#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4, "shape is not a list of non-negative integers"),
            (
                #"{"__metadata__":{"epochs":3},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4,
                "value for 'epochs' is not a string"
            ),
            (#"[1, 2]"#, 0, "not a JSON object"),
            (#"{"a": nope}"#, 0, "not valid JSON"),
        ])
    func refusals(json: String, dataBytes: Int, fragment: String) {
        expectFormatError("bad.safetensors", fragment) {
            _ = try SafetensorsFile(data: safetensors(json, data: [UInt8](repeating: 0, count: dataBytes)), source: "bad.safetensors")
        }
    }

    @Test func headerLengthLimits() {
        var huge = Data()
        withUnsafeBytes(of: UInt64(100_000_001).littleEndian) { huge.append(contentsOf: $0) }
        expectFormatError("big.safetensors", "exceeds the safetensors limit") {
            _ = try SafetensorsFile(data: huge + Data("{}".utf8), source: "big.safetensors")
        }
        var short = Data()
        withUnsafeBytes(of: UInt64(64).littleEndian) { short.append(contentsOf: $0) }
        expectFormatError("short.safetensors", "truncated") {
            _ = try SafetensorsFile(data: short + Data("{}".utf8), source: "short.safetensors")
        }
        expectFormatError("tiny.safetensors", "too short") { _ = try SafetensorsFile(data: Data([1, 2]), source: "tiny.safetensors") }
    }

    @Test func writerRefusesDuplicatesAndWrongCounts() throws {
        var writer = SafetensorsWriter()
        try writer.add("w", shape: [1], values: [1])
        expectFormatError("'w' is reserved or already used") { try writer.add("w", shape: [1], values: [1]) }
        expectFormatError("'v' has 3 values") { try writer.add("v", shape: [2], values: [1, 2, 3]) }
    }

    @Test(
        "the golden PyTorch seed model is accepted",
        .enabled(if: SharedData.goldenSeedModel != nil, "needs ../shared beside the repository"))
    func pytorchFile() throws {
        let file = try SafetensorsFile(contentsOf: try #require(SharedData.goldenSeedModel).appendingPathComponent("model.safetensors"))
        #expect(
            Set(file.tensorNames) == [
                "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
            ])
        #expect(try file.shape(of: "conv1.weight") == [32, 1, 3, 3])
        #expect(try file.floats(named: "fc2.bias").count == 46)
    }
}
