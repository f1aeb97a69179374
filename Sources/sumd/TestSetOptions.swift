import ArgumentParser
import Classifier
import Foundation

/// A labelled test set `sumd train` scores after every epoch, for accuracy on images kept apart
/// from training (other writers' digits, say) and the time it took to reach it.
struct TestSetOptions: ParsableArguments {
    @Option(help: "Held-out test images (.npy), scored after every epoch; never trained on and never used to pick the best epoch.")
    var testImages: String?

    @Option(help: "True sums of --test-images (.npy).")
    var testLabels: String?

    @Option(help: "A held-out test .npz with 'images' and 'labels', instead of --test-images/--test-labels.")
    var testData: String?

    func validate() throws {
        switch (testImages, testLabels, testData) {
        case (nil, nil, nil), (.some, .some, nil), (nil, nil, .some): break
        case (.some, nil, nil): throw ValidationError("--test-images needs its true sums: add --test-labels Y.npy.")
        case (nil, .some, nil): throw ValidationError("--test-labels needs --test-images.")
        default: throw ValidationError("Give either --test-images/--test-labels or --test-data, not both.")
        }
    }

    /// The test set, mapped and checked, or nil when none was given.
    func load() throws -> ImageSet? {
        guard let path = testImages ?? testData else { return nil }
        let set = try ImageSet.load(images: URL(fileURLWithPath: path), labels: testLabels.map { URL(fileURLWithPath: $0) })
        guard set.labels != nil else { throw DataError(set.source, "a test set needs true sums: a 'labels' array in the .npz") }
        try set.checkPixels()
        return set
    }
}
