//! The integration tests: one binary, one module per area.

// Test helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]
// A test binary has no public API; `pub` here only shares helpers between modules.
#![allow(unreachable_pub)]

mod util;

// Parsing, round trips and malformed input, on the real samples.
mod parse;
// The `asrpost` command line, end to end.
#[cfg(feature = "cli")]
mod cli;
// Property tests of the model and the pipeline.
#[cfg(feature = "testing")]
mod prop;
// Conversation analytics: hand-computed fixtures and invariants.
mod analytics;
// The sensitive-word stage: samples, properties, CLI flags.
#[cfg(feature = "testing")]
mod sensitive;
// The disfluency stage: per-language tables, repair, report, property tests.
mod disfluency;
// Fuzz target bodies over the committed seed corpus.
#[cfg(feature = "testing")]
mod fuzz_seeds;
// Timestamp alignment and speaker turns: fixtures, conversations, invariants.
#[cfg(feature = "testing")]
mod timeline;
// Subtitle layout, writers, golden files and the checker.
mod subtitles;
// The DashScope client against a scripted loopback HTTP server.
mod client;
