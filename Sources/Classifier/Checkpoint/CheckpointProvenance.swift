import Foundation

/// Where a checkpoint came from: the data it was trained on, how, and how well it did.
///
/// Stored as JSON in the checkpoint's `provenance` metadata. Every field is optional, so an
/// imported PyTorch model or an older sumd can leave out what it does not know.
public struct CheckpointProvenance: Sendable, Equatable, Codable {
    /// When the checkpoint was written; stored to the second (ISO 8601).
    public var createdAt: Date?
    public var sumdVersion: String?
    /// SHA-256 of each input file by role (`images`, `labels`, `data`).
    public var dataSHA256: [String: String]?
    /// Images in the data set, and how they were split.
    public var images: Int?
    public var trainImages: Int?
    public var validationImages: Int?
    public var seed: UInt64?
    public var epochs: Int?
    /// The epoch whose parameters this checkpoint holds (the best by validation accuracy).
    public var bestEpoch: Int?
    public var validationAccuracy: Double?
    public var batchSize: Int?
    public var learningRate: Double?
    /// `--elastic`: pixels of random elastic distortion applied to training images (absent: none).
    public var elasticMagnitude: Double?
    /// `--schedule` (`constant` or `cosine`) and its `--warmup-epochs`.
    public var schedule: String?
    public var warmupEpochs: Double?
    /// `--weight-decay`, `--label-smoothing` and `--cell-penalty` (absent: none).
    public var weightDecay: Double?
    public var labelSmoothing: Double?
    public var cellPenalty: Double?
    /// `--blank-cell-penalty` and `--pieces` (absent: none).
    public var blankCellPenalty: Double?
    public var pieces: Double?
    /// For `sumd import`: the PyTorch state_dict file name and its SHA-256.
    public var importedFrom: String?
    public var importedSHA256: String?

    public init(
        createdAt: Date? = nil, sumdVersion: String? = nil, dataSHA256: [String: String]? = nil,
        images: Int? = nil, trainImages: Int? = nil, validationImages: Int? = nil, seed: UInt64? = nil,
        epochs: Int? = nil, bestEpoch: Int? = nil, validationAccuracy: Double? = nil,
        batchSize: Int? = nil, learningRate: Double? = nil, elasticMagnitude: Double? = nil, schedule: String? = nil,
        warmupEpochs: Double? = nil, weightDecay: Double? = nil, labelSmoothing: Double? = nil, cellPenalty: Double? = nil,
        blankCellPenalty: Double? = nil, pieces: Double? = nil, importedFrom: String? = nil, importedSHA256: String? = nil
    ) {
        self.createdAt = createdAt
        self.sumdVersion = sumdVersion
        self.dataSHA256 = dataSHA256
        self.images = images
        self.trainImages = trainImages
        self.validationImages = validationImages
        self.seed = seed
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.validationAccuracy = validationAccuracy
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.elasticMagnitude = elasticMagnitude
        self.schedule = schedule
        self.warmupEpochs = warmupEpochs
        self.weightDecay = weightDecay
        self.labelSmoothing = labelSmoothing
        self.cellPenalty = cellPenalty
        self.blankCellPenalty = blankCellPenalty
        self.pieces = pieces
        self.importedFrom = importedFrom
        self.importedSHA256 = importedSHA256
    }

    enum CodingKeys: String, CodingKey {
        case createdAt = "created_at"
        case sumdVersion = "sumd_version"
        case dataSHA256 = "data_sha256"
        case images
        case trainImages = "train_images"
        case validationImages = "validation_images"
        case seed, epochs
        case bestEpoch = "best_epoch"
        case validationAccuracy = "validation_accuracy"
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case elasticMagnitude = "elastic_magnitude"
        case schedule
        case warmupEpochs = "warmup_epochs"
        case weightDecay = "weight_decay"
        case labelSmoothing = "label_smoothing"
        case cellPenalty = "cell_penalty"
        case blankCellPenalty = "blank_cell_penalty"
        case pieces
        case importedFrom = "imported_from"
        case importedSHA256 = "imported_sha256"
    }

    /// `key  value` lines for `sumd inspect`, only for the fields that are set.
    public var summaryLines: [String] {
        var lines: [(String, String?)] = [
            ("created", createdAt.map { ISO8601DateFormatter().string(from: $0) }),
            ("sumd version", sumdVersion),
            ("imported from", importedFrom.map { name in importedSHA256.map { "\(name) (sha256 \($0))" } ?? name }),
            (
                "images",
                images.map { total in
                    let split = [trainImages.map { "\($0) training" }, validationImages.map { "\($0) validation" }].compactMap { $0 }
                    return split.isEmpty ? "\(total)" : "\(total) (\(split.joined(separator: ", ")))"
                }
            ),
            ("seed", seed.map(String.init)),
            ("epochs", epochs.map { total in bestEpoch.map { "\(total), best \($0)" } ?? "\(total)" }),
            ("val accuracy", validationAccuracy.map { String(format: "%.4f", $0) }),
            ("batch size", batchSize.map(String.init)),
            // The flags are Floats: print the Float, not its widening to Double (0.003, not 0.003000000026…).
            ("learning rate", learningRate.map { "\(Float($0))" }),
            ("schedule", schedule.map { name in warmupEpochs.map { "\(name), \(Float($0)) warm-up epochs" } ?? name }),
            ("elastic", elasticMagnitude.map { "\($0) px" }),
            ("weight decay", weightDecay.map { "\(Float($0))" }),
            ("label smooth.", labelSmoothing.map { "\(Float($0))" }),
            ("cell penalty", cellPenalty.map { "\(Float($0))" }),
            ("blank cells", blankCellPenalty.map { "\(Float($0)) more penalty" }),
            ("pieces", pieces.map { "\($0) of the images cut along blank lines" }),
        ]
        for (role, hash) in (dataSHA256 ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.append(("\(role) sha256", hash))
        }
        return lines.compactMap { key, value in value.map { key.padding(toLength: 14, withPad: " ", startingAt: 0) + $0 } }
    }

    /// Compact JSON with sorted keys and ISO 8601 dates, so equal provenance gives equal bytes.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    init(json: String) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        self = try decoder.decode(Self.self, from: Data(json.utf8))
    }
}
