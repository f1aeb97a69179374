import ArrayFormats
import Classifier
import Foundation
import SystemCalls
import SystemPackage

/// Output stems in `outbox/.reservations/`: a batch named `NAME` writes `S.*.csv` with `S` = `NAME`,
/// `NAME~2`, … — the first stem without a report that this daemon could reserve with `O_EXCL`.
/// The reservation holds the batch's claim token, so recovery finds the stem again after a crash.
struct StemReservations: Sendable {
    let outbox: FilePath
    let directory: FilePath

    init(outbox: FilePath) {
        self.outbox = outbox
        directory = outbox.appending(".reservations")
    }

    /// Reserves the first free stem for a new batch `name`; a later batch never overwrites an earlier report.
    func reserveNew(for name: String, token: String) throws -> String {
        var k = 1
        while true {
            let stem = Stem.candidate(name, k)
            if !reportPath(stem).exists, try reserve(stem, token: token) { return stem }
            k += 1
        }
    }

    /// Reserves `stem` (for relabelling an existing report); false if another batch holds it.
    func reserve(_ stem: String, token: String) throws -> Bool {
        try DurableFile.create(Data(token.utf8), at: URL(fileURLWithPath: directory.appending(stem).string))
    }

    /// The stem reserved with `token`, if any.
    func stem(reservedBy token: String) throws -> String? {
        for stem in try FileMoves.names(in: directory) where !stem.hasPrefix(".") {
            if let content = try? String(contentsOfFile: directory.appending(stem).string, encoding: .utf8), content == token {
                return stem
            }
        }
        return nil
    }

    /// Removes reservations whose token no claim holds (their batch was finished, but the daemon
    /// died before removing the reservation, which would block relabelling that stem).
    ///
    /// `liveTokens` is asked twice, after listing the reservations: a batch claims before it
    /// reserves, and a claim moving between directories (adoption) cannot be missed by both looks.
    func removeStale(liveTokens: () throws -> Set<String>) throws {
        var stale: [(stem: String, token: String)] = []
        for stem in try FileMoves.names(in: directory) where !stem.hasPrefix(".") {
            if let token = try? String(contentsOfFile: directory.appending(stem).string, encoding: .utf8) { stale.append((stem, token)) }
        }
        for pass in 0..<2 {
            guard !stale.isEmpty else { return }
            let live = try liveTokens()
            stale.removeAll { live.contains($0.token) }
            if pass == 1 { for reservation in stale { try FileMoves.removeIfPresent(directory.appending(reservation.stem)) } }
        }
    }

    func release(_ stem: String) throws {
        try FileMoves.removeIfPresent(directory.appending(stem))
    }

    /// The newest stem of `name` that has a report: the one labels arriving late belong to.
    func latestReportedStem(of name: String) -> String? {
        var latest: String?
        var k = 1
        while true {
            let stem = Stem.candidate(name, k)
            if reportPath(stem).exists {
                latest = stem
            } else if !directory.appending(stem).exists {
                return latest
            }
            k += 1
        }
    }

    func reportPath(_ stem: String) -> FilePath { outbox.appending(stem + ".report.csv") }
}
