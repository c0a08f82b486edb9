//! The validator's loop, run against a real EC2 API: moto's server (an EC2
//! emulator) on loopback and the real AWS CLI v1, both pinned in
//! `tests/emulator/requirements.txt` and installed by `scripts/setup.sh`
//! into `target/tools/emulator`. No AWS account is involved.
//!
//! For each topology of [`TOPOLOGIES`] (built by
//! `tests/emulator/topologies/NAME.sh` with `aws ec2 …`, each in its own
//! region of one emulator) the test does what a user does:
//!
//! 1. runs the script `netready validate --collect VPC --region R` prints,
//!    exactly as printed, in an empty folder, then the topology's
//!    `extras` (what else users keep there: another command's output, a
//!    copy of a file, the empty file of a command that failed), each of
//!    which must bring its info finding;
//! 2. runs `netready validate` on the files it wrote (with the runner's
//!    subnets and security group the topology names);
//! 3. runs the fixes as README's loop says: the steps of every round of
//!    `netready validate --apply-fixes --format json` (its
//!    `applied_fixes[].steps`), in order, as one script under `bash -e`;
//!    the CLI must accept every command;
//! 4. collects and validates again: the result must be ready (or unknown
//!    only for transit paths), the status `--apply-fixes` predicted, and no
//!    round may add an error.
//!
//! The CLI is AWS CLI v1's own driver (`awscli.clidriver`, what the `aws`
//! script runs), kept running in one process by
//! `tests/emulator/cli_server.py`, with `aws` on PATH its client: each
//! command gets a new session and driver (nothing of one call carries into
//! the next; only botocore's parsed models are shared), and costs about
//! 0.2 s of CPU instead of 1 s for a new Python (the whole test: 667 s
//! before, 149 s after, on the 2-core machine under load 6–9). The `aws`
//! script itself is run once first (it must reach the emulator, and refuse
//! a command without `--region`); `NETREADY_EMULATOR_CLI=process` runs it
//! for every command instead.
//!
//! The CLI reaches the emulator the ordinary way, `AWS_ENDPOINT_URL` (which
//! AWS CLI v1 honours, see its user guide's "Using endpoints"), with dummy
//! credentials, no region (every printed command must carry `--region`) and
//! no configuration file; so neither the collect script nor the fixes are
//! changed. As a guard, HTTP(S)_PROXY point at a closed loopback port with
//! only the emulator exempt: a request to anything else fails on loopback
//! instead of leaving the machine.
//!
//! Where moto lacks an EC2 API the test says so and skips only that part
//! (the validator's fixture scenarios in `tests/data/validate` cover it):
//! see [`MOTO_LACKS`]. What the pinned moto has and lacks, checked against
//! its source: it has the DNS attributes (`describe-` and
//! `modify-vpc-attribute`), AWS-managed prefix lists with their entries
//! (`describe-managed-prefix-lists`, `get-managed-prefix-list-entries`:
//! six per region), gateway endpoints' prefix-list routes, NAT gateways
//! (`available` at once), network ACL entries (it refuses a taken rule
//! number as EC2 does) and security group rules (it refuses a duplicate as
//! EC2 does). It lacks Block Public Access (both describe commands answer
//! HTTP 500 "not implemented") and endpoint DNS options (`--dns-options`,
//! `--ip-address-type` are not stored), and its `modify-vpc-endpoint`
//! accepts but ignores `--private-dns-enabled`: no topology seeds an
//! endpoint with private DNS off, since its fix could not be seen to work.
//!
//! A topology whose loop does not reach ready today is marked [`Expect::FailsToday`] with its failures; the test fails
//! when they change or go away, so that the mark is flipped to
//! [`Expect::Ready`] as the fixes land (today every topology is ready).
//!
//! Without the tools the test says so and passes, except when
//! `NETREADY_EMULATOR_STRICT=1` (set by `.ci/run`): then it fails.
//! `NETREADY_EMULATOR_ONLY=name,name` runs only those topologies;
//! `NETREADY_EMULATOR_KEEP=1` keeps the scratch folder (collected files,
//! reports, every command's output) and prints where it is.
//!
//! Network rule: moto listens on 127.0.0.1 only, on a port the system
//! chose free; every `aws` call goes there. The moto process is killed when
//! the test ends, whether it passes or fails.

#![allow(clippy::panic)] // the harness fails the test by panicking

use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// moto's default account: `--account` for the validator, so that ECR
/// Docker's host is known.
const ACCOUNT: &str = "123456789012";

/// How many rounds of fixes a topology gets before it must be ready.
const ROUNDS: usize = 1;

/// One topology and what the loop must end with.
struct Topology {
    /// `tests/emulator/topologies/NAME.sh` builds it.
    name: &'static str,
    /// Each topology has its own region of the one emulator: nothing is shared.
    region: &'static str,
    /// What validating the topology as built must say: the fault it seeds.
    seeded: Seeded,
    /// How the loop ends today.
    expect: Expect,
    /// What else users have in the folder: shell lines run there after
    /// each collect script (another command's output, a copy of a file, a
    /// command that failed), each with the info finding it must bring.
    extras: &'static [(&'static str, &'static str)],
}

/// What the first validation must say.
enum Seeded {
    /// Ready as built: no fix runs.
    Ready,
    /// Each of these finding codes is reported (as an error or warning).
    Findings(&'static [&'static str]),
}

