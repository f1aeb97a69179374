import Classifier
import Foundation
import Testing

/// The digit-sum head on its own, in Double: exact against brute-force enumeration, and its
/// gradient against central finite differences.
@Suite("Digit-sum head")
struct DigitSumHeadTests {
    /// `[11, locations]` logits with a spread wide enough to make some locations confident.
    static func logits(locations: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(DigitSum.symbols * locations)).map { _ in Double(generator.nextFloat(symmetricBound: 3)) }
    }

    /// P(sum = s) by enumerating every assignment of a symbol to each location (11^L terms).
    static func bruteForce(logits: [Double], locations: Int, classes: Int) -> [Double] {
        let symbols = DigitSum.symbols
        let probabilities: [[Double]] = (0..<locations).map { l in
            let column = (0..<symbols).map { logits[$0 * locations + l] }
            let top = column.max()!
            let e = column.map { exp($0 - top) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
        var result = [Double](repeating: 0, count: classes)
        var assignment = [Int](repeating: 0, count: locations)
        while true {
            var probability = 1.0
            var sum = 0
            for (l, symbol) in assignment.enumerated() {
                probability *= probabilities[l][symbol]
                sum += symbol == DigitSum.noDigitChannel ? 0 : symbol - 1
            }
            if sum < classes { result[sum] += probability }
            var position = 0
            while position < locations {
                assignment[position] += 1
                if assignment[position] < symbols { break }
                assignment[position] = 0
                position += 1
            }
            if position == locations { break }
        }
        return result
    }

    @Test("matches enumeration", arguments: [(1, 10), (3, 28), (3, 12), (4, 37), (2, 2)])
    func exactAgainstEnumeration(locations: Int, classes: Int) {
        let logits = Self.logits(locations: locations, seed: UInt64(locations * 100 + classes))
        let head = DigitSum(locations: locations, classes: classes)
        let computed = head.logProbabilities(logits: logits).map(exp)
        let expected = Self.bruteForce(logits: logits, locations: locations, classes: classes)
        let error = zip(computed, expected).map { abs($0 - $1) }.max()!
        print("L=\(locations) classes=\(classes): max |P − P_enum| = \(error)")
        #expect(error < 1e-14)
        let total = computed.reduce(0, +)
        if classes > 9 * locations {
            #expect(abs(total - 1) < 1e-12, "without truncation the distribution sums to 1, got \(total)")
        } else {
            #expect(total < 1, "truncated mass must be missing, got \(total)")
        }
    }

    @Test func confidentLocationsGiveTheirSum() {
        // Location 0 says 7, location 1 says "no digit", location 2 says 0, location 3 says 9.
        let locations = 4
        let symbols = [8, 0, 1, 10]
        var logits = [Double](repeating: -30, count: DigitSum.symbols * locations)
        for (l, symbol) in symbols.enumerated() { logits[symbol * locations + l] = 30 }
        let output = DigitSum(locations: locations, classes: 37).logProbabilities(logits: logits)
        #expect(output.indices.max { output[$0] < output[$1] } == 16)
        #expect(abs(output[16]) < 1e-20)
        #expect(output.allSatisfy { $0.isFinite && $0 <= 0 })
    }

    /// An image cut into pieces is one image whose locations are all the pieces' locations: the
    /// grouped head gives exactly what a head over `pieces × locations` locations gives, forward
    /// and backward, with the logits laid out as one image.
    @Test("pieces add up like one image", arguments: [(2, 3, 28), (3, 2, 37), (1, 4, 19)])
    func piecesAddUpLikeOneImage(pieces: Int, locations: Int, classes: Int) {
        let symbols = DigitSum.symbols
        let blocks = (0..<pieces).map { Self.logits(locations: locations, seed: UInt64(40 + $0)) }
        let grouped = blocks.flatMap { $0 }
        // Channel c of location l in piece p sits at c·(pieces·L) + p·L + l in the one image.
        func asOneImage(_ x: [Double]) -> [Double] {
            var result: [Double] = []
            for c in 0..<symbols {
                for p in 0..<pieces {
                    let start = (p * symbols + c) * locations
                    result += x[start..<(start + locations)]
                }
            }
            return result
        }
        let head = DigitSum(locations: locations, classes: classes)
        let whole = DigitSum(locations: pieces * locations, classes: classes)
        #expect(head.logProbabilities(logits: grouped, pieces: pieces) == whole.logProbabilities(logits: asOneImage(grouped)))
        var generator = SeededGenerator(seed: 5)
        let weights = (0..<classes).map { _ in Double(generator.nextFloat(symmetricBound: 1)) }
        let penalties = (0..<(pieces * locations)).map { 0.1 * Double($0 % 3) }
        let gradient = head.logitsGradient(logits: grouped, pieces: pieces, outputGradient: weights, cellPenalties: penalties)
        let expected = whole.logitsGradient(logits: asOneImage(grouped), outputGradient: weights, cellPenalties: penalties)
        #expect(asOneImage(gradient) == expected)
        #expect(expected.contains { abs($0) > 1e-3 })
    }

    @Test("gradient matches finite differences", arguments: [(3, 28, 0.0), (5, 20, 0.0), (6, 46, 0.0), (5, 20, 0.3)])
    func gradient(locations: Int, classes: Int, cellPenalty: Double) {
        let head = DigitSum(locations: locations, classes: classes)
        let logits = Self.logits(locations: locations, seed: UInt64(7 + locations))
        var generator = SeededGenerator(seed: 99)
        // A loss Σ w_s · log P(s) with arbitrary weights exercises every output; the penalty adds
        // Σ_l λ_l · P(location l holds a digit), from each location's softmax over its 11 logits,
        // with λ_l = λ or 3λ (a blank cell's extra weight) in turn.
        let penalties = (0..<locations).map { cellPenalty * Double(1 + 2 * ($0 % 2)) }
        let weights = (0..<classes).map { _ in Double(generator.nextFloat(symmetricBound: 1)) }
        func weightedOccupiedCells(_ x: [Double]) -> Double {
            (0..<locations).reduce(0) { total, l in
                let column = (0..<DigitSum.symbols).map { x[$0 * locations + l] }
                let top = column.max()!
                let mass = column.reduce(0) { $0 + exp($1 - top) }
                return total + penalties[l] * (1 - exp(column[DigitSum.noDigitChannel] - top) / mass)
            }
        }
        func loss(_ x: [Double]) -> Double {
            zip(head.logProbabilities(logits: x), weights).reduce(0) { $0 + $1.0 * $1.1 } + weightedOccupiedCells(x)
        }
        let analytic = head.logitsGradient(logits: logits, outputGradient: weights, cellPenalties: penalties)
        let epsilon = 1e-6
        var worst = 0.0
        var scale = 0.0
        for index in logits.indices {
            var plus = logits
            var minus = logits
            plus[index] += epsilon
            minus[index] -= epsilon
            let numeric = (loss(plus) - loss(minus)) / (2 * epsilon)
            worst = max(worst, abs(numeric - analytic[index]))
            scale = max(scale, abs(numeric))
        }
        print("L=\(locations) classes=\(classes) λ=\(cellPenalty): max |analytic − numeric| = \(worst) (largest gradient \(scale))")
        #expect(scale > 1e-3)
        #expect(worst / scale < 1e-7)
    }

    @Test func crossEntropyStepLowersTheLoss() {
        // With softmax cross-entropy on top (what training does), the gradient of −log(P(y)/ΣP)
        // pulls the label's probability up: a step against it lowers the loss.
        let locations = 4
        let classes = 37
        let label = 12
        let head = DigitSum(locations: locations, classes: classes)
        var logits = Self.logits(locations: locations, seed: 5)
        func crossEntropy(_ x: [Double]) -> (Double, [Double]) {
            let z = head.logProbabilities(logits: x)
            let top = z.max()!
            let total = z.reduce(0) { $0 + exp($1 - top) }
            var gradient = z.map { exp($0 - top) / total }
            gradient[label] -= 1
            return (log(total) + top - z[label], gradient)
        }
        let (before, outputGradient) = crossEntropy(logits)
        let step = head.logitsGradient(logits: logits, outputGradient: outputGradient)
        for index in logits.indices { logits[index] -= 0.1 * step[index] }
        let (after, _) = crossEntropy(logits)
        #expect(after < before)
    }
}
