//! The integration tests: one binary, one module per area.

mod util;

// Parsing, round trips and malformed input, on the real samples.
mod parse;
// The `asrpost` command line, end to end.
mod cli;
// Property tests of the model and the pipeline.
mod prop;
// Conversation analytics: hand-computed fixtures and invariants.
mod analytics;
// Fuzz target bodies over the committed seed corpus.
mod fuzz_seeds;
