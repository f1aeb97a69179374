/// Placeholder until the Synth target lands.
enum SynthPlaceholder {}