/// How the loop ends.
enum Expect {
    /// Ready (or unknown only for transit paths) within [`ROUNDS`] rounds of
    /// fixes, every command accepted, no round adding an error.
    Ready,
    /// Does not get there today, failing exactly so. No topology does
    /// today; the mark stays for the next one that cannot (a fix moto
    /// rejects, say), so that its failure is recorded, not skipped.
    #[allow(dead_code)]
    FailsToday {
        /// Which issue-12 problem this is, in words (printed with the result).
        why: &'static str,
        /// Every failure, in order.
        failures: &'static [Known],
    },
}

/// A failure as the harness reports it.
struct Known {
    stage: Stage,
    round: usize,
    /// The finding whose fix failed (Fix), or that remains or appeared
    /// (NotReady, Worse); `None` for Collect and Validate.
    code: Option<&'static str>,
    /// A fragment of the failure's text (the CLI's error, the finding's
    /// message, …), with the topology's resources named as its build names
    /// them (`$TASK_SG`) and other IDs as `sg-…`.
    detail: &'static str,
}

/// Where the loop broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The topology as built does not show the fault it seeds (or is not
    /// ready when built to be): the topology, not the fixes, is wrong. Never
    /// expected.
    Seeded,
    /// A command of the printed collect script failed or wrote nothing.
    Collect,
    /// `netready validate` refused the collected files (exit 2).
    Validate,
    /// A fix could not be run as printed, or the CLI rejected it.
    Fix,
    /// The real status after the fixes is not the one `--apply-fixes`
    /// predicted from the model.
    Prediction,
    /// After the fixes the report is not ready.
    NotReady,
    /// A round of fixes added an error finding.
    Worse,
}

/// One failure of the loop.
#[derive(Debug)]
struct Failure {
    stage: Stage,
    round: usize,
    code: Option<String>,
    text: String,
}

impl Failure {
    fn matches(&self, k: &Known) -> bool {
        self.stage == k.stage && self.code.as_deref() == k.code && self.text.contains(k.detail)
    }
}

/// The topologies. Flip `FailsToday` to `Ready` as the fixes land.
const TOPOLOGIES: &[Topology] = &[
    Topology {
        name: "nat-per-az",
        region: "eu-west-1",
        seeded: Seeded::Ready,
        expect: Expect::Ready,
        // A folder as users keep it: another command's output beside the
        // collected files, and the subnets twice (identical: one).
        extras: &[
            (
                "aws ec2 describe-network-interfaces --region eu-west-1 --output json > network-interfaces.json",
                "document-ignored",
            ),
            ("cp subnets.json subnets-copy.json", ""),
        ],
    },
    Topology {
        name: "endpoints-only",
        region: "eu-west-3",
        seeded: Seeded::Ready,
        expect: Expect::Ready,
        // A command that failed and left an empty file.
        extras: &[(
            "aws ec2 describe-instances --region eu-west-3 --instance-ids i-0123456789abcdef0 --output json > instances.json || true",
            "missing-input",
        )],
    },
    Topology {
        name: "public-ip-igw",
        region: "eu-west-2",
        seeded: Seeded::Ready,
        // The VPC's DHCP options are `default`: the collect script skips
        // describe-dhcp-options (it fails on `default`, as on EC2).
        expect: Expect::Ready,
        extras: &[],
    },
    Topology {
        name: "endpoints-misconfigured",
        region: "eu-central-1",
        seeded: Seeded::Findings(&["dns-hostnames-disabled", "gateway-endpoint-not-associated"]),
        expect: Expect::Ready,
        extras: &[],
    },
    Topology {
        name: "nat-shared-acl-and-sg-egress",
        region: "us-east-1",
        seeded: Seeded::Findings(&[
            "task-sg-egress-443",
            "nacl-blocks-return",
            "nacl-blocks-443",
        ]),
        expect: Expect::Ready,
        extras: &[],
    },
    Topology {
        name: "nat-subnet-on-shared-main-table",
        region: "us-east-2",
        seeded: Seeded::Findings(&["nat-gateway-no-igw"]),
        expect: Expect::Ready,
        extras: &[],
    },
    Topology {
        name: "no-egress-nat-elsewhere",
        region: "us-west-2",
        seeded: Seeded::Findings(&["no-default-route", "endpoint-missing"]),
        expect: Expect::Ready,
        extras: &[],
    },
    Topology {
        name: "public-subnet-without-nat",
        region: "sa-east-1",
        seeded: Seeded::Findings(&["no-default-route", "endpoint-missing"]),
        expect: Expect::Ready,
        extras: &[],
    },
];

/// EC2 APIs moto (the pinned version) does not implement: the commands
/// that call them fail against the emulator (HTTP 500, "not implemented"),
/// so their collect output is dropped and fixes calling them are skipped.
/// The validator's fixture scenarios cover what they would feed it
/// (`tests/data/validate/vpc-block-public-access`, `bpa-*`).
const MOTO_LACKS: &[&str] = &[
    "describe-vpc-block-public-access-options",
    "describe-vpc-block-public-access-exclusions",
];

// ---------------------------------------------------------------------------
// Paths, tools, scratch space

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("native/ has a parent: the workspace")
        .to_path_buf()
}

fn venv() -> PathBuf {
    root().join("target/tools/emulator")
}

