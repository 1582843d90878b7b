#![no_main]
//! Arbitrary word lists, options and transcripts never panic the sensitive-word stage.

libfuzzer_sys::fuzz_target!(|data: &[u8]| asrpost::testing::fuzz::sensitive(data));
