import Foundation
import Testing

/// What `make install` stages under DESTDIR, run through its two scripts with the release binary
/// (the static build `make install` does first takes minutes): the packaged systemd files under
/// $PREFIX/lib, the config in /etc (kept when edited), completions for bash, zsh and fish, and the
/// man page.
@Suite(.enabled(if: DaemonProcess.binaryExists, "needs the release sumd binary (make test builds it)"))
struct InstallTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func install(_ script: String, _ arguments: [String], destination: TemporaryDirectory) async throws -> CommandResult {
        try await runCommand(
            Self.root.appendingPathComponent("scripts/\(script)"), arguments,
            environment: ["DESTDIR": destination.url.path, "PREFIX": "/usr/local"], timeout: 60)
    }

    @Test func systemdFilesGoUnderThePrefixAndTheConfigToEtc() async throws {
        let stage = try TemporaryDirectory("sumd-destdir")
        var result = try await install("systemd-install", ["install", DaemonProcess.binary.path], destination: stage)
        try #require(result.status == 0, "\(result.standardError)")
        #expect(FileManager.default.isExecutableFile(atPath: stage.path("usr/local/bin/sumd")))
        let unit = try String(contentsOfFile: stage.path("usr/local/lib/systemd/system/sumd.service"), encoding: .utf8)
        #expect(unit.contains("\nExecStart=/usr/local/bin/sumd serve --config /etc/sumd/sumd.toml\n"))
        for file in ["usr/local/lib/sysusers.d/sumd.conf", "usr/local/lib/tmpfiles.d/sumd.conf", "etc/sumd/sumd.toml"] {
            #expect(FileManager.default.fileExists(atPath: stage.path(file)), "\(file) not staged")
        }
        for file in ["etc/systemd/system/sumd.service", "etc/sysusers.d/sumd.conf", "etc/tmpfiles.d/sumd.conf"] {
            #expect(!FileManager.default.fileExists(atPath: stage.path(file)), "\(file): /etc is the admin's")
        }

        // An edited config survives another install and the uninstall.
        try "inbox = \"/srv/in\"\n".write(toFile: stage.path("etc/sumd/sumd.toml"), atomically: true, encoding: .utf8)
        result = try await install("systemd-install", ["install", DaemonProcess.binary.path], destination: stage)
        #expect(result.status == 0 && result.standardOutput.contains("kept"), "\(result.standardOutput)")
        result = try await install("systemd-install", ["uninstall"], destination: stage)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try String(contentsOfFile: stage.path("etc/sumd/sumd.toml"), encoding: .utf8) == "inbox = \"/srv/in\"\n")
        #expect(!FileManager.default.fileExists(atPath: stage.path("usr/local/lib/systemd/system/sumd.service")))
    }

    @Test func completionsAndTheManPageGoToTheUsualPlaces() async throws {
        let stage = try TemporaryDirectory("sumd-destdir")
        let manual = stage.path("sumd.1")
        try ".TH SUMD 1\n".write(toFile: manual, atomically: true, encoding: .utf8)
        var result = try await install("cli-install", ["install", DaemonProcess.binary.path, manual], destination: stage)
        try #require(result.status == 0, "\(result.standardError)")
        let expected = [
            "usr/local/share/bash-completion/completions/sumd": "serve",
            "usr/local/share/zsh/site-functions/_sumd": "#compdef sumd",
            "usr/local/share/fish/vendor_completions.d/sumd.fish": "complete -c 'sumd'",
            "usr/local/share/man/man1/sumd.1": ".TH SUMD 1",
        ]
        for (file, text) in expected {
            let content = (try? String(contentsOfFile: stage.path(file), encoding: .utf8)) ?? ""
            #expect(content.contains(text), "\(file) missing or without '\(text)'")
        }
        result = try await install("cli-install", ["uninstall"], destination: stage)
        #expect(result.status == 0)
        #expect(expected.keys.allSatisfy { !FileManager.default.fileExists(atPath: stage.path($0)) })
    }

    /// `make install` generates the man page with argument-parser's plugin and hands it to cli-install.
    @Test func makeInstallRunsBothScriptsAndTheManualPlugin() throws {
        let makefile = try String(contentsOf: Self.root.appendingPathComponent("Makefile"), encoding: .utf8)
        let recipe = makefile.components(separatedBy: "\ninstall:").dropFirst().first?.components(separatedBy: "\n\n").first ?? ""
        #expect(recipe.contains("plugin generate-manual"), "\(recipe)")
        #expect(recipe.contains("./scripts/systemd-install install") && recipe.contains("./scripts/cli-install install"), "\(recipe)")
    }
}
