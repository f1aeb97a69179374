import Foundation
import Inbox
import TestFixtures
import Testing

/// `sumd serve --config`: the TOML subset, flags over the file, one `validate()`, and one test per
/// kind of error, each naming the line or flag to fix.
@Suite struct ConfigFileTests {
    /// `text` read as /etc/sumd/sumd.toml over no other setting.
    static func read(_ text: String) throws -> ServeConfiguration {
        var configuration = ServeConfiguration()
        try configuration.read(configText: text, path: "/etc/sumd/sumd.toml")
        return configuration
    }

    /// Sets the three settings without a default, as flags.
    static func setRequired(_ configuration: inout ServeConfiguration) throws {
        for (setting, path) in [(ServeConfiguration.Setting.inbox, "/i"), (.outbox, "/o"), (.checkpoint, "/m")] {
            try configuration.set(setting, to: .string(path), from: .flag)
        }
    }

    @Test func readsEveryKeyInsideAndOutsideTheServeTable() throws {
        let configuration = try Self.read(
            """
            # sumd settings
            inbox = "/srv/in"   # trailing comment
            outbox = '/srv/out'
            [serve]
            checkpoint = "models/m.safetensors"
            processed = "/srv/done"
              failed = "/srv/fail\\u00e9"
            workers = 2
            chunk_size = 1_024
            grid_phases = 2
            labels_grace = 2.5
            log_level = "debug"
            metrics_file = "/srv/sumd.prom"
            claim_timeout = 45
            rescan_interval = 2.5
            status_file = "run/status.json"
            """)
        try configuration.validate()
        #expect(configuration.inbox.path == "/srv/in" && configuration.outbox.path == "/srv/out")
        #expect(configuration.checkpoint.path == "/etc/sumd/models/m.safetensors")
        #expect(configuration.processed.path == "/srv/done" && configuration.failed.path == "/srv/failé")
        #expect(configuration.workers == 2 && configuration.chunkSize == 1024 && configuration.logLevel == .debug)
        #expect(configuration.gridPhases == 2)
        #expect(configuration.labelsGrace == .milliseconds(2500) && configuration.rescanInterval == .milliseconds(2500))
        #expect(configuration.claimTimeout == .seconds(45))
        #expect(configuration.metricsFile?.path == "/srv/sumd.prom" && configuration.statusFile?.path == "/etc/sumd/run/status.json")
        #expect(configuration.origins.count == ServeConfiguration.Setting.allCases.count)
        #expect(configuration.origins[.checkpoint] == .file(path: "/etc/sumd/sumd.toml", line: 5))
    }

    @Test func takesWholeSecondsAndLeavesUnsetKeysAtTheirDefaults() throws {
        var configuration = ServeConfiguration()
        try configuration.read(configText: "labels_grace = 90\r\n\r\n", path: "/x/sumd.toml")
        #expect(configuration.labelsGrace == .seconds(90))
        #expect(configuration.origins == [.labelsGrace: .file(path: "/x/sumd.toml", line: 1)])
        #expect(configuration.workers == ProcessInfo.processInfo.activeProcessorCount && configuration.chunkSize == nil)
        #expect(configuration.claimTimeout == .seconds(30) && configuration.rescanInterval == nil && configuration.logLevel == .info)
        #expect(configuration.metricsFile == nil && configuration.statusFile == nil)
        #expect(configuration.gridPhases == nil, "unset: the checkpoint's own")
    }

    @Test func flagsOverrideTheFileAndDefaultsFillTheRest() throws {
        var configuration = try Self.read(
            "inbox = \"/a/in\"\noutbox = \"/a/out\"\ncheckpoint = \"/a/m\"\nworkers = 2\nlog_level = \"debug\"")
        try configuration.set(.inbox, to: .string("/b/in"), from: .flag)
        try configuration.set(.workers, to: .integer(1), from: .flag)
        try configuration.validate()
        #expect(configuration.inbox.path == "/b/in" && configuration.outbox.path == "/a/out" && configuration.workers == 1)
        #expect(configuration.processed.path == "/b/processed" && configuration.failed.path == "/b/failed", "beside the inbox")
        #expect(configuration.logLevel == .debug && configuration.origins[.workers] == .flag)
        #expect(configuration.labelsGrace == .seconds(60) && configuration.metricsFile == nil)
    }

