//! Replays the fuzz corpus and every crash input ever found on stable, in
//! ordinary `cargo test`, so a regression fails CI even where the fuzzer
//! does not run.
//!
//! The target bodies are `fuzz/src/lib.rs`, compiled here as a module: the
//! very functions cargo-fuzz runs. Every file of `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` goes through its target; a panic is caught
//! and reported with the file's path, and all failures are listed at the end.
//!
//! Not done here: finding new inputs (that is `fuzz/run.sh`).

#[allow(missing_docs, clippy::all)]
#[path = "../../../../fuzz/src/lib.rs"]
mod fuzz_targets;

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    crate::repo().join("fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    out.sort();
    out
}

fn replay(target: &str, body: fn(&[u8]), dir: &Path, failures: &mut Vec<String>) -> usize {
    let inputs = files(dir);
    for path in &inputs {
        let bytes = std::fs::read(path).expect("corpus files are readable");
        if let Err(panic) = std::panic::catch_unwind(|| body(&bytes)) {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{target}: {}: {msg}", path.display()));
        }
    }
    inputs.len()
}

#[test]
fn corpus_and_regressions_replay() {
    // The failures are collected and listed below, with their files; the
    // default hook would print a backtrace for each on top.
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut counts = Vec::new();
    for (target, body) in fuzz_targets::TARGETS {
        let corpus = replay(
            target,
            *body,
            &fuzz_dir().join("corpus").join(target),
            &mut failures,
        );
        let crashes = replay(
            target,
            *body,
            &fuzz_dir().join("regressions").join(target),
            &mut failures,
        );
        assert!(
            corpus > 0,
            "fuzz/corpus/{target}/ is empty or missing: the seed corpus must be committed"
        );
        counts.push(format!(
            "{target}: {corpus} corpus + {crashes} regression inputs"
        ));
    }
    std::panic::set_hook(quiet);
    eprintln!("{}", counts.join("\n"));
    assert!(
        failures.is_empty(),
        "{} inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_cargo_fuzz_binary() {
    let manifest =
        std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml exists");
    for (target, _) in fuzz_targets::TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "fuzz/Cargo.toml has no [[bin]] for {target}"
        );
        assert!(
            fuzz_dir()
                .join("fuzz_targets")
                .join(format!("{target}.rs"))
                .exists(),
            "fuzz/fuzz_targets/{target}.rs is missing"
        );
    }
}

/// A hundred deterministic pseudo-random inputs per target, on top of
/// the corpus: cheap, and it runs on every `cargo test` where the fuzzer
/// does not.
#[test]
fn pseudo_random_inputs() {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for (target, body) in fuzz_targets::TARGETS {
        for round in 0..100 {
            let len = (next() % 512) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if std::panic::catch_unwind(|| body(&bytes)).is_err() {
                failures.push(format!("{target}: round {round}: {bytes:02x?}"));
            }
        }
    }
    std::panic::set_hook(quiet);
    assert!(
        failures.is_empty(),
        "{} inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
