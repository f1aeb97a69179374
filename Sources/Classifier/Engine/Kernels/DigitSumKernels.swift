import Foundation

/// The digit-sum head: per-location symbol distributions → the exact distribution of the sum.
///
/// Input of one image: `[11, L]` logits in channel-major (CHW) order, channel 0 "no digit" and
/// channel 1 + d digit d, one column per location. Each location's softmax gives `p_l`; the value a
/// location adds to the sum is 0 for "no digit" and for digit 0, d for digit d, so its value
/// distribution is `q_l = (p_none + p_0, p_1, …, p_9)`. Locations are independent, so the sum's
/// distribution is the convolution `q_1 ⊛ … ⊛ q_L`, computed as prefix distributions
/// `F_l = F_{l−1} ⊛ q_l` (`F_0 = δ_0`) truncated to sums `0..<classes`. Output: `log F_L(s)`.
///
/// The backward pass runs the adjoint of the same recursion from the last location to the first
/// (`H_{l−1}(a) = Σ_v H_l(a + v) q_l(v)`, `∂/∂q_l(v) = Σ_a H_l(a + v) F_{l−1}(a)`), so it needs every
/// prefix: it recomputes them (cheap next to the convolutions) rather than keeping them per image.
/// All of it runs in Double: a product of many near-one "no digit" probabilities and sums far
/// from the label would lose too much in float32.
///
/// A *group* of pieces (consecutive rows of a batch, see `InkPieces`) has one sum: its locations
/// are all the pieces' locations, piece by piece, and the recursion runs over them all.

/// Shapes of one digit-sum head.
struct DigitSumGeometry: Sendable, Hashable {
    /// Locations (cells of the feature map), each with `DigitSum.symbols` logits.
    var locations: Int
    /// Sums `0..<classes` whose log-probabilities are the output.
    var classes: Int

    var inCount: Int { DigitSum.symbols * locations }
    /// Doubles of scratch for one group of up to `pieces` images: symbol probabilities `[kL, 11]`,
    /// prefixes `[kL + 1, classes]`, and two adjoint rows.
    func scratchCount(pieces: Int = 1) -> Int {
        let all = pieces * locations
        return all * DigitSum.symbols + (all + 1) * classes + 2 * classes
    }
}

/// Probabilities below this are reported as `log(floor)` (≈ −690.8) and pass no gradient, so a
/// sum the network rules out never gives −∞ or NaN.
let digitSumProbabilityFloor = 1e-300

/// Per-location softmax of a group's logits (`pieces` consecutive `[11, L]` blocks, channel-major)
/// into `probabilities` (`[pieces·L, 11]`).
@inline(__always)
func digitSymbolProbabilities<T: BinaryFloatingPoint>(
    _ g: DigitSumGeometry, logits: UnsafePointer<T>, pieces: Int, probabilities: UnsafeMutablePointer<Double>
) {
    let symbols = DigitSum.symbols
    let locations = g.locations
    for piece in 0..<pieces {
        let z = logits + piece &* g.inCount
        for l in 0..<locations {
            let p = probabilities + (piece &* locations &+ l) &* symbols
            var top = -Double.infinity
            for c in 0..<symbols { top = max(top, Double(z[c &* locations &+ l])) }
            var total = 0.0
            for c in 0..<symbols {
                let e = exp(Double(z[c &* locations &+ l]) - top)
                p[c] = e
                total += e
            }
            let inverse = 1 / total
            for c in 0..<symbols { p[c] *= inverse }
        }
    }
}

/// The value distribution of one location: `q(0) = p_none + p_0`, `q(v) = p_v` for v = 1…9.
@inline(__always)
func digitValueDistribution(_ p: UnsafePointer<Double>) -> SIMD16<Double> {
    var q = SIMD16<Double>()
    q[0] = p[0] + p[1]
    for v in 1...9 { q[v] = p[v &+ 1] }
    return q
}

/// Fills the prefix distributions `F_0 … F_L` (`prefixes`, `[L + 1, classes]`) from the `[L, 11]`
/// symbol probabilities of `locations` locations; `F_L` is the distribution of the sum.
func digitSumPrefixes(
    _ g: DigitSumGeometry, locations: Int, probabilities: UnsafePointer<Double>, prefixes: UnsafeMutablePointer<Double>
) {
    let classes = g.classes
    prefixes.update(repeating: 0, count: classes)
    prefixes[0] = 1
    for l in 0..<locations {
        let previous = prefixes + l &* classes
        let next = previous + classes
        let q = digitValueDistribution(probabilities + l &* DigitSum.symbols)
        // After l + 1 locations no sum above 9(l + 1) is possible.
        let reach = min(classes - 1, 9 &* (l &+ 1))
        for s in 0...reach {
            var total = 0.0
            for v in 0...min(9, s) { total += previous[s &- v] * q[v] }
            next[s] = total
        }
        if reach + 1 < classes { (next + reach + 1).update(repeating: 0, count: classes - reach - 1) }
    }
}

