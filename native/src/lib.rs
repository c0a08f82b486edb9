//! # netready (the binary's library half)
//!
//! All I/O of netready lives here, behind small traits so tests can drive the
//! same code over fakes, a simulated network or real namespaces:
//!
//! * [`catalog_cmd`]: `netready catalog`;
//! * [`explain_cmd`]: `netready explain`: a validate report beside a probe
//!   report, through core's comparison;
//! * [`docs_cmd`]: `netready completions` and `netready man`, generated
//!   from the clap definitions;
//! * [`probe`]: `netready probe`: real DNS, real TCP, watch mode;
//! * [`validate_cmd`]: `netready validate`: reads describe-* files and hands
//!   them to core's evaluation.
//!
//! Rules are never decided here: every verdict comes from `netready-core`.

pub mod catalog_cmd;
pub mod cli;
pub mod docs_cmd;
pub mod explain_cmd;
pub mod probe;
pub mod validate_cmd;
