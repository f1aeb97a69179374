import Foundation
import Inbox
import Testing

/// The exact text of the metrics file, escaping, and the atomic write.
@Suite struct MetricsFileTests {
    @Test func rendersEveryFamilyWithHelpAndType() {
        var metrics = MetricsFile(
            startTime: Date(timeIntervalSince1970: 1_764_183_119.5), modelSHA256: "ab12",
            checkpoint: "/var/lib/sumd/models/current.safetensors", kernels: "avx2", failureReasons: ["not_a_batch"])
        metrics.recordBatch(images: 1000, seconds: 0.5, accuracy: 0.875)
        metrics.recordBatch(images: 24, seconds: 0.25, accuracy: nil)
        metrics.recordFailure(reason: "invalid")
        metrics.recordFailure(reason: "invalid")
        metrics.inboxBacklog = 3
        #expect(
            metrics.render() == """
                # HELP sumd_up 1 while sumd serve runs, 0 after a clean stop.
                # TYPE sumd_up gauge
                sumd_up 1
                # HELP sumd_start_time_seconds When sumd serve started, in seconds since the Unix epoch.
                # TYPE sumd_start_time_seconds gauge
                sumd_start_time_seconds 1764183119.5
                # HELP sumd_model_info The checkpoint being served, its SHA-256 and the kernel set running it.
                # TYPE sumd_model_info gauge
                sumd_model_info{sha256="ab12",checkpoint="/var/lib/sumd/models/current.safetensors",kernels="avx2"} 1
                # HELP sumd_batches_total Batches reported (re-runs with late labels included).
                # TYPE sumd_batches_total counter
                sumd_batches_total 2
                # HELP sumd_images_total Images predicted.
                # TYPE sumd_images_total counter
                sumd_images_total 1024
                # HELP sumd_failures_total Inputs moved to the failed directory, by reason.
                # TYPE sumd_failures_total counter
                sumd_failures_total{reason="invalid"} 2
                sumd_failures_total{reason="not_a_batch"} 0
                # HELP sumd_last_accuracy Fraction of correct sums in the last labelled batch.
                # TYPE sumd_last_accuracy gauge
                sumd_last_accuracy 0.875
                # HELP sumd_images_per_second Images per second in the last batch.
                # TYPE sumd_images_per_second gauge
                sumd_images_per_second 96
                # HELP sumd_inbox_backlog Batches waiting in the inbox.
                # TYPE sumd_inbox_backlog gauge
                sumd_inbox_backlog 3

                """)
    }

    @Test func leavesOutUnknownGaugesAndMarksAStop() {
        var metrics = MetricsFile(startTime: Date(timeIntervalSince1970: 0), modelSHA256: "00", checkpoint: "m", kernels: "portable")
        metrics.isUp = false
        let lines = metrics.render().split(separator: "\n")
        #expect(lines.contains("sumd_up 0"))
        #expect(lines.contains("sumd_batches_total 0") && lines.contains("sumd_images_total 0"))
        #expect(
            !lines.contains {
                $0.hasPrefix("sumd_last_accuracy") || $0.hasPrefix("sumd_images_per_second") || $0.hasPrefix("sumd_failures_total")
            })
        #expect(lines.contains("# TYPE sumd_last_accuracy gauge"), "families keep their HELP and TYPE")
    }

    @Test func escapesLabelValues() {
        let metrics = MetricsFile(
            startTime: Date(timeIntervalSince1970: 0), modelSHA256: "ff",
            checkpoint: "/models/a \"b\"\\c\nd.safetensors", kernels: "avx512")
        #expect(
            metrics.render().contains(#"sumd_model_info{sha256="ff",checkpoint="/models/a \"b\"\\c\nd.safetensors",kernels="avx512"} 1"#))
    }

    @Test func writesTheFileAtomically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sumd-metrics-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("sumd.prom")
        var metrics = MetricsFile(modelSHA256: "ab", checkpoint: "m", kernels: "avx2")
        try metrics.write(to: url)
        metrics.recordBatch(images: 5, seconds: 1, accuracy: 1)
        try metrics.write(to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == metrics.render())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["sumd.prom"], "no temporary file left")
    }
}
