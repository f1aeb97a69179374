import Foundation

/// The architecture as JSON for a checkpoint's `architecture` metadata, in PyTorch's vocabulary:
/// `{"name": "seed", "input_height": 28, "input_width": 140, "layers": [{"type": "conv2d", "name": "conv1",
/// "in_channels": 1, "out_channels": 32, "kernel": 3, "padding": 1}, {"type": "relu"}, …]}`.
/// The digit-sum head is `{"type": "digit_sum", "classes": 46}`.
extension Architecture {
    /// Compact JSON with sorted keys (so the same architecture always gives the same bytes).
    public func json() -> String {
        let layers: [[String: Any]] = layers.map { layer in
            layer.kind.jsonFields.merging(["type": type(of: layer.kind).typeName]) { field, _ in field }
        }
        let object: [String: Any] = ["name": name, "input_height": inputHeight, "input_width": inputWidth, "layers": layers]
        // Only strings, integers, arrays and dictionaries: serialisation cannot fail.
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses `json()` output; `source` names the file in errors.
    public init(json: String, source: String) throws {
        func fail(_ problem: String) -> CheckpointError { CheckpointError("\(source): architecture metadata \(problem)") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw fail("is not a JSON object")
        }
        func integer(_ key: String) throws -> Int {
            guard let number = object[key] as? NSNumber, let value = Int(exactly: number.doubleValue) else {
                throw fail("the network needs an integer \"\(key)\"")
            }
            return value
        }
        guard let name = object["name"] as? String else { throw fail("the network needs a string \"name\"") }
        guard let layerObjects = object["layers"] as? [[String: Any]] else { throw fail("needs a list of layer objects \"layers\"") }
        let layers = try layerObjects.enumerated().map { index, object -> Layer in
            let json = LayerJSON(object: object, place: "layer \(index)", fail: fail)
            let type = try json.string("type")
            guard let reader = Layer.readers.first(where: { $0.type == type }) else {
                let known = Layer.readers.map(\.type).joined(separator: ", ")
                throw fail("\(json.place) has unknown type '\(type)' (this sumd knows \(known); a newer sumd may have written it)")
            }
            return try reader.read(json)
        }
        do {
            try self.init(name: name, inputHeight: try integer("input_height"), inputWidth: try integer("input_width"), layers: layers)
        } catch let error as ArchitectureError {
            throw fail("describes an impossible network: \(error.description)")
        }
    }
}
