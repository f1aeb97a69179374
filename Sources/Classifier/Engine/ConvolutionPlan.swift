import KernelInterface

/// How one convolution layer runs: the one place that decides, read by inference
/// (`InferenceStep`) and training (`TrainingWorkspace`) alike, for every kernel set.
///
/// - Forward: Winograd F(2×2, 3×3) for 3×3 layers on even sizes with 8+ input channels (at
///   inference, odd sizes too when a 2×2 max-pool follows: it drops the odd row and column), else
///   the blocked direct kernel for multiples of 8 output channels, else im2col + matrix product.
///   At inference, a layer whose 2×2 max-pool is fused runs F(4×4, 3×3) instead when that computes
///   fewer products, counting the positions each wastes (`productMultiplyAdds`): wide layers gain,
///   small ones lose to its coarser tiles.
/// - Weight gradient: the blocked kernel for multiples of 8 output channels on outputs of 128+
///   flattened positions (`BlockedLayout.appliesToWeightGradient`), else im2col.
/// - Input gradient (itself a convolution, `g.inputGradient`): Winograd or blocked by the same
///   rules, else im2col.
struct ConvolutionPlan: Sendable {
    enum Forward: Sendable {
        case winograd(WinogradLayout)
        /// Only with the pool fused (`forwardPooled`).
        case winograd4x4(Winograd4x4Layout)
        case blocked(BlockedLayout)
        case im2col
    }

    enum InputGradient: Sendable {
        case winograd(ConvolutionGeometry, WinogradLayout)
        case blocked(ConvolutionGeometry, BlockedLayout)
        case im2col
    }

    let geometry: ConvolutionGeometry
    let forward: Forward
    /// The blocked weight gradient's layout (nil: im2col).
    let blockedWeightGradient: BlockedLayout?
    let inputGradient: InputGradient

    /// The plan of convolution `g`; `inferencePool` is the max-pool that follows it at inference,
    /// which the forward pass then computes too (training keeps every output, so passes nil).
    init(_ g: ConvolutionGeometry, inferencePool: PoolGeometry? = nil) {
        geometry = g
        if let pool = inferencePool, let layout = Self.winograd4x4(g, pool: pool) {
            forward = .winograd4x4(layout)
        } else if WinogradLayout.applies(to: g) || inferencePool.map({ WinogradLayout.applies(to: g, pool: $0) }) == true {
            forward = .winograd(WinogradLayout(g))
        } else if BlockedLayout.applies(to: g) {
            forward = .blocked(BlockedLayout(g))
        } else {
            forward = .im2col
        }
        blockedWeightGradient = BlockedLayout.appliesToWeightGradient(g) ? BlockedLayout(g) : nil
        let transposed = g.inputGradient
        if WinogradLayout.applies(to: transposed) {
            inputGradient = .winograd(transposed, WinogradLayout(transposed))
        } else if BlockedLayout.applies(to: transposed) && g.padding <= g.kernel - 1 {
            inputGradient = .blocked(transposed, BlockedLayout(transposed))
        } else {
            inputGradient = .im2col
        }
    }

    /// F(4×4, 3×3) for convolution `g` fused with `pool`, if it applies and computes fewer products
    /// than F(2×2, 3×3) (both counted over every position they compute).
    private static func winograd4x4(_ g: ConvolutionGeometry, pool: PoolGeometry) -> Winograd4x4Layout? {
        guard Winograd4x4Layout.applies(to: g, pool: pool) else { return nil }
        let layout = Winograd4x4Layout(g)
        return layout.productMultiplyAdds < WinogradLayout(g).productMultiplyAdds ? layout : nil
    }

    /// Floats of packed forward weights.
    var forwardWeightCount: Int {
        switch forward {
        case .winograd(let layout): layout.weightCount
        case .winograd4x4(let layout): layout.weightCount
        case .blocked: geometry.patchSize * geometry.outChannels
        case .im2col: 0
        }
    }

    /// Floats of packed input-gradient weights.
    var inputGradientWeightCount: Int {
        switch inputGradient {
        case .winograd(_, let layout): layout.weightCount
        case .blocked(let transposed, _): transposed.patchSize * transposed.outChannels
        case .im2col: 0
        }
    }

    /// Floats of scratch (padded input, Winograd quarters and transforms, or im2col columns) the
    /// forward pass needs, and with `training` the backward pass too.
    func scratchCount(training: Bool) -> Int {
        let columns = geometry.patchSize * geometry.outPlane
        var count: Int
        switch forward {
        case .winograd(let layout): count = layout.scratchCount
        case .winograd4x4(let layout): count = layout.scratchCount
        case .blocked(let layout): count = layout.paddedCount
        case .im2col: count = columns
        }
        guard training else { return count }
        // The im2col weight gradient keeps the columns and their transpose.
        count = max(count, blockedWeightGradient?.paddedCount ?? 2 * columns)
        switch inputGradient {
        case .winograd(_, let layout): count = max(count, layout.scratchCount)
        case .blocked(_, let layout): count = max(count, layout.paddedCount)
        case .im2col: count = max(count, columns)
        }
        return count
    }

