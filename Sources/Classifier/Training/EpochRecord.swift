import Foundation

/// One epoch of training as printed, recorded in `NAME.history.csv` and drawn in `NAME.history.svg`.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    public var seconds: Double
    /// Training images per second in this epoch (forward, backward and Adam).
    public var imagesPerSecond: Double

    public init(
        epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double,
        validationAccuracy: Double, seconds: Double, imagesPerSecond: Double
    ) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.seconds = seconds
        self.imagesPerSecond = imagesPerSecond
    }
}

extension Array where Element == EpochRecord {
    /// The history as CSV: `epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,images_per_second`.
    public var csv: String {
        var text = CSVText(reservingRows: count + 1, bytesPerRow: 64)
        text.append("epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,images_per_second\n")
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
            text.newline()
        }
        return String(decoding: text.bytes, as: UTF8.self)
    }
}
