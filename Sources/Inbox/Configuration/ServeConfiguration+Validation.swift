extension ServeConfiguration {
    /// The shortest claim timeout accepted, in seconds: a daemon renews its lease every second, and
    /// a slow shared filesystem must not make it look dead.
    static let shortestClaimTimeoutSeconds = 3
    /// The longest duration accepted, in seconds (a year): far beyond any sensible wait, and far
    /// inside what a `Duration` holds.
    static let longestDurationSeconds = 31_536_000

    /// Checks every setting, once the config file and the flags have set theirs: the inbox, outbox
    /// and checkpoint are set somewhere, counts are at least 1 and durations are finite numbers of
    /// seconds in range. Throws the first problem, naming the line or flag that set the value.
    public func validate() throws(ServeConfigurationError) {
        let missing = [Setting.inbox, .outbox, .checkpoint].filter { paths[$0] == nil }
        guard missing.isEmpty else {
            let flags = missing.map { "\($0.flag) PATH" }.joined(separator: ", ")
            throw ServeConfigurationError(
                origin: nil,
                problem: "Missing \(flags): give \(missing.count == 1 ? "it" : "them") as flags or as keys of the file named by --config.")
        }
        try check(.workers, workers >= 1, "must be at least 1, not \(workers)")
        if let chunkSize { try check(.chunkSize, chunkSize >= 1, "must be at least 1, not \(chunkSize)") }
        if let gridPhases { try check(.gridPhases, gridPhases >= 1, "must be at least 1, not \(gridPhases)") }
        try check(
            .labelsGrace, labelsGraceSeconds.isFinite && labelsGraceSeconds >= 0,
            "must be a number of seconds ≥ 0, not \(labelsGraceSeconds)")
        let shortest = Self.shortestClaimTimeoutSeconds
        try check(
            .claimTimeout, claimTimeoutSeconds.isFinite && claimTimeoutSeconds >= Double(shortest),
            "must be a number of seconds ≥ \(shortest), not \(claimTimeoutSeconds): a daemon renews its lease every second, "
                + "and a slow shared filesystem must not make it look dead")
        if let rescanIntervalSeconds {
            try check(
                .rescanInterval, rescanIntervalSeconds.isFinite && rescanIntervalSeconds > 0,
                "must be a number of seconds > 0, not \(rescanIntervalSeconds)")
        }
        let longest = Self.longestDurationSeconds
        for (setting, seconds) in [
            (Setting.labelsGrace, labelsGraceSeconds), (.claimTimeout, claimTimeoutSeconds), (.rescanInterval, rescanIntervalSeconds ?? 0),
        ] {
            try check(setting, seconds <= Double(longest), "must be at most \(longest) seconds (a year), not \(seconds)")
        }
    }

    /// Throws `problem` about `setting`, named as it was given, unless `condition` holds.
    private func check(_ setting: Setting, _ condition: Bool, _ problem: @autoclosure () -> String) throws(ServeConfigurationError) {
        guard !condition else { return }
        let origin = origins[setting]
        throw ServeConfigurationError(origin: origin, problem: "\(setting.name(for: origin)) \(problem())")
    }
}