    /// A value out of range is found once everything is set, and named the way it was given.
    @Test(arguments: [
        (ServeConfiguration.Setting.workers, ConfigValue.integer(0), "--workers must be at least 1, not 0"),
        (.chunkSize, .integer(-1), "--chunk-size must be at least 1, not -1"),
        (.gridPhases, .integer(0), "--grid-phases must be at least 1, not 0"),
        (.labelsGrace, .float(.infinity), "--labels-grace must be a number of seconds ≥ 0, not inf"),
        (.claimTimeout, .float(2), "--claim-timeout must be a number of seconds ≥ 3, not 2.0: a daemon renews its lease"),
        (.rescanInterval, .float(0), "--rescan-interval must be a number of seconds > 0, not 0.0"),
        (.labelsGrace, .float(1e300), "--labels-grace must be at most 31536000 seconds (a year), not 1e+300"),
        (.claimTimeout, .integer(40_000_000), "--claim-timeout must be at most 31536000 seconds (a year), not 40000000.0"),
    ])
    func refusesFlagsOutOfRange(setting: ServeConfiguration.Setting, value: ConfigValue, problem: String) throws {
        var configuration = ServeConfiguration()
        try Self.setRequired(&configuration)
        try configuration.set(setting, to: value, from: .flag)
        do {
            try configuration.validate()
            Issue.record("accepted \(setting) = \(value)")
        } catch {
            #expect(error.origin == .flag && "\(error)".hasPrefix(problem), "\(error)")
        }
    }

