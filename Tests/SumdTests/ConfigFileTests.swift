import Foundation
import TestFixtures
import Testing
import sumd

/// `sumd serve --config`: the TOML subset, flags over the file, and one test per kind of error.
@Suite struct ConfigFileTests {
    @Test func readsEveryKeyInsideAndOutsideTheServeTable() throws {
        let settings = try ServeConfigFile.parse(
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
            labels_grace = 2.5
            log_level = "debug"
            metrics_file = "/srv/sumd.prom"
            claim_timeout = 45
            rescan_interval = 2.5
            """, path: "/etc/sumd/sumd.toml")
        #expect(
            settings
                == ServeSettings(
                    inbox: "/srv/in", outbox: "/srv/out", checkpoint: "/etc/sumd/models/m.safetensors", processed: "/srv/done",
                    failed: "/srv/failé", workers: 2, chunkSize: 1024, labelsGrace: 2.5, logLevel: "debug", metricsFile: "/srv/sumd.prom",
                    claimTimeout: 45, rescanInterval: 2.5))
    }

    @Test func takesWholeSecondsForTheGraceAndLeavesUnsetKeysNil() throws {
        let settings = try ServeConfigFile.parse("labels_grace = 60\r\n\r\n", path: "/x/sumd.toml")
        #expect(settings == ServeSettings(labelsGrace: 60))
    }

    @Test func flagsOverrideTheFileAndDefaultsFillTheRest() throws {
        let file = ServeSettings(inbox: "/a/in", outbox: "/a/out", checkpoint: "/a/m", workers: 2, logLevel: "debug")
        let merged = file.overridden(by: ServeSettings(inbox: "/b/in", workers: 1))
        #expect(merged == ServeSettings(inbox: "/b/in", outbox: "/a/out", checkpoint: "/a/m", workers: 1, logLevel: "debug"))
        let resolved = try merged.resolved()
        #expect(resolved.inbox == "/b/in" && resolved.workers == 1 && resolved.logLevel == .debug)
        #expect(resolved.chunkSize == 32 && resolved.labelsGrace == 60 && resolved.processed == nil && resolved.metricsFile == nil)
        #expect(resolved.claimTimeout == 30 && resolved.rescanInterval == nil)
        for bad in [
            ServeSettings(workers: 0), ServeSettings(chunkSize: -1), ServeSettings(labelsGrace: .infinity), ServeSettings(logLevel: "loud"),
            ServeSettings(claimTimeout: 2), ServeSettings(rescanInterval: 0),
        ] {
            #expect(throws: (any Error).self) {
                try bad.overridden(by: ServeSettings(inbox: "/i", outbox: "/o", checkpoint: "/m")).resolved()
            }
        }
        #expect(throws: (any Error).self) { try ServeSettings(inbox: "/a").resolved() }
        do {
            _ = try ServeSettings(inbox: "/a").resolved()
        } catch {
            #expect("\(error)".contains("--outbox PATH, --checkpoint PATH"))
        }
    }

    /// The commented default config that `make install` puts in /etc/sumd loads as the unit expects.
    @Test func theShippedDefaultConfigLoads() throws {
        let path = RepositoryFiles.url("systemd/sumd.toml").path
        let settings = try ServeConfigFile.load(path: path)
        #expect(settings.inbox == "/var/lib/sumd/inbox" && settings.outbox == "/var/lib/sumd/outbox")
        #expect(settings.checkpoint == "/var/lib/sumd/models/current.safetensors")
        #expect(settings.processed == "/var/lib/sumd/processed" && settings.failed == "/var/lib/sumd/failed")
        #expect(settings.logLevel == "info" && settings.workers == nil && settings.metricsFile == nil)
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
    func refusesWithFileLineAndProblem(text: String, line: Int, problem: String) {
        do {
            let settings = try ServeConfigFile.parse(text, path: "/etc/sumd/sumd.toml")
            Issue.record("accepted \(text.debugDescription) as \(settings)")
        } catch let error as ServeConfigFileError {
            #expect(error.line == line, "\(error)")
            #expect("\(error)".hasPrefix("/etc/sumd/sumd.toml:\(line): \(problem)"), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func namesAFileThatCannotBeRead() {
        let path = "/nonexistent-\(UUID().uuidString)/sumd.toml"
        #expect(throws: ServeConfigFileError(path: path, line: nil, problem: "cannot read the config file: no such file")) {
            try ServeConfigFile.load(path: path)
        }
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
