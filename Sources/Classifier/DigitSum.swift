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

    /// `log P(sum = s)` for s in `0..<classes`, from `[11, locations]` logits.
    public func logProbabilities(logits: [Double]) -> [Double] {
        precondition(logits.count == geometry.inCount, "need \(geometry.inCount) logits, got \(logits.count)")
        var output = [Double](repeating: 0, count: classes)
        var scratch = [Double](repeating: 0, count: geometry.scratchCount)
        logits.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                scratch.withUnsafeMutableBufferPointer {
                    digitSumForwardImage(geometry, logits: input.baseAddress!, output: out.baseAddress!, scratch: $0.baseAddress!)
                }
            }
        }
        return output
    }

    /// d(loss)/d(logits) (`[11, locations]`) given `outputGradient` = d(loss)/d(log P(sum = s)),
    /// where the loss also holds `cellPenalty` × Σ over locations of P(location holds a digit).
    public func logitsGradient(logits: [Double], outputGradient: [Double], cellPenalty: Double = 0) -> [Double] {
        precondition(logits.count == geometry.inCount, "need \(geometry.inCount) logits, got \(logits.count)")
        precondition(outputGradient.count == classes, "need \(classes) output gradients, got \(outputGradient.count)")
        var gradient = [Double](repeating: 0, count: geometry.inCount)
        var scratch = [Double](repeating: 0, count: geometry.scratchCount)
        logits.withUnsafeBufferPointer { input in
            outputGradient.withUnsafeBufferPointer { output in
                gradient.withUnsafeMutableBufferPointer { target in
                    scratch.withUnsafeMutableBufferPointer {
                        digitSumBackwardImage(
                            geometry, logits: input.baseAddress!, outputGradient: output.baseAddress!,
                            inputGradient: target.baseAddress!, scratch: $0.baseAddress!, cellPenalty: cellPenalty)
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
