//! Command-line parsing and dispatch, and the exit-code contract:
//! `0` ready, `1` degraded, `2` bad usage or bad input, `3` unknown.
//!
//! Every subcommand lives in its own module and returns a [`CliResult`]; this
//! module only turns that into a message and an exit code. clap's own usage
//! errors also exit with 2.

use clap::{CommandFactory, Parser, Subcommand};
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

/// What `--version` prints after the name: the version, the commit the
/// binary was built from and its target (see `build.rs`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("NETREADY_COMMIT"),
    ", ",
    env!("NETREADY_TARGET"),
    ")"
);

/// `--help` examples, one block per command. Every line that starts with
/// `netready` is parsed by the tests, so an example cannot go stale.
pub mod examples {
    /// `netready --help`.
    pub const TOP: &str = "\
Examples:
  netready validate examples/vpc-nat/vpc.json
  netready probe --region eu-west-1 --ecr-account 123456789012
  netready catalog --region eu-west-1 --profile private

Exit codes: 0 ready, 1 degraded, 2 bad usage or bad input, 3 unknown.";

    /// `netready probe --help`.
    pub const PROBE: &str = "\
Examples:
  netready probe --region eu-west-1 --ecr-account 123456789012
  netready probe --format json --timeout 3s
  netready probe --tls --endpoint app.gitpod.io
  netready probe --dns-server 10.0.0.2 --public-ip no --vpc-cidr 10.0.0.0/16
  netready probe --watch --interval 5m --listen 0.0.0.0:9090
  netready probe --watch --interval 5m --metrics-format emf

In an ECS task the region and the ECR account come from the task metadata.
Exit codes: 0 ready, 1 degraded, 2 bad usage or bad input, 3 unknown.";

    /// `netready validate --help`.
    pub const VALIDATE: &str = "\
Examples:
  netready validate --collect vpc-0123456789abcdef0 --region eu-west-1
  netready validate vpcs.json subnets.json route-tables.json vpc-endpoints.json
  netready validate --subnet subnet-0aaa --security-group sg-0123 --format json vpc.json
  netready validate --profile private --fix-format powershell vpc.json
  netready validate -

`--collect` prints the read-only AWS CLI commands that write the files.
Exit codes: 0 ready, 1 degraded, 2 bad usage or bad input, 3 unknown.";

    /// `netready explain --help`.
    pub const EXPLAIN: &str = "\
Examples:
  netready explain --validate predicted.json --probe observed.json
  netready explain --validate predicted.json --probe observed.json --subnet subnet-0aaa --format json

predicted.json: netready validate --subnet ID --format json FILE...; observed.json: netready probe
--format json, run in that subnet.

Exit codes: 0 all agree, 1 something differs, 2 bad input (not a report, wrong kind, different regions, a probe report from another subnet).";

    /// `netready catalog --help`.
    pub const CATALOG: &str = "\
Examples:
  netready catalog --region eu-west-1
  netready catalog --region eu-west-1 --ecr-account 123456789012 --format json
  netready catalog --region eu-west-1 --profile private --format terraform
  netready catalog --region eu-west-1 --profile private --format aws-cli --vpc-id vpc-0123 --subnet subnet-0aaa --security-group sg-0123";

    /// `netready completions --help`.
    pub const COMPLETIONS: &str = "\
Examples:
  netready completions bash
  netready completions zsh
  netready completions fish

Install (per user):
  netready completions bash > ~/.local/share/bash-completion/completions/netready
  netready completions zsh > ~/.zfunc/_netready
  netready completions fish > ~/.config/fish/completions/netready.fish";

    /// `netready man --help`.
    pub const MAN: &str = "\
Examples:
  netready man
  netready man --out-dir ~/.local/share/man/man1

Without --out-dir: the netready(1) page on standard output (man -l - reads it).";

    /// Every block, with the subcommand it belongs to (`None`: the top level).
    pub const ALL: [(Option<&str>, &str); 7] = [
        (None, TOP),
        (Some("probe"), PROBE),
        (Some("validate"), VALIDATE),
        (Some("explain"), EXPLAIN),
        (Some("catalog"), CATALOG),
        (Some("completions"), COMPLETIONS),
        (Some("man"), MAN),
    ];
}

/// netready: can this runner reach every AWS service it needs, and by which path?
#[derive(Debug, Parser)]
#[command(
    name = "netready",
    version = VERSION,
    about,
    long_about = None,
    propagate_version = true,
    after_help = examples::TOP
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Resolve and dial every endpoint from inside the subnet (after deploying).
    #[command(after_help = examples::PROBE)]
    Probe(crate::probe::cli::ProbeArgs),
    /// Evaluate the VPC's describe-* JSON (before deploying; no credentials, no network).
    #[command(after_help = examples::VALIDATE)]
    Validate(crate::validate_cmd::ValidateArgs),
    /// Set a validate report beside a probe report: what differs, and why.
    #[command(after_help = examples::EXPLAIN)]
    Explain(crate::explain_cmd::ExplainArgs),
    /// List the endpoints a profile needs, or print commands that create them.
    #[command(after_help = examples::CATALOG)]
    Catalog(crate::catalog_cmd::CatalogArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = examples::COMPLETIONS)]
    Completions(crate::docs_cmd::CompletionsArgs),
    /// Print the man page, or write every page (one per command) into a directory.
    #[command(after_help = examples::MAN)]
    Man(crate::docs_cmd::ManArgs),
}

/// The whole command-line definition, as clap builds it: what the
/// completions and the man pages are generated from.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses the command line, runs the subcommand, and maps the result to an
/// exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Probe(args) => crate::probe::cli::run(args),
        Command::Validate(args) => crate::validate_cmd::run(args),
        Command::Explain(args) => crate::explain_cmd::run(args),
        Command::Catalog(args) => crate::catalog_cmd::run(args),
        Command::Completions(args) => crate::docs_cmd::completions(&args),
        Command::Man(args) => crate::docs_cmd::man(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("netready: error: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `netready …` line of every `--help` example block parses, and
    /// belongs to the command whose help shows it.
    #[test]
    fn help_examples_parse() {
        let mut seen = 0;
        for (sub, block) in examples::ALL {
            for line in block.lines().map(str::trim) {
                let Some(rest) = line.strip_prefix("netready") else {
                    continue;
                };
                // Shell redirections are the user's, not netready's.
                let argv: Vec<&str> = std::iter::once("netready")
                    .chain(rest.split_whitespace().take_while(|w| *w != ">"))
                    .collect();
                let matches = command()
                    .try_get_matches_from(&argv)
                    .unwrap_or_else(|e| panic!("{line}: {e}"));
                if let Some(sub) = sub {
                    assert_eq!(matches.subcommand_name(), Some(sub), "{line}");
                }
                seen += 1;
            }
        }
        assert!(seen >= 20, "{seen} examples");
    }

    #[test]
    fn every_command_shows_its_examples() {
        let mut cmd = command();
        for (sub, block) in examples::ALL {
            let c = match sub {
                None => &mut cmd,
                Some(s) => cmd
                    .find_subcommand_mut(s)
                    .unwrap_or_else(|| panic!("subcommand {s}")),
            };
            let help = c.render_help().to_string();
            let first = block.lines().nth(1).expect("a first example").trim();
            assert!(help.contains(first), "{sub:?}:\n{help}");
        }
    }

    #[test]
    fn version_names_commit_and_target() {
        assert!(VERSION.starts_with(env!("CARGO_PKG_VERSION")));
        assert!(VERSION.contains(" (commit "), "{VERSION}");
        assert!(VERSION.ends_with(')'), "{VERSION}");
    }
}
