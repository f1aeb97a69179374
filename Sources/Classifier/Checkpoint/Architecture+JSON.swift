import Foundation

/// The architecture as JSON for a checkpoint's `architecture` metadata, in PyTorch's vocabulary:
/// `{"name": "seed", "input_height": 28, "input_width": 140, "layers": [{"type": "conv2d", "name": "conv1",
/// "in_channels": 1, "out_channels": 32, "kernel": 3, "padding": 1}, {"type": "relu"}, …]}`.
/// The digit-sum head is `{"type": "digit_sum", "classes": 46}`.
extension Architecture {
    /// Compact JSON with sorted keys (so the same architecture always gives the same bytes).
    public func json() -> String {
        let layers: [[String: Any]] = layers.map { layer in
            switch layer {
            case let .conv2d(name, cin, cout, k, p):
                return ["type": "conv2d", "name": name, "in_channels": cin, "out_channels": cout, "kernel": k, "padding": p]
            case .relu: return ["type": "relu"]
            case let .maxPool2d(k): return ["type": "max_pool2d", "kernel": k]
            case .flatten: return ["type": "flatten"]
            case let .linear(name, fin, fout):
                return ["type": "linear", "name": name, "in_features": fin, "out_features": fout]
            case let .digitSum(classes): return ["type": "digit_sum", "classes": classes]
            }
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
        func integer(_ dictionary: [String: Any], _ key: String, _ place: String) throws -> Int {
            guard let number = dictionary[key] as? NSNumber, let value = Int(exactly: number.doubleValue) else {
                throw fail("\(place) needs an integer \"\(key)\"")
            }
            return value
        }
        func string(_ dictionary: [String: Any], _ key: String, _ place: String) throws -> String {
            guard let value = dictionary[key] as? String else { throw fail("\(place) needs a string \"\(key)\"") }
            return value
        }
        guard let layerObjects = object["layers"] as? [[String: Any]] else { throw fail("needs a list of layer objects \"layers\"") }
        let layers = try layerObjects.enumerated().map { index, layer -> Layer in
            let place = "layer \(index)"
            switch try string(layer, "type", place) {
            case "conv2d":
                return .conv2d(name: try string(layer, "name", place), inChannels: try integer(layer, "in_channels", place),
                               outChannels: try integer(layer, "out_channels", place), kernel: try integer(layer, "kernel", place),
                               padding: try integer(layer, "padding", place))
            case "relu": return .relu
            case "max_pool2d": return .maxPool2d(kernel: try integer(layer, "kernel", place))
            case "flatten": return .flatten
            case "linear":
                return .linear(name: try string(layer, "name", place), inFeatures: try integer(layer, "in_features", place),
                               outFeatures: try integer(layer, "out_features", place))
            case "digit_sum": return .digitSum(classes: try integer(layer, "classes", place))
            case let other:
                throw fail("\(place) has unknown type '\(other)' (this sumd knows conv2d, relu, max_pool2d, flatten, linear, digit_sum; a newer sumd may have written it)")
            }
        }
        do {
            try self.init(name: try string(object, "name", "the network"), inputHeight: try integer(object, "input_height", "the network"),
                          inputWidth: try integer(object, "input_width", "the network"), layers: layers)
        } catch let error as ArchitectureError {
            throw fail("describes an impossible network: \(error.description)")
        }
    }
}
