//! `netready validate *.json` on a folder of collected files as users have
//! them (issue 12): the table of `tests/data/folders/cases.json`.
//!
//! Each case copies its scenario's documents into an empty folder, adds,
//! replaces or removes files, and validates every `*.json` file of the
//! folder, sorted by name, with the scenario's flags. An `accepted` case
//! must give the scenario's own status and exit code, with exactly the
//! findings the case lists added to the scenario's and none removed: an
//! empty file, another AWS command's output, a resource given twice alike,
//! DHCP options `default` without their document. A `refused` case must
//! exit 2 with no report and the case's message on standard error: the
//! same resource twice with different contents, two regions, JSON that is
//! no AWS output.

#![allow(clippy::panic)] // the harness fails the test by panicking

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("native/ has a parent: the workspace")
        .to_path_buf()
}

fn table() -> Value {
    let path = root().join("tests/data/folders/cases.json");
    let text = std::fs::read_to_string(&path).expect("tests/data/folders/cases.json");
    serde_json::from_str(&text).expect("cases.json is JSON")
}

/// The scenario's flags (its `args` file, comments aside).
fn flags(scenario: &Path) -> Vec<String> {
    std::fs::read_to_string(scenario.join("args"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// A scratch folder, removed when dropped (kept when the test fails).
struct Folder(PathBuf);

impl Folder {
    fn new(case: usize) -> Folder {
        let path =
            std::env::temp_dir().join(format!("netready-folders-{}-{case}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a scratch folder");
        Folder(path)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The scenario's documents, copied into `dir`.
fn copy_scenario(scenario: &Path, dir: &Path) {
    for entry in std::fs::read_dir(scenario).expect("the scenario exists") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_name().expect("a file name").to_owned();
        if path.extension().is_some_and(|x| x == "json") && name != "expected.json" {
            std::fs::copy(&path, dir.join(name)).expect("copy a document");
        }
    }
}

/// A file's content as the table gives it: a string is the text itself;
/// `{"copy": FILE, "replace": [[FROM, TO], …], "compact": bool}` is a
/// document of the scenario, its text changed so; any other value is that
/// JSON, indented as the AWS CLI prints it.
fn content(spec: &Value, scenario: &Path) -> String {
    match spec {
        Value::String(text) => text.clone(),
        Value::Object(m) if m.contains_key("copy") => {
            let from = m["copy"].as_str().expect("copy: a file name");
            let mut text =
                std::fs::read_to_string(scenario.join(from)).expect("the document to copy");
            for pair in m
                .get("replace")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let (a, b) = (
                    pair[0].as_str().expect("replace: [from, to]"),
                    pair[1].as_str().expect("replace: [from, to]"),
                );
                assert!(text.contains(a), "{from} has no {a:?} to replace");
                text = text.replace(a, b);
            }
            if m.get("compact").and_then(Value::as_bool) == Some(true) {
                let v: Value = serde_json::from_str(&text).expect("a JSON document");
                text = v.to_string();
            }
            text
        }
        other => serde_json::to_string_pretty(other).expect("JSON prints"),
    }
}

/// `netready validate --format json FLAGS FILES…` in `dir`, every `*.json`
/// file of it by name.
fn validate(dir: &Path, flags: &[String]) -> Output {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| e.expect("a directory entry").file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    Command::new(env!("CARGO_BIN_EXE_netready"))
        .arg("validate")
        .args(["--format", "json"])
        .args(flags)
        .args(&files)
        .current_dir(dir)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("the netready binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The report's findings, each as its (code, severity, resource, message).
fn findings(report: &Value) -> Vec<(String, String, String, String)> {
    let field = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_owned();
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                field(f, "code"),
                field(f, "severity"),
                field(f, "resource"),
                field(f, "message"),
            )
        })
        .collect()
}

#[test]
fn folders_of_collected_files_read_as_the_table_says() {
    let table = table();
    let scenario = root().join(table["scenario"].as_str().expect("scenario"));
    let flags = flags(&scenario);
    let base = {
        let folder = Folder::new(0);
        copy_scenario(&scenario, &folder.0);
        let out = validate(&folder.0, &flags);
        assert!(
            matches!(out.status.code(), Some(0 | 1 | 3)),
            "the scenario validates: {}",
            text(&out.stderr)
        );
        (
            out.status.code(),
            serde_json::from_str::<Value>(&text(&out.stdout)).expect("a JSON report"),
        )
    };
    let cases = table["cases"].as_array().expect("cases: a list");
    assert!(cases.len() >= 15, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().expect("a case has a name");
        let folder = Folder::new(i + 1);
        copy_scenario(&scenario, &folder.0);
        for file in case["remove"].as_array().into_iter().flatten() {
            let file = file.as_str().expect("remove: file names");
            std::fs::remove_file(folder.0.join(file))
                .unwrap_or_else(|e| panic!("{name}: remove {file}: {e}"));
        }
        for (file, spec) in case["add"].as_object().expect("add: an object") {
            std::fs::write(folder.0.join(file), content(spec, &scenario)).expect("write a file");
        }
        let out = validate(&folder.0, &flags);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        if let Some(message) = case["refused"].as_str() {
            if out.status.code() != Some(2) || !stdout.is_empty() || !stderr.contains(message) {
                failures.push(format!(
                    "{name}: expected exit 2 with {message:?}; got {:?}, stderr {stderr:?}, stdout {} bytes",
                    out.status.code(),
                    stdout.len()
                ));
            }
            continue;
        }
        let want: Vec<_> = findings(&serde_json::json!({
            "findings": case["accepted"].clone()
        }));
        if out.status.code() != base.0 {
            failures.push(format!(
                "{name}: exit {:?}, the scenario's is {:?}: {stderr}",
                out.status.code(),
                base.0
            ));
            continue;
        }
        let report: Value = serde_json::from_str(&stdout).expect("a JSON report");
        if report["status"] != base.1["status"] {
            failures.push(format!(
                "{name}: status {} where the scenario's is {}",
                report["status"], base.1["status"]
            ));
        }
        let (got, had) = (findings(&report), findings(&base.1));
        let added: Vec<_> = got.iter().filter(|f| !had.contains(f)).cloned().collect();
        let removed: Vec<_> = had.iter().filter(|f| !got.contains(f)).cloned().collect();
        if added != want || !removed.is_empty() {
            failures.push(format!(
                "{name}: findings added {added:#?}\n  (expected {want:#?}), removed {removed:#?}"
            ));
        }
        // Apart from the findings, the report is the scenario's.
        let mut same = report.clone();
        let mut theirs = base.1.clone();
        same["findings"] = Value::Null;
        theirs["findings"] = Value::Null;
        if same != theirs {
            failures.push(format!(
                "{name}: the report differs from the scenario's beyond its findings"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
