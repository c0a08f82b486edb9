//! Embeds what `netready --version` prints beside the version: the git
//! commit the binary was built from and the target triple.
//!
//! The commit is `NETREADY_BUILD_COMMIT` when set (for builds from a source
//! archive, which has no `.git`), else `git rev-parse --short=12 HEAD` in the
//! source tree, else `unknown`. It does not say whether the work tree had
//! uncommitted changes: that cannot be tracked without rerunning on every
//! file change.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Reruns when HEAD moves: a commit appends to `logs/HEAD` and rewrites the
/// branch's ref, a checkout rewrites `HEAD`. Only existing files are named:
/// cargo treats a missing one as always changed.
fn watch_head() {
    let mut paths = vec![
        "HEAD".to_owned(),
        "logs/HEAD".to_owned(),
        "packed-refs".to_owned(),
    ];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        paths.push(branch);
    }
    for p in paths {
        if let Some(path) = git(&["rev-parse", "--git-path", &p])
            && std::path::Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=NETREADY_BUILD_COMMIT");
    let commit = match std::env::var("NETREADY_BUILD_COMMIT") {
        Ok(c) if !c.trim().is_empty() => c.trim().to_owned(),
        _ => {
            watch_head();
            git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_owned())
        }
    };
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=NETREADY_COMMIT={commit}");
    println!("cargo:rustc-env=NETREADY_TARGET={target}");
}
