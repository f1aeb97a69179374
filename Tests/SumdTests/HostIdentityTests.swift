import Foundation
import Inbox
import Testing

/// The daemon's host identity (host name plus an instance id that is not a pid) and where it shows.
@Suite struct HostIdentityTests {
    @Test func combinesHostBootIdAndARandomSuffix() {
        let identity = HostIdentity(hostname: "sumd-7d9f-x2k", bootID: "3F2A9C1E-55aa-4b1b-9d0e-0123456789ab\n", nonce: 0xbeef)
        #expect(identity.hostname == "sumd-7d9f-x2k")
        #expect(identity.instance == "3f2a9c1e-0000beef")
        #expect(identity.description == "sumd-7d9f-x2k@3f2a9c1e-0000beef")
    }

    @Test func staysUsableInFileNamesWhateverTheHostIsCalled() {
        #expect(HostIdentity(hostname: "a b/c@d", bootID: nil, nonce: 1).description == "a_b_c_d@00000000-00000001")
        #expect(HostIdentity(hostname: "", bootID: "short", nonce: 0).hostname == "localhost")
    }

    @Test func thisProcessHasTheMachinesBootIdAndNoPid() throws {
        let current = HostIdentity.current
        let boot = try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
        #expect(current.instance.hasPrefix(String(boot.prefix(8))))
        #expect(current.instance.count == 17 && !current.instance.contains(String(getpid())))
        let hostname = try String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8)
        #expect(current.hostname == hostname.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func metricsNameTheHostInTheirOwnFamily() {
        var metrics = MetricsFile(startTime: Date(timeIntervalSince1970: 0), modelSHA256: "ab", checkpoint: "m", kernels: "avx2")
        #expect(!metrics.render().contains("sumd_host_info"), "left out without a host, as before")
        metrics.host = HostIdentity(hostname: "node-1", instance: "3f2a9c1e-0000beef")
        let lines = metrics.render().split(separator: "\n")
        #expect(lines.contains(#"sumd_host_info{host="node-1@3f2a9c1e-0000beef",hostname="node-1"} 1"#))
        #expect(lines.contains(#"sumd_model_info{sha256="ab",checkpoint="m",kernels="avx2"} 1"#), "existing series unchanged")
    }
}
