import Foundation

/// The digit-sum head (`Layer.digitSum`) on its own, in Double: what the engine computes per image,
/// for tests, tools and anyone re-implementing the layer.
///
/// Input: `[11, locations]` logits, channel-major (channel 0 "no digit", channel 1 + d digit d).
/// Each location's softmax is a distribution over what it adds to the sum (nothing, or a digit);
/// locations are independent, so the distribution of the sum is the convolution of theirs,
/// computed exactly. Output: `log P(sum = s)` for s in `0..<classes` (mass above `classes − 1` is
/// dropped; a softmax over the output renormalises it).
public struct DigitSum: Sendable, Hashable {
    /// Logits per location: "no digit" and the digits 0…9.
    public static let symbols = 11
    /// The channel of the "no digit" logit.
    public static let noDigitChannel = 0

    public let locations: Int
    public let classes: Int

    public init(locations: Int, classes: Int) {
        precondition(locations > 0 && classes > 0, "a digit-sum head needs locations and classes")
        self.locations = locations
        self.classes = classes
    }

    var geometry: DigitSumGeometry { DigitSumGeometry(locations: locations, classes: classes) }

    /// `log P(sum = s)` for s in `0..<classes`, from `[11, locations]` logits, or from `pieces`
    /// such blocks one after another whose locations add up to one sum (an image cut into pieces).
    public func logProbabilities(logits: [Double], pieces: Int = 1) -> [Double] {
        precondition(logits.count == pieces * geometry.inCount, "need \(pieces * geometry.inCount) logits, got \(logits.count)")
        var output = [Double](repeating: 0, count: classes)
        var scratch = [Double](repeating: 0, count: geometry.scratchCount(pieces: pieces))
        logits.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                scratch.withUnsafeMutableBufferPointer {
                    digitSumForwardImage(
                        geometry, logits: input.baseAddress!, pieces: pieces, output: out.baseAddress!, scratch: $0.baseAddress!)
                }
            }
        }
        return output
    }

    /// d(loss)/d(logits) (`pieces` × `[11, locations]`) given `outputGradient` =
    /// d(loss)/d(log P(sum = s)), where the loss also holds Σ_l `cellPenalties[l]` ×
    /// P(location l holds a digit) (`pieces × locations` weights, piece by piece; nil: none).
    public func logitsGradient(
        logits: [Double], pieces: Int = 1, outputGradient: [Double], cellPenalties: [Double]? = nil
    ) -> [Double] {
        precondition(logits.count == pieces * geometry.inCount, "need \(pieces * geometry.inCount) logits, got \(logits.count)")
        precondition(outputGradient.count == classes, "need \(classes) output gradients, got \(outputGradient.count)")
        precondition(cellPenalties.map { $0.count == pieces * locations } ?? true, "need one cell penalty per location")
        var gradient = [Double](repeating: 0, count: logits.count)
        var scratch = [Double](repeating: 0, count: geometry.scratchCount(pieces: pieces))
        logits.withUnsafeBufferPointer { input in
            outputGradient.withUnsafeBufferPointer { output in
                gradient.withUnsafeMutableBufferPointer { target in
                    scratch.withUnsafeMutableBufferPointer {
                        digitSumBackwardImage(
                            geometry, logits: input.baseAddress!, pieces: pieces, outputGradient: output.baseAddress!,
                            inputGradient: target.baseAddress!, scratch: $0.baseAddress!, cellPenalties: cellPenalties)
                    }
                }
            }
        }
        return gradient
    }

    /// The initial bias of the "no digit" logit of the convolution feeding this head: with the
    /// other logits near 0, each location then holds a digit with probability ≈ 2/locations, so a
    /// fresh network expects about two digits per image rather than one per location (which would
    /// push almost all mass beyond the largest class). The prior-probability initialisation of
    /// RetinaNet's classifier, for the same reason.
    public static func noDigitPriorBias(locations: Int) -> Float { Float(log(5 * Double(locations))) }
}
