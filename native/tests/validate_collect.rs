//! `netready validate --collect VPC_ID`: the printed commands, run against a
//! stand-in `aws` that answers from a bundled scenario (and, for the
//! documents no scenario has yet, `tests/data/documents`), must write
//! exactly the files `netready validate` needs, and validating them must
//! give the same report as validating the originals.
//!
//! The stand-in `aws` (a shell script on `PATH`) knows, per command, which
//! options the real AWS CLI accepts (e.g. `--filter`, not `--filters`, for
//! describe-nat-gateways; none but the global ones for
//! describe-vpc-block-public-access-options) and fails on anything else,
//! as the real one does; it also fails without `--region`, as AWS CLI v1
//! does with no default region (it ignores `AWS_REGION`). No network is
//! involved.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is the test failing

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VPC: &str = "vpc-0a1b2c3d4e5f60001";

fn netready(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netready"))
        .args(args)
        .current_dir(dir)
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("the netready binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/validate/all-subnets")
}

/// Prefix lists, their entries and Block Public Access, as the AWS CLI
/// prints them (see its README).
fn documents() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/documents")
}

/// The stand-in `aws`: logs each call (with AWS_REGION) and prints the
/// document for it.
fn fake_aws(bin: &Path, scenario: &Path, documents: &Path, log: &Path) {
    let script = format!(
        r#"#!/usr/bin/env bash
set -euo pipefail
S={scenario}
D={documents}
echo "AWS_REGION=${{AWS_REGION:-}} $*" >> {log}
[[ "$1" == ec2 ]] || {{ echo "aws: unknown service $1" >&2; exit 252; }}
cmd=$2; shift 2
out=""; attr=""; query=""; region=""; list=""
# The options the real AWS CLI accepts for each command, of those the
# collect script might use; --region, --query and --output are global
# ("-": none of its own).
declare -A ok=(
  [describe-vpcs]="--vpc-ids --filters"
  [describe-subnets]="--subnet-ids --filters"
  [describe-route-tables]="--route-table-ids --filters"
  [describe-vpc-endpoints]="--vpc-endpoint-ids --filters"
  [describe-security-groups]="--group-ids --group-names --filters"
  [describe-network-acls]="--network-acl-ids --filters"
  [describe-nat-gateways]="--nat-gateway-ids --filter"
  [describe-internet-gateways]="--internet-gateway-ids --filters"
  [describe-dhcp-options]="--dhcp-options-ids --filters"
  [describe-vpc-attribute]="--vpc-id --attribute"
  [describe-managed-prefix-lists]="--prefix-list-ids --filters --max-results --next-token"
  [get-managed-prefix-list-entries]="--prefix-list-id --target-version --max-results --next-token"
  [describe-vpc-block-public-access-options]="-"
  [describe-vpc-block-public-access-exclusions]="--exclusion-ids --filters --max-results --next-token"
)
[[ -n "${{ok[$cmd]:-}}" ]] || {{ echo "aws: unknown command $cmd" >&2; exit 252; }}
while (($#)); do
  opt=$1; val=${{2:-}}; shift 2 || {{ echo "aws: $opt needs a value" >&2; exit 252; }}
  [[ " ${{ok[$cmd]}} --region --query --output " == *" $opt "* ]] || {{ echo "aws: Unknown options: $opt" >&2; exit 252; }}
  case $opt in
    --region) region=$val ;;
    --output) out=$val ;;
    --attribute) attr=$val ;;
    --query) query=$val ;;
    --prefix-list-id) list=$val ;;
    --filters|--filter) [[ $val == "Name=vpc-id,Values={vpc}" || $val == "Name=attachment.vpc-id,Values={vpc}" ]] || {{ echo "aws: bad filter $val" >&2; exit 252; }} ;;
    --vpc-ids|--vpc-id) [[ $val == {vpc} ]] || {{ echo "aws: bad vpc $val" >&2; exit 252; }} ;;
    --dhcp-options-ids) [[ $val == dopt-0e0e0e0e0e0e0e0e0 ]] || {{ echo "aws: bad dhcp options $val" >&2; exit 252; }} ;;
  esac
