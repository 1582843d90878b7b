//! Bodies of the fuzz targets in `fuzz/`, shared with the test that runs them over the committed
//! seed corpus (`fuzz/seeds/<target>/`), so CI exercises them without a fuzzer.
//!
//! Each body panics only when an invariant breaks; bad input must give an `Err`, never a panic.

use crate::{ParseOptions, Transcription};

/// `parse`: any bytes give a document or an error, through every parser.
pub fn parse(data: &[u8]) {
    let _ = Transcription::from_slice(data);
    let _ = ParseOptions::new()
        .max_depth(8)
        .max_bytes(4096)
        .parse_slice(data);
    let _ = crate::task::TaskResponse::from_slice(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::realtime::Event::from_str(text);
        let _ = crate::realtime::Assembler::new().push(text);
    }
}
