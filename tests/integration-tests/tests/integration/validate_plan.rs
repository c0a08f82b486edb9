//! Terraform plans (`terraform show -json PLANFILE`) through `netready
//! validate`: every case under `tests/data/plan/<case>/` (written by
//! `tests/data/plan/gen.py` in the documented JSON format) is replayed
//! through the CLI's own argument parsing and execution and compared with
//! its `expected.json` (`NETREADY_BLESS=1` rewrites them: review the
//! diff), with what each case is about checked on its own; bad plans are
//! usage errors (exit 2) naming the file and the JSON path.
#![allow(clippy::panic)] // test helpers: a panic is the test failing, with its case named

use netready::validate_cmd::{execute, parse_args};
use netready_core::report::{AccessType, FindingCode, Reachability, Report, Status};
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    crate::data().join("plan")
}

/// The arguments of a case: its `args` file, then its `*.json` files
/// except `expected.json`, sorted.
fn case_args(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("args")).expect("args is readable");
    let mut args: Vec<String> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split_whitespace().map(str::to_owned))
        .collect();
    args.extend(["--format".to_owned(), "json".to_owned()]);
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("case dir is readable")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("expected.json"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    args.extend(files);
    args
}

fn run(name: &str) -> Report {
    let dir = data_dir().join(name);
    let args = parse_args(case_args(&dir)).expect("case args parse");
    execute(&args).unwrap_or_else(|e| panic!("{name}: {e}")).0
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/data/plan exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.join("args").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn cases_match_expected_reports() {
    let bless = std::env::var_os("NETREADY_BLESS").is_some();
    let all = cases();
    assert!(
        all.len() >= 8,
        "expected the plan cases, found {}",
        all.len()
    );
    let mut failures = Vec::new();
    for dir in &all {
        let args = parse_args(case_args(dir)).expect("case args parse");
        let (_, out) = execute(&args).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let out = out.replace(&format!("{}/", dir.display()), "");
        let got: serde_json::Value = serde_json::from_str(&out).expect("the CLI prints JSON");
        let expected_path = dir.join("expected.json");
        if bless {
            std::fs::write(&expected_path, out).expect("expected.json is writable");
            continue;
        }
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|e| panic!("{}: {e}; bless and review", expected_path.display())),
        )
        .expect("expected.json is JSON");
        if got != expected {
            failures.push(format!(
                "{}: report differs from expected.json",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn codes(r: &Report) -> Vec<FindingCode> {
    r.findings.iter().map(|f| f.code).collect()
}

fn subnet<'r>(r: &'r Report, id: &str) -> &'r netready_core::report::SubnetReport {
    r.subnets
        .iter()
        .find(|s| s.subnet_id == id)
        .unwrap_or_else(|| {
            panic!(
                "no subnet {id} in {:?}",
                r.subnets.iter().map(|s| &s.subnet_id).collect::<Vec<_>>()
            )
        })
}

#[test]
fn module_vpc_with_nat_per_az_reaches_through_each_azs_nat() {
    let r = run("module-nat-per-az");
    assert_eq!(r.status, Status::Ready);
    for i in 0..3 {
        let s = subnet(&r, &format!("module.vpc.aws_subnet.private[{i}]"));
        assert_eq!(s.status, Status::Ready, "private[{i}]");
        for e in &s.endpoints {
            assert_eq!(e.access_type, Some(AccessType::NatGateway));
            // Each private subnet's own table and its AZ's NAT gateway.
            assert!(
                e.path
                    .contains(&format!("module.vpc.aws_route_table.private[{i}]")),
                "{:?}",
                e.path
            );
            assert!(
                e.path
                    .contains(&format!("module.vpc.aws_nat_gateway.this[{i}]")),
                "{:?}",
                e.path
            );
        }
        let p = subnet(&r, &format!("module.vpc.aws_subnet.public[{i}]"));
        assert_eq!(p.status, Status::Degraded);
    }
    assert!(codes(&r).contains(&FindingCode::PlanReferenceGuessed));
    assert!(codes(&r).contains(&FindingCode::IgwWithoutPublicIp));
}

#[test]
fn private_vpc_reaches_everything_through_its_endpoints() {
    for case in ["private-endpoints", "format-0.1"] {
        let r = run(case);
        assert_eq!(r.status, Status::Ready, "{case}");
        for s in &r.subnets {
            for e in &s.endpoints {
                assert!(
                    matches!(
                        e.access_type,
                        Some(AccessType::VpcEndpoint | AccessType::GatewayEndpoint)
                    ),
                    "{case}: {} {:?}",
                    e.host,
                    e.access_type
                );
            }
        }
        // Every subnet of the for_each is in every interface endpoint.
        assert!(!codes(&r).contains(&FindingCode::EndpointNotInAz), "{case}");
    }
}

#[test]
fn security_group_without_egress_blocks_everything_also_in_utf16() {
    let a = run("sg-without-egress");
    let b = run("utf16");
    assert_eq!(a.status, Status::Degraded);
    assert!(codes(&a).contains(&FindingCode::TaskSgEgress443));
    assert_eq!(a.subnets, b.subnets);
    assert_eq!(a.findings, b.findings);
}

#[test]
fn deleting_the_nat_gateway_leaves_no_route() {
    let r = run("delete-nat");
    // --subnet aws_subnet.private: the address names the existing subnet.
    assert_eq!(r.subnets.len(), 1);
    let s = subnet(&r, "subnet-0d1e1e7e0000000c1");
    assert_eq!(s.status, Status::Degraded);
    assert!(codes(&r).contains(&FindingCode::NoDefaultRoute));
    assert!(
        s.endpoints
            .iter()
            .all(|e| e.reachable == Reachability::Unreachable)
    );
}

#[test]
fn endpoints_planned_on_a_described_vpc_take_over_from_the_nat_gateway() {
    let r = run("endpoints-on-existing");
    assert_eq!(r.status, Status::Ready);
    let s = subnet(&r, "subnet-0ccc000000000003");
    for e in &s.endpoints {
        let want = if e.service == "s3" {
            AccessType::GatewayEndpoint
        } else {
            AccessType::VpcEndpoint
        };
        assert_eq!(e.access_type, Some(want), "{}", e.host);
    }
    assert!(s.endpoints.iter().any(|e| {
        e.path
            .iter()
            .any(|p| p == "aws_vpc_endpoint.this[\"logs\"]")
    }));
}

#[test]
fn count_routes_name_the_guessed_instance() {
    let r = run("route-count");
    let guessed: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::PlanReferenceGuessed)
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        guessed.iter().any(
            |m| m.starts_with("aws_route.private_nat[0]: nat_gateway_id")
                && m.contains("aws_nat_gateway.this[0] was taken")
        ),
        "{guessed:#?}"
    );
    assert_eq!(subnet(&r, "aws_subnet.private[1]").status, Status::Ready);
}

