import Classifier
import Foundation
import Logging

/// The machine's job actions: preparing a job, its slices, its reports, failing or giving it back.
extension InboxDaemon {
    /// Reserves the output stem, maps and checks the inputs; a bad batch goes to failed/ here.
    func prepare(_ inputs: BatchInputs, as id: InboxStateMachine.JobID) async -> InboxStateMachine.Input {
        let model = model
        let prepared = await perform("prepare \(inputs.displayName)") { [files] () -> Result<(BatchInputs, ImageSet), InboxError> in
            var inputs = inputs
            try files.reserveStem(&inputs)
            do { return .success((inputs, try files.load(inputs, for: model))) } catch let error as InboxError {
                try files.fail(inputs, reason: error.description)
                return .failure(error)
            }
        }
        switch prepared {
        case .success((let ready, let images))?:
            jobs[id] = BatchJob(inputs: ready, images: images, model: model, startedAt: Date())
            logger.debug(
                "batch started",
                metadata: [
                    "batch.file": "\(ready.displayName)", "batch.stem": "\(ready.stem ?? "")", "batch.images": "\(images.count)",
                    "batch.labeled": "\(images.labels != nil)",
                ])
            return .prepared(id, inputs, .ready(ready, images: images.count))
        case .failure(let error)?:
            logger.warning("bad batch moved to failed", metadata: ["batch.file": "\(inputs.displayName)", "error": "\(error)"])
            telemetry.failed(.badBatch)
            await writeMetrics()
            return .prepared(id, inputs, .rejected)
        case nil:
            return .prepared(id, inputs, .failed)
        }
    }

    /// Queues the job's next slice for the caller to run on the compute thread.
    func runSlice(_ id: InboxStateMachine.JobID, size: Int) {
        guard let job = jobs[id] else { return }
        launch = (id, job.nextSlice(size: size))
    }

    /// Keeps a slice's predictions with its job; what the machine needs to know about the slice.
    func record(_ result: Result<SliceOutput, any Error>, of id: InboxStateMachine.JobID) -> InboxStateMachine.SliceResult {
        switch result {
        case .success(let output):
            jobs[id]?.append(output)
            return .predicted(images: output.predicted.count, elapsed: output.elapsed)
        case .failure(let error):
            guard let job = jobs[id] else { return .failed("\(error)") }
            return .failed(files.presentable("\(error)", for: job.inputs))
        }
    }

    /// Writes the reports, the summary row, and moves the inputs to processed/; one log line.
    func finish(_ id: InboxStateMachine.JobID) async -> InboxStateMachine.Input {
        guard let job = jobs.removeValue(forKey: id) else { return .finished(id, succeeded: false) }
        let outcome = job.outcome(finishedAt: Date())
        let written = await perform("write the reports of \(job.inputs.displayName)") { [files, inputs = job.inputs] in
            try files.finish(inputs, outcome: outcome).map { "\($0)" }
        }
        guard let mergeFailure = written else { return .finished(id, succeeded: false) }
        if let mergeFailure {
            logger.warning(
                "summary.csv not updated yet; the row is recorded and merged later",
                metadata: ["batch.stem": "\(outcome.batch)", "error": "\(mergeFailure)"])
        }
        var metadata: Logger.Metadata = [
            "batch.file": "\(job.inputs.displayName)", "batch.stem": "\(outcome.batch)", "batch.images": "\(outcome.images)",
            "batch.seconds": "\(String(format: "%.3f", outcome.seconds))",
            "batch.images_per_second": "\(String(format: "%.1f", outcome.imagesPerSecond))",
            "model.sha256": "\(outcome.modelSHA256)",
        ]
        if let accuracy = outcome.accuracy { metadata["batch.accuracy"] = "\(String(format: "%.4f", accuracy))" }
        logger.info(job.inputs.isRelabel ? "batch relabelled" : "batch done", metadata: metadata)
        telemetry.batchDone(outcome, backlog: machine.backlog)
        await writeMetrics()
        return .finished(id, succeeded: true)
    }

    /// Moves a batch found bad during a slice to failed/ with `reason`.
    func fail(_ id: InboxStateMachine.JobID, reason: String) async {
        guard let job = jobs.removeValue(forKey: id) else { return }
        await perform("move \(job.inputs.displayName) to failed") { [files, inputs = job.inputs] in
            try files.fail(inputs, reason: reason)
        }
        logger.warning("bad batch moved to failed", metadata: ["batch.file": "\(job.inputs.displayName)", "error": "\(reason)"])
        telemetry.failed(.badBatch)
        await writeMetrics()
    }

    /// Returns claimed inputs to the inbox after a daemon-side failure.
    func giveBack(_ inputs: BatchInputs) async {
        await perform("give back \(inputs.displayName)") { [files] in try files.release(inputs) }
    }

    /// Shutdown: returns an unfinished job's inputs to the inbox.
    func abandon(_ id: InboxStateMachine.JobID) async {
        guard let job = jobs.removeValue(forKey: id) else { return }
        await giveBack(job.inputs)
        logger.notice(
            "batch given back to the inbox",
            metadata: [
                "batch.file": "\(job.inputs.displayName)", "batch.images_done": "\(job.done)", "batch.images": "\(job.images.count)",
            ])
    }
}