fn strict() -> bool {
    std::env::var_os("NETREADY_EMULATOR_STRICT").is_some_and(|v| v == "1")
}

/// A scratch folder, removed when dropped unless kept.
struct Scratch {
    path: PathBuf,
    keep: bool,
}

impl Scratch {
    fn new() -> Scratch {
        let path = std::env::temp_dir().join(format!("netready-emulator-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the scratch folder");
        let keep = std::env::var_os("NETREADY_EMULATOR_KEEP").is_some_and(|v| v == "1");
        Scratch { path, keep }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.keep || std::thread::panicking() {
            eprintln!("emulator test: files kept in {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

// ---------------------------------------------------------------------------
// Processes with deadlines

/// What a finished command left: its status and its output, read from files.
struct Ran {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` with stdout and stderr in files named `log.out` / `log.err`,
/// in its own process group; kills the group after `deadline`.
fn run(mut cmd: Command, log: &Path, deadline: Duration) -> Ran {
    let out = log.with_extension("out");
    let err = log.with_extension("err");
    cmd.stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("create a log file"))
        .stderr(std::fs::File::create(&err).expect("create a log file"))
        .process_group(0);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for a child") {
            break status;
        }
        if start.elapsed() > deadline {
            kill_group(&child);
            let _ = child.wait();
            panic!(
                "{cmd:?} did not finish within {deadline:?} (killed); its output is in {}",
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ran {
        status,
        stdout: std::fs::read_to_string(&out).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err).unwrap_or_default(),
    }
}

/// Kills `child`'s whole process group (bash and the `aws` it started).
fn kill_group(child: &Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
}

// ---------------------------------------------------------------------------
// The emulator

/// moto's server on 127.0.0.1, killed when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start(dir: &Path) -> Moto {
        let mut last = String::new();
        // A port the system just chose free; should something take it before
        // moto binds it, moto exits and another port is tried.
        for attempt in 0..3 {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|l| l.local_addr())
                .expect("bind a free loopback port")
                .port();
            let log = dir.join(format!("moto-{attempt}.log"));
            let file = std::fs::File::create(&log).expect("create moto's log");
            let mut cmd = Command::new(venv().join("bin/moto_server"));
            cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(file.try_clone().expect("share moto's log"))
                .stderr(file)
                .process_group(0);
            scrub_env(&mut cmd);
            let child = cmd.spawn().expect("start moto_server");
            let mut moto = Moto { child, port };
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(90) {
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return moto;
                }
                if moto.child.try_wait().ok().flatten().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            last = std::fs::read_to_string(&log).unwrap_or_default();
            drop(moto);
        }
        panic!("moto_server did not start on 127.0.0.1:\n{last}");
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The AWS CLI's driver kept running (`tests/emulator/cli_server.py`), with
/// `aws` on PATH its client: the real CLI's parsing, validation and
/// requests, without a new Python loading botocore for every command (about
/// 1 s of CPU each, most of the test's time). Killed when dropped.
struct CliServer {
    child: Child,
    socket: PathBuf,
    /// The folder holding the `aws` client, for the front of PATH.
    bin: PathBuf,
}

impl CliServer {
    fn start(dir: &Path, env: &AwsEnv) -> CliServer {
        let bin = dir.join("cli-bin");
        std::fs::create_dir_all(&bin).expect("create the client's folder");
        let client = std::fs::read_to_string(root().join("tests/emulator/cli_client.py"))
            .expect("tests/emulator/cli_client.py");
        let aws = bin.join("aws");
        // Only the standard library (-S): the client starts in milliseconds.
        std::fs::write(
            &aws,
            format!("#!{} -S\n{client}", venv().join("bin/python3").display()),
        )
        .expect("write the aws client");
        let mut perms = std::fs::metadata(&aws).expect("the client").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&aws, perms).expect("make the client executable");
        let socket = dir.join("cli.sock");
        let log = dir.join("cli-server.log");
        let mut cmd = Command::new(venv().join("bin/python3"));
        cmd.arg(root().join("tests/emulator/cli_server.py"))
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).expect("create the server's log"))
            .stderr(std::fs::File::create(dir.join("cli-server.err")).expect("create a log"))
            .process_group(0);
        env.apply(&mut cmd);
        let mut server = CliServer {
            child: cmd.spawn().expect("start the CLI server"),
            socket,
            bin,
        };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            if std::fs::read_to_string(&log).is_ok_and(|l| l.starts_with("ready")) {
                return server;
            }
            if server.child.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let err = std::fs::read_to_string(dir.join("cli-server.err")).unwrap_or_default();
        drop(server);
        panic!("the CLI server did not start:\n{err}");
    }
}

impl Drop for CliServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Removes what could point a command elsewhere than the emulator.
fn scrub_env(cmd: &mut Command) {
    for var in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CA_BUNDLE",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "ALL_PROXY",
        "all_proxy",
        "ECS_CONTAINER_METADATA_URI_V4",
        "NETREADY_AWS_CLI_SOCKET",
    ] {
        cmd.env_remove(var);
    }
    // Service-specific endpoint variables would beat AWS_ENDPOINT_URL.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_ENDPOINT_URL_") {
            cmd.env_remove(k);
        }
    }
    // Anything but the emulator goes to a closed loopback port.
    let dead = "http://127.0.0.1:9";
    cmd.env("HTTP_PROXY", dead)
        .env("HTTPS_PROXY", dead)
        .env("http_proxy", dead)
        .env("https_proxy", dead)
        .env("NO_PROXY", "127.0.0.1")
        .env("no_proxy", "127.0.0.1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

/// The environment every `aws` call gets: the emulator, dummy credentials,
/// no region, no configuration files.
struct AwsEnv {
    endpoint: String,
    path: String,
    config_dir: PathBuf,
    /// The CLI server's socket, when `aws` on PATH is its client.
    cli_socket: Option<PathBuf>,
}

impl AwsEnv {
    fn apply(&self, cmd: &mut Command) {
        scrub_env(cmd);
        cmd.env("PATH", &self.path)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", self.config_dir.join("config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.config_dir.join("credentials"),
            )
            .env("HOME", &self.config_dir);
        if let Some(socket) = &self.cli_socket {
            cmd.env("NETREADY_AWS_CLI_SOCKET", socket);
        }
    }

    /// `bash` running `script` (with an ERR trap naming every failed
    /// command on stderr, `set -E` so that it also fires inside `$(…)`).
    fn bash(&self, script: &str, cwd: &Path) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg("-c")
            .arg(format!(
                "set -E\ntrap 'echo \"{TRAP} $? :: $BASH_COMMAND\" >&2' ERR\n{script}"
            ))
            .current_dir(cwd);
        self.apply(&mut cmd);
        cmd
    }
}

/// The ERR trap's prefix.
const TRAP: &str = "EMULATOR-FAILED";

/// The commands that failed, with the CLI's message before each trap line.
fn failed_commands(stderr: &str) -> Vec<(String, String)> {
    let mut failed = Vec::new();
    let mut message = String::new();
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix(TRAP) {
            let command = rest
                .split_once(" :: ")
                .map(|(_, c)| c)
                .unwrap_or(rest)
                .trim()
                .to_owned();
            failed.push((command, message.trim().to_owned()));
            message.clear();
        } else if !line.trim().is_empty() {
            message.push_str(line.trim());
            message.push(' ');
        }
    }
    failed
}

// ---------------------------------------------------------------------------
// netready

fn netready(args: &[String], cwd: &Path, log: &Path) -> Ran {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netready"));
    cmd.args(args).current_dir(cwd);
    scrub_env(&mut cmd);
    run(cmd, log, Duration::from_secs(120))
}

fn json_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("read the collect folder")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            p.file_name()
                .expect("a file has a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

/// Ready, or unknown only for transit paths.
fn acceptable(report: &Value) -> bool {
    match report["status"].as_str() {
        Some("ready") => true,
        Some("unknown") => endpoints(report)
            .filter(|e| e["reachable"].is_null())
            .all(|e| e["access_type"] == "transit"),
        _ => false,
    }
}

fn endpoints(report: &Value) -> impl Iterator<Item = &Value> {
    report["subnets"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["endpoints"].as_array().into_iter().flatten())
}

fn findings(report: &Value) -> impl Iterator<Item = &Value> {
    report["findings"].as_array().into_iter().flatten()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The error findings, as (code, resource).
fn errors(report: &Value) -> BTreeSet<(String, String)> {
    findings(report)
        .filter(|f| f["severity"] == "error")
        .map(|f| (s(&f["code"]).to_owned(), s(&f["resource"]).to_owned()))
        .collect()
}

/// What a report says, for failure messages: status, then the errors and
/// warnings with their messages.
fn summary(report: &Value) -> String {
    let mut out = format!("status {}", s(&report["status"]));
    for f in findings(report).filter(|f| f["severity"] != "info") {
        let _ = write!(
            out,
            "; {} {} {}: {}",
            s(&f["severity"]),
            s(&f["code"]),
            s(&f["resource"]),
            s(&f["message"])
        );
    }
    out
}

/// Placeholders a user would have to fill in (`<public-subnet-id>`) on the
/// command lines of a fix (comments aside).
fn placeholders(fix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in fix.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut rest = line;
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            match after.find('>') {
                Some(end)
                    if end > 0
                        && after[..end]
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
                {
                    found.push(format!("<{}>", &after[..end]));
                    rest = &after[end + 1..];
                }
                _ => rest = after,
            }
        }
    }
    found
}

/// Replaces EC2 resource IDs (`sg-0123abcd…`) by their kind (`sg-…`).
fn anonymise_ids(text: &str) -> String {
    const KINDS: &[&str] = &[
        "vpc", "subnet", "rtb", "sg", "acl", "vpce", "nat", "igw", "eipalloc", "dopt", "pl", "eni",
        "sgr", "rtbassoc", "aclassoc",
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        let at_word_start = out
            .chars()
            .last()
            .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-');
        if at_word_start {
            for kind in KINDS {
                let Some(after) = rest.strip_prefix(kind).and_then(|r| r.strip_prefix('-')) else {
                    continue;
                };
                let hex = after
                    .bytes()
                    .take_while(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                    .count();
                let ends_word = after[hex..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-');
                if hex >= 8 && ends_word {
                    out.push_str(kind);
                    out.push_str("-…");
                    rest = &after[hex..];
                    continue 'scan;
                }
            }
        }
        let c = rest.chars().next().expect("rest is not empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn moto_lacks(command: &str) -> Option<&'static str> {
    MOTO_LACKS
        .iter()
        .copied()
        .find(|api| command.contains(&format!("aws ec2 {api} ")))
}

#[test]
fn harness_helpers() {
    assert_eq!(
        anonymise_ids(
            "sg-0a1b2c3d4e5f60718 of vpce-963345cf2b49a7730 (subnet-a5059b1d37d8bc2fc, sg-1, sgr-0123456789abcdef0)"
        ),
        "sg-… of vpce-… (subnet-…, sg-1, sgr-…)"
    );
    assert_eq!(
        anonymise_ids("my-sg-0a1b2c3d4e5f60718x"),
        "my-sg-0a1b2c3d4e5f60718x"
    );
    assert_eq!(
        placeholders(
            "# create <one>\naws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <eip> > x"
        ),
        vec!["<public-subnet-id>".to_owned(), "<eip>".to_owned()]
    );
    assert!(placeholders("aws ec2 x --a 'b' > out.json").is_empty());
    let stderr = format!(
        "\nAn error occurred (X) when calling Y: no\n{TRAP} 255 :: aws ec2 one --region r\n{TRAP} 1 :: false\n"
    );
    assert_eq!(
        failed_commands(&stderr),
        vec![
            (
                "aws ec2 one --region r".to_owned(),
                "An error occurred (X) when calling Y: no".to_owned()
            ),
            ("false".to_owned(), String::new()),
        ]
    );
    assert_eq!(
        moto_lacks("aws ec2 describe-vpc-block-public-access-options --region r > f"),
        Some("describe-vpc-block-public-access-options")
    );
    assert_eq!(moto_lacks("aws ec2 describe-vpcs --region r"), None);
}

// ---------------------------------------------------------------------------
// One topology's loop

struct Outcome {
    failures: Vec<Failure>,
    notes: Vec<String>,
    rounds: usize,
    elapsed: Duration,
    /// Wall time per stage (build, collect N, fix N), for the summary.
    stages: Vec<(String, Duration)>,
}

struct Loop<'a> {
    topology: &'a Topology,
    aws: &'a AwsEnv,
    dir: PathBuf,
    failures: Vec<Failure>,
    notes: Vec<String>,
    stages: Vec<(String, Duration)>,
    /// The build's resources: (id, `$NAME`), to name them in messages.
    names: Vec<(String, String)>,
}

impl Loop<'_> {
    /// `text` with the build's resources named (`$TASK_SG`) and other
    /// resource IDs (made by fixes) shortened to their kind (`vpce-…`):
    /// the emulator's IDs are random, the names are not.
    fn named(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (id, name) in &self.names {
            text = text.replace(id.as_str(), name);
        }
        anonymise_ids(&text)
    }

    fn note(&mut self, note: String) {
        let note = self.named(&note);
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    fn fail(&mut self, stage: Stage, round: usize, code: Option<&str>, text: String) {
        let text = self.named(&text);
        self.failures.push(Failure {
            stage,
            round,
            code: code.map(str::to_owned),
            text,
        });
    }

    /// Builds the topology: its VPC id and the flags for `netready validate`.
    fn build(&mut self) -> (String, Vec<String>) {
        let script = root()
            .join("tests/emulator/topologies")
            .join(format!("{}.sh", self.topology.name));
        let mut cmd = Command::new("bash");
        cmd.arg(&script)
            .current_dir(&self.dir)
            .env("REGION", self.topology.region);
        self.aws.apply(&mut cmd);
        let ran = run(cmd, &self.dir.join("build"), Duration::from_secs(300));
        assert!(
            ran.status.success(),
            "{}: building the topology failed ({}):\n{}",
            self.topology.name,
            ran.status,
            ran.stderr
        );
        let mut args = Vec::new();
        for line in ran.stdout.lines() {
            if let Some((name, id)) = line.strip_prefix("id=").and_then(|l| l.split_once('=')) {
                self.names.push((id.to_owned(), format!("${name}")));
            } else if let Some(a) = line.strip_prefix("arg=") {
                args.push(a.to_owned());
            }
        }
        let vpc = self
            .names
            .iter()
            .find(|(_, name)| name == "$VPC")
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| {
                panic!(
                    "{}: the build printed no id=VPC= line:\n{}",
                    self.topology.name, ran.stdout
                )
            });
        (vpc, args)
    }

    /// Runs the printed collect script in `round-N/`; returns that folder.
    fn collect(&mut self, vpc: &str, round: usize) -> PathBuf {
        let dir = self.dir.join(format!("round-{round}"));
        std::fs::create_dir_all(&dir).expect("create the collect folder");
        let printed = netready(
            &[
                "validate".into(),
                "--collect".into(),
                vpc.into(),
                "--region".into(),
                self.topology.region.into(),
            ],
            &dir,
            &self.dir.join(format!("collect-{round}-print")),
        );
        assert!(
            printed.status.success(),
            "netready validate --collect failed: {}",
            printed.stderr
        );
        std::fs::write(
            self.dir.join(format!("collect-{round}.sh")),
            &printed.stdout,
        )
        .expect("keep the collect script");
        let ran = run(
            self.aws.bash(&printed.stdout, &dir),
            &self.dir.join(format!("collect-{round}")),
            Duration::from_secs(300),
        );
        for (command, message) in failed_commands(&ran.stderr) {
            if let Some(api) = moto_lacks(&command) {
                self.note(format!(
                    "moto lacks {api}: its collect command fails (\"{}\"); its empty file is left out",
                    message.chars().take(120).collect::<String>()
                ));
                continue;
            }
            self.fail(
                Stage::Collect,
                round,
                None,
                format!("collect command failed: `{command}`: {message}"),
            );
        }
        for file in json_files(&dir) {
            let path = dir.join(&file);
            let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if len > 0 {
                continue;
            }
            let from_missing_api = MOTO_LACKS
                .iter()
                .any(|api| file == format!("{}.json", api.trim_start_matches("describe-")));
            if from_missing_api {
                let _ = std::fs::remove_file(&path);
            } else {
                self.fail(
                    Stage::Collect,
                    round,
                    None,
                    format!("{file} is empty after the collect script"),
                );
            }
        }
        for (i, (line, _)) in self.topology.extras.iter().enumerate() {
            let mut cmd = Command::new("bash");
            cmd.arg("-c").arg(line).current_dir(&dir);
            self.aws.apply(&mut cmd);
            let ran = run(
                cmd,
                &self.dir.join(format!("extra-{round}-{i}")),
                Duration::from_secs(120),
            );
            assert!(
                ran.status.success(),
                "{}: `{line}` failed: {}",
                self.topology.name,
                ran.stderr
            );
        }
        dir
    }

    /// `netready validate` on the collected files, as the script's last
    /// line says, with the runner's flags.
    fn validate(&mut self, dir: &Path, flags: &[String], round: usize) -> Option<Value> {
        let mut args: Vec<String> = vec!["validate".into(), "--format".into(), "json".into()];
        args.extend(flags.iter().cloned());
        args.extend(json_files(dir));
        let ran = netready(&args, dir, &self.dir.join(format!("validate-{round}")));
        match ran.status.code() {
            Some(0 | 1 | 3) => {}
            Some(2) => {
                self.fail(
                    Stage::Validate,
                    round,
                    None,
                    format!(
                        "netready validate refused the collected files (exit 2): {}",
                        ran.stderr.trim()
                    ),
                );
                return None;
            }
            other => panic!(
                "{}: netready validate ended with {other:?}: {}",
                self.topology.name, ran.stderr
            ),
        }
        std::fs::write(self.dir.join(format!("report-{round}.json")), &ran.stdout)
            .expect("keep the report");
        Some(serde_json::from_str(&ran.stdout).expect("netready validate prints JSON"))
    }

    /// The README's loop: `netready validate --apply-fixes --format json`
    /// on the collected files, every round's steps in order into one
    /// script, run with `bash -e` (stopping at the first command the CLI
    /// rejects). Returns the status the what-if predicts after them.
    fn fix(
        &mut self,
        dir: &Path,
        flags: &[String],
        report: &Value,
        round: usize,
    ) -> Option<String> {
        let mut args: Vec<String> = vec![
            "validate".into(),
            "--apply-fixes".into(),
            "--format".into(),
            "json".into(),
        ];
        args.extend(flags.iter().cloned());
        args.extend(json_files(dir));
        let ran = netready(&args, dir, &self.dir.join(format!("what-if-{round}")));
        if !matches!(ran.status.code(), Some(0 | 1 | 3)) {
            self.fail(
                Stage::Fix,
                round,
                None,
                format!(
                    "netready validate --apply-fixes failed ({}): {}",
                    ran.status,
                    ran.stderr.trim()
                ),
            );
            return None;
        }
        std::fs::write(self.dir.join(format!("what-if-{round}.json")), &ran.stdout)
            .expect("keep the what-if");
        let what_if: Value =
            serde_json::from_str(&ran.stdout).expect("netready validate --apply-fixes prints JSON");
        let rounds = what_if["applied_fixes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut steps: Vec<String> = Vec::new();
        for (n, r) in rounds.iter().enumerate() {
            for m in r["manual"].as_array().into_iter().flatten() {
                self.note(format!(
                    "round {round}: what-if round {}: manual: {}",
                    n + 1,
                    s(m)
                ));
            }
            steps.extend(
                r["steps"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| s(x).to_owned()),
            );
        }
        // The finding a step belongs to, for the messages.
        let owner = |step: &str| -> Option<String> {
            findings(report)
                .find(|f| {
                    f["fix"].as_str().is_some_and(|x| x.contains(step))
                        || f["remedies"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .flat_map(|r| r["steps"].as_array().into_iter().flatten())
                            .any(|x| x == step)
                })
                .map(|f| s(&f["code"]).to_owned())
        };
        let mut script = String::new();
        for step in &steps {
            if let Some(api) = moto_lacks(step) {
                self.note(format!(
                    "round {round}: step skipped, moto lacks {api}: {step}"
                ));
                continue;
            }
            let holes = placeholders(step);
            if !holes.is_empty() {
                let code = owner(step);
                self.fail(
                    Stage::Fix,
                    round,
                    code.as_deref(),
                    format!(
                        "{}: not runnable as printed, placeholder {}: `{step}`",
                        code.as_deref().unwrap_or("a step"),
                        holes.join(", ")
                    ),
                );
                return None;
            }
            script.push_str(step);
            script.push('\n');
        }
        if script.is_empty() {
            self.note(format!("round {round}: the what-if has no step to run"));
        }
        std::fs::write(self.dir.join(format!("fixes-{round}.sh")), &script)
            .expect("keep the fixes");
        let ran = run(
            self.aws.bash(&format!("set -e\n{script}"), &self.dir),
            &self.dir.join(format!("fixes-{round}")),
            Duration::from_secs(600),
        );
        let failed = failed_commands(&ran.stderr);
        for (command, message) in &failed {
            let code = steps
                .iter()
                .find(|step| command.contains(step.as_str()) || step.contains(command.as_str()))
                .and_then(|step| owner(step));
            self.fail(
                Stage::Fix,
                round,
                code.as_deref(),
                format!(
                    "{}: the CLI rejected `{command}`: {message}",
                    code.as_deref().unwrap_or("a step")
                ),
            );
        }
        if failed.is_empty() && !ran.status.success() {
            self.fail(
                Stage::Fix,
                round,
                None,
                format!("the steps ended with {}: {}", ran.status, ran.stderr.trim()),
            );
        }
        Some(s(&what_if["status"]).to_owned())
    }

    fn timed<T>(&mut self, stage: String, f: impl FnOnce(&mut Self) -> T) -> T {
        let start = Instant::now();
        let out = f(self);
        self.stages.push((stage, start.elapsed()));
        out
    }

    fn run(mut self) -> Outcome {
        let start = Instant::now();
        let (vpc, mut flags) = self.timed("build".into(), |l| l.build());
        flags.extend(["--account".to_owned(), ACCOUNT.to_owned()]);
        let mut previous: Option<Value> = None;
        // What `--apply-fixes` said the status would be after its steps.
        let mut predicted: Option<String> = None;
        let mut rounds = 0;
        for round in 0..=ROUNDS {
            rounds = round;
            let dir = self.timed(format!("collect {round}"), |l| l.collect(&vpc, round));
            let Some(report) = self.validate(&dir, &flags, round) else {
                break;
            };
            if round == 0 {
                let missing: Vec<&str> = match self.topology.seeded {
                    Seeded::Ready if acceptable(&report) => Vec::new(),
                    Seeded::Ready => vec!["ready"],
                    Seeded::Findings(codes) => codes
                        .iter()
                        .copied()
                        .filter(|code| {
                            !findings(&report)
                                .any(|f| f["code"] == *code && f["severity"] != "info")
                        })
                        .collect(),
                };
                // What the extra files must bring: an info finding each.
                let mut missing = missing;
                for (line, code) in self.topology.extras {
                    let noted = code.is_empty()
                        || findings(&report).any(|f| f["code"] == *code && f["severity"] == "info");
                    if !noted {
                        missing.push(line);
                    }
                }
                if !missing.is_empty() {
                    self.fail(
                        Stage::Seeded,
                        round,
                        None,
                        format!(
                            "built to show {}, but the validator says {}",
                            missing.join(", "),
                            summary(&report)
                        ),
                    );
                    break;
                }
            }
            if let Some(before) = &previous {
                let before = errors(before);
                for (code, resource) in errors(&report).difference(&before) {
                    let message = findings(&report)
                        .find(|f| f["code"] == code.as_str() && f["resource"] == resource.as_str())
                        .map(|f| s(&f["message"]).to_owned())
                        .unwrap_or_default();
                    self.fail(
                        Stage::Worse,
                        round,
                        Some(code),
                        format!(
                            "the fixes of round {} added error {code} {resource}: {message}",
                            round - 1
                        ),
                    );
                }
            }
            if let Some(p) = predicted.take()
                && p != s(&report["status"])
            {
                self.fail(
                    Stage::Prediction,
                    round,
                    None,
                    format!(
                        "--apply-fixes predicted {p} after its steps; collected and validated again: {}",
                        summary(&report)
                    ),
                );
            }
            if acceptable(&report) {
                break;
            }
            if round == ROUNDS {
                let remaining: Vec<String> = errors(&report)
                    .into_iter()
                    .map(|(c, _)| c)
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                self.fail(
                    Stage::NotReady,
                    round,
                    remaining.first().map(String::as_str),
                    format!("after {ROUNDS} round(s) of fixes: {}", summary(&report)),
                );
                break;
            }
            predicted = self.timed(format!("fix {round}"), |l| {
                l.fix(&dir, &flags, &report, round)
            });
            previous = Some(report);
        }
        Outcome {
            failures: self.failures,
            notes: self.notes,
            rounds,
            elapsed: start.elapsed(),
            stages: self.stages,
        }
    }
}

// ---------------------------------------------------------------------------
// The test

fn listed(failures: &[Failure]) -> String {
    failures
        .iter()
        .map(|f| {
            format!(
                "    [{:?}, round {}{}] {}",
                f.stage,
                f.round,
                f.code
                    .as_deref()
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default(),
                f.text
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks one topology's outcome against its mark; `Err` says why not.
fn judge(t: &Topology, o: &Outcome) -> Result<(), String> {
    if o.failures.iter().any(|f| f.stage == Stage::Seeded) {
        return Err(format!(
            "{}: the topology is wrong:\n{}",
            t.name,
            listed(&o.failures)
        ));
    }
    match &t.expect {
        Expect::Ready if o.failures.is_empty() => Ok(()),
        Expect::Ready => Err(format!(
            "{}: expected to reach ready, but:\n{}",
            t.name,
            listed(&o.failures)
        )),
        Expect::FailsToday { .. } if o.failures.is_empty() => Err(format!(
            "{}: marked FailsToday, but the loop now reaches ready: flip it to Expect::Ready",
            t.name
        )),
        Expect::FailsToday { failures, .. }
            if failures.len() == o.failures.len()
                && o.failures
                    .iter()
                    .zip(failures.iter())
                    .all(|(f, k)| f.matches(k)) =>
        {
            Ok(())
        }
        Expect::FailsToday { failures, .. } => Err(format!(
            "{}: marked FailsToday with {} failure(s), but the failures are now:\n{}\n(expected, in order: {})",
            t.name,
            failures.len(),
            listed(&o.failures),
            failures
                .iter()
                .map(|k| format!(
                    "[{:?}, round {}, {:?}] …{}…",
                    k.stage, k.round, k.code, k.detail
                ))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

#[test]
fn fixes_work_against_the_ec2_emulator() {
    for bin in ["aws", "moto_server"] {
        if !venv().join("bin").join(bin).is_file() {
            let why = format!(
                "{} is missing: run `bash scripts/setup.sh` (it installs tests/emulator/requirements.txt)",
                venv().join("bin").join(bin).display()
            );
            if strict() {
                panic!("{why} (NETREADY_EMULATOR_STRICT=1: required)");
            }
            eprintln!("SKIPPED fixes_work_against_the_ec2_emulator: {why}");
            return;
        }
    }
    let regions: BTreeSet<&str> = TOPOLOGIES.iter().map(|t| t.region).collect();
    assert_eq!(regions.len(), TOPOLOGIES.len(), "one region per topology");
    let only: Option<Vec<String>> = std::env::var("NETREADY_EMULATOR_ONLY")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect());
    let chosen: Vec<&Topology> = TOPOLOGIES
        .iter()
        .filter(|t| only.as_ref().is_none_or(|o| o.iter().any(|n| n == t.name)))
        .collect();
    assert!(
        !chosen.is_empty(),
        "NETREADY_EMULATOR_ONLY names no topology"
    );

    let scratch = Scratch::new();
    let moto = Moto::start(&scratch.path);
    let config_dir = scratch.path.join("aws-home");
    std::fs::create_dir_all(&config_dir).expect("create the CLI's home");
    let mut aws = AwsEnv {
        endpoint: moto.endpoint(),
        path: format!(
            "{}:{}",
            venv().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        ),
        config_dir,
        cli_socket: None,
    };
    // The `aws` script itself, once: the CLI as installed reaches the
    // emulator and refuses a command without a region.
    for (args, ok) in [
        (
            "aws ec2 describe-regions --region us-east-1 --query 'length(Regions)' --output text",
            true,
        ),
        ("aws ec2 describe-vpcs --output text", false),
    ] {
        let ran = run(
            aws.bash(args, &scratch.path),
            &scratch.path.join("cli-smoke"),
            Duration::from_secs(120),
        );
        assert_eq!(
            ran.status.success(),
            ok,
            "`{args}` against the emulator: {}{}",
            ran.stdout,
            ran.stderr
        );
    }
    let in_process = std::env::var("NETREADY_EMULATOR_CLI").map_or(true, |v| v != "process");
    let cli = in_process.then(|| CliServer::start(&scratch.path, &aws));
    if let Some(cli) = &cli {
        aws.path = format!("{}:{}", cli.bin.display(), aws.path);
        aws.cli_socket = Some(cli.socket.clone());
    }
    let aws = aws;

    let start = Instant::now();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());
    let jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 3);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(t) = chosen.get(i) else { break };
                    let dir = scratch.path.join(t.name);
                    std::fs::create_dir_all(&dir).expect("create the topology's folder");
                    let outcome = Loop {
                        topology: t,
                        aws: &aws,
                        dir,
                        failures: Vec::new(),
                        notes: Vec::new(),
                        stages: Vec::new(),
                        names: Vec::new(),
                    }
                    .run();
                    results
                        .lock()
                        .expect("no worker panicked holding the lock")
                        .push((i, outcome));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("no worker panicked");
    results.sort_by_key(|(i, _)| *i);

    let mut report = format!(
        "emulator loop: {} topologies in {:.0?} ({jobs} at a time)\n",
        chosen.len(),
        start.elapsed()
    );
    let mut wrong = Vec::new();
    for (i, o) in &results {
        let t = chosen[*i];
        let verdict = judge(t, o);
        let _ = writeln!(
            report,
            "{:<36} {:<10} rounds {} {:>5.1?} ({})  {}",
            t.name,
            match (&t.expect, o.failures.is_empty()) {
                (_, true) => "ready",
                (Expect::FailsToday { .. }, false) => "fails",
                (Expect::Ready, false) => "FAILS",
            },
            o.rounds,
            o.elapsed,
            o.stages
                .iter()
                .map(|(n, d)| format!("{n} {d:.1?}"))
                .collect::<Vec<_>>()
                .join(", "),
            if verdict.is_ok() { "" } else { "<- unexpected" }
        );
        if let Expect::FailsToday { why, .. } = &t.expect {
            let _ = writeln!(report, "    fails today: {why}");
        }
        if !o.failures.is_empty() {
            let _ = writeln!(report, "{}", listed(&o.failures));
        }
        for n in &o.notes {
            let _ = writeln!(report, "    note: {n}");
        }
        if let Err(e) = verdict {
            wrong.push(e);
        }
    }
    eprintln!("{report}");
    drop(cli);
    drop(moto);
    assert!(wrong.is_empty(), "{}\n\n{report}", wrong.join("\n\n"));
}
