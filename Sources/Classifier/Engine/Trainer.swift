import Foundation
import KernelInterface

/// Loss and accuracy count of one training minibatch (before the update).
public struct StepResult: Sendable, Hashable {
    /// Mean cross-entropy over the batch.
    public var loss: Float
    /// Images of the batch whose argmax matched the label.
    public var correct: Int
}

/// Trains a network with Adam, data-parallel over `workers` threads.
///
/// Owns the parameters, the gradient arena and Adam's moments (each one contiguous array in
/// `Parameters` order). A minibatch is split into `workers` fixed shards (a shard larger than
/// `microBatchLimit` runs in micro-batches whose gradients add up); each worker computes the
/// gradient of its shard's share of the batch-mean loss, and the shards' gradients are summed in
/// worker order — so for a fixed seed and worker count every run gives bit-identical results.
/// Different worker counts agree to rounding (about 1e-6 relative).
///
/// Not thread-safe; `step` blocks the calling thread while the workers run (call it from a
/// dedicated thread, not from the Swift concurrency pool).
public final class Trainer {
    public var architecture: Architecture { parameters.architecture }
    /// The current parameters (a value: take a copy to checkpoint or to build an `InferenceNetwork`).
    public private(set) var parameters: Parameters
    /// d(batch-mean loss)/d(parameters) of the last `computeGradients`/`step`, in arena order.
    public private(set) var gradients: [Float]
    public var adam: AdamConfiguration
    /// Label smoothing ε of the loss: the target puts ε spread evenly over every class (0: off).
    public var labelSmoothing: Float = 0
    /// Weight λ of each image's expected number of occupied cells in a digit-sum network's loss
    /// (0: off; see `TrainingOptions.cellPenalty`). Not part of the reported loss.
    public var cellPenalty: Float = 0
    /// Further weight on each occupied cell with no ink near it (see `TrainingOptions.blankCellPenalty`).
    public var blankCellPenalty: Float = 0
    /// Adam's step count and moments (a copy; pass it back to `init` to resume).
    public var adamState: AdamState { AdamState(step: adamStep, m: adamM, v: adamV) }
    public let workers: Int
    /// The instruction set the kernels run on (see `KernelSelection`).
    public let kernelSet: KernelSetName

    private let kernels: any KernelSet.Type
    private let plan: NetworkPlan
    private var adamStep: Int
    private var adamM: [Float]
    private var adamV: [Float]
    private var workspaces: [TrainingWorkspace] = []
    /// The arena ranges of weight tensors (rank ≥ 2), which AdamW's decay applies to; biases are not decayed.
    private let weightRanges: [Range<Int>]

    /// A trainer starting from `parameters`, with fresh Adam moments unless `adamState` is given
    /// (e.g. when resuming from a checkpoint), on the given kernel set or the process's when nil.
    public init(
        parameters: Parameters, adam: AdamConfiguration = AdamConfiguration(), adamState: AdamState? = nil,
        workers: Int = defaultWorkerCount, kernelSet: KernelSetName? = nil
    ) throws {
        precondition(workers > 0, "need at least one worker")
        self.kernelSet = try KernelSelection.resolve(kernelSet)
        kernels = KernelSelection.kernels(self.kernelSet)
        plan = try NetworkPlan(parameters.architecture)
        let count = parameters.values.count
        if let adamState, adamState.m.count != count || adamState.v.count != count || adamState.step < 0 {
            throw EngineError(
                "Adam state has \(adamState.m.count)/\(adamState.v.count) moments at step \(adamState.step), but the network has \(count) parameters"
            )
        }
        self.parameters = parameters
        self.adam = adam
        let state = adamState ?? AdamState(parameterCount: count)
        adamStep = state.step
        adamM = state.m
        adamV = state.v
        self.workers = workers
        gradients = [Float](repeating: 0, count: count)
        weightRanges = zip(parameters.specs, parameters.ranges).filter { $0.0.shape.count >= 2 }.map(\.1)
    }

