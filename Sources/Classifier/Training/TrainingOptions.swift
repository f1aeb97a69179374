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
    /// How the learning rate moves from minibatch to minibatch; `learningRate` is its peak.
    public var schedule = LearningRateSchedule.constant
    /// Epochs of linear warm-up before the cosine decay (fractions allowed).
    public var warmupEpochs = 0.0
    /// AdamW's decoupled weight decay λ (0: plain Adam).
    public var weightDecay: Float = 0
    /// Label smoothing ε of the cross-entropy (0: off).
    public var labelSmoothing: Float = 0
    /// λ on a digit-sum network's expected number of occupied cells per image (0: off). Sums
    /// alone let a network spread a digit's value over several cells (8 as 2 + 2 + 2 + 2); the
    /// penalty makes one cell per digit the cheaper reading.
    public var cellPenalty: Float = 0
    /// Further λ on each occupied cell with no ink within half a cell of it (0: off). With a view
    /// wider than the image, a network can read every digit from a few edge cells (it knows
    /// where the edge is), which fits the training digits but not new writers; this makes a
    /// digit's own cell the cheaper place to claim it.
    public var blankCellPenalty: Float = 0
    /// Share of the training images (drawn afresh each epoch) a digit-sum network sees cut into
    /// their ink-separated pieces (`InkPieces`), one group with the image's sum (0: none). Pieces
    /// hold fewer digits and no cell sees into another piece, so each must carry its own digits.
    public var pieces = 0.0
    /// Grid phases the trained network averages over when it predicts (see `GridPlacements`): the
    /// held-out test set is scored that way, validation with one pass (it is scored every epoch).
    public var gridPhases = 1

    public init() {}
}
