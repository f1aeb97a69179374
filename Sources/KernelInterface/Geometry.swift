/// Shapes of the layers the kernels compute, shared by the engine (which plans and sizes buffers)
/// and every kernel set (which computes). Offsets are into the parameter arena.

/// Shapes and arena offsets of one convolution (stride 1, zero padding).
public struct ConvolutionGeometry: Sendable, Hashable {
    public var inChannels: Int, outChannels: Int, kernel: Int, padding: Int
    public var inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int
    /// Arena offsets of the `[out, in, k, k]` weight and the `[out]` bias.
    public var weight: Int, bias: Int

    public init(
        inChannels: Int, outChannels: Int, kernel: Int, padding: Int, inHeight: Int, inWidth: Int, outHeight: Int,
        outWidth: Int, weight: Int, bias: Int
    ) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.padding = padding
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outHeight = outHeight
        self.outWidth = outWidth
        self.weight = weight
        self.bias = bias
    }

    /// Rows of the im2col matrix (`in × k × k`).
    @inlinable public var patchSize: Int { inChannels * kernel * kernel }
    @inlinable public var outPlane: Int { outHeight * outWidth }
    @inlinable public var inCount: Int { inChannels * inHeight * inWidth }
    @inlinable public var outCount: Int { outChannels * outPlane }

    /// The convolution whose output is this one's dInput: dOutput zero-padded by `k−1−p`, convolved
    /// with the weights flipped and their in/out channels swapped (`Cout → Cin` over `OH×OW`).
    public var inputGradient: ConvolutionGeometry {
        ConvolutionGeometry(
            inChannels: outChannels, outChannels: inChannels, kernel: kernel, padding: kernel - 1 - padding,
            inHeight: outHeight, inWidth: outWidth, outHeight: inHeight, outWidth: inWidth, weight: 0, bias: 0)
    }
}

/// Shapes of one max-pool (window = stride = `kernel`, floor rounding).
public struct PoolGeometry: Sendable, Hashable {
    public var channels: Int, kernel: Int
    public var inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int

    public init(channels: Int, kernel: Int, inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int) {
        self.channels = channels
        self.kernel = kernel
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outHeight = outHeight
        self.outWidth = outWidth
    }

    @inlinable public var inCount: Int { channels * inHeight * inWidth }
    @inlinable public var outCount: Int { channels * outHeight * outWidth }
}

/// Shapes and arena offsets of one fully connected layer (`y = x·Wᵀ + b`, W is `[out, in]`).
public struct DenseGeometry: Sendable, Hashable {
    public var inFeatures: Int, outFeatures: Int
    /// Arena offsets of the `[out, in]` weight and the `[out]` bias.
    public var weight: Int, bias: Int

    public init(inFeatures: Int, outFeatures: Int, weight: Int, bias: Int) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weight = weight
        self.bias = bias
    }
}

/// What a convolution adds to its raw output: the bias, and ReLU after it.
public enum ConvolutionEpilogue: Sendable {
    /// Raw `W ⋆ input`: the caller adds the bias later (e.g. after max-pooling, which commutes with it).
    case none
    case bias
    case biasRelu
}