    /// One training step on a minibatch: gradients of the mean loss, then one Adam update.
    /// `images` is `[count, H, W]` floats in [0, 1]; `labels` are class indices. With `pieces`,
    /// image `i` is `pieces[i]` consecutive rows of `images` (its ink-separated pieces, see
    /// `InkPieces`) whose cells add up to its one sum; only a digit-sum network takes pieces.
    @discardableResult
    public func step(
        images: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int>, count: Int, pieces: UnsafeBufferPointer<Int>? = nil
    ) throws -> StepResult {
        let result = try computeGradients(images: images, labels: labels, count: count, pieces: pieces)
        applyAdam()
        return result
    }

    /// Fills `gradients` with d(mean loss)/d(parameters) on the batch without changing the parameters.
    @discardableResult
    public func computeGradients(
        images: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int>, count: Int, pieces: UnsafeBufferPointer<Int>? = nil
    ) throws -> StepResult {
        guard count > 0 else { throw EngineError("a training step needs at least one image") }
        let firstRows = try pieceOffsets(pieces, count: count)
        let rows = firstRows.last!
        guard images.count >= rows * plan.inputCount else {
            throw EngineError(
                "\(images.count) floats hold fewer than \(rows) images of \(architecture.inputHeight)×\(architecture.inputWidth)")
        }
        try checkLabels(labels, count: count, classes: plan.classes)
        let active = min(workers, count)
        let shards = (0...active).map { $0 * count / active }
        let widestShard = (0..<active).map { firstRows[shards[$0 + 1]] - firstRows[shards[$0]] }.max()!
        prepareWorkspaces(active: active, shard: widestShard)
        let workspaces = workspaces
        let scale = 1 / Float(count)
        let inputCount = plan.inputCount
        let loss = TrainingLoss(labelSmoothing: labelSmoothing, cellPenalty: cellPenalty, blankCellPenalty: blankCellPenalty)
        let outcomes = SharedPointer(UnsafeMutablePointer<(lossSum: Double, correct: Int)>.allocate(capacity: active))
        defer { outcomes.base.deallocate() }
        parameters.values.withUnsafeBufferPointer { arena in
            let weights = SharedPointer(arena.baseAddress!)
            let input = SharedPointer(images.baseAddress!)
            let targets = SharedPointer(labels.baseAddress!)
            let counts = pieces.map { SharedPointer($0.baseAddress!) }
            runWorkers(active) { worker in
                let shard = shards[worker]..<shards[worker + 1]
                let groups =
                    counts.map { PieceGroups(counts: $0.base + shard.lowerBound, images: shard.count) }
                    ?? PieceGroups(images: shard.count)
                let outcome = workspaces[worker].run(
                    parameters: weights.base, images: input.base + firstRows[shard.lowerBound] * inputCount,
                    labels: targets.base + shard.lowerBound, groups: groups, scale: scale, loss: loss)
                (outcomes.base + worker).initialize(to: outcome)
            }
        }
        var lossSum = 0.0
        var correct = 0
        let parts = workspaces.prefix(active).map { SharedPointer($0.gradients.base) }
        gradients.withUnsafeMutableBufferPointer { total in
            let target = SharedPointer(total.baseAddress!)
            forEachSlice(of: total.count, workers: workers) { slice in
                let sum = target.base + slice.lowerBound
                sum.update(from: parts[0].base + slice.lowerBound, count: slice.count)
                for part in parts.dropFirst() {
                    let addend = part.base + slice.lowerBound
                    for i in 0..<slice.count { sum[i] += addend[i] }
                }
            }
        }
        for worker in 0..<active {
            lossSum += outcomes.base[worker].lossSum
            correct += outcomes.base[worker].correct
        }
        return StepResult(loss: Float(lossSum / Double(count)), correct: correct)
    }

