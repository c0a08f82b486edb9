//! Command-line parsing and dispatch, and the exit-code contract:
//! `0` ready, `1` degraded, `2` bad usage or bad input, `3` unknown.
//!
//! Every subcommand lives in its own module and returns a [`CliResult`]; this
//! module only turns that into a message and an exit code. clap's own usage
//! errors also exit with 2.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code for bad usage or bad input.
pub const EXIT_BAD_INPUT: u8 = 2;

/// A user-facing error: printed as `netready: error: …`, exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// What a subcommand returns: the exit code it wants, or a usage error.
pub type CliResult = Result<u8, UsageError>;

/// netready: can this runner reach every AWS service it needs, and by which path?
#[derive(Debug, Parser)]
#[command(name = "netready", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Resolve and dial every endpoint from inside the subnet (after deploying).
    Probe(crate::probe::cli::ProbeArgs),
    /// Evaluate the VPC's describe-* JSON (before deploying; no credentials, no network).
    Validate(crate::validate_cmd::ValidateArgs),
    /// List the endpoints a profile needs, or print commands that create them.
    Catalog(crate::catalog_cmd::CatalogArgs),
}

/// Parses the command line, runs the subcommand, and maps the result to an
/// exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Probe(args) => crate::probe::cli::run(args),
        Command::Validate(args) => crate::validate_cmd::run(args),
        Command::Catalog(args) => crate::catalog_cmd::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("netready: error: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
