//! `netready validate` reads files the way users' tools write them: the
//! table of `tests/data/encodings/cases.json` (written by its `gen.py`).
//!
//! Every file under `decode` (one describe-subnets document in UTF-8 with a
//! byte-order mark, UTF-16 LE and BE with and without one: PowerShell's `>`
//! among them), validated beside its scenario's other documents, as a file
//! and on standard input, gives exactly the report and exit code of the
//! plain UTF-8 file; so does each `--ip-ranges` file against the UTF-8
//! `ip-ranges.json`. Every file under `refuse` is exit 2 with a message
//! naming the file and saying what its bytes look like. The page replays
//! the same table (`web/tests/browser/encodings.test.mjs`).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("native/ has a parent: the workspace")
        .to_path_buf()
}

fn dir() -> PathBuf {
    root().join("tests/data/encodings")
}

fn cases() -> Value {
    let text =
        std::fs::read_to_string(dir().join("cases.json")).expect("tests/data/encodings/cases.json");
    serde_json::from_str(&text).expect("cases.json is JSON")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

/// The scenario's documents except the one the table replaces, and its flags.
fn scenario(cases: &Value) -> (Vec<String>, Vec<String>) {
    let dir = root().join(cases["scenario"].as_str().expect("scenario"));
    let replaces = cases["replaces"].as_str().expect("replaces");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the scenario exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p.ends_with("expected.json")
                && !p.ends_with(replaces)
        })
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    let args = std::fs::read_to_string(dir.join("args"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    (files, args)
}

/// `netready validate --format json ARGS`, with `stdin` on standard input.
fn validate(args: &[String], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_netready"))
        .arg("validate")
        .args(["--format", "json"])
        .args(args)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the netready binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    pipe.write_all(stdin.unwrap_or_default())
        .expect("write standard input");
    drop(pipe);
    child.wait_with_output().expect("netready ends")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn every_encoding_reads_like_utf8_on_files_and_stdin() {
    let cases = cases();
    let (others, flags) = scenario(&cases);
    let with = |file: &str| -> Vec<String> {
        let mut a = flags.clone();
        a.extend(others.iter().cloned());
        a.push(file.to_owned());
        a
    };
    let reference = dir().join(cases["reference"].as_str().expect("reference"));
    let want = validate(&with(&reference.display().to_string()), None);
    assert!(
        matches!(want.status.code(), Some(0 | 1 | 3)),
        "the reference validates: {}",
        text(&want.stderr)
    );
    let decode = strings(&cases["decode"]);
    assert!(decode.len() >= 5, "{decode:?}");
    for name in decode {
        let file = dir().join(&name).display().to_string();
        let got = validate(&with(&file), None);
        assert_eq!(
            got.status.code(),
            want.status.code(),
            "{name}: {}",
            text(&got.stderr)
        );
        assert_eq!(text(&got.stdout), text(&want.stdout), "{name} as a file");
        let bytes = std::fs::read(&file).expect("the case file");
        let got = validate(&with("-"), Some(&bytes));
        assert_eq!(
            got.status.code(),
            want.status.code(),
            "{name}: {}",
            text(&got.stderr)
        );
        assert_eq!(
            text(&got.stdout),
            text(&want.stdout),
            "{name} on standard input"
        );
    }

    let ip_reference = dir().join(cases["ip_ranges_reference"].as_str().expect("ip ranges"));
    let mut a = with(&reference.display().to_string());
    a.extend(["--ip-ranges".to_owned(), ip_reference.display().to_string()]);
    let want = validate(&a, None);
    assert!(
        matches!(want.status.code(), Some(0 | 1 | 3)),
        "{}",
        text(&want.stderr)
    );
    for name in strings(&cases["ip_ranges"]) {
        let mut a = with(&reference.display().to_string());
        a.extend([
            "--ip-ranges".to_owned(),
            dir().join(&name).display().to_string(),
        ]);
        let got = validate(&a, None);
        assert_eq!(
            got.status.code(),
            want.status.code(),
            "{name}: {}",
            text(&got.stderr)
        );
        assert_eq!(text(&got.stdout), text(&want.stdout), "--ip-ranges {name}");
    }
}

#[test]
fn other_bytes_are_refused_saying_what_they_look_like() {
    let cases = cases();
    let (others, flags) = scenario(&cases);
    let refuse = cases["refuse"].as_object().expect("refuse: an object");
    assert!(refuse.len() >= 4);
    for (name, message) in refuse {
        let message = message.as_str().expect("a message");
        let file = dir().join(name).display().to_string();
        for (arg, stdin) in [(file.clone(), None), ("-".to_owned(), Some(file.clone()))] {
            let mut a = flags.clone();
            a.extend(others.iter().cloned());
            a.push(arg.clone());
            let bytes = stdin.map(|f| std::fs::read(f).expect("the case file"));
            let got = validate(&a, bytes.as_deref());
            assert_eq!(got.status.code(), Some(2), "{name} ({arg})");
            assert!(got.stdout.is_empty(), "{name}: no report");
            let err = text(&got.stderr);
            assert!(
                err.contains(&format!("{arg}: {message}")),
                "{name} ({arg}): {err}"
            );
        }
    }
}
