import Classifier
import KernelInterface

/// What `sumd --version` prints: the release, and the kernel set this CPU gets.
enum VersionText {
    /// The release number, in this one place.
    static let release = "0.1.0"

    static var description: String {
        let runnable = KernelSelection.runnable.map(\.rawValue).joined(separator: ", ")
        switch KernelSelection.processDefault {
        case .success(let chosen): return "sumd \(release)\nkernels: \(chosen) (this CPU runs \(runnable))"
        case .failure(let error): return "sumd \(release)\nkernels: none: \(error)"
        }
    }
}
