import KernelInterface
import Testing

@testable import Classifier

/// The F(4×4, 3×3) pooled kernel (`winograd4x4ConvolutionPool`) against a Double convolution + ReLU
/// + MaxPool2d(2), called directly so that every size runs it whatever the plan would choose: even
/// and odd sizes, sizes smaller than one 4×4 tile, rows wide enough for the vectorised split, and
/// the channel counts digitsum uses. Scratch and products start as NaN, so a value read before it
/// is written (or slack that is not zero) shows up in the output.
@Suite("Winograd F(4×4, 3×3) pooled vs a plain reference")
struct Winograd4x4PoolTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        var inChannels: Int, outChannels: Int, height: Int, width: Int
        var testDescription: String { "\(inChannels)→\(outChannels) at \(height)×\(width)" }
    }

    static let shapes: [Shape] = [
        Shape(inChannels: 8, outChannels: 8, height: 2, width: 2),
        Shape(inChannels: 8, outChannels: 16, height: 3, width: 5),
        Shape(inChannels: 8, outChannels: 8, height: 4, width: 4),
        Shape(inChannels: 16, outChannels: 8, height: 6, width: 13),
        Shape(inChannels: 8, outChannels: 24, height: 9, width: 35),
        Shape(inChannels: 32, outChannels: 64, height: 14, width: 70),
        Shape(inChannels: 64, outChannels: 64, height: 7, width: 35),
        Shape(inChannels: 64, outChannels: 64, height: 3, width: 17),
        Shape(inChannels: 8, outChannels: 32, height: 16, width: 67),
    ]

    /// Max-norm relative error allowed (`max|Δ| / max|expected|`). F(4×4, 3×3)'s transforms
    /// scale values by up to 8 (Aᵀ), 5 (Bᵀ) and 1/24 (G), so its float32 rounding is about 10×
    /// F(2×2, 3×3)'s (printed side by side: up to 3.2e-6 against 3e-7 here, growing with the
    /// input channels summed); 1e-5 leaves room for that growth and is far below what changes a
    /// prediction.
    static let tolerance = 1e-5

    @Test("matches convolution + ReLU + pool, as F(2×2, 3×3) does", arguments: EngineTestSupport.kernelSets, shapes)
    func matchesReference(kernels name: KernelSetName, shape: Shape) {
        let (cin, cout, h, w) = (shape.inChannels, shape.outChannels, shape.height, shape.width)
        let g = ConvolutionGeometry(
            inChannels: cin, outChannels: cout, kernel: 3, padding: 1, inHeight: h, inWidth: w, outHeight: h, outWidth: w,
            weight: 0, bias: cout * cin * 9)
        let bound = Float(1 / (9 * Double(cin)).squareRoot())
        let parameters = EngineTestSupport.uniform(cout * cin * 9 + cout, seed: 21, in: -bound...bound)
        let input = EngineTestSupport.uniform(cin * h * w, seed: 22)
        let expected = EngineReferenceForwardTests.reluPool(
            EngineReferenceForwardTests.conv(
                input.map(Double.init), cin: cin, h: h, w: w, weight: Array(parameters[..<g.bias]),
                bias: Array(parameters[g.bias...]), cout: cout, k: 3),
            c: cout, h: h, w: w
        ).map(Float.init)

        let kernels = KernelSelection.kernels(name)
        let layout = Winograd4x4Layout(g)
        var packed = [Float](repeating: .nan, count: layout.weightCount)
        var scratch = [Float](repeating: .nan, count: layout.scratchCount)
        var products = [Float](repeating: .nan, count: layout.productCount)
        // One sentinel past the end: nothing may be written there.
        var output = [Float](repeating: -1, count: expected.count + 1)
        parameters.withUnsafeBufferPointer { parameters in
            packed.withUnsafeMutableBufferPointer { packed in
                kernels.packWinograd4x4Weights(g, parameters: parameters.baseAddress!, into: packed.baseAddress!)
                kernels.winograd4x4ConvolutionPool(
                    g, layout: layout, packedWeights: packed.baseAddress!, bias: parameters.baseAddress! + g.bias,
                    input: input, scratch: &scratch, products: &products, output: &output)
            }
        }
        #expect(output.last == -1)
        let error = EngineTestSupport.relativeError(Array(output.dropLast()), expected)
        let reference = Self.twoByTwo(kernels, g, parameters: parameters, input: input)
        let referenceError = EngineTestSupport.relativeError(reference, expected)
        print(
            "\(name) \(shape.testDescription): F(4×4) max |Δ| \(error.absolute), relative \(error.relative); "
                + "F(2×2) max |Δ| \(referenceError.absolute), relative \(referenceError.relative)")
        #expect(error.relative < Self.tolerance)
        #expect(referenceError.relative < Self.tolerance)
    }

    /// The same layer by F(2×2, 3×3) (`winogradConvolutionPool`), for comparison; its scratch and
    /// products start as NaN too, as it also computes only the positions holding tiles.
    static func twoByTwo(_ kernels: any KernelSet.Type, _ g: ConvolutionGeometry, parameters: [Float], input: [Float]) -> [Float] {
        let layout = WinogradLayout(g)
        var packed = [Float](repeating: 0, count: layout.weightCount)
        var scratch = [Float](repeating: .nan, count: layout.scratchCount)
        var products = [Float](repeating: .nan, count: layout.productCount)
        var output = [Float](repeating: 0, count: g.outChannels * (g.outHeight / 2) * (g.outWidth / 2))
        parameters.withUnsafeBufferPointer { parameters in
            packed.withUnsafeMutableBufferPointer { packed in
                kernels.packWinogradWeights(g, parameters: parameters.baseAddress!, into: packed.baseAddress!)
                kernels.winogradConvolutionPool(
                    g, layout: layout, packedWeights: packed.baseAddress!, bias: parameters.baseAddress! + g.bias,
                    input: input, scratch: &scratch, products: &products, output: &output)
            }
        }
        return output
    }

    /// The planes drop the column past the tiles when the pooled columns are odd (the last tile's
    /// right window is thrown away, and its left window never needs that column), so the seed
    /// network's conv2 holds its tiles in 72 positions, three AVX2 register tiles, and keeps the
    /// column when the last tile's right window is kept. `matchesReference` runs both kinds.
    @Test("tile positions: the column past the tiles only when the pooled columns are even")
    func tilePositions() {
        func layout(_ h: Int, _ w: Int) -> Winograd4x4Layout {
            Winograd4x4Layout(
                ConvolutionGeometry(
                    inChannels: 32, outChannels: 64, kernel: 3, padding: 1, inHeight: h, inWidth: w, outHeight: h,
                    outWidth: w, weight: 0, bias: 0))
        }
        let seed = layout(14, 70)  // pooled 7×35
        #expect(seed.tileColumns == 18 && seed.planeWidth == 18)
        #expect(seed.tilePositions == 72 && seed.positions == 80)
        let even = layout(14, 72)  // pooled 7×36
        #expect(even.tileColumns == 18 && even.planeWidth == 19)
        #expect(even.tilePositions == 76)
    }

    /// The plan's cost rule on digitsum's pooled layers: F(4×4, 3×3) where its tiles fill well
    /// (14×70: 36·80 against 16·256 products per channel pair), F(2×2, 3×3) where rounding the
    /// fewer, coarser tiles up to whole register blocks wastes more (7×35: 36·32 against 16·64;
    /// 3×17: 36·16 against 16·32).
    @Test("the plan takes F(4×4, 3×3) only where it computes fewer products")
    func planChoosesByProducts() {
        func plan(_ cin: Int, _ cout: Int, _ h: Int, _ w: Int) -> ConvolutionPlan.Forward {
            let g = ConvolutionGeometry(
                inChannels: cin, outChannels: cout, kernel: 3, padding: 1, inHeight: h, inWidth: w, outHeight: h, outWidth: w,
                weight: 0, bias: 0)
            let pool = PoolGeometry(channels: cout, kernel: 2, inHeight: h, inWidth: w, outHeight: h / 2, outWidth: w / 2)
            return ConvolutionPlan(g, inferencePool: pool).forward
        }
        func isFourByFour(_ forward: ConvolutionPlan.Forward) -> Bool {
            if case .winograd4x4 = forward { return true }
            return false
        }
        #expect(isFourByFour(plan(32, 64, 14, 70)))
        #expect(!isFourByFour(plan(64, 64, 7, 35)))
        #expect(!isFourByFour(plan(64, 64, 3, 17)))
        // Training (no pool fused) keeps F(2×2, 3×3).
        let g = ConvolutionGeometry(
            inChannels: 32, outChannels: 64, kernel: 3, padding: 1, inHeight: 14, inWidth: 70, outHeight: 14, outWidth: 70,
            weight: 0, bias: 0)
        #expect(!isFourByFour(ConvolutionPlan(g).forward))
    }
}
