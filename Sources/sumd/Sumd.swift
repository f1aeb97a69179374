import ArgumentParser

/// `sumd`: train a digit-sum CNN, predict with it, and serve an inbox of `.npy` batches.
@main
struct Sumd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sumd",
        abstract: "Read handwritten digits in images and predict their sum.",
        discussion: """
            Workflow: `sumd synth` makes data (or bring your own .npy), `sumd train` writes a checkpoint, \
            `sumd predict` runs it on a file, `sumd serve` watches an inbox folder and writes CSV reports \
            to an outbox. `sumd inspect` describes a checkpoint, `sumd import` converts a PyTorch \
            state_dict, `sumd bench` measures the engine, `sumd health` checks a running daemon's status \
            file. Run `sumd help <command>` for details.
            """,
        version: VersionText.description,
        subcommands: [
            TrainCommand.self, PredictCommand.self, ServeCommand.self, SynthCommand.self,
            InspectCommand.self, ImportCommand.self, BenchCommand.self, HealthCommand.self,
        ]
    )
}
