import KernelInterface

/// What a layer's engine step works with besides its own input and output: the kernel set, the
/// parameter arena and one worker's scratch. Only pointers, so passing it costs nothing.
struct StepContext {
    let kernels: any KernelSet.Type
    let parameters: UnsafePointer<Float>
    /// Padded input, im2col columns or Winograd transforms of the current convolution.
    let scratch: UnsafeMutablePointer<Float>
    /// A convolution's raw output (blocked layout or Winograd products), or a gradient spread into it.
    let raw: UnsafeMutablePointer<Float>
    /// The digit-sum head's per-image scratch.
    let digitSumScratch: UnsafeMutablePointer<Double>
}
