#![no_main]
//! Writing is lossless and stable: parsed bytes write back to the same value and the same bytes
//! again; arbitrary documents write and parse back to the same content.

libfuzzer_sys::fuzz_target!(|data: &[u8]| asrpost::testing::fuzz::roundtrip(data));
