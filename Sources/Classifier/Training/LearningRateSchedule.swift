import Foundation

/// How the learning rate moves over a run: constant (the seed's recipe), or a linear warm-up
/// followed by a cosine decay to zero (`torch.optim.lr_scheduler` `LinearLR` then `CosineAnnealingLR`,
/// stepped once per minibatch).
public enum LearningRateSchedule: String, Sendable, Hashable, CaseIterable {
    case constant
    case cosine

    /// The learning rate for minibatch `step` (0-based) of `totalSteps`, of which the first
    /// `warmupSteps` ramp up linearly from `peak / warmupSteps` to `peak`.
    public func rate(peak: Float, step: Int, totalSteps: Int, warmupSteps: Int) -> Float {
        switch self {
        case .constant:
            return peak
        case .cosine:
            if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
            let decaying = max(1, totalSteps - warmupSteps)
            let progress = Double(min(step - warmupSteps, decaying)) / Double(decaying)
            return peak * Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