/// A minimal valid plan with `edit` applied to its JSON value.
fn bad_plan(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let text = std::fs::read_to_string(data_dir().join("private-endpoints").join("plan.json"))
        .expect("plan is readable");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("plan is JSON");
    edit(&mut v);
    serde_json::to_string(&v).expect("prints")
}

#[test]
fn bad_plans_are_usage_errors_naming_the_json_path() {
    let dir = std::env::temp_dir().join(format!("netready-bad-plans-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "version",
            bad_plan(|v| v["format_version"] = "2.0".into()),
            "format_version: expected a format_version from \"0.1\" to \"1.x\"",
        ),
        (
            "action",
            bad_plan(|v| {
                v["resource_changes"][0]["change"]["actions"] = serde_json::json!(["explode"])
            }),
            "resource_changes[0].change.actions[0]: expected one of \"no-op\"",
        ),
        (
            "cidr-type",
            bad_plan(|v| v["resource_changes"][0]["change"]["after"]["cidr_block"] = 42.into()),
            "resource_changes[0].change.after.cidr_block: expected a string, found a number",
        ),
        (
            "cidr-text",
            bad_plan(|v| {
                v["resource_changes"][1]["change"]["after"]["cidr_block"] = "10.1.1.300/24".into()
            }),
            "resource_changes[1].change.after.cidr_block: expected a CIDR",
        ),
        (
            "index",
            bad_plan(|v| v["resource_changes"][1]["index"] = 1.5.into()),
            "resource_changes[1].index: expected a count index",
        ),
        (
            "address-twice",
            bad_plan(|v| {
                let rc = v["resource_changes"].as_array_mut().expect("array");
                let copy = rc[1].clone();
                rc.push(copy);
            }),
            "].address: expected an address no earlier resource change has, found an address given twice",
        ),
        (
            "changes",
            bad_plan(|v| v["resource_changes"] = "all of them".into()),
            "resource_changes: expected an array, found a string",
        ),
        (
            "ingress",
            bad_plan(|v| {
                let rc = v["resource_changes"]
                    .as_array_mut()
                    .expect("array")
                    .iter_mut()
                    .find(|r| r["address"] == "aws_security_group.endpoints")
                    .expect("the endpoints group");
                rc["change"]["after"]["ingress"][0]["from_port"] = "https".into();
            }),
            ".change.after.ingress[0].from_port: expected an integer, found a string",
        ),
    ];
    for (name, text, want) in cases {
        let file = dir.join(format!("{name}.json"));
        std::fs::write(&file, text).expect("writable");
        let args = parse_args([file.to_string_lossy().into_owned()]).expect("args parse");
        let err = execute(&args)
            .err()
            .unwrap_or_else(|| panic!("{name}: accepted"));
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("{}: ", file.display())),
            "{name}: {msg}"
        );
        assert!(msg.contains(want), "{name}: {msg}");
    }
    // UTF-16 that is not: an odd number of bytes after the byte order mark
    // (core's decoder, as for every document).
    let file = dir.join("odd.json");
    std::fs::write(&file, [0xFF, 0xFE, b'{', 0, b'}']).expect("writable");
    let args = parse_args([file.to_string_lossy().into_owned()]).expect("args parse");
    let msg = execute(&args).expect_err("refused").to_string();
    assert!(
        msg.contains("UTF-16 LE text with an odd number of bytes"),
        "{msg}"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