    /// Floats of raw output (blocked layout or Winograd products) the forward pass needs, and with
    /// `training` the backward pass too.
    func rawOutputCount(training: Bool) -> Int {
        var count: Int
        switch forward {
        case .winograd(let layout): count = layout.productCount
        case .winograd4x4(let layout): count = layout.productCount
        case .blocked(let layout): count = layout.outputCount
        case .im2col: count = geometry.outCount
        }
        guard training else { return count }
        count = max(count, blockedWeightGradient?.outputCount ?? 0)
        switch inputGradient {
        case .winograd(_, let layout): count = max(count, layout.productCount)
        case .blocked(_, let layout): count = max(count, layout.outputCount)
        case .im2col: break
        }
        return count
    }

    /// Writes the forward kernel's packed weights (nothing for im2col).
    func packForwardWeights(_ kernels: any KernelSet.Type, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
        switch forward {
        case .winograd: kernels.packWinogradWeights(geometry, parameters: parameters, into: packed)
        case .winograd4x4: kernels.packWinograd4x4Weights(geometry, parameters: parameters, into: packed)
        case .blocked: kernels.packConvolutionWeights(geometry, parameters: parameters, into: packed)
        case .im2col: break
        }
    }

    /// Writes the input-gradient kernel's packed weights (nothing for im2col).
    func packInputGradientWeights(
        _ kernels: any KernelSet.Type, parameters: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>
    ) {
        let g = geometry
        switch inputGradient {
        case .winograd(let transposed, _):
            // dInput convolves dOutput with the flipped weights, input and output channels swapped.
            kernels.packWinogradWeights(transposed, into: packed) { o, c, i, j in
                parameters[g.weight + ((c * g.inChannels + o) * 3 + 2 - i) * 3 + 2 - j]
            }
        case .blocked: kernels.packInputGradientWeights(g, parameters: parameters, into: packed)
        case .im2col: break
        }
    }

    /// Whether inference fuses the max-pool `pool` that follows this convolution (and its ReLU):
    /// F(2×2, 3×3) only for 2×2 pools (a pool window is then one output tile); F(4×4, 3×3) was
    /// chosen for its pool; the others always.
    func fusesPool(_ pool: PoolGeometry) -> Bool {
        switch forward {
        case .winograd: pool.kernel == 2
        case .winograd4x4, .blocked, .im2col: true
        }
    }

    /// One image's convolution as a dense `[Cout, OH, OW]` output plus the bias, clamped at 0 if
    /// `relu`. `packed` holds this plan's forward weights; `scratch` and `raw` hold at least
    /// `scratchCount` and `rawOutputCount` floats.
    func forward(
        _ kernels: any KernelSet.Type, parameters: UnsafePointer<Float>, packed: UnsafePointer<Float>?, relu: Bool,
        input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, raw: UnsafeMutablePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        let g = geometry
        let bias = parameters + g.bias
        switch forward {
        case .winograd(let layout):
            kernels.winogradConvolution(
                g, layout: layout, packedWeights: packed!, bias: bias, relu: relu, input: input,
                scratch: scratch, products: raw, output: output)
        case .winograd4x4:
            preconditionFailure("F(4×4, 3×3) runs only fused with its pool")
        case .blocked(let layout):
            kernels.blockedConvolution(g, layout: layout, packedWeights: packed!, input: input, padded: scratch, output: raw)
            kernels.unpackBlocked(g, layout: layout, raw: raw, bias: bias, relu: relu, output: output)
        case .im2col:
            kernels.convolutionForward(
                g, epilogue: relu ? .biasRelu : .bias, parameters: parameters, input: input, output: output,
                scratch: scratch)
        }
    }

    /// One image's convolution + bias + ReLU + `pool` (which `fusesPool` accepted), written pooled:
    /// Winograd pools each output tile's windows as it comes out; the other kernels pool their raw output
    /// and add the bias and ReLU to the pooled values (both commute with the max).
    func forwardPooled(
        _ kernels: any KernelSet.Type, pool: PoolGeometry, parameters: UnsafePointer<Float>, packed: UnsafePointer<Float>?,
        input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, raw: UnsafeMutablePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        let g = geometry
        let bias = parameters + g.bias
        switch forward {
        case .winograd(let layout):
            kernels.winogradConvolutionPool(
                g, layout: layout, packedWeights: packed!, bias: bias, input: input, scratch: scratch,
                products: raw, output: output)
        case .winograd4x4(let layout):
            kernels.winograd4x4ConvolutionPool(
                g, layout: layout, packedWeights: packed!, bias: bias, input: input, scratch: scratch,
                products: raw, output: output)
        case .blocked(let layout):
            kernels.blockedConvolution(g, layout: layout, packedWeights: packed!, input: input, padded: scratch, output: raw)
            kernels.maxPoolBiasRelu(
                pool, bias: bias, input: raw, rowStride: layout.rowStride, planeStride: layout.planeStride,
                output: output)
        case .im2col:
            kernels.convolutionForward(g, epilogue: .none, parameters: parameters, input: input, output: raw, scratch: scratch)
            kernels.maxPoolBiasRelu(pool, bias: bias, input: raw, rowStride: g.outWidth, planeStride: g.outPlane, output: output)
        }
    }
}
