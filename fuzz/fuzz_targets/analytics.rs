#![no_main]
//! Conversation analytics never panic and keep their invariants on any document and thresholds.

libfuzzer_sys::fuzz_target!(|data: &[u8]| asrpost::testing::fuzz::analytics(data));
