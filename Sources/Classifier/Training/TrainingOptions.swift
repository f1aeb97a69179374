/// Hyperparameters of a training run (the defaults are the seed's: Adam 1e-3, batch 64, 80/20 split).
public struct TrainingOptions: Sendable, Hashable {
    public var epochs = 10
    public var batchSize = 64
    public var learningRate: Float = 1e-3
    public var validationFraction = 0.2
    /// Seeds the weights, the split and the per-epoch shuffles.
    public var seed: UInt64 = 0
    public var workers = defaultWorkerCount
    /// Distorts each training image afresh every epoch (validation images never); nil: off.
    public var elastic: ElasticDistortion?

    public init() {}
}
