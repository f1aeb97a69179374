import Foundation

extension ServeConfiguration {
    /// The settings by their config-file keys; each also has a flag, the key with dashes
    /// (`chunk_size`, `--chunk-size`).
    public enum Setting: String, CaseIterable, Sendable {
        case inbox, outbox, checkpoint, processed, failed, workers
        case chunkSize = "chunk_size"
        case gridPhases = "grid_phases"
        case labelsGrace = "labels_grace"
        case logLevel = "log_level"
        case metricsFile = "metrics_file"
        case statusFile = "status_file"
        case claimTimeout = "claim_timeout"
        case rescanInterval = "rescan_interval"

        /// The key in the config file.
        public var key: String { rawValue }
        /// The flag of `sumd serve`.
        public var flag: String { "--" + rawValue.replacingOccurrences(of: "_", with: "-") }

        /// How a message names the setting: as the flag when a flag set it, else as the key.
        func name(for origin: Origin?) -> String { origin == .flag ? flag : key }
    }

    /// Where a setting was set.
    public enum Origin: Sendable, Equatable {
        /// A flag of `sumd serve`.
        case flag
        /// The config file at `path`, at `line` (nil: the file as a whole).
        case file(path: String, line: Int?)

        /// What a relative path is relative to: the config file's directory, or for a flag the
        /// working directory.
        var directory: URL {
            switch self {
            case .flag: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            case .file(let path, _): URL(fileURLWithPath: path).deletingLastPathComponent()
            }
        }
    }

    /// Sets `setting` to `value`, given at `origin`, replacing what was there. Throws when the
    /// value is of the wrong kind for the setting (a string for `workers`, an empty path, an unknown
    /// log level); whether a number is in range is `validate()`'s to say, once everything is set.
    public mutating func set(_ setting: Setting, to value: ConfigValue, from origin: Origin) throws(ServeConfigurationError) {
        do throws(ConfigProblem) {
            switch setting {
            case .inbox, .outbox, .checkpoint, .processed, .failed, .metricsFile, .statusFile:
                paths[setting] = try value.path(relativeTo: origin.directory)
            case .workers: workers = try value.integer()
            case .chunkSize: chunkSize = try value.integer()
            case .gridPhases: gridPhases = try value.integer()
            case .labelsGrace: labelsGraceSeconds = try value.seconds()
            case .claimTimeout: claimTimeoutSeconds = try value.seconds()
            case .rescanInterval: rescanIntervalSeconds = try value.seconds()
            case .logLevel: logLevel = try value.logLevel()
            }
        } catch {
            throw ServeConfigurationError(origin: origin, problem: "\(setting.name(for: origin)) \(error.message)")
        }
        origins[setting] = origin
    }
}
