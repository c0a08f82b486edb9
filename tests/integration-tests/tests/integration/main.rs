//! netready's end-to-end tests: one test binary (fewer to link on a small
//! machine), a module per area.
//!
//! * `probe_loopback`: the probe against real DNS servers, listeners, TLS
//!   and fake metadata on loopback;
//! * `sim_probe` (with `sim`): the real probe engine over a simulated
//!   network on smoltcp, in virtual time, with loss and corruption;
//! * `validate_*`: the validator's scenarios, bad input, properties and the
//!   catalog's Terraform/CloudFormation, against tests/data;
//! * `fuzz_replay`: every fuzz target's corpus and crash inputs, replayed on
//!   stable.
//!
//! The test servers come from `netready-test-support`, which depends on core
//! but not on the `netready` crate; this crate depends on both, so there is
//! no dependency cycle. Namespace tests live with the binary's own tests in
//! `native/tests/`.

use std::path::PathBuf;

mod fuzz_replay;
mod probe_loopback;
mod sim;
mod sim_probe;
mod validate_bad_input;
mod validate_catalog_iac;
mod validate_fix_terraform;
mod validate_plan;
mod validate_props;
mod validate_scenarios;

/// The repository's root.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The test data shared by the crates' tests, the page's tests and the
/// benches: `tests/data`.
fn data() -> PathBuf {
    repo().join("tests/data")
}
