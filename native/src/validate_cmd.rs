//! `netready validate` (placeholder until the validator lands).

use crate::cli::{CliResult, UsageError};

/// Arguments of `netready validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {}

/// Runs the validator.
pub fn run(_args: ValidateArgs) -> CliResult {
    Err(UsageError("`netready validate` is not implemented in this build yet".into()))
}
