//! Replays every scenario under `tests/data/validate/<scenario>/` through
//! `netready validate`'s own argument parsing and execution, and compares the
//! JSON report with `expected.json` (format: `tests/data/validate/README.md`).
//!
//! `NETREADY_BLESS=1` rewrites the expected files instead of comparing (review
//! the diff: they are the contract). Besides the comparison, each scenario
//! named after a finding code must produce that code, every finding code and
//! access type the validator can produce must have a scenario, and the
//! headline of the table must match the status.

use netready::validate_cmd::{execute, parse_args};
use netready_core::report::{AccessType, FindingCode, Reachability, Report, Severity};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    crate::data().join("validate")
}

/// A scenario: its directory, its arguments, its input files.
pub(crate) struct Scenario {
    pub(crate) name: String,
    dir: PathBuf,
    args: Vec<String>,
    files: Vec<String>,
}

pub(crate) fn scenarios() -> Vec<Scenario> {
    scenarios_in(&data_dir())
}

/// The scenarios of one folder of `tests/data` laid out as
/// `tests/data/validate/README.md` says (the plan cases are too).
pub(crate) fn scenarios_in(root: &std::path::Path) -> Vec<Scenario> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("the scenario folder exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.join("args").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let args_text = std::fs::read_to_string(dir.join("args")).expect("args is readable");
        let args: Vec<String> = args_text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(|l| l.split_whitespace().map(str::to_owned))
            .collect();
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("scenario dir is readable")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("expected.json"))
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        files.sort();
        let name = dir
            .file_name()
            .expect("dir has a name")
            .to_string_lossy()
            .into_owned();
        out.push(Scenario {
            name,
            dir,
            args,
            files,
        });
    }
    out
}

pub(crate) fn run(s: &Scenario, extra: &[&str]) -> (Report, String) {
    let mut argv = s.args.clone();
    argv.extend(extra.iter().map(|a| (*a).to_owned()));
    argv.extend(s.files.iter().cloned());
    let args = parse_args(argv)
        .map_err(|e| format!("{}: args: {e}", s.name))
        .expect("scenario args parse");
    execute(&args)
        .map_err(|e| format!("{}: {e}", s.name))
        .expect("scenario validates")
}