    /// One Adam update of the parameters with the current `gradients`, slices of the arena in parallel.
    public func applyAdam() {
        adamStep += 1
        let t = Double(adamStep)
        let count = gradients.count
        let kernels = kernels
        let step = AdamStep(
            stepSize: Float(Double(adam.learningRate) / (1 - pow(Double(adam.beta1), t))),
            correction2: Float((1 - pow(Double(adam.beta2), t)).squareRoot()),
            beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon)
        if adam.weightDecay > 0 {
            // AdamW (Loshchilov & Hutter): decay decoupled from the gradient, p ← p·(1 − lr·λ), before the step.
            let keep = 1 - adam.learningRate * adam.weightDecay
            parameters.values.withUnsafeMutableBufferPointer { p in
                for range in weightRanges {
                    for index in range { p[index] *= keep }
                }
            }
        }
        parameters.values.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                adamM.withUnsafeMutableBufferPointer { m in
                    adamV.withUnsafeMutableBufferPointer { v in
                        let (p, g, m, v) = (
                            SharedPointer(p.baseAddress!), SharedPointer(g.baseAddress!),
                            SharedPointer(m.baseAddress!), SharedPointer(v.baseAddress!)
                        )
                        forEachSlice(of: count, workers: workers) { slice in
                            let start = slice.lowerBound
                            kernels.adamUpdate(
                                step, parameters: p.base + start, gradients: g.base + start,
                                m: m.base + start, v: v.base + start, count: slice.count)
                        }
                    }
                }
            }
        }
    }

    /// Mean loss and correct count of a labelled set with the current parameters (no gradients),
    /// on the same number of workers, averaged over `gridPhases` grid phases.
    public func evaluate(
        images: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int>, count: Int, gridPhases: Int = 1, chunkSize: Int? = nil
    ) throws -> Evaluation {
        let network = try InferenceNetwork(parameters: parameters, kernelSet: kernelSet, gridPhases: gridPhases)
        return try BatchPredictor(network: network, workers: workers)
            .evaluate(images: images, labels: labels, count: count, chunkSize: chunkSize)
    }

    /// Most images a worker keeps activations for at once; larger shards run in micro-batches.
    public static let microBatchLimit = 32

    /// The first row of each image, and the total rows last (`count + 1` entries): row `i` when
    /// there are no pieces, the running sum of the piece counts otherwise (each `1...InkPieces.maximum`).
    private func pieceOffsets(_ pieces: UnsafeBufferPointer<Int>?, count: Int) throws -> [Int] {
        guard let pieces else { return Array(0...count) }
        guard plan.vectorSteps.count == 1, case .digitSum = plan.vectorSteps[0] else {
            throw EngineError("only a digit-sum network trains on images cut into pieces")
        }
        guard pieces.count >= count else { throw EngineError("\(pieces.count) piece counts for \(count) images") }
        var offsets = [0]
        offsets.reserveCapacity(count + 1)
        for image in 0..<count {
            guard (1...InkPieces.maximum).contains(pieces[image]) else {
                throw EngineError("image \(image) has \(pieces[image]) pieces; 1…\(InkPieces.maximum) are allowed")
            }
            offsets.append(offsets[image] + pieces[image])
        }
        return offsets
    }

    /// Makes sure the first `active` workspaces hold `shard` images (up to `microBatchLimit`);
    /// grows them only when needed, so steady-state steps do not allocate.
    private func prepareWorkspaces(active: Int, shard: Int) {
        let needed = min(shard, Self.microBatchLimit)
        if workspaces.count < active || workspaces.prefix(active).contains(where: { $0.capacity < needed }) {
            let capacity = max(needed, workspaces.first?.capacity ?? 0)
            workspaces = (0..<max(active, workspaces.count)).map { _ in TrainingWorkspace(plan: plan, kernels: kernels, capacity: capacity)
            }
        }
    }
}
