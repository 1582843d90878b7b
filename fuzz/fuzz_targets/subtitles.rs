#![no_main]
//! Arbitrary documents and subtitle options give valid cues, and the SRT, WebVTT and ASS written
//! from them read back with the same cues.

libfuzzer_sys::fuzz_target!(|data: &[u8]| asrpost::testing::fuzz::subtitles(data));
