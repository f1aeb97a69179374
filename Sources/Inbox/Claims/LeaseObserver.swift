/// Judges other daemons' leases without comparing clocks across hosts: a lease whose content
/// has not changed for `timeout` of this daemon's own monotonic time is dead.
///
/// Clocks of hosts sharing a filesystem may disagree, and NFS caches file times, so neither a
/// lease's mtime nor a time written in it can be trusted here. Its content changes on every
/// renewal, though, and reading it after `open` is fresh on NFS (close-to-open consistency).
struct LeaseObserver: Sendable {
    private var seen: [String: (content: String, since: Duration)] = [:]

    /// Whether lease `name`, now reading `content`, has read the same for `timeout` or more. The
    /// first sighting starts the wait: a daemon that just started never adopts at once.
    mutating func isStale(_ name: String, content: String, now: Duration, timeout: Duration) -> Bool {
        if let previous = seen[name], previous.content == content {
            return now - previous.since >= timeout
        }
        seen[name] = (content, now)
        return false
    }

    /// Forgets leases no longer present, so a reused name starts afresh.
    mutating func forget(allBut present: Set<String>) {
        seen = seen.filter { present.contains($0.key) }
    }
}
