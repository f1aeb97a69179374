/// The terms of the loss a training step minimises, beyond plain cross-entropy on the sum.
struct TrainingLoss: Sendable {
    /// Label smoothing ε: the target puts ε spread evenly over every class.
    var labelSmoothing: Float
    /// λ on a digit-sum network's expected number of occupied cells, Σ P(cell holds a digit).
    var cellPenalty: Float
    /// Further λ on each occupied cell with no ink near it (`BlankCells`): a cell that claims a
    /// digit from across the image, instead of the one it sits on, pays it.
    var blankCellPenalty: Float

    /// Whether a digit-sum head needs per-cell penalties at all.
    var penalisesCells: Bool { cellPenalty > 0 || blankCellPenalty > 0 }
}
