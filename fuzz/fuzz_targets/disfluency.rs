#![no_main]
//! The disfluency stage never panics and keeps its invariants, on any options and input.

libfuzzer_sys::fuzz_target!(|data: &[u8]| asrpost::testing::fuzz::disfluency(data));
