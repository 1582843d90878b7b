#![no_main]
//! DashScope responses of any status and body never panic the client's parsers.

libfuzzer_sys::fuzz_target!(|data: &[u8]| asrpost::testing::fuzz::client(data));
