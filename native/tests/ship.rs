//! Shipping netready: the container image, the runner-stack recipe and the
//! monitoring that comes with it.
//!
//! * the image `bash scripts/image.sh` built: its configuration (entrypoint,
//!   non-root user), its file system (the static binary, passwd, licences,
//!   nothing else), and its binary run *from that file system* (chroot, as
//!   the image's user): `--version`, `validate` of the bundled example, and
//!   a `probe` inside a network namespace this test makes;
//! * `--metrics-format emf`: the lines of a real watch-mode run checked
//!   against the CloudWatch Embedded Metric Format specification and against
//!   the report, and the CloudFormation and Terraform alarms checked against
//!   the metric names and dimensions those lines really carry;
//! * the Grafana dashboard and the Prometheus alerts use only metric names a
//!   real `/metrics` scrape shows; `promtool check rules` and `promtool test
//!   rules` pass;
//! * the CloudFormation template passes `cfn-lint` (pinned, installed by
//!   `scripts/setup.sh`), wires netready as the issue asks, and agrees with
//!   the Terraform module's container definition; README's task-definition
//!   snippet agrees with both.
//!
//! Network rule: DNS servers and listeners live on loopback or inside
//! namespaces this test creates; the probe always gets `--dns-server` and
//! `AWS_EC2_METADATA_DISABLED=true`.
//!
//! Where something is missing (the image not built, no promtool, no
//! cfn-lint, no namespaces, not root) a test says so and passes, except when
//! `NETREADY_SHIP_STRICT=1` (set by `.ci/run`): then it fails.

#![allow(clippy::panic)] // helpers fail the test by panicking

mod watch_support;

use netready_test_support::dns_server::{Answer, DnsServer};
use netready_test_support::listeners::Listeners;
use netready_test_support::netns::NetNs;
use netready_test_support::thread::enter_netns;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The endpoint's address: private (dialled, as a VPC endpoint would be),
/// on the namespace's own loopback device.
const ENDPOINT_IP: Ipv4Addr = Ipv4Addr::new(10, 78, 0, 1);
/// The image's user.
const IMAGE_USER: &str = "65532:65532";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("native/ has a parent: the workspace")
        .to_path_buf()
}

fn strict() -> bool {
    std::env::var_os("NETREADY_SHIP_STRICT").is_some_and(|v| v == "1")
}

/// Says why `test` cannot run here: a failure under `NETREADY_SHIP_STRICT=1`,
/// otherwise a note and a pass.
fn unavailable(test: &str, why: &str) {
    if strict() {
        panic!("{test}: {why} (NETREADY_SHIP_STRICT=1: required)");
    }
    eprintln!("SKIPPED {test}: {why}");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs `cmd` with `stdin` as its standard input, every wait bounded.
fn run_with_input(mut cmd: Command, stdin: &[u8], deadline: Duration) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let mut input = child.stdin.take().expect("stdin is piped");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = wait_output(child, deadline);
    let _ = writer.join();
    out
}

/// Waits for `child` at most `deadline` (then kills it and fails).
fn wait_output(mut child: Child, deadline: Duration) -> Output {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return child.wait_with_output().expect("output of an ended child"),
            Ok(None) if start.elapsed() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("output of a killed child");
                panic!("did not end within {deadline:?}:\n{}", text(&out));
            }
        }
    }
}

fn command_with_env(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("ECS_CONTAINER_METADATA_URI_V4")
        .env_remove("ECS_CONTAINER_METADATA_URI")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("NO_COLOR", "1");
    cmd
}

/// Runs `f` on a thread inside namespace `ns`.
fn in_ns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let ns = ns.to_owned();
    std::thread::spawn(move || {
        if let Err(e) = enter_netns(&ns) {
            panic!("enter {ns}: {e}");
        }
        f()
    })
    .join()
    .expect("namespace thread did not panic")
}

/// A namespace with a DNS server answering every name with [`ENDPOINT_IP`]
/// (except `missing.ship.test`: NXDOMAIN) and a TCP listener there.
struct World {
    ns: NetNs,
    dns: DnsServer,
    port: u16,
    _listener: Listeners,
}

fn world(tag: &str) -> Result<World, String> {
    let ns = NetNs::new(tag)?;
    ns.ip(&["addr", "add", &format!("{ENDPOINT_IP}/32"), "dev", "lo"])?;
    let dns = DnsServer::start_in(Some(ns.name()), "127.0.0.1:0".parse().expect("literal"))?;
    dns.set_default(
        Answer::Addresses(vec![IpAddr::V4(ENDPOINT_IP)]),
        Duration::ZERO,
    );
    dns.set("missing.ship.test", Answer::NxDomain);
    let port = free_port(ns.name(), IpAddr::V4(ENDPOINT_IP));
    let listener = Listeners::start_in(
        Some(ns.name()),
        &[SocketAddr::new(IpAddr::V4(ENDPOINT_IP), port)],
    )?;
    Ok(World {
        ns,
        dns,
        port,
        _listener: listener,
    })
}

fn free_port(ns: &str, ip: IpAddr) -> u16 {
    in_ns(ns, move || {
        std::net::TcpListener::bind((ip, 0))
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port()
    })
}

