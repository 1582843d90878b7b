#![no_main]
//! Any parsable result aligns into a consistent timeline and groups into turns without panics.

libfuzzer_sys::fuzz_target!(|data: &[u8]| asrpost::testing::fuzz::timeline(data));
