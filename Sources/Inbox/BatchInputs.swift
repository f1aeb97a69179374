import SystemPackage

/// The claimed files of one batch and where its outputs go.
///
/// A new batch claims `NAME.npy` or `NAME.npz` (and `NAME.labels.npy` if it is there); relabelling
/// claims only the labels and reads the images already in `processed/S.npy`.
struct BatchInputs: Sendable, Equatable {
    /// `NAME`, as producers named the batch.
    var name: String
    /// The claim token of every file of this batch.
    var token: String
    /// The claimed images; nil when relabelling.
    var images: ClaimedFile?
    var labels: ClaimedFile?
    /// Relabelling: the images of the earlier, unlabelled batch (`processed/S.npy` or `.npz`).
    var processedImages: FilePath?
    /// The reserved output stem `S`, once reserved.
    var stem: String?

    var isRelabel: Bool { images == nil }

    var claimed: [ClaimedFile] { [images, labels].compactMap { $0 } }

    /// The inbox name that stands for the batch in logs: `NAME.npy`, `NAME.npz` or `NAME.labels.npy`.
    var displayName: String { (images ?? labels)?.original ?? name }

    /// Where the images are read from now.
    var imagesPath: FilePath? { images?.path ?? processedImages }
}
