//! The `netready catalog` command-line contract.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is the test failing

use std::process::{Command, Output};

fn netready(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netready"))
        .args(args)
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("the netready binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn json_lists_the_runner_profile() {
    let o = netready(&[
        "catalog",
        "--region",
        "eu-west-1",
        "--format",
        "json",
        "--ecr-account",
        "123456789012",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema"], "netready.catalog/v1");
    assert_eq!(v["partition"], "aws");
    let hosts: Vec<&str> = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["host"].as_str().unwrap())
        .collect();
    assert_eq!(
        hosts,
        [
            "secretsmanager.eu-west-1.amazonaws.com",
            "logs.eu-west-1.amazonaws.com",
            "api.ecr.eu-west-1.amazonaws.com",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "s3.eu-west-1.amazonaws.com",
            "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com",
        ]
    );
}

#[test]
fn private_profile_has_every_endpoint() {
    let o = netready(&[
        "catalog",
        "--region",
        "us-east-1",
        "--profile",
        "private",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let own: Vec<&serde_json::Value> = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["endpoint"] == "own")
        .collect();
    assert_eq!(own.len(), 16 + 2 + 1);
    let gateways = own
        .iter()
        .filter(|s| s["endpoint_type"] == "gateway")
        .count();
    assert_eq!(gateways, 2);
}

#[test]
fn aws_cli_commands_for_china_use_per_service_prefixes() {
    let o = netready(&[
        "catalog",
        "--region",
        "cn-north-1",
        "--profile",
        "private",
        "--format",
        "aws-cli",
        "--vpc-id",
        "vpc-1",
        "--subnet",
        "subnet-a",
        "--security-group",
        "sg-1",
        "--route-table",
        "rtb-1",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("--service-name cn.com.amazonaws.cn-north-1.ecr.api --subnet-ids subnet-a")
    );
    assert!(out.contains("--service-name com.amazonaws.cn-north-1.logs"));
    assert!(out.contains("--vpc-endpoint-type Gateway --service-name com.amazonaws.cn-north-1.s3 --route-table-ids rtb-1"));
    assert!(
        out.contains("not offered in the aws-cn partition"),
        "management plane is aws-only"
    );
}

#[test]
fn management_plane_is_cross_region_outside_us_east_1() {
    let o = netready(&[
        "catalog",
        "--region",
        "eu-central-1",
        "--profile",
        "private",
        "--format",
        "aws-cli",
    ]);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("vpce-svc-08de744d433e60ff2"))
        .unwrap();
    assert!(line.ends_with("--service-region us-east-1"), "{line}");
    let o = netready(&[
        "catalog",
        "--region",
        "us-east-1",
        "--profile",
        "private",
        "--format",
        "aws-cli",
    ]);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("vpce-svc-08de744d433e60ff2"))
        .unwrap();
    assert!(!line.contains("--service-region"), "{line}");
}

#[test]
fn bad_region_and_profile_exit_2_with_a_message() {
    let o = netready(&["catalog", "--region", "eu-west"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--region \"eu-west\": expected an AWS region name"),
        "{}",
        stderr(&o)
    );
    let o = netready(&[
        "catalog",
        "--region",
        "eu-west-1",
        "--profile",
        "everything",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected a profile: runner or private"));
    let o = netready(&["catalog"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no region"));
    let o = netready(&["catalog", "--region", "eu-west-1", "--ecr-account", "12"]);
    assert_eq!(o.status.code(), Some(2));
    let o = netready(&["catalog", "--format", "yaml", "--region", "eu-west-1"]);
    assert_eq!(o.status.code(), Some(2), "clap usage errors exit 2 too");
}

#[test]
fn unknown_but_wellformed_region_warns() {
    let o = netready(&["catalog", "--region", "eu-west-9"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("not known to this release"));
    assert!(stdout(&o).contains("logs.eu-west-9.amazonaws.com"));
}

/// `--format terraform|cloudformation`, byte for byte as recorded in
/// tests/data/catalog-iac (written by the renderer when it lived in this
/// crate, before it moved to `netready_core::iac`): three regions of three
/// partitions, both profiles, without ids and with ids that need escaping.
#[test]
fn terraform_and_cloudformation_as_recorded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/catalog-iac");
    let mut n = 0;
    for region in ["eu-west-1", "us-east-1", "cn-north-1"] {
        for profile in ["runner", "private"] {
            for (format, ext) in [("terraform", "tf"), ("cloudformation", "json")] {
                for ids in [false, true] {
                    let mut args = vec![
                        "catalog",
                        "--region",
                        region,
                        "--profile",
                        profile,
                        "--format",
                        format,
                    ];
                    if ids {
                        args.extend([
                            "--vpc-id",
                            "vpc-0abc\"${x}",
                            "--subnet",
                            "subnet-a",
                            "--subnet",
                            "subnet-b\\",
                            "--security-group",
                            "sg-1",
                            "--route-table",
                            "rtb-%{y}",
                        ]);
                    }
                    let name = format!("{region}-{profile}{}.{ext}", if ids { "-ids" } else { "" });
                    let want = std::fs::read_to_string(dir.join(&name)).expect("recorded output");
                    let o = netready(&args);
                    assert!(o.status.success(), "{name}: {}", stderr(&o));
                    assert_eq!(stdout(&o), want, "{name}");
                    n += 1;
                }
            }
        }
    }
    assert_eq!(n, 24);
}
