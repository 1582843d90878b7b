#![no_main]
//! The subtitle checker reads any text (as SRT, WebVTT and ASS) and checks it without panicking.

libfuzzer_sys::fuzz_target!(|data: &[u8]| asrpost::testing::fuzz::qc(data));
