#![no_main]
//! Arbitrary bytes never panic the parsers.

libfuzzer_sys::fuzz_target!(|data: &[u8]| asrpost::testing::fuzz::parse(data));