done
# AWS CLI v1 reads no AWS_REGION: without --region (and no profile region) it fails.
[[ -n $region ]] || {{ echo "You must specify a region." >&2; exit 253; }}
[[ $region == eu-west-1 ]] || {{ echo "aws: unexpected region $region" >&2; exit 252; }}
case $cmd:$query in
  describe-vpcs:Vpcs\[0\].DhcpOptionsId)
    [[ $out == text ]] || {{ echo "aws: expected --output text" >&2; exit 252; }}
    echo dopt-0e0e0e0e0e0e0e0e0; exit 0 ;;
  describe-managed-prefix-lists:PrefixLists\[\].PrefixListId)
    [[ $out == text ]] || {{ echo "aws: expected --output text" >&2; exit 252; }}
    grep -o '"PrefixListId": "[^"]*"' "$D/describe-managed-prefix-lists.json" | cut -d'"' -f4 | paste -sd '\t'
    exit 0 ;;
  get-managed-prefix-list-entries:*)
    # The query names the list in the file (the command alone does not).
    [[ $query == "{{PrefixListId: '$list', Entries: Entries}}" ]] || {{ echo "aws: unexpected query $query" >&2; exit 252; }}
    [[ -f "$D/prefix-list-$list.json" ]] || {{ echo "An error occurred (InvalidPrefixListID.NotFound)" >&2; exit 254; }} ;;
  *:) ;;
  *) echo "aws: unexpected query $query" >&2; exit 252 ;;
esac
[[ $out == json ]] || {{ echo "aws: expected --output json" >&2; exit 252; }}
case $cmd in
  describe-vpc-attribute)
    case $attr in
      enableDnsSupport) cat "$S/describe-vpc-attribute-dns-support.json" ;;
      enableDnsHostnames) cat "$S/describe-vpc-attribute-dns-hostnames.json" ;;
      *) echo "aws: bad attribute $attr" >&2; exit 252 ;;
    esac ;;
  get-managed-prefix-list-entries) cat "$D/prefix-list-$list.json" ;;
  describe-managed-prefix-lists|describe-vpc-block-public-access-*) cat "$D/$cmd.json" ;;
  *) cat "$S/$cmd.json" ;;
esac
"#,
        scenario = scenario.display(),
        documents = documents.display(),
        log = log.display(),
        vpc = VPC,
    );
    std::fs::create_dir_all(bin).unwrap();
    let path = bin.join("aws");
    std::fs::write(&path, script).unwrap();
    Command::new("chmod").arg("+x").arg(&path).status().unwrap();
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("netready-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn json_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn collected_files_validate_like_the_originals() {
    let work = Scratch::new("collect");
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let log = work.path().join("aws.log");
    fake_aws(&work.path().join("bin"), &scenario(), &documents(), &log);

    let o = netready(
        &["validate", "--collect", VPC, "--region", "eu-west-1"],
        work.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let script = text(&o.stdout);
    assert!(!script.contains("AWS_REGION"), "{script}");

    let path = format!(
        "{}:{}",
        work.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(&out)
        .env("PATH", path)
        .env_remove("AWS_REGION")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "the collect script failed: {}\n{script}",
        text(&run.stderr)
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        calls
            .lines()
            .all(|l| l.starts_with("AWS_REGION= ec2 ") && l.contains(" --region eu-west-1")),
        "{calls}"
    );
    // One entries call per list describe-managed-prefix-lists returns.
    assert_eq!(
        calls
            .lines()
            .filter(|l| l.contains("get-managed-prefix-list-entries"))
            .count(),
        3,
        "{calls}"
    );

    let collected = json_files(&out);
    // ip-ranges.json is not collected (the script names it in a comment).
    let originals: Vec<String> = json_files(&scenario())
        .into_iter()
        .chain(json_files(&documents()))
        .filter(|f| !f.ends_with("expected.json") && !f.ends_with("ip-ranges.json"))
        .collect();
    assert_eq!(
        collected.len(),
        originals.len(),
        "one file per describe document: {collected:?}"
    );
    let validate = |files: &[String]| {
        let mut args = vec!["validate", "--region", "eu-west-1", "--format", "json"];
        args.extend(files.iter().map(String::as_str));
        let o = netready(&args, work.path());
        assert!(
            matches!(o.status.code(), Some(0 | 1 | 3)),
            "{}",
            text(&o.stderr)
        );
        text(&o.stdout)
    };
    assert_eq!(validate(&collected), validate(&originals));
}

#[test]
fn collect_needs_a_region_and_a_vpc_id() {
    let dir = Scratch::new("collect-errors");
    let o = netready(&["validate", "--collect", VPC], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--collect needs --region"),
        "{}",
        text(&o.stderr)
    );

    let o = netready(
        &["validate", "--collect", "vpc-12", "--region", "eu-west-1"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("vpc- followed by"),
        "{}",
        text(&o.stderr)
    );

    let o = netready(
        &["validate", "--collect", VPC, "--region", "mars-north-1"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--region \"mars-north-1\""),
        "{}",
        text(&o.stderr)
    );

    let o = netready(
        &[
            "validate",
            "--collect",
            VPC,
            "--region",
            "eu-west-1",
            "x.json",
        ],
        dir.path(),
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "files and --collect exclude each other"
    );
    assert!(o.stdout.is_empty());
}
