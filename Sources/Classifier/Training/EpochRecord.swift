import Foundation

/// One epoch of training as printed, recorded in `NAME.history.csv` and drawn in `NAME.history.svg`.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    /// On the held-out test set, when one was given (`sumd train --test-images`).
    public var testLoss: Double?
    public var testAccuracy: Double?
    /// Wall time of the epoch: training, validation and test.
    public var seconds: Double
    /// Training images per second in this epoch (forward, backward and Adam).
    public var imagesPerSecond: Double

    public init(
        epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double,
        validationAccuracy: Double, testLoss: Double? = nil, testAccuracy: Double? = nil, seconds: Double,
        imagesPerSecond: Double
    ) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.seconds = seconds
        self.imagesPerSecond = imagesPerSecond
    }
}

extension Array where Element == EpochRecord {
    /// The history as CSV: `epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,images_per_second`,
    /// then `test_loss,test_accuracy` when a test set was scored.
    public var csv: String {
        let tested = contains { $0.testAccuracy != nil }
        var text = CSVText(reservingRows: count + 1, bytesPerRow: 80)
        text.append("epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,images_per_second")
        text.append(tested ? ",test_loss,test_accuracy\n" : "\n")
        for record in self {
            text.append(record.epoch)
            text.comma()
            text.append(fraction: record.trainLoss)
            text.comma()
            text.append(fraction: record.trainAccuracy)
            text.comma()
            text.append(fraction: record.validationLoss)
            text.comma()
            text.append(fraction: record.validationAccuracy)
            text.comma()
            text.append(fraction: record.seconds, decimals: 3)
            text.comma()
            text.append(fraction: record.imagesPerSecond, decimals: 1)
            if tested {
                text.comma()
                if let loss = record.testLoss { text.append(fraction: loss) }
                text.comma()
                if let accuracy = record.testAccuracy { text.append(fraction: accuracy) }
            }
            text.newline()
        }
        return String(decoding: text.bytes, as: UTF8.self)
    }

    /// The first epoch whose test accuracy reached `accuracy`, and the training wall time until
    /// its end: the time-to-accuracy figure. Nil if none did (or no test set was scored).
    public func firstReaching(testAccuracy accuracy: Double) -> (epoch: Int, seconds: Double)? {
        var seconds = 0.0
        for record in self {
            seconds += record.seconds
            if let reached = record.testAccuracy, reached >= accuracy { return (record.epoch, seconds) }
        }
        return nil
    }
}
