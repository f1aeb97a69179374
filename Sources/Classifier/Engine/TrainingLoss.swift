/// The terms of the loss a training step minimises, beyond plain cross-entropy on the sum.
struct TrainingLoss: Sendable {
    /// Label smoothing ε: the target puts ε spread evenly over every class.
    var labelSmoothing: Float
    /// λ on a digit-sum network's expected number of occupied cells, Σ P(cell holds a digit).
    var cellPenalty: Float
}
