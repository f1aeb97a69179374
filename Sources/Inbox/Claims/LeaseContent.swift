import ArrayFormats
import Foundation
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// What a lease file says: whose it is and a value that changes on every renewal, plus what a
/// daemon on the same machine needs to tell at once that the owner's process is gone.
struct LeaseContent: Sendable, Equatable {
    /// `HOST@INSTANCE` of the owner.
    var owner: String
    /// The kernel's boot id and the inode of the owner's pid namespace: with both equal to this
    /// process's, the owner's `pid` means the same process here.
    var bootID: String
    var pidNamespace: String
    var pid: Int32
    /// Monotonic nanoseconds of the renewal: changes each time, compared only for equality.
    var renewal: UInt64

    /// One `key value` per line.
    var text: String {
        "owner \(owner)\nboot \(bootID)\npidns \(pidNamespace)\npid \(pid)\nrenewal \(renewal)\n"
    }

    init(owner: String, bootID: String, pidNamespace: String, pid: Int32, renewal: UInt64) {
        self.owner = owner
        self.bootID = bootID
        self.pidNamespace = pidNamespace
        self.pid = pid
        self.renewal = renewal
    }

    /// Parses `text`; nil for anything else (a lease being rewritten can read empty).
    init?(parsing text: String) {
        var fields: [Substring: Substring] = [:]
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { return nil }
            fields[line[..<space]] = line[line.index(after: space)...]
        }
        guard let owner = fields["owner"], let boot = fields["boot"], let pidns = fields["pidns"],
            let pid = fields["pid"].flatMap({ Int32($0) }), let renewal = fields["renewal"].flatMap({ UInt64($0) })
        else { return nil }
        self.init(owner: String(owner), bootID: String(boot), pidNamespace: String(pidns), pid: pid, renewal: renewal)
    }

    /// This process's lease content at this moment.
    static func now(owner: String) -> LeaseContent {
        LeaseContent(
            owner: owner, bootID: ProcessFacts.bootID, pidNamespace: ProcessFacts.pidNamespace, pid: getpid(),
            renewal: UInt64(DispatchTime.now().uptimeNanoseconds))
    }

    /// True when the owner ran on this machine, in this pid namespace, and its process is gone:
    /// then it is dead without waiting for the lease to go stale (a crash and restart on one host).
    var ownerIsGoneHere: Bool {
        guard bootID == ProcessFacts.bootID, pidNamespace == ProcessFacts.pidNamespace, !bootID.isEmpty, !pidNamespace.isEmpty else {
            return false
        }
        return valueOrErrno({ kill(pid, 0) }) == .failure(.noSuchProcess)
    }
}