/// The probe's arguments for a world: every catalog endpoint and
/// `ok.ship.test` answer at the listener; `missing.ship.test` (when asked
/// for) does not resolve.
fn probe_args(w: &World, with_missing: bool) -> Vec<String> {
    let mut args: Vec<String> = [
        "--dns-server",
        &w.dns.addr().to_string(),
        "--region",
        "eu-west-1",
        "--ecr-account",
        "123456789012",
        "--public-ip",
        "no",
        "--port",
        &w.port.to_string(),
        "--timeout",
        "2s",
        "--endpoint",
        &format!("ok.ship.test:{}", w.port),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if with_missing {
        args.push("--endpoint".into());
        args.push(format!("missing.ship.test:{}", w.port));
    }
    args
}

// ---------------------------------------------------------------------------
// The image

struct Image {
    rootfs: PathBuf,
    inspect: Value,
}

fn image(test: &str) -> Option<Image> {
    let dir = std::env::var_os("NETREADY_IMAGE_DIR")
        .map_or_else(|| root().join("target/image/x86_64"), PathBuf::from);
    let rootfs = dir.join("rootfs");
    let inspect = dir.join("inspect.json");
    if !rootfs.join("netready").is_file() || !inspect.is_file() {
        unavailable(
            test,
            &format!(
                "no image at {} (bash scripts/image.sh builds it)",
                dir.display()
            ),
        );
        return None;
    }
    let inspect = json_file(&inspect);
    Some(Image { rootfs, inspect })
}

/// The files of a directory tree, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for e in entries {
            let e = e.expect("directory entry");
            let path = e.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base");
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn the_image_is_minimal_non_root_and_its_entrypoint_is_netready() {
    let Some(img) = image("the_image_is_minimal_non_root_and_its_entrypoint_is_netready") else {
        return;
    };
    let config = &img.inspect[0]["Config"];
    assert_eq!(config["Entrypoint"], serde_json::json!(["/netready"]));
    assert_eq!(config["User"], IMAGE_USER);
    assert_eq!(img.inspect[0]["Os"], "linux");
    assert_eq!(img.inspect[0]["Architecture"], "amd64");
    assert_eq!(
        files(&img.rootfs),
        [
            "etc/group",
            "etc/passwd",
            "netready",
            "usr/share/doc/netready/LICENSE-APACHE",
            "usr/share/doc/netready/LICENSE-MIT",
        ]
    );
    let passwd = read(&img.rootfs.join("etc/passwd"));
    assert!(passwd.contains(":65532:65532:"), "{passwd}");
    let labels = &config["Labels"];
    assert_eq!(
        labels["org.opencontainers.image.licenses"],
        "MIT OR Apache-2.0"
    );
    assert_eq!(
        labels["org.opencontainers.image.version"],
        env!("CARGO_PKG_VERSION")
    );
}

/// `chroot --userspec=65532:65532 ROOTFS /netready ARGS`: only the image's
/// files are visible, as the image's user; `ns` puts it in a namespace.
fn in_image(img: &Image, ns: Option<&str>, args: &[String]) -> Command {
    let mut cmd = match ns {
        Some(ns) => {
            let mut c = command_with_env("ip");
            c.args(["netns", "exec", ns, "chroot"]);
            c
        }
        None => command_with_env("chroot"),
    };
    cmd.arg(format!("--userspec={IMAGE_USER}"))
        .arg(&img.rootfs)
        .arg("/netready")
        .args(args);
    cmd
}

#[test]
fn the_images_binary_runs_from_the_images_file_system() {
    let test = "the_images_binary_runs_from_the_images_file_system";
    let Some(img) = image(test) else {
        return;
    };
    if !is_root() {
        unavailable(test, "chroot needs root");
        return;
    }
    let deadline = Duration::from_secs(20);

    // --version: the commit of this build, the musl target. That it runs at
    // all in a root with no C library proves the binary static.
    let out = run_with_input(in_image(&img, None, &["--version".into()]), b"", deadline);
    assert!(out.status.success(), "{}", text(&out));
    let image_version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let here = Command::new(env!("CARGO_BIN_EXE_netready"))
        .arg("--version")
        .output()
        .expect("run netready --version");
    let here = String::from_utf8_lossy(&here.stdout).trim().to_owned();
    let commit = |v: &str| {
        v.split_once("(commit ")
            .and_then(|(_, rest)| rest.split_once(','))
            .map(|(c, _)| c.to_owned())
    };
    assert!(
        image_version.starts_with(&format!("netready {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{image_version}"
    );
    assert!(
        image_version.ends_with(", x86_64-unknown-linux-musl)"),
        "{image_version}"
    );
    if commit(&image_version) != commit(&here) {
        unavailable(
            test,
            &format!(
                "the image is of another build ({image_version}; this test: {here}): rerun bash scripts/image.sh"
            ),
        );
        return;
    }

    // validate: the bundled example through standard input, the same
    // report as this build's binary prints.
    let example = std::fs::read(root().join("examples/vpc-nat/vpc.json")).expect("the example");
    let args = [
        "validate".to_owned(),
        "--format".into(),
        "json".into(),
        "-".into(),
    ];
    let from_image = run_with_input(in_image(&img, None, &args), &example, deadline);
    let mut local = command_with_env(env!("CARGO_BIN_EXE_netready"));
    local.args(&args);
    let from_here = run_with_input(local, &example, deadline);
    assert!(
        matches!(from_image.status.code(), Some(0..=1 | 3)),
        "{}",
        text(&from_image)
    );
    assert_eq!(from_image.status.code(), from_here.status.code());
    let report: Value = serde_json::from_slice(&from_image.stdout)
        .unwrap_or_else(|e| panic!("validate --format json: {e}\n{}", text(&from_image)));
    assert_eq!(report["kind"], "validate");
    assert_eq!(from_image.stdout, from_here.stdout);

    // probe: real DNS and TCP inside a namespace, as the image's user.
    let w = match world("image") {
        Ok(w) => w,
        Err(e) => {
            unavailable(test, &format!("network namespaces: {e}"));
            return;
        }
    };
    let mut args = vec!["probe".to_owned(), "--format".into(), "json".into()];
    args.extend(probe_args(&w, false));
    let out = run_with_input(in_image(&img, Some(w.ns.name()), &args), b"", deadline);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: netready_core::Report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", text(&out)));
    assert_eq!(report.status, netready_core::Status::Ready);
    assert!(
        report.endpoints.len() >= 6,
        "the runner profile and ok.ship.test: {:?}",
        report.endpoints
    );
    for e in &report.endpoints {
        assert_eq!(
            e.access_type,
            Some(netready_core::report::AccessType::VpcEndpoint),
            "{e:?}"
        );
        assert!(
            e.addresses.iter().any(|a| a.ip == IpAddr::V4(ENDPOINT_IP)),
            "{e:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Watch mode: EMF on standard output, /metrics over HTTP

/// What one real watch-mode run printed and served.
struct WatchRun {
    emf: Vec<String>,
    metrics: String,
    /// `/status`: the last report, with its `prediction`.
    status: String,
}

/// A validate report to `--expect`: the `vpc-endpoints` scenario (interface
/// endpoints for the runner's services, the S3 gateway endpoint), which the
/// world (every name answered with a private address) agrees with except
/// for S3, whose names stay public with a gateway endpoint.
fn expectation(dir: &Path) -> PathBuf {
    let scenario = root().join("tests/data/validate/vpc-endpoints");
    let mut files: Vec<String> = std::fs::read_dir(&scenario)
        .expect("scenario directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("describe-"))
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    let out = Command::new(env!("CARGO_BIN_EXE_netready"))
        .args([
            "validate",
            "--format",
            "json",
            "--subnet",
            "subnet-0ccc000000000003",
        ])
        .args(["--security-group", "sg-0bb0bb0bb0bb0bb02"])
        .args(&files)
        .output()
        .expect("netready validate");
    let path = dir.join(format!("expect-{}.json", std::process::id()));
    std::fs::write(&path, &out.stdout).expect("write the prediction");
    path
}

/// Runs `netready probe --watch --metrics-format emf --listen --expect` in
/// a world with one endpoint that does not resolve, until it has printed
/// two checks' worth of EMF lines, scrapes /metrics, then stops it with
/// SIGTERM (exit 0).
fn watch_run(test: &str) -> Option<WatchRun> {
    let w = match world("watch") {
        Ok(w) => w,
        Err(e) => {
            unavailable(test, &format!("network namespaces: {e}"));
            return None;
        }
    };
    let listen = SocketAddr::new(
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        free_port(w.ns.name(), IpAddr::V4(Ipv4Addr::LOCALHOST)),
    );
    let expect = expectation(&std::env::temp_dir());
    let mut cmd = command_with_env("ip");
    cmd.args(["netns", "exec", w.ns.name(), env!("CARGO_BIN_EXE_netready")])
        .args(["probe", "--watch", "--interval", "300ms"])
        .args(["--metrics-format", "emf", "--listen", &listen.to_string()])
        .args(probe_args(&w, true))
        .args(["--expect", &expect.to_string_lossy()])
        // Below the 5 s --interval floor (issue 13): the test's own
        // resolver, inside the namespace.
        .env("NETREADY_MIN_INTERVAL", "1ms")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn netready probe --watch");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut emf = Vec::new();
    let start = Instant::now();
    let deadline = Duration::from_secs(20);
    while emf
        .iter()
        .filter(|l: &&String| l.contains("\"Status\""))
        .count()
        < 2
    {
        let left = deadline.saturating_sub(start.elapsed());
        match rx.recv_timeout(left) {
            Ok(line) => emf.push(line),
            Err(_) => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("output");
                panic!(
                    "two checks' EMF lines within {deadline:?}; got {emf:?}\n{}",
                    text(&out)
                );
            }
        }
    }
    let metrics = ns_get(w.ns.name(), listen, "/metrics")
        .unwrap_or_else(|| panic!("/metrics answers on {listen}"));
    let status = ns_get(w.ns.name(), listen, "/status")
        .unwrap_or_else(|| panic!("/status answers on {listen}"));
    let _ = std::fs::remove_file(&expect);
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = wait_output(child, Duration::from_secs(5));
    assert_eq!(
        out.status.code(),
        Some(0),
        "exit after SIGTERM\n{}",
        text(&out)
    );
    let _ = reader.join();
    Some(WatchRun {
        emf,
        metrics,
        status,
    })
}

/// A blocking GET from inside the namespace, every step with a deadline.
fn ns_get(ns: &str, addr: SocketAddr, path: &str) -> Option<String> {
    let path = path.to_owned();
    in_ns(ns, move || {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        s.set_write_timeout(Some(Duration::from_secs(2))).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut buf = String::new();
        s.read_to_string(&mut buf).ok()?;
        let (head, body) = buf.split_once("\r\n\r\n")?;
        head.starts_with("HTTP/1.1 200").then(|| body.to_owned())
    })
}

/// One EMF document, as the specification defines it.
#[derive(Debug)]
struct EmfDoc {
    root: serde_json::Map<String, Value>,
    namespace: String,
    dimension_sets: Vec<Vec<String>>,
    metrics: Vec<(String, Option<String>)>,
}

/// CloudWatch's units (MetricDatum), which the EMF specification's schema
/// lists for `Unit`.
const UNITS: [&str; 27] = [
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

fn name_ok(s: &str) -> bool {
    (1..=255).contains(&s.chars().count())
}

/// Checks one log line against the CloudWatch Embedded Metric Format
/// specification ("Specification: Embedded metric format", AWS CloudWatch
/// User Guide): the strictest published limits are used (9 dimension keys
/// per set, 256 KB per event).
fn parse_emf(line: &str, now_ms: u64) -> Result<EmfDoc, String> {
    if line.len() > 256 * 1024 {
        return Err(format!(
            "{} bytes: above the 256 KB event limit",
            line.len()
        ));
    }
    if line.trim() != line || line.contains('\n') {
        return Err("data before or after the JSON object".into());
    }
    // "The LogEvent message MUST be a valid JSON object with no additional
    // data at the beginning or end."
    let Value::Object(root) = serde_json::from_str::<Value>(line).map_err(|e| e.to_string())?
    else {
        return Err("not a JSON object".into());
    };
    let Some(Value::Object(aws)) = root.get("_aws") else {
        return Err("no _aws object".into());
    };
    // Objects the specification defines MUST NOT have other members.
    for k in aws.keys() {
        if k != "Timestamp" && k != "CloudWatchMetrics" {
            return Err(format!("_aws has an undefined member {k:?}"));
        }
    }
    let ts = aws
        .get("Timestamp")
        .and_then(Value::as_u64)
        .ok_or("_aws.Timestamp: expected an integer (milliseconds since the epoch)")?;
    if ts.abs_diff(now_ms) > 10 * 60 * 1000 {
        return Err(format!(
            "_aws.Timestamp {ts} is not milliseconds since the epoch around {now_ms}"
        ));
    }
    let Some(Value::Array(directives)) = aws.get("CloudWatchMetrics") else {
        return Err("_aws.CloudWatchMetrics: expected an array".into());
    };
    if directives.len() != 1 {
        return Err(format!(
            "{} MetricDirectives, netready writes one",
            directives.len()
        ));
    }
    let Value::Object(d) = &directives[0] else {
        return Err("MetricDirective: expected an object".into());
    };
    for k in d.keys() {
        if !["Namespace", "Dimensions", "Metrics"].contains(&k.as_str()) {
            return Err(format!("MetricDirective has an undefined member {k:?}"));
        }
    }
    let namespace = d
        .get("Namespace")
        .and_then(Value::as_str)
        .filter(|n| name_ok(n))
        .ok_or("Namespace: expected a string of 1 to 255 characters")?
        .to_owned();
    let Some(Value::Array(sets)) = d.get("Dimensions") else {
        return Err("Dimensions: expected an array of DimensionSets".into());
    };
    if sets.is_empty() {
        return Err("Dimensions: at least one DimensionSet (it may be empty)".into());
    }
    let mut dimension_sets = Vec::new();
    for set in sets {
        let Value::Array(keys) = set else {
            return Err("DimensionSet: expected an array".into());
        };
        if keys.len() > 9 {
            return Err(format!("DimensionSet of {} keys: at most 9", keys.len()));
        }
        let mut names = Vec::new();
        for k in keys {
            let k = k
                .as_str()
                .filter(|k| name_ok(k))
                .ok_or("dimension key: expected a string of 1 to 255 characters")?;
            // "The target member MUST have a string value."
            if !root.get(k).is_some_and(Value::is_string) {
                return Err(format!("dimension {k:?}: no string member at the root"));
            }
            names.push(k.to_owned());
        }
        dimension_sets.push(names);
    }
    let Some(Value::Array(defs)) = d.get("Metrics") else {
        return Err("Metrics: expected an array".into());
    };
    if defs.len() > 100 {
        return Err(format!("{} MetricDefinitions: at most 100", defs.len()));
    }
    let mut metrics = Vec::new();
    for def in defs {
        let Value::Object(def) = def else {
            return Err("MetricDefinition: expected an object".into());
        };
        for k in def.keys() {
            if !["Name", "Unit", "StorageResolution"].contains(&k.as_str()) {
                return Err(format!("MetricDefinition has an undefined member {k:?}"));
            }
        }
        let name = def
            .get("Name")
            .and_then(Value::as_str)
            .filter(|n| name_ok(n))
            .ok_or("MetricDefinition.Name: expected a string of 1 to 255 characters")?;
        let unit = match def.get("Unit") {
            None => None,
            Some(Value::String(u)) if UNITS.contains(&u.as_str()) => Some(u.clone()),
            Some(u) => return Err(format!("{name}: Unit {u} is not a CloudWatch unit")),
        };
        // "A metric target MUST be a numeric value or an array of numeric
        // values"; arrays of at most 100.
        match root.get(name) {
            Some(Value::Number(_)) => {}
            Some(Value::Array(values))
                if values.len() <= 100 && values.iter().all(Value::is_number) => {}
            other => return Err(format!("metric {name}: target member is {other:?}")),
        }
        metrics.push((name.to_owned(), unit));
    }
    Ok(EmfDoc {
        root: root.clone(),
        namespace,
        dimension_sets,
        metrics,
    })
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[test]
fn the_emf_validator_rejects_what_the_specification_forbids() {
    let now = now_ms();
    let good = format!(
        r#"{{"_aws":{{"Timestamp":{now},"CloudWatchMetrics":[{{"Namespace":"n","Dimensions":[["D"]],"Metrics":[{{"Name":"M","Unit":"Milliseconds"}}]}}]}},"D":"x","M":[1,2]}}"#
    );
    assert!(parse_emf(&good, now).is_ok(), "{:?}", parse_emf(&good, now));
    for (bad, why) in [
        (
            good.replace(r#""D":"x""#, r#""D":1"#),
            "dimension not a string",
        ),
        (good.replace(r#","M":[1,2]"#, ""), "metric target missing"),
        (
            good.replace(r#""M":[1,2]"#, r#""M":"1""#),
            "metric not numeric",
        ),
        (good.replace("Milliseconds", "ms"), "unit not CloudWatch's"),
        (
            good.replace(&now.to_string(), &(now / 1000).to_string()),
            "seconds, not ms",
        ),
        (good.replace(r#"[["D"]]"#, "[]"), "no DimensionSet"),
        (format!("prefix {good}"), "data before the object"),
        (
            good.replace(r#""Namespace":"n""#, r#""Namespace":"""#),
            "empty namespace",
        ),
        (
            good.replace(
                r#"[["D"]]"#,
                r#"[["D","D","D","D","D","D","D","D","D","D"]]"#,
            ),
            "10 dimension keys",
        ),
    ] {
        assert!(parse_emf(&bad, now).is_err(), "{why}: accepted {bad}");
    }
}

#[test]
fn emf_lines_of_a_real_watch_run_follow_the_specification_and_the_report() {
    let test = "emf_lines_of_a_real_watch_run_follow_the_specification_and_the_report";
    let Some(run) = watch_run(test) else {
        return;
    };
    let now = now_ms();
    let docs: Vec<EmfDoc> = run
        .emf
        .iter()
        .map(|l| parse_emf(l, now).unwrap_or_else(|e| panic!("not EMF: {e}\n{l}")))
        .collect();
    // Per check: the endpoint lines, then one status line.
    let checks: Vec<&[EmfDoc]> = docs
        .split_inclusive(|d| d.root.contains_key("Status"))
        .collect();
    assert_eq!(checks.len(), 2, "{:?}", run.emf);
    for check in checks {
        let (status, endpoints) = check.split_last().expect("a status line per check");
        assert_eq!(status.namespace, "netready");
        assert_eq!(status.dimension_sets, [Vec::<String>::new()]);
        assert_eq!(status.root["Status"], "degraded");
        assert_eq!(status.root["Degraded"], 1);
        assert_eq!(status.root["Ready"], 0);
        assert_eq!(status.root["CheckFailed"], 0);
        assert_eq!(status.root["UnreachableEndpoints"], 1);
        assert_eq!(status.root["Region"], "eu-west-1");
        // The runner profile's six (ECR Docker with the account, S3 and the
        // layer bucket) and the two --endpoints.
        assert_eq!(endpoints.len(), 8, "{endpoints:?}");
        for e in endpoints {
            assert_eq!(e.namespace, "netready");
            assert_eq!(
                e.dimension_sets,
                [
                    vec!["Endpoint".to_owned(), "AccessType".into()],
                    vec!["Endpoint".into()]
                ]
            );
            let endpoint = e.root["Endpoint"].as_str().expect("dimension checked");
            if endpoint.starts_with("missing.ship.test:") {
                assert_eq!(e.root["EndpointUp"], 0);
                assert_eq!(e.root["AccessType"], "none");
                assert_eq!(e.root["Failure"], "dns_nxdomain");
                assert!(!e.root.contains_key("ConnectTime"));
            } else {
                assert_eq!(e.root["EndpointUp"], 1, "{endpoint}");
                assert_eq!(e.root["AccessType"], "vpc_endpoint");
                let connect = e.root["ConnectTime"].as_array().expect("connect times");
                assert_eq!(connect.len(), 1, "one address, one connect time");
                assert!(
                    e.metrics
                        .contains(&("ConnectTime".into(), Some("Milliseconds".into())))
                );
            }
            assert!(
                e.metrics
                    .contains(&("DnsTime".into(), Some("Milliseconds".into())))
            );
            assert!(
                e.metrics
                    .contains(&("EndpointUp".into(), Some("Count".into())))
            );
        }
        let hosts: BTreeSet<&str> = endpoints
            .iter()
            .filter_map(|e| e.root["Endpoint"].as_str())
            .filter_map(|e| e.rsplit_once(':').map(|(h, _)| h))
            .collect();
        for host in [
            "secretsmanager.eu-west-1.amazonaws.com",
            "logs.eu-west-1.amazonaws.com",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com",
            "ok.ship.test",
            "missing.ship.test",
        ] {
            assert!(hosts.contains(host), "{host} in {hosts:?}");
        }
    }

    // The alarms of the recipes name metrics and dimension sets that the
    // lines really carry.
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut sets: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for d in &docs {
        names.extend(d.metrics.iter().map(|(n, _)| n.clone()));
        sets.extend(d.dimension_sets.iter().map(|s| s.iter().cloned().collect()));
    }
    let cfn = json_file(&root().join("deploy/cloudformation/runner-task-with-netready.json"));
    let mut alarms = 0;
    for (id, r) in cfn["Resources"].as_object().expect("Resources") {
        if r["Type"] != "AWS::CloudWatch::Alarm" {
            continue;
        }
        alarms += 1;
        let p = &r["Properties"];
        assert_eq!(p["Namespace"], "netready", "{id}");
        let metric = p["MetricName"].as_str().expect("MetricName");
        assert!(names.contains(metric), "{id}: {metric} not in {names:?}");
        let dims: BTreeSet<String> = p["Dimensions"]
            .as_array()
            .map(|d| {
                d.iter()
                    .filter_map(|d| d["Name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            sets.contains(&dims),
            "{id}: dimensions {dims:?} not in {sets:?}"
        );
    }
    assert_eq!(alarms, 4);
    let tf = read(&root().join("deploy/terraform/netready/main.tf"));
    let tf_metrics: Vec<&str> = tf
        .lines()
        .filter_map(|l| l.trim().strip_prefix("metric_name"))
        .filter_map(|l| l.split('"').nth(1))
        .collect();
    assert_eq!(tf_metrics.len(), 4, "{tf_metrics:?}");
    for m in tf_metrics {
        assert!(
            names.contains(m),
            "terraform alarm on {m}, not in {names:?}"
        );
    }
    assert!(tf.contains("dimensions          = { Endpoint = local.watched_endpoint }"));
}

// ---------------------------------------------------------------------------
// Prometheus: the dashboard and the alerts against a real scrape

/// The metric names a PromQL expression selects: what is left after
/// strings, label matchers, ranges, grouping clauses, function calls,
/// keywords and numbers are taken out.
fn promql_metric_names(expr: &str) -> BTreeSet<String> {
    // Words and parentheses, outside strings, `{…}` and `[…]`.
    #[derive(PartialEq)]
    enum Token {
        Word(String),
        Open,
        Close,
    }
    let mut tokens = Vec::new();
    let (mut in_string, mut braces, mut brackets) = (false, 0, 0);
    let mut word = String::new();
    for c in expr.chars().chain([' ']) {
        let outside = !in_string && braces == 0 && brackets == 0;
        if outside && (c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            if !word.starts_with(|c: char| c.is_ascii_digit()) {
                tokens.push(Token::Word(std::mem::take(&mut word)));
            }
            word.clear();
        }
        match c {
            '"' => in_string = !in_string,
            _ if in_string => {}
            '{' => braces += 1,
            '}' => braces -= 1,
            '[' => brackets += 1,
            ']' => brackets -= 1,
            '(' if braces == 0 && brackets == 0 => tokens.push(Token::Open),
            ')' if braces == 0 && brackets == 0 => tokens.push(Token::Close),
            _ => {}
        }
    }
    const GROUPING: [&str; 6] = [
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
    ];
    const KEYWORDS: [&str; 5] = ["and", "or", "unless", "bool", "offset"];
    let mut names = BTreeSet::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Token::Word(w) = &tokens[i] {
            let next = tokens.get(i + 1);
            // `f(…)` is a function; `sum by (…) (…)` an aggregation.
            let called = next == Some(&Token::Open)
                || matches!(next, Some(Token::Word(n)) if n == "by" || n == "without");
            if GROUPING.contains(&w.as_str()) && called {
                // Label names up to the clause's closing parenthesis.
                while i < tokens.len() && tokens[i] != Token::Close {
                    i += 1;
                }
            } else if !called && !KEYWORDS.contains(&w.as_str()) {
                names.insert(w.clone());
            }
        }
        i += 1;
    }
    names
}

fn scraped_names(metrics: &str) -> BTreeSet<String> {
    let samples = watch_support::parse_exposition(metrics)
        .unwrap_or_else(|e| panic!("/metrics: {e}\n{metrics}"));
    samples.into_iter().map(|s| s.name).collect()
}

fn dashboard_exprs() -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if (k == "expr" || k == "query")
                        && let Some(s) = v.as_str()
                    {
                        out.push(s.to_owned());
                    }
                    walk(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(
        &json_file(&root().join("deploy/grafana/netready.json")),
        &mut out,
    );
    out
}

fn alert_exprs() -> Vec<String> {
    read(&root().join("deploy/prometheus/alerts.yml"))
        .lines()
        .filter_map(|l| l.trim().strip_prefix("expr:"))
        .map(|e| e.trim().to_owned())
        .collect()
}

#[test]
fn promql_metric_names_are_found() {
    let cases: [(&str, &[&str]); 5] = [
        ("netready_endpoint_up", &["netready_endpoint_up"]),
        (
            r#"max by (instance, status) (netready_status{status="x"} == 1)"#,
            &["netready_status"],
        ),
        (
            "sum by (result) (increase(netready_checks_total[1h]))",
            &["netready_checks_total"],
        ),
        (
            "process_open_fds and on (instance, job) netready_report_stale",
            &["process_open_fds", "netready_report_stale"],
        ),
        ("time() - max by (instance) (nope_total)", &["nope_total"]),
    ];
    for (expr, want) in cases {
        let got = promql_metric_names(expr);
        let want: BTreeSet<String> = want.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(got, want, "{expr}");
    }
}

#[test]
fn dashboard_and_alerts_use_only_metric_names_a_real_scrape_shows() {
    let test = "dashboard_and_alerts_use_only_metric_names_a_real_scrape_shows";
    let Some(run) = watch_run(test) else {
        return;
    };
    let scraped = scraped_names(&run.metrics);
    // --expect: the prediction is in the report /status serves, and the
    // gauge has both values (S3's names stay public with its gateway
    // endpoint; the world answers them privately).
    assert!(run.status.contains("\"prediction\""), "{}", run.status);
    for value in ["} 1", "} 0"] {
        assert!(
            run.metrics.lines().any(
                |l| l.starts_with("netready_endpoint_prediction_agrees{") && l.ends_with(value)
            ),
            "{}",
            run.metrics
        );
    }
    let dashboard = dashboard_exprs();
    let alerts = alert_exprs();
    assert!(dashboard.len() >= 10, "{dashboard:?}");
    assert_eq!(alerts.len(), 4, "{alerts:?}");
    let mut used = BTreeSet::new();
    for expr in dashboard.iter().chain(&alerts) {
        let names = promql_metric_names(expr);
        assert!(!names.is_empty(), "{expr}: no metric name found");
        for n in names {
            assert!(
                scraped.contains(&n),
                "{expr}: {n} is not in a real scrape: {scraped:?}"
            );
            used.insert(n);
        }
    }
    // The dashboard shows every netready family the scrape has.
    for n in scraped.iter().filter(|n| n.starts_with("netready_")) {
        assert!(
            used.contains(n) || n == "netready_last_report_timestamp_seconds",
            "{n} is exported but neither graphed nor alerted on"
        );
    }
}

/// promtool: unpacked from Debian's prometheus package by
/// `scripts/setup.sh`, else on PATH.
fn promtool(test: &str) -> Option<PathBuf> {
    let unpacked = root().join("target/tools/prometheus/usr/bin/promtool");
    let found = if unpacked.is_file() {
        Some(unpacked)
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("promtool"))
                .find(|p| p.is_file())
        })
    };
    if found.is_none() {
        unavailable(test, "promtool is not installed (bash scripts/setup.sh)");
    }
    found
}

#[test]
fn promtool_checks_and_tests_the_alerting_rules() {
    let test = "promtool_checks_and_tests_the_alerting_rules";
    let Some(promtool) = promtool(test) else {
        return;
    };
    let dir = root().join("deploy/prometheus");
    for args in [
        ["check", "rules", "alerts.yml"],
        ["test", "rules", "alerts.test.yml"],
    ] {
        let mut cmd = Command::new(&promtool);
        cmd.args(args).current_dir(&dir);
        let out = run_with_input(cmd, b"", Duration::from_secs(60));
        assert!(out.status.success(), "promtool {args:?}\n{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("SUCCESS"),
            "{}",
            text(&out)
        );
    }
}

// ---------------------------------------------------------------------------
// The runner-stack recipe

/// The pinned cfn-lint of `deploy/cloudformation/requirements.txt`, in the
/// virtual environment `scripts/setup.sh` makes.
fn cfn_lint(test: &str) -> Option<PathBuf> {
    let bin = std::env::var_os("NETREADY_CFN_LINT").map_or_else(
        || root().join("target/tools/cfn-lint/bin/cfn-lint"),
        PathBuf::from,
    );
    if !bin.is_file() {
        unavailable(
            test,
            &format!("{} is not installed (bash scripts/setup.sh)", bin.display()),
        );
        return None;
    }
    Some(bin)
}

fn cfn_container<'a>(cfn: &'a Value, name: &str) -> &'a Value {
    cfn["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
        .as_array()
        .expect("ContainerDefinitions")
        .iter()
        .find(|c| c["Name"] == name)
        .unwrap_or_else(|| panic!("no container {name}"))
}

#[test]
fn cfn_lint_passes_and_the_task_definition_wires_netready_as_a_health_gate() {
    let test = "cfn_lint_passes_and_the_task_definition_wires_netready_as_a_health_gate";
    let path = root().join("deploy/cloudformation/runner-task-with-netready.json");
    let cfn = json_file(&path);
    let netready = cfn_container(&cfn, "netready");
    assert_eq!(netready["Essential"], false);
    let health: Vec<&str> = netready["HealthCheck"]["Command"]
        .as_array()
        .expect("health check command")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(health, ["CMD", "/netready", "probe", "--timeout", "5s"]);
    assert_eq!(netready["LogConfiguration"]["LogDriver"], "awslogs");
    assert_eq!(
        netready["LogConfiguration"]["Options"]["awslogs-group"]["Ref"],
        "NetreadyLogGroup"
    );
    let runner = cfn_container(&cfn, "runner");
    assert_eq!(
        runner["DependsOn"],
        serde_json::json!([{ "ContainerName": "netready", "Condition": "HEALTHY" }])
    );
    let task = &cfn["Resources"]["TaskDefinition"]["Properties"];
    assert!(
        task.get("TaskRoleArn").is_none(),
        "netready needs no task role"
    );
    let policies = &cfn["Resources"]["TaskExecutionRole"]["Properties"]["Policies"];
    assert_eq!(
        policies[0]["PolicyDocument"]["Statement"][0]["Action"],
        serde_json::json!(["logs:CreateLogStream", "logs:PutLogEvents"])
    );

    // The commands parse with this binary's own definitions.
    let command: Vec<String> = netready["Command"]
        .as_array()
        .expect("command")
        .iter()
        .map(|v| v.as_str().map_or_else(|| "5m".to_owned(), str::to_owned))
        .collect();
    for argv in [
        command,
        health[2..].iter().map(|s| (*s).to_owned()).collect(),
    ] {
        let full: Vec<String> = std::iter::once("netready".to_owned()).chain(argv).collect();
        if let Err(e) = netready::cli::command().try_get_matches_from(&full) {
            panic!("{full:?} does not parse: {e}");
        }
    }

    let Some(lint) = cfn_lint(test) else {
        return;
    };
    let out = run_with_input(
        {
            let mut c = Command::new(lint);
            c.arg("--").arg(&path);
            c
        },
        b"",
        Duration::from_secs(120),
    );
    assert!(
        out.status.success(),
        "cfn-lint {}\n{}",
        path.display(),
        text(&out)
    );
}

/// Turns `FirstLetter` keys into `firstLetter` (CloudFormation's spelling
/// into the ECS API's), leaving `awslogs-*` options alone.
fn camel(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let mut c = k.chars();
                    let key = match c.next() {
                        Some(f) => f.to_lowercase().chain(c).collect(),
                        None => String::new(),
                    };
                    (key, camel(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(camel).collect()),
        other => other.clone(),
    }
}

#[test]
fn terraform_and_readme_agree_with_cloudformation() {
    let cfn = json_file(&root().join("deploy/cloudformation/runner-task-with-netready.json"));
    let mut from_cfn = camel(cfn_container(&cfn, "netready"));
    // Parameters and references become the template's placeholders.
    from_cfn["image"] = "IMAGE".into();
    from_cfn["command"][3] = "INTERVAL".into();
    from_cfn["logConfiguration"]["options"]["awslogs-group"] = "LOG_GROUP".into();
    from_cfn["logConfiguration"]["options"]["awslogs-region"] = "REGION".into();

    let template = read(&root().join("deploy/terraform/netready/container-definition.json.tftpl"))
        .replace("${jsonencode(image)}", "\"IMAGE\"")
        .replace("${jsonencode(interval)}", "\"INTERVAL\"")
        .replace("${jsonencode(log_group)}", "\"LOG_GROUP\"")
        .replace("${jsonencode(region)}", "\"REGION\"");
    assert!(
        !template.contains("${"),
        "every placeholder replaced:\n{template}"
    );
    let from_tf: Value = serde_json::from_str(&template).expect("the template is JSON");
    assert_eq!(from_tf, from_cfn);

    // README's snippet: the same health check and dependsOn.
    let readme = read(&root().join("README.md"));
    let section = readme
        .split("## Run it on ECS")
        .nth(1)
        .expect("README has a \"Run it on ECS\" section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let snippet = section
        .split("```json\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("a JSON task-definition snippet");
    let snippet: Value =
        serde_json::from_str(snippet).unwrap_or_else(|e| panic!("README snippet: {e}\n{snippet}"));
    let containers = snippet["containerDefinitions"]
        .as_array()
        .expect("containerDefinitions");
    let nr = containers
        .iter()
        .find(|c| c["name"] == "netready")
        .expect("netready container");
    assert_eq!(nr["healthCheck"], from_tf["healthCheck"]);
    assert_eq!(nr["essential"], false);
    let runner = containers
        .iter()
        .find(|c| c["name"] != "netready")
        .expect("the runner");
    assert_eq!(
        runner["dependsOn"],
        serde_json::json!([{ "containerName": "netready", "condition": "HEALTHY" }])
    );
    let order: Vec<usize> = ["podman", "containerDefinitions", "Alarm"]
        .iter()
        .map(|w| {
            section
                .find(w)
                .unwrap_or_else(|| panic!("{w} in the section"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "image, task definition, alarms: {order:?}"
    );
}

#[test]
fn terraform_is_formatted() {
    let test = "terraform_is_formatted";
    // Terraform is not in Debian's archive, so CI cannot install it: this
    // runs where it is present and is never required.
    let Some(tf) = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("terraform"))
            .find(|p| p.is_file())
    }) else {
        eprintln!("SKIPPED {test}: terraform is not installed");
        return;
    };
    let mut cmd = Command::new(tf);
    cmd.args(["fmt", "-check", "-recursive", "-diff"])
        .current_dir(root().join("deploy/terraform"))
        .env("TF_CLI_CONFIG_FILE", "/dev/null");
    let out = run_with_input(cmd, b"", Duration::from_secs(60));
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn version_names_this_commit() {
    let out = Command::new(env!("CARGO_BIN_EXE_netready"))
        .arg("--version")
        .output()
        .expect("run netready --version");
    let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let Ok(git) = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(root())
        .output()
    else {
        eprintln!("SKIPPED version_names_this_commit: no git");
        return;
    };
    if !git.status.success() || std::env::var_os("NETREADY_BUILD_COMMIT").is_some() {
        eprintln!("SKIPPED version_names_this_commit: not a git checkout, or the commit is given");
        return;
    }
    let commit = String::from_utf8_lossy(&git.stdout).trim().to_owned();
    assert!(
        version.starts_with(&format!(
            "netready {} (commit {commit}, ",
            env!("CARGO_PKG_VERSION")
        )),
        "{version}"
    );
}
