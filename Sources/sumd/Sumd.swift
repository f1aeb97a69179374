import ArgumentParser

/// `sumd`: train a digit-sum CNN, predict with it, and serve an inbox of `.npy` batches.
@main
struct Sumd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sumd",
        abstract: "Predict the sum of the handwritten digits in each image.",
        version: "0.1.0",
        subcommands: []
    )
}
