import KernelInterface

/// The digit-sum head (see `DigitSum`): takes `[11, H, W]` logits, one distribution over
/// {no digit, 0, …, 9} per location, and outputs `log P(sum = s)` for s in `0..<classes`, the
/// exact distribution of the sum of independent locations. No parameters.
public struct DigitSumHead: Sendable, Hashable, CustomStringConvertible, LayerKind {
    public var classes: Int

    public init(classes: Int) { self.classes = classes }

    static let typeName = "digit_sum"
    init(json: LayerJSON) throws { self.init(classes: try json.integer("classes")) }
    var jsonFields: [String: Any] { ["classes": classes] }
    var layer: Layer { .digitSum(self) }
    public var description: String { "DigitSum(classes=\(classes))" }

    func outputShape(_ input: SampleShape) throws -> SampleShape {
        let (c, _, _) = try input.image()
        guard c == DigitSum.symbols else {
            throw ArchitectureError("needs \(DigitSum.symbols) channels (no digit, 0…9) but receives \(c)")
        }
        guard classes >= 2 else { throw ArchitectureError("needs at least 2 classes") }
        return .vector(classes)
    }

    /// Convolving value distributions: at most 10 multiply-adds per location and class.
    func forwardFLOPs(input: SampleShape, output: SampleShape) -> Int {
        guard case .image(_, let h, let w) = input else { return 0 }
        return 2 * 10 * classes * h * w
    }

    /// One step on the whole batch (`DigitSumKernels.swift`), in Double.
    func compile(into plan: inout NetworkPlan.Builder, input: SampleShape, output: SampleShape) {
        guard case .image(_, let h, let w) = input else { return }
        plan.flattened = true
        plan.vectorSteps.append(
            .digitSum(DigitSumStep(geometry: DigitSumGeometry(locations: h * w, classes: classes), gridHeight: h, gridWidth: w)))
    }
}

/// The digit-sum head as the engine runs it on a batch, in Double (`DigitSumKernels.swift`).
struct DigitSumStep: Sendable {
    let geometry: DigitSumGeometry
    /// The grid of cells (`gridHeight × gridWidth` = `geometry.locations`) over the image.
    let gridHeight: Int
    let gridWidth: Int

    /// `[rows, 11·L]` logits → `[groups, classes]` log-probabilities of each group's sum.
    func forward(_ c: StepContext, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, groups: PieceGroups) {
        digitSumForward(geometry, input: input, output: output, groups: groups, scratch: c.digitSumScratch)
    }

    /// Overwrites `inputGradient` (`[rows, 11·L]`) with the gradient of the logits `input`, with
    /// Σ `cellPenalties` (`[rows, L]`, nil: none) × P(cell holds a digit) added to the loss.
    func backward(
        _ c: StepContext, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, groups: PieceGroups, cellPenalties: UnsafePointer<Double>?
    ) {
        digitSumBackward(
            geometry, input: input, outputGradient: outputGradient, inputGradient: inputGradient, groups: groups,
            scratch: c.digitSumScratch, cellPenalties: cellPenalties)
    }
}