    @Test func namesEveryMissingSetting() throws {
        var configuration = ServeConfiguration()
        try configuration.set(.inbox, to: .string("/a"), from: .flag)
        #expect(throws: ServeConfigurationError.self) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch {
            #expect(error.origin == nil && "\(error)".contains("Missing --outbox PATH, --checkpoint PATH"), "\(error)")
        }
        #expect(
            throws: ServeConfigurationError(
                origin: .flag,
                problem:
                    "--log-level must be one of \"trace\", \"debug\", \"info\", \"notice\", \"warning\", \"error\", \"critical\", not \"loud\""
            )
        ) {
            try configuration.set(.logLevel, to: .string("loud"), from: .flag)
        }
    }

    /// The commented default config that `make install` puts in /etc/sumd loads as the unit expects.
    @Test func theShippedDefaultConfigLoads() throws {
        var configuration = ServeConfiguration()
        try configuration.read(configFile: RepositoryFiles.url("systemd/sumd.toml").path)
        try configuration.validate()
        #expect(configuration.inbox.path == "/var/lib/sumd/inbox" && configuration.outbox.path == "/var/lib/sumd/outbox")
        #expect(configuration.checkpoint.path == "/var/lib/sumd/models/current.safetensors")
        #expect(configuration.processed.path == "/var/lib/sumd/processed" && configuration.failed.path == "/var/lib/sumd/failed")
        #expect(configuration.logLevel == .info && configuration.origins[.workers] == nil && configuration.metricsFile == nil)
    }

    @Test(arguments: [
        ("inbox = \"/a\"\nspeed = 3", 2, "unknown key 'speed'; the keys are inbox, outbox, checkpoint"),
        ("workers = \"2\"", 1, "workers must be an integer, not a string"),
        ("inbox = 5", 1, "inbox must be a string (a path in double quotes), not an integer"),
        ("labels_grace = true", 1, "labels_grace must be a number of seconds, not a boolean"),
        ("chunk_size = 2.5", 1, "chunk_size must be an integer, not a number with a fraction"),
        ("# one\noutbox = \"/a\"\n\noutbox = \"/b\"", 4, "duplicate key 'outbox' (first set on line 2)"),
        ("[serve]\ninbox = \"/a\"\n[serve]", 3, "duplicate table [serve]"),
        ("[daemon]", 1, "unknown table [daemon]: the only table is [serve]"),
        ("[[serve]]", 1, "bad table header '[[serve]]'"),
        ("inbox \"/a\"", 1, "expected 'key = value'"),
        ("inbox = \"/a", 1, "inbox: the string has no closing \""),
        ("inbox = /a", 1, "inbox: '/a' is not a value"),
        ("inbox = \"/a\" \"/b\"", 1, "inbox: unexpected '\"/b\"' after the value"),
        ("inbox = ", 1, "inbox: missing value after '='"),
        ("inbox = \"a\\qb\"", 1, "inbox: unknown escape \\q"),
        ("inbox = [\"/a\"]", 1, "inbox: arrays and inline tables are not supported"),
        ("serve.inbox = \"/a\"", 1, "bad key 'serve.inbox'"),
        ("workers = 0", 1, "workers must be at least 1, not 0"),
        ("workers = 007", 1, "workers: '007': integers have no leading zeros"),
        ("labels_grace = -1", 1, "labels_grace must be a number of seconds ≥ 0, not -1.0"),
        ("labels_grace = nan", 1, "labels_grace must be a number of seconds ≥ 0, not nan"),
        ("claim_timeout = 1", 1, "claim_timeout must be a number of seconds ≥ 3, not 1.0"),
        ("rescan_interval = 0", 1, "rescan_interval must be a number of seconds > 0"),
        ("log_level = \"loud\"", 1, "log_level must be one of \"trace\""),
        ("checkpoint = \"\"", 1, "checkpoint must not be empty"),
    ])
    func refusesWithFileLineAndProblem(text: String, line: Int, problem: String) throws {
        var configuration = ServeConfiguration()
        try Self.setRequired(&configuration)
        do {
            try configuration.read(configText: text, path: "/etc/sumd/sumd.toml")
            try configuration.validate()
            Issue.record("accepted \(text.debugDescription) as \(configuration)")
        } catch {
            #expect(error.origin == .file(path: "/etc/sumd/sumd.toml", line: line), "\(error)")
            #expect("\(error)".hasPrefix("/etc/sumd/sumd.toml:\(line): \(problem)"), "\(error)")
        }
    }

    @Test func namesAFileThatCannotBeRead() {
        let path = "/nonexistent-\(UUID().uuidString)/sumd.toml"
        let expected = ServeConfigurationError(origin: .file(path: path, line: nil), problem: "cannot read the config file: no such file")
        #expect(throws: expected) {
            var configuration = ServeConfiguration()
            try configuration.read(configFile: path)
        }
        #expect(expected.description == "\(path): cannot read the config file: no such file")
    }

    /// A configuration that cannot work exits 78 (EX_CONFIG), which the unit's
    /// RestartPreventExitStatus=78 turns into "failed" instead of a restart loop.
    @Test func theDaemonExitsWithConfigurationErrorStatus() async throws {
        let work = try TemporaryDirectory("sumd-bad-config")
        let file = work.path("sumd.toml")
        try "inbox = \"/srv/in\"\nworkers = \"two\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let badValue = try await runSumd(["serve", "--config", file], timeout: 30)
        #expect(badValue.status == 78)
        #expect(badValue.standardError.contains("\(file):2:"), "\(badValue.standardError)")
        let missing = try await runSumd(["serve", "--inbox", work.path("in")], timeout: 30)
        #expect(missing.status == 78)
        #expect(missing.standardError.contains("Missing"), "\(missing.standardError)")
    }
}
