//! cargo-fuzz entry point; the body is [`netready_fuzz::plan_parse`], replayed on stable by `cargo test`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netready_fuzz::plan_parse(data));