/// Forward pass of one group of `pieces` images (one image by default):
/// `output[s] = log P(sum = s)` for s in `0..<classes`.
func digitSumForwardImage<T: BinaryFloatingPoint>(
    _ g: DigitSumGeometry, logits: UnsafePointer<T>, pieces: Int = 1, output: UnsafeMutablePointer<T>,
    scratch: UnsafeMutablePointer<Double>
) {
    let locations = pieces * g.locations
    let probabilities = scratch
    let prefixes = scratch + locations * DigitSum.symbols
    digitSymbolProbabilities(g, logits: logits, pieces: pieces, probabilities: probabilities)
    digitSumPrefixes(g, locations: locations, probabilities: probabilities, prefixes: prefixes)
    let sum = prefixes + locations * g.classes
    for s in 0..<g.classes { output[s] = T(log(max(sum[s], digitSumProbabilityFloor))) }
}

/// Backward pass of one group of `pieces` images: overwrites `inputGradient` (`pieces` × `[11, L]`)
/// with d(loss)/d(logits) given `outputGradient` = d(loss)/d(log P(sum = s)), where the loss also
/// holds Σ_l `cellPenalties[l]` × P(location l holds a digit) (`[pieces·L]`; nil: none).
func digitSumBackwardImage<T: BinaryFloatingPoint>(
    _ g: DigitSumGeometry, logits: UnsafePointer<T>, pieces: Int = 1, outputGradient: UnsafePointer<T>,
    inputGradient: UnsafeMutablePointer<T>, scratch: UnsafeMutablePointer<Double>, cellPenalties: UnsafePointer<Double>?
) {
    let symbols = DigitSum.symbols
    let classes = g.classes
    let locations = pieces * g.locations
    let probabilities = scratch
    let prefixes = scratch + locations * symbols
    digitSymbolProbabilities(g, logits: logits, pieces: pieces, probabilities: probabilities)
    digitSumPrefixes(g, locations: locations, probabilities: probabilities, prefixes: prefixes)
    var adjoint = prefixes + (locations + 1) * classes
    var nextAdjoint = adjoint + classes
    // d(loss)/dP(s) = d(loss)/d(log P(s)) / P(s); floored probabilities pass nothing.
    let sum = prefixes + locations * classes
    for s in 0..<classes {
        adjoint[s] = sum[s] > digitSumProbabilityFloor ? Double(outputGradient[s]) / sum[s] : 0
    }
    for l in stride(from: locations - 1, through: 0, by: -1) {
        let previous = prefixes + l &* classes
        let p = probabilities + l &* symbols
        let q = digitValueDistribution(p)
        var dq = SIMD16<Double>()
        for v in 0...min(9, classes - 1) {
            var total = 0.0
            for a in 0..<(classes &- v) { total += adjoint[a &+ v] * previous[a] }
            dq[v] = total
        }
        for a in 0..<classes {
            var total = 0.0
            for v in 0...min(9, classes &- 1 &- a) { total += adjoint[a &+ v] * q[v] }
            nextAdjoint[a] = total
        }
        swap(&adjoint, &nextAdjoint)
        // Symbol c feeds value c − 1 (none and 0 both feed value 0), then the softmax's Jacobian.
        // The penalty on 1 − P(none) adds −penalty to the "none" symbol's gradient.
        let none = dq[0] - (cellPenalties?[l] ?? 0)
        var dot = p[0] * none
        for c in 1..<symbols { dot += p[c] * dq[c &- 1] }
        let (piece, cell) = l.quotientAndRemainder(dividingBy: g.locations)
        let d = inputGradient + piece &* g.inCount
        d[cell] = T(p[0] * (none - dot))
        for c in 1..<symbols { d[c &* g.locations &+ cell] = T(p[c] * (dq[c &- 1] - dot)) }
    }
}

/// Forward pass over a batch (`input` `[rows, 11·L]`): one output row (`[classes]`) per group
/// of `groups` (one per image when it has no piece counts).
func digitSumForward(
    _ g: DigitSumGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, groups: PieceGroups,
    scratch: UnsafeMutablePointer<Double>
) {
    var row = 0
    for group in 0..<groups.count {
        let pieces = groups.pieces(group)
        digitSumForwardImage(
            g, logits: input + row * g.inCount, pieces: pieces, output: output + group * g.classes, scratch: scratch)
        row += pieces
    }
}

/// Backward pass over a batch: overwrites `inputGradient` (`[rows, 11·L]`) from one output
/// gradient row per group; `cellPenalties` (`[rows, L]`, nil: none) weighs each location's
/// probability of holding a digit in the loss.
func digitSumBackward(
    _ g: DigitSumGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
    inputGradient: UnsafeMutablePointer<Float>, groups: PieceGroups, scratch: UnsafeMutablePointer<Double>,
    cellPenalties: UnsafePointer<Double>?
) {
    var row = 0
    for group in 0..<groups.count {
        let pieces = groups.pieces(group)
        digitSumBackwardImage(
            g, logits: input + row * g.inCount, pieces: pieces, outputGradient: outputGradient + group * g.classes,
            inputGradient: inputGradient + row * g.inCount, scratch: scratch, cellPenalties: cellPenalties.map { $0 + row * g.locations })
        row += pieces
    }
}
