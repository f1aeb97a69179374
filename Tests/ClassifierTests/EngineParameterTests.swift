import Classifier
import Foundation
import Testing

/// The parameter arena, its initialisation, loading by name, and the seeded generator.
@Suite("Engine parameters and random numbers")
struct EngineParameterTests {
    @Test("SplitMix64 gives its published stream")
    func splitMix() {
        var generator = SeededGenerator(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        #expect((0..<10).map { _ in a.nextIndex(below: 7) } == (0..<10).map { _ in b.nextIndex(below: 7) })
    }

    @Test("shuffle is a seeded permutation")
    func shuffle() {
        var items = Array(0..<50)
        var again = Array(0..<50)
        var first = SeededGenerator(seed: 5)
        var second = SeededGenerator(seed: 5)
        first.shuffle(&items)
        second.shuffle(&again)
        #expect(items == again)
        #expect(items != Array(0..<50))
        #expect(items.sorted() == Array(0..<50))
    }

    @Test("initialisation is PyTorch's U(±1/√fan_in), in state_dict order, and reproducible")
    func initialisation() throws {
        let architecture = try Architecture.seed()
        let parameters = Parameters(architecture: architecture, seed: 1)
        #expect(parameters == Parameters(architecture: architecture, seed: 1))
        #expect(parameters != Parameters(architecture: architecture, seed: 2))
        #expect(parameters.values.count == architecture.parameterCount)
        #expect(
            parameters.tensors().map(\.name) == [
                "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
            ])
        for (spec, range) in zip(parameters.specs, parameters.ranges) {
            let bound = 1 / Float(spec.fanIn).squareRoot()
            let values = parameters.values[range]
            #expect(values.allSatisfy { abs($0) <= bound }, "\(spec.name) leaves ±\(bound)")
            // A uniform distribution on ±bound reaches close to both ends.
            #expect(values.max()! > 0.8 * bound && values.min()! < -0.8 * bound, "\(spec.name) does not fill ±\(bound)")
        }
    }

    @Test("loading named tensors round-trips and fails loudly on bad names or sizes")
    func loading() throws {
        let architecture = try Architecture.seed(height: 8, width: 12, channels: [2, 3], hidden: 5, classes: 7)
        let original = Parameters(architecture: architecture, seed: 9)
        var tensors = Dictionary(uniqueKeysWithValues: original.tensors().map { ($0.name, $0.values) })
        #expect(try Parameters(architecture: architecture, tensors: tensors) == original)
        #expect(original.tensor(named: "fc2.bias") == tensors["fc2.bias"])
        #expect(original.range(of: "nope") == nil)

        var missing = tensors
        missing["conv2.bias"] = nil
        #expect(throws: EngineError.self) { try Parameters(architecture: architecture, tensors: missing) }
        tensors["fc3.weight"] = [1]
        do {
            _ = try Parameters(architecture: architecture, tensors: tensors)
            Issue.record("an unexpected tensor was accepted")
        } catch {
            #expect("\(error)".contains("fc3.weight"))
        }
        tensors["fc3.weight"] = nil
        tensors["fc1.weight"]!.removeLast()
        do {
            _ = try Parameters(architecture: architecture, tensors: tensors)
            Issue.record("a short tensor was accepted")
        } catch {
            #expect("\(error)".contains("fc1.weight") && "\(error)".contains("89"))
        }
    }

    @Test("labels outside the classes are rejected")
    func badLabels() throws {
        let architecture = try Architecture.seed(height: 8, width: 12, channels: [2, 3], hidden: 5, classes: 7)
        let trainer = try Trainer(parameters: Parameters(architecture: architecture, seed: 1), workers: 1)
        let images = [Float](repeating: 0.5, count: 2 * 96)
        let labels = [3, 7]
        #expect(throws: EngineError.self) {
            try images.withUnsafeBufferPointer { input in
                try labels.withUnsafeBufferPointer { try trainer.step(images: input, labels: $0, count: 2) }
            }
        }
        #expect(trainer.adamState.step == 0)
    }
}
