//! `netready probe` command-line arguments (placeholder until the probe lands).

use crate::cli::{CliResult, UsageError};

/// Arguments of `netready probe`.
#[derive(Debug, clap::Args)]
pub struct ProbeArgs {}

/// Runs the probe.
pub fn run(_args: ProbeArgs) -> CliResult {
    Err(UsageError("`netready probe` is not implemented in this build yet".into()))
}
