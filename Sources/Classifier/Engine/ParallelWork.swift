import Dispatch
import Foundation

/// The default number of workers: one per active core.
public var defaultWorkerCount: Int { ProcessInfo.processInfo.activeProcessorCount }

/// Runs `body(worker)` for `worker` in `0..<workers` concurrently and returns when all are done.
///
/// Each worker gets its own preallocated workspace by index, so `workers` threads use `workers`
/// cores. It blocks the calling thread: call it from a dedicated thread, not from the Swift
/// concurrency pool.
func runWorkers(_ workers: Int, _ body: @Sendable (Int) -> Void) {
    if workers == 1 {
        body(0)
    } else {
        DispatchQueue.concurrentPerform(iterations: workers, execute: body)
    }
}

/// Runs `body` on up to `workers` threads, each over one consecutive slice of `0..<count`.
/// Slices start at multiples of 16 (whole vectors) and are at least 16 Ki elements, so a small
/// array stays on one thread.
func forEachSlice(of count: Int, workers: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let slices = max(1, min(workers, count / 16384))
    runWorkers(slices) { slice in
        let lower = (slice * count / slices) & ~15
        let upper = slice == slices - 1 ? count : ((slice + 1) * count / slices) & ~15
        body(lower..<upper)
    }
}

/// A pointer handed to workers that write disjoint parts of it (or only read it).
/// Raw pointers are not `Sendable`; the disjointness is what makes this sound.
struct SharedPointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
    init(_ base: UnsafePointer<Element>) { self.base = UnsafeMutablePointer(mutating: base) }
}

/// An aligned (64-byte), zeroed buffer freed with its owner. Workspaces are built from these once,
/// so the per-image and per-chunk loops never allocate.
final class AlignedStorage<Element: Numeric> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(count: Int) {
        self.count = max(count, 1)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.count * MemoryLayout<Element>.stride, alignment: 64)
            .bindMemory(to: Element.self, capacity: self.count)
        base.initialize(repeating: .zero, count: self.count)
    }

    deinit { base.deallocate() }
}

/// Activations, gradients and scratch.
typealias FloatStorage = AlignedStorage<Float>
/// The digit-sum head's scratch.
typealias DoubleStorage = AlignedStorage<Double>
/// Max-pool argmax indices.
typealias IndexStorage = AlignedStorage<Int32>