#[test]
fn scenarios_match_expected_reports() {
    let bless = std::env::var_os("NETREADY_BLESS").is_some();
    let all = scenarios();
    assert!(
        all.len() >= 25,
        "expected the scenario set, found {}",
        all.len()
    );
    let mut failures = Vec::new();
    for s in &all {
        let (report, out) = run(s, &["--format", "json"]);
        let got: serde_json::Value = serde_json::from_str(&out).expect("the CLI prints JSON");
        // The report round-trips through its own schema.
        let back: Report = serde_json::from_value(got).expect("report/v1 deserialises");
        assert_eq!(back, report, "{}: report round trip", s.name);
        // Documents are named by the paths given: the expected files hold
        // them relative to the scenario's directory, wherever the checkout is.
        let out = out.replace(&format!("{}/", s.dir.display()), "");
        let got: serde_json::Value = serde_json::from_str(&out).expect("the CLI prints JSON");
        let expected_path = s.dir.join("expected.json");
        if bless {
            std::fs::write(&expected_path, out).expect("expected.json is writable");
            continue;
        }
        let expected: serde_json::Value = match std::fs::read_to_string(&expected_path) {
            Ok(t) => serde_json::from_str(&t).expect("expected.json is JSON"),
            Err(e) => {
                failures.push(format!(
                    "{}: no expected.json ({e}); run with NETREADY_BLESS=1 and review",
                    s.name
                ));
                continue;
            }
        };
        if got != expected {
            failures.push(format!(
                "{}: report differs from expected.json\n--- got\n{}",
                s.name,
                serde_json::to_string_pretty(&got).expect("JSON prints")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn finding_codes(r: &Report) -> BTreeSet<String> {
    r.findings
        .iter()
        .map(|f| f.code.as_str().to_owned())
        .collect()
}

#[test]
fn every_code_and_access_type_has_its_scenario() {
    let all = scenarios();
    let mut codes = BTreeSet::new();
    let mut access = BTreeSet::new();
    let mut failures = BTreeSet::new();
    for s in &all {
        let (report, _) = run(s, &["--format", "json"]);
        let here = finding_codes(&report);
        // A scenario named after a finding code produces it.
        if let Some(code) = FINDING_CODES.iter().find(|c| **c == s.name) {
            assert!(
                here.contains(*code),
                "{}: expected finding {code}, got {here:?}",
                s.name
            );
        }
        codes.extend(here);
        for sub in &report.subnets {
            for e in &sub.endpoints {
                if let Some(a) = e.access_type {
                    access.insert(a.as_str().to_owned());
                }
                if let Some(f) = e.failure {
                    failures.insert(f.as_str().to_owned());
                }
                // Unknown is always explained: a warning or an error says
                // what could not be seen and what would settle it.
                if e.reachable == Reachability::Unknown {
                    assert!(
                        e.findings.iter().any(|f| f.severity != Severity::Info),
                        "{}: {} is unknown without a finding that says why",
                        s.name,
                        e.host
                    );
                }
            }
        }
        assert_eq!(
            report.status.exit_code(),
            match report.status.as_str() {
                "ready" => 0,
                "degraded" => 1,
                _ => 3,
            }
        );
    }
    for code in FINDING_CODES {
        assert!(codes.contains(*code), "no scenario produces {code}");
    }
    for f in [
        "no_route",
        "blocked",
        "no_public_ip",
        "dns_no_records",
        "dns_timeout",
    ] {
        assert!(failures.contains(f), "no scenario fails with {f}");
    }
    for a in [
        AccessType::VpcEndpoint,
        AccessType::NatGateway,
        AccessType::InternetGateway,
        AccessType::GatewayEndpoint,
        AccessType::Transit,
    ] {
        assert!(
            access.contains(a.as_str()),
            "no scenario has access type {a}"
        );
    }
}

/// Every finding code the validator produces (`mixed-answers` is the probe's).
const FINDING_CODES: &[&str] = &[
    "dns-support-disabled",
    "dns-hostnames-disabled",
    "endpoint-private-dns-disabled",
    "endpoint-not-available",
    "endpoint-missing",
    "endpoint-sg-ingress-443",
    "task-sg-egress-443",
    "nacl-blocks-443",
    "nacl-blocks-return",
    "igw-without-public-ip",
    "no-default-route",
    "blackhole-route",
    "nat-gateway-not-public",
    "nat-gateway-no-igw",
    "gateway-endpoint-not-associated",
    "transit-unverified",
    "endpoint-not-in-az",
    "partial-reachability",
    "custom-dns-servers",
    "missing-input",
    "nat-gateway-not-available",
    "route-captures-service",
    "endpoint-other-region",
    "endpoint-dns-record-type",
    "endpoint-policy-denies",
    "endpoint-policy-unverified",
    "document-ignored",
    "unknown-until-apply",
    "plan-reference-guessed",
];

#[test]
fn finding_codes_serialise_as_documented() {
    for code in FINDING_CODES {
        let parsed: FindingCode =
            serde_json::from_value(serde_json::Value::String((*code).to_owned()))
                .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(parsed.as_str(), *code);
        assert_eq!(
            serde_json::to_value(parsed).expect("serialises"),
            serde_json::Value::String((*code).to_owned())
        );
    }
}

#[test]
fn table_headline_and_fix_formats() {
    let all = scenarios();
    for s in &all {
        let (report, table) = run(s, &["--format", "table"]);
        let first = table.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&report.status.as_str().to_uppercase()),
            "{}: headline {first:?} does not start with the status",
            s.name
        );
        assert!(
            first.contains("subnets that can host the runner"),
            "{}: {first}",
            s.name
        );
        for f in &report.findings {
            if let Some(fix) = &f.fix {
                // Each command on a line of its own (later lines indented).
                assert!(
                    fix.lines().all(|l| table.contains(l)),
                    "{}: fix missing from the table: {fix}",
                    s.name
                );
            }
        }
    }
    // PowerShell fixes for the same findings.
    let s = all
        .iter()
        .find(|s| s.name == "nacl-blocks-443")
        .expect("scenario exists");
    let (report, _) = run(s, &["--fix-format", "powershell"]);
    let fix = report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::NaclBlocks443)
        .and_then(|f| f.fix.clone())
        .expect("a NACL fix");
    assert!(
        fix.starts_with("New-EC2NetworkAclEntry -Region 'eu-west-1'"),
        "{fix}"
    );
}

#[test]
fn bundled_example_is_ready() {
    let path = crate::repo().join("examples/vpc-nat/vpc.json");
    let args = parse_args([path.to_string_lossy().into_owned()]).expect("args parse");
    let (report, table) = execute(&args).expect("the example validates");
    assert_eq!(report.status.as_str(), "ready", "{table}");
    assert_eq!(report.subnets.len(), 4);
    // The two private subnets (NAT) can host the runner; the public ones
    // cannot without a public IP.
    let ready: Vec<&str> = report
        .subnets
        .iter()
        .filter(|s| s.status.as_str() == "ready")
        .map(|s| s.subnet_id.as_str())
        .collect();
    assert_eq!(
        ready,
        ["subnet-0ccc000000000003", "subnet-0ddd000000000004"]
    );
}

/// `--apply-fixes` on every scenario: no path that works stops working, and
/// the status after the fixes is the one `after-fixes.txt` records (one
/// line per scenario: name, status, status after the fixes, rounds; bless
/// with `NETREADY_BLESS=1` and review: a scenario that gets worse after
/// its fixes, or stays degraded, is the validator's bug to explain).
#[test]
fn applied_fixes_break_nothing_and_reach_the_recorded_status() {
    let bless = std::env::var_os("NETREADY_BLESS").is_some();
    let mut table = String::from("# scenario  status  after-fixes  rounds\n");
    let mut failures = Vec::new();
    for s in &scenarios() {
        let (before, _) = run(s, &["--format", "json"]);
        let (after, _) = run(s, &["--format", "json", "--apply-fixes"]);
        for (sb, sa) in before.subnets.iter().zip(&after.subnets) {
            for (pb, pa) in sb.endpoints.iter().zip(&sa.endpoints) {
                if pb.reachable == Reachability::Reachable
                    && pa.reachable != Reachability::Reachable
                {
                    failures.push(format!(
                        "{}: {} → {} worked and does not after the fixes",
                        s.name, sb.subnet_id, pb.host
                    ));
                }
            }
        }
        table.push_str(&format!(
            "{}  {}  {}  {}\n",
            s.name,
            before.status.as_str(),
            after.status.as_str(),
            after.applied_fixes.len()
        ));
    }
    let path = data_dir().join("after-fixes.txt");
    if bless {
        std::fs::write(&path, &table).expect("after-fixes.txt is writable");
    } else {
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != table {
            failures.push(format!(
                "after-fixes.txt differs (NETREADY_BLESS=1 rewrites it):\n{table}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An interface endpoint described without a security group (AWS gives
/// every one a group; a hand-edited or partial document may not): the
/// finding names the endpoint, not a placeholder, and the fix gives it a
/// group of its own that admits the task.
#[test]
fn an_endpoint_without_a_group_is_named_itself() {
    let base = scenarios()
        .into_iter()
        .find(|s| s.name == "endpoint-sg-ingress-443")
        .expect("the scenario exists");
    let dir = std::env::temp_dir().join(format!("netready-no-group-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let mut files = Vec::new();
    for f in &base.files {
        let from = std::path::Path::new(f);
        let to = dir.join(from.file_name().expect("a file name"));
        let mut text = std::fs::read_to_string(from).expect("scenario file");
        if f.ends_with("describe-vpc-endpoints.json") {
            let mut doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            for e in doc["VpcEndpoints"].as_array_mut().expect("a list") {
                e["Groups"] = serde_json::json!([]);
            }
            text = doc.to_string();
        }
        std::fs::write(&to, text).expect("write the copy");
        files.push(to.to_string_lossy().into_owned());
    }
    let copy = Scenario {
        name: "endpoint-without-group".into(),
        dir: dir.clone(),
        args: base.args.clone(),
        files,
    };
    let (report, _) = run(&copy, &["--format", "json"]);
    std::fs::remove_dir_all(&dir).expect("remove the scratch folder");
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::EndpointSgIngress443)
        .collect();
    assert!(!found.is_empty(), "{:?}", report.findings);
    for f in found {
        assert!(f.resource.starts_with("vpce-"), "{f:?}");
        assert!(f.message.contains("has no security group"), "{f:?}");
        assert!(!f.message.contains('<'), "{f:?}");
        let fix = f.fix.as_deref().unwrap_or_default();
        assert!(fix.contains("create-security-group"), "{fix}");
        assert!(fix.contains("modify-vpc-endpoint"), "{fix}");
    }
}
