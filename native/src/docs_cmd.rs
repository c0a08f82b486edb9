//! `netready completions SHELL` and `netready man`: shell completion
//! scripts (clap_complete) and man pages (clap_mangen), both generated from
//! the same clap definitions as the parser, so they list exactly the flags
//! the binary accepts.
//!
//! Guarantees: output goes to standard output (a closed pipe is not an
//! error) or, for `man --out-dir`, to one file per command in an existing
//! directory; a directory that cannot be written is a usage error (exit 2)
//! naming it. Nothing else is read or written.

use crate::cli::{CliResult, UsageError};
use clap_complete::Shell;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `netready completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `netready man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write netready.1 and one page per command (netready-probe.1, …) into
    /// this existing directory instead of printing netready.1.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// The completion script for `shell`.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut cmd = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "netready", &mut out);
    out
}

/// The netready(1) page, in roff.
pub fn man_page() -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(crate::cli::command()).render(&mut out)?;
    Ok(out)
}

fn print(bytes: &[u8]) -> CliResult {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(0),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(UsageError(format!("cannot write to standard output: {e}"))),
    }
}

/// Runs `netready completions`.
pub fn completions(args: &CompletionsArgs) -> CliResult {
    print(&completion_script(args.shell))
}

/// Runs `netready man`.
pub fn man(args: &ManArgs) -> CliResult {
    match &args.out_dir {
        None => {
            let page =
                man_page().map_err(|e| UsageError(format!("cannot render the man page: {e}")))?;
            print(&page)
        }
        Some(dir) => {
            if !dir.is_dir() {
                return Err(UsageError(format!(
                    "--out-dir {}: not a directory (create it first)",
                    dir.display()
                )));
            }
            clap_mangen::generate_to(crate::cli::command(), dir).map_err(|e| {
                UsageError(format!(
                    "--out-dir {}: cannot write the man pages: {e}",
                    dir.display()
                ))
            })?;
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_know_every_command_and_flag() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::Elvish,
            Shell::PowerShell,
        ] {
            let script = String::from_utf8(completion_script(shell)).expect("UTF-8");
            for word in [
                "probe",
                "validate",
                "catalog",
                "metrics-format",
                "dns-server",
            ] {
                assert!(script.contains(word), "{shell}: {word} missing");
            }
        }
    }

    #[test]
    fn man_pages_cover_every_command() {
        let page = String::from_utf8(man_page().expect("renders")).expect("UTF-8");
        assert!(page.contains(".TH netready 1"), "{page}");
        assert!(page.contains("probe"), "{page}");
        let dir = std::env::temp_dir().join(format!("netready-man-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let code = man(&ManArgs {
            out_dir: Some(dir.clone()),
        });
        let mut pages: Vec<String> = std::fs::read_dir(&dir)
            .expect("written")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        pages.sort();
        let probe = std::fs::read_to_string(dir.join("netready-probe.1")).unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(code.ok(), Some(0));
        assert_eq!(
            pages,
            [
                "netready-catalog.1",
                "netready-completions.1",
                "netready-explain.1",
                "netready-man.1",
                "netready-probe.1",
                "netready-validate.1",
                "netready.1"
            ]
        );
        assert!(probe.contains("metrics\\-format"), "{probe}");
        assert!(probe.contains("Examples"), "{probe}");
    }

    #[test]
    fn a_missing_directory_is_a_usage_error() {
        let err = man(&ManArgs {
            out_dir: Some("/nonexistent/netready-man".into()),
        })
        .expect_err("not a directory");
        assert!(err.0.contains("/nonexistent/netready-man"), "{err}");
    }
}
