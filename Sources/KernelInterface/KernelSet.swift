/// Everything the engine computes in a hot loop, as one table per instruction set.
///
/// Each kernel set (`KernelsAVX512`, `KernelsAVX2`, `KernelsPortable`) is the same source
/// (`Sources/Kernels`) compiled for its CPU, with register tiles shaped for its registers; its
/// `Kernels` type conforms to this protocol. The engine picks one at start (`KernelSelection`) and
/// calls through it once per layer and image, never per element. The tables hold no state, so
/// their metatypes are shared across threads. All pointers are raw buffers the caller owns; no
/// kernel allocates.
public protocol KernelSet: SendableMetatype {
    static var name: KernelSetName { get }

    // MARK: Direct (blocked) convolution

    /// Reorders `[Cout, Cin, k, k]` weights to `[Cin·k·k, Cout]` for `blockedConvolution`.
    static func packConvolutionWeights(_ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>)
    /// Packs the flipped, channel-swapped weights of `g.inputGradient` for `blockedConvolution`.
    static func packInputGradientWeights(
        _ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>)
    /// Raw convolution (no bias) of one image into `output` laid out as `layout`.
    static func blockedConvolution(
        _ g: ConvolutionGeometry, layout: BlockedLayout, packedWeights: UnsafePointer<Float>,
        input: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>)
    /// Copies a blocked raw output into a dense `[Cout, OH, OW]` image, with bias and ReLU if asked.
    static func unpackBlocked(
        _ g: ConvolutionGeometry, layout: BlockedLayout, raw: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
        output: UnsafeMutablePointer<Float>)
    /// Copies `[Cin, H, W]` into zero-padded planes of `layout.rowStride` columns.
    static func padInput(_ g: ConvolutionGeometry, layout: BlockedLayout, input: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>)
    /// Copies a dense `[C, OH, OW]` gradient into the blocked layout `blockedWeightGradient` reads.
    static func spreadGradient(
        _ g: ConvolutionGeometry, layout: BlockedLayout, dense: UnsafePointer<Float>, into spread: UnsafeMutablePointer<Float>)
    /// Accumulates dW for one image from dOutput (blocked layout) and the padded input.
    static func blockedWeightGradient(
        _ g: ConvolutionGeometry, layout: BlockedLayout, outputGradient: UnsafePointer<Float>, padded: UnsafePointer<Float>,
        gradients: UnsafeMutablePointer<Float>)

    // MARK: Any convolution (im2col + matrix product)

    /// `output` (`[Cout, OH, OW]`) = W ⋆ input, then the epilogue. `scratch`: `g.patchSize·g.outPlane` floats.
    static func convolutionForward(
        _ g: ConvolutionGeometry, epilogue: ConvolutionEpilogue, parameters: UnsafePointer<Float>,
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>)
    /// Adds Σ dOutput over each channel's plane to the bias gradient.
    static func convolutionBiasGradient(
        _ g: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>)
    /// Accumulates dW += dOutput · im2col(input)ᵀ. `columns`: `2·g.patchSize·g.outPlane` floats.
    static func convolutionWeightGradient(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        gradients: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>)
    /// Overwrites `inputGradient` with col2im(Wᵀ · dOutput). `columns`: `g.patchSize·g.outPlane` floats.
    static func convolutionInputGradient(
        _ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>)

    // MARK: Winograd F(2×2, 3×3)

    /// Transformed weights `U` of the layer's own `[Cout, Cin, 3, 3]` weights.
    static func packWinogradWeights(_ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>)
    /// Transformed weights `U` of `weight(o, c, i, j)` (a flipped, transposed weight needs no copy).
    static func packWinogradWeights(
        _ g: ConvolutionGeometry, into packed: UnsafeMutablePointer<Float>, weight: (Int, Int, Int, Int) -> Float)
    /// Convolution + bias + ReLU + 2×2 max-pool of one image (inference).
    static func winogradConvolutionPool(
        _ g: ConvolutionGeometry, layout: WinogradLayout, packedWeights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, products: UnsafeMutablePointer<Float>,
        output: UnsafeMutablePointer<Float>)
    /// Convolution of one image as a dense `[Cout, H, W]` image, with bias and ReLU if asked.
    static func winogradConvolution(
        _ g: ConvolutionGeometry, layout: WinogradLayout, packedWeights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        relu: Bool, input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, products: UnsafeMutablePointer<Float>,
        output: UnsafeMutablePointer<Float>)

    // MARK: Winograd F(4×4, 3×3), pooled inference only

    /// Transformed weights `U` of the layer's own `[Cout, Cin, 3, 3]` weights.
    static func packWinograd4x4Weights(
        _ g: ConvolutionGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>)
    /// Convolution + bias + ReLU + 2×2 max-pool of one image.
    static func winograd4x4ConvolutionPool(
        _ g: ConvolutionGeometry, layout: Winograd4x4Layout, packedWeights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>, input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        products: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>)

    // MARK: Pooling and ReLU

    /// Max-pool of one image; `argmax` (if given) receives each maximum's input index.
    static func maxPoolForward(
        _ g: PoolGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?)
    /// Sends each output gradient to the input position `maxPoolForward` recorded.
    static func maxPoolBackward(
        _ g: PoolGeometry, argmax: UnsafePointer<Int32>, outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>)
    /// `max(0, max(window) + bias[c])` over an input with the given strides (inference).
    static func maxPoolBiasRelu(
        _ g: PoolGeometry, bias: UnsafePointer<Float>, input: UnsafePointer<Float>, rowStride: Int, planeStride: Int,
        output: UnsafeMutablePointer<Float>)
    static func reluForward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int)
    /// Zeroes `gradient[i]` where `activation[i]` is not positive.
    static func reluMask(_ gradient: UnsafeMutablePointer<Float>, activation: UnsafePointer<Float>, count: Int)

    // MARK: Fully connected

    /// Floats of packed inference weights (`packDenseWeights`).
    static func packedDenseCount(_ g: DenseGeometry) -> Int
    /// Floats of `packedDenseForward`'s scratch for `rows` samples.
    static func packedDenseScratchCount(_ g: DenseGeometry, rows: Int) -> Int
    /// Packs `[out, in]` weights into register-tile order; `packed` must be zeroed.
    static func packDenseWeights(_ g: DenseGeometry, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>)
    /// `output = input · Wᵀ + b` (then ReLU) from packed weights (inference).
    static func packedDenseForward(
        _ g: DenseGeometry, relu: Bool, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, scratch: UnsafeMutablePointer<Float>)
    /// `output = input · Wᵀ + b` (then ReLU) from the arena's weights (training).
    static func blockedDenseForward(
        _ g: DenseGeometry, relu: Bool, parameters: UnsafePointer<Float>,
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int)
    /// dW (+)= dYᵀ·X, db += Σ dY, and dX = dY·W if `inputGradient` is given.
    static func denseBackward(
        _ g: DenseGeometry, parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?, rows: Int,
        accumulateWeights: Bool)

    // MARK: Optimiser and peak

    /// One Adam step over `count` parameters (see `AdamStep`).
    static func adamUpdate(
        _ step: AdamStep, parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
        m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, count: Int)
    /// Runs `iterations` of independent register FMAs (no memory traffic) and writes a result to
    /// `sink`; `peakFLOPsPerIteration` floating-point operations each. The roofline's flat part.
    static func peakLoop(iterations: Int, into sink: UnsafeMutablePointer<Float>)
    static var peakFLOPsPerIteration: Int { get }
}
