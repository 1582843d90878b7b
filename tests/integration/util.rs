//! Shared helpers.

use std::path::{Path, PathBuf};

/// The crate's root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `examples/data/`.
pub fn example(name: &str) -> PathBuf {
    root().join("examples/data").join(name)
}

/// The real result samples (transcription JSON).
pub const RESULT_SAMPLES: &[&str] = &[
    "paraformer-v2_hello_world_female2.json",
    "paraformer-v2_hello_world_male2.json",
    "paraformer-v2_transcription_result_24k.json",
];

/// Reads an example file.
pub fn read_example(name: &str) -> String {
    std::fs::read_to_string(example(name)).expect("example file")
}
