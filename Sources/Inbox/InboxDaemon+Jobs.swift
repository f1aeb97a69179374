import Classifier
import Foundation
import Logging

extension InboxDaemon {
    /// Takes turns until one yields a slice for the (free) compute thread.
    func nextSlice() async -> (job: Int, slice: SliceRequest)? {
        while running == nil, !isShuttingDown, !turns.isEmpty {
            let turn = turns.removeFirst()
            queued.remove(turn)
            let job: Int?
            switch turn {
            case let .batch(name): job = await startBatch(name)
            case let .relabel(name): job = await startRelabel(name)
            case let .job(id): job = id
            }
            if let job, let state = jobs[job] {
                running = job
                return (job, state.nextSlice(size: sliceSize))
            }
        }
        return nil
    }

    /// Claims a settled batch (with its labels if they are already here) and prepares a job.
    private func startBatch(_ name: String) async -> Int? {
        guard case let kind = InboxName(name), kind.isBatch, let batch = kind.base else { return nil }
        let labels = batch + InboxName.labelsSuffix
        let withLabels = waitingLabels[labels] != nil
        unsettled[name] = nil
        guard let inputs = await perform("claim \(name)", { [files] in
            try files.claimBatch(name, batch: batch, withLabels: withLabels)
        }) ?? nil else { return nil }
        if inputs.labels != nil { waitingLabels[labels] = nil }
        return await prepare(inputs)
    }

    /// Claims late labels for the earlier batch they belong to, if that is still the plan.
    private func startRelabel(_ name: String) async -> Int? {
        guard case let .labels(batch) = InboxName(name), let since = waitingLabels[name] else { return nil }
        let waited = clock.now - since
        let grace = configuration.labelsGrace
        let inputs = await perform("claim \(name)", { [files] () -> BatchInputs? in
            guard case let .relabel(stem, images) = try files.plan(labels: name, batch: batch, waited: waited, grace: grace) else {
                return nil
            }
            return try files.claimRelabel(name, batch: batch, stem: stem, images: images)
        }) ?? nil
        guard let inputs else { return nil }
        waitingLabels[name] = nil
        return await prepare(inputs)
    }

    /// Reserves the output stem, maps and checks the inputs; a bad batch goes to failed/ here.
    func prepare(_ inputs: BatchInputs) async -> Int? {
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
        case let .success((inputs, images))?:
            let id = nextJobID
            nextJobID += 1
            jobs[id] = BatchJob(inputs: inputs, images: images, model: model, startedAt: Date())
            logger.debug("batch started", metadata: [
                "batch.file": "\(inputs.displayName)", "batch.stem": "\(inputs.stem ?? "")", "batch.images": "\(images.count)",
                "batch.labeled": "\(images.labels != nil)",
            ])
            return id
        case let .failure(error)?:
            logger.warning("bad batch moved to failed", metadata: ["batch.file": "\(inputs.displayName)", "error": "\(error)"])
            telemetry.failed(.badBatch)
            await writeMetrics()
            return nil
        case nil:
            await giveBack(inputs)
            return nil
        }
    }

    /// Records a slice's predictions; finishes, fails or re-queues its job.
    func sliceFinished(_ id: Int, _ result: Result<SliceOutput, any Error>) async {
        running = nil
        guard var job = jobs.removeValue(forKey: id) else { return }
        switch result {
        case let .success(output):
            job.append(output)
            let seconds = Double(output.elapsed.components.seconds) + Double(output.elapsed.components.attoseconds) / 1e18
            if seconds > 0 {
                let rate = Double(output.predicted.count) / seconds
                sliceSize = min(8192, max(64, Int(rate * sliceTarget)))
            }
            if job.isComplete {
                await finish(job)
            } else {
                jobs[id] = job
                enqueue(.job(id))
            }
        case let .failure(error):
            let reason = files.presentable("\(error)", for: job.inputs)
            await perform("move \(job.inputs.displayName) to failed") { [files, inputs = job.inputs] in
                try files.fail(inputs, reason: reason)
            }
            logger.warning("bad batch moved to failed", metadata: ["batch.file": "\(job.inputs.displayName)", "error": "\(reason)"])
            telemetry.failed(.badBatch)
            await writeMetrics()
        }
    }

    /// Writes the reports, the summary row, and moves the inputs to processed/; one log line.
    private func finish(_ job: BatchJob) async {
        let outcome = job.outcome(finishedAt: Date())
        let written: Void? = await perform("write the reports of \(job.inputs.displayName)") { [files, inputs = job.inputs] in
            try files.finish(inputs, outcome: outcome)
        }
        guard written != nil else {
            // Disk full or similar: give the batch back so it is tried again later.
            await giveBack(job.inputs)
            return
        }
        var metadata: Logger.Metadata = [
            "batch.file": "\(job.inputs.displayName)", "batch.stem": "\(outcome.batch)", "batch.images": "\(outcome.images)",
            "batch.seconds": "\(String(format: "%.3f", outcome.seconds))",
            "batch.images_per_second": "\(String(format: "%.1f", outcome.imagesPerSecond))",
            "model.sha256": "\(outcome.modelSHA256)",
        ]
        if let accuracy = outcome.accuracy { metadata["batch.accuracy"] = "\(String(format: "%.4f", accuracy))" }
        logger.info(job.inputs.isRelabel ? "batch relabelled" : "batch done", metadata: metadata)
        telemetry.batchDone(outcome, backlog: turns.count)
        await writeMetrics()
    }
}
