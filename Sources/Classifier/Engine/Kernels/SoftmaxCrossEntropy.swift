import Foundation

/// Softmax cross-entropy over rows of logits, and the argmax/confidence used for predictions.

/// For each of `rows` samples: adds the cross-entropy `−Σ target · log softmax(logits)` to the
/// returned loss sum, counts the samples whose argmax is the label, and writes
/// `scale · (softmax − target)` into `gradient`. The target is the label's one-hot vector, or with
/// `smoothing` ε (label smoothing) `(1 − ε) · onehot + ε / classes`, as in PyTorch's
/// `cross_entropy(label_smoothing=ε)`. With `scale = 1/batch` the gradient is that of the batch-mean loss.
func softmaxCrossEntropy(
    logits: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, classes: Int,
    scale: Float, smoothing: Float = 0, gradient: UnsafeMutablePointer<Float>
) -> (lossSum: Double, correct: Int) {
    let spread = smoothing / Float(classes)
    var lossSum = 0.0
    var correct = 0
    for r in 0..<rows {
        let z = logits + r * classes
        let d = gradient + r * classes
        let label = labels[r]
        let (best, top) = argmax(z, count: classes)
        if best == label { correct += 1 }
        var sum: Float = 0
        for j in 0..<classes {
            let e = expf(z[j] - top)
            d[j] = e
            sum += e
        }
        let logSum = logf(sum) + top
        var loss = (1 - smoothing) * (logSum - z[label])
        if smoothing > 0 {
            for j in 0..<classes { loss += spread * (logSum - z[j]) }
        }
        lossSum += Double(loss)
        let inverse = scale / sum
        for j in 0..<classes { d[j] = d[j] * inverse - scale * spread }
        d[label] -= scale * (1 - smoothing)
    }
    return (lossSum, correct)
}

/// Summed loss and correct count only (no gradient), for evaluation.
func crossEntropy(logits: UnsafePointer<Float>, labels: UnsafePointer<Int>, rows: Int, classes: Int) -> (lossSum: Double, correct: Int) {
    var lossSum = 0.0
    var correct = 0
    for r in 0..<rows {
        let z = logits + r * classes
        let (best, top) = argmax(z, count: classes)
        if best == labels[r] { correct += 1 }
        var sum: Float = 0
        for j in 0..<classes { sum += expf(z[j] - top) }
        lossSum += Double(logf(sum) + top - z[labels[r]])
    }
    return (lossSum, correct)
}

/// Index and value of the first maximum of `count` floats.
@inline(__always)
func argmax(_ values: UnsafePointer<Float>, count: Int) -> (index: Int, value: Float) {
    var best = 0
    var top = values[0]
    for j in 1..<count where values[j] > top {
        top = values[j]
        best = j
    }
    return (best, top)
}

/// The softmax probability of the largest logit: `1 / Σ exp(z − max z)`.
func topProbability(_ values: UnsafePointer<Float>, count: Int, top: Float) -> Float {
    var sum: Float = 0
    for j in 0..<count { sum += expf(values[j] - top) }
    return 1 / sum
}
