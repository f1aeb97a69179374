/// Why `sumd serve` cannot run with its configuration, naming where the value to fix was set:
/// `PATH:LINE: problem` for a line of the config file (the form editors and `grep -n` use),
/// `PATH: problem` for the file as a whole, and the problem alone for a flag, which it names.
public struct ServeConfigurationError: Error, Equatable, CustomStringConvertible {
    /// Where the value was set; nil when no one place is at fault (a setting missing everywhere).
    public let origin: ServeConfiguration.Origin?
    /// A sentence naming the setting as it was given: `workers must be at least 1, not 0`.
    public let problem: String

    public init(origin: ServeConfiguration.Origin?, problem: String) {
        self.origin = origin
        self.problem = problem
    }

    public var description: String {
        guard case .file(let path, let line) = origin else { return problem }
        return "\(path):\(line.map { "\($0):" } ?? "") \(problem)"
    }
}
