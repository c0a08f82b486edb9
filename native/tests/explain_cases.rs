//! The explain cases under `tests/data/explain/<case>/`: pairs of real
//! reports, one case per cause of core's catalogue (named after it) plus
//! cases that agree. `tests/data/explain/gen.py` writes each case's
//! describe-* documents, `args` (the validate flags) and `world.json` (the
//! namespace network the probe runs in).
//!
//! * `validate.json` must be what `netready validate --format json` prints
//!   for the documents today (so the validator half never goes stale);
//! * `probe.json` is what the real `netready probe --format json` printed
//!   inside that network: rewritten with `NETREADY_EXPLAIN_PROBE=1` (needs
//!   root and network namespaces), else read as checked in;
//! * `expected.json` is what `netready explain --format json` prints for
//!   the pair; the case's cause must be ranked first for some endpoint that
//!   differs, the verdict and exit code must be the case's.
//!
//! `NETREADY_BLESS=1` rewrites validate.json and expected.json instead of
//! comparing (review the diff: they are the contract).
//!
//! Network rule: the DNS server, the listeners, the TLS servers and the
//! fake metadata services live inside two namespaces this test makes
//! (client and server, one veth between them, no default route); the
//! probe runs in the client namespace with `--dns-server` set and instance
//! metadata disabled or pointed at the fake on the namespace's loopback.

#![allow(clippy::panic)] // helpers fail the test by panicking

use netready::explain_cmd::{ExplainArgs, ExplainFormat, execute, exit_code};
use netready_core::explain::{CauseCode, Explanation, Verdict};
use netready_test_support::dns_server::{Answer, DnsServer};
use netready_test_support::http::{HttpServer, Route};
use netready_test_support::listeners::Listeners;
use netready_test_support::netns::{NetNs, veth};
use netready_test_support::tls::{TestCert, TlsServer};
use serde_json::Value;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_netready");

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("tests")
        .join("data")
        .join("explain")
}

fn bless() -> bool {
    std::env::var_os("NETREADY_BLESS").is_some_and(|v| v == "1")
}

fn regenerate_probes() -> bool {
    std::env::var_os("NETREADY_EXPLAIN_PROBE").is_some_and(|v| v == "1")
}

struct Case {
    name: String,
    dir: PathBuf,
    world: Value,
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/data/explain exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.join("world.json").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let world: Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join("world.json")).expect("world.json readable"),
            )
            .expect("world.json is JSON");
            Case {
                name: dir
                    .file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned(),
                dir,
                world,
            }
        })
        .collect()
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares `actual` with the file (as JSON values), or writes it when
/// blessing.
fn check_json(path: &Path, actual: &str, what: &str) {
    if bless() || !path.exists() {
        std::fs::write(path, actual).expect("write the blessed file");
        return;
    }
    let want: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("readable"))
        .expect("checked-in JSON");
    let got: Value = serde_json::from_str(actual).expect("printed JSON");
    assert!(
        want == got,
        "{what}: {} differs from what netready prints now (NETREADY_BLESS=1 rewrites it; review the diff)\n--- now:\n{actual}",
        path.display()
    );
}

/// `netready validate --format json` of the case's documents.
fn validate_json(c: &Case) -> String {
    let args_text = std::fs::read_to_string(c.dir.join("args")).expect("args readable");
    let mut argv: Vec<String> = args_text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split_whitespace().map(str::to_owned))
        .collect();
    argv.extend(["--format".to_owned(), "json".to_owned()]);
    let mut files: Vec<String> = std::fs::read_dir(&c.dir)
        .expect("case dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("describe-"))
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    argv.extend(files);
    let args = netready::validate_cmd::parse_args(argv).expect("case args parse");
    netready::validate_cmd::execute(&args)
        .unwrap_or_else(|e| panic!("{}: validate: {e}", c.name))
        .1
}

fn explain_args(c: &Case, format: ExplainFormat) -> ExplainArgs {
    let extra = strings(&c.world, "explain_args");
    ExplainArgs {
        validate: c.dir.join("validate.json").to_string_lossy().into_owned(),
        probe: c.dir.join("probe.json").to_string_lossy().into_owned(),
        subnet: extra
            .iter()
            .position(|a| a == "--subnet")
            .and_then(|i| extra.get(i + 1).cloned()),
        format,
    }
}

#[test]
fn every_case_explains_as_expected() {
    let cases = cases();
    assert!(cases.len() >= CauseCode::ALL.len(), "{} cases", cases.len());
    for c in &cases {
        check_json(&c.dir.join("validate.json"), &validate_json(c), &c.name);
        if regenerate_probes() {
            let probe = run_probe(c);
            std::fs::write(c.dir.join("probe.json"), probe).expect("write probe.json");
        }
        assert!(
            c.dir.join("probe.json").is_file(),
            "{}: no probe.json: NETREADY_EXPLAIN_PROBE=1 makes it (root, namespaces)",
            c.name
        );
        let (explanation, json) = execute(&explain_args(c, ExplainFormat::Json))
            .unwrap_or_else(|e| panic!("{}: explain: {e}", c.name));
        check_json(&c.dir.join("expected.json"), &json, &c.name);

        let verdict = c.world["verdict"].as_str().expect("a verdict");
        assert_eq!(explanation.verdict.as_str(), verdict, "{}", c.name);
        assert_eq!(
            exit_code(&explanation),
            u8::from(verdict == "differs"),
            "{}",
            c.name
        );
        if let Some(cause) = c.world["cause"].as_str() {
            let first: Vec<&str> = explanation
                .endpoints
                .iter()
                .filter(|e| e.verdict == Verdict::Differs)
                .filter_map(|e| e.causes.first())
                .map(|x| x.code.as_str())
                .collect();
            assert!(
                first.contains(&cause),
                "{}: {cause} is not ranked first for any endpoint that differs: {first:?}",
                c.name
            );
            assert_eq!(c.name, cause, "a cause's case is named after it");
        }
        for e in &explanation.endpoints {
            if e.verdict == Verdict::Differs {
                assert!(
                    !e.causes.is_empty(),
                    "{}: {} differs without a cause",
                    c.name,
                    e.host
                );
                for cause in &e.causes {
                    assert!(
                        !cause.confirm.is_empty(),
                        "{}: {:?} has no command",
                        c.name,
                        cause.code
                    );
                    assert!(
                        cause
                            .evidence
                            .iter()
                            .any(|x| x.side == netready_core::explain::Side::Validate)
                            && cause
                                .evidence
                                .iter()
                                .any(|x| x.side == netready_core::explain::Side::Probe),
                        "{}: {:?} lacks evidence from both reports",
                        c.name,
                        cause.code
                    );
                }
            }
        }
        // The table says the same.
        let (_, table) = execute(&explain_args(c, ExplainFormat::Table)).expect("table");
        assert!(
            table.starts_with(&verdict.to_uppercase()),
            "{}: {table}",
            c.name
        );
    }
}

#[test]
fn every_cause_of_the_catalogue_has_a_case() {
    let names: Vec<String> = cases().into_iter().map(|c| c.name).collect();
    for code in CauseCode::ALL {
        assert!(
            names.iter().any(|n| n == code.as_str()),
            "no case tests/data/explain/{}",
            code.as_str()
        );
    }
}

#[test]
fn bad_input_is_refused_naming_the_file() {
    let dir = data_dir().join("agree-nat-gateway");
    let tmp = std::env::temp_dir().join(format!("netready-explain-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temporary directory");
    let mut other_region: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("validate.json")).expect("readable"),
    )
    .expect("JSON");
    other_region["region"] = "us-east-1".into();
    let other = tmp.join("us-east-1.json");
    std::fs::write(&other, other_region.to_string()).expect("write");
    let not_json = tmp.join("not.json");
    std::fs::write(&not_json, "{\"schema\": ").expect("write");
    let p = |f: &str| dir.join(f).to_string_lossy().into_owned();
    let o = |f: &Path| f.to_string_lossy().into_owned();
    let cases: Vec<(ExplainArgs, &str)> = vec![
        (
            ExplainArgs {
                validate: p("probe.json"),
                probe: p("probe.json"),
                subnet: None,
                format: ExplainFormat::Json,
            },
            "probe.json: kind is \"probe\", expected \"validate\"",
        ),
        (
            ExplainArgs {
                validate: p("validate.json"),
                probe: p("validate.json"),
                subnet: None,
                format: ExplainFormat::Json,
            },
            "validate.json: kind is \"validate\", expected \"probe\"",
        ),
        (
            ExplainArgs {
                validate: o(&other),
                probe: p("probe.json"),
                subnet: None,
                format: ExplainFormat::Json,
            },
            "different regions: the validate report is of us-east-1, the probe report of eu-west-1",
        ),
        (
            ExplainArgs {
                validate: p("validate.json"),
                probe: p("probe.json"),
                subnet: Some("subnet-0ddd000000000004".into()),
                format: ExplainFormat::Json,
            },
            "subnet subnet-0ddd000000000004 is not in the validate report",
        ),
        (
            ExplainArgs {
                validate: o(&not_json),
                probe: p("probe.json"),
                subnet: None,
                format: ExplainFormat::Json,
            },
            "not.json: not JSON",
        ),
        (
            ExplainArgs {
                validate: p("describe-vpcs.json"),
                probe: p("probe.json"),
                subnet: None,
                format: ExplainFormat::Json,
            },
            "describe-vpcs.json: not a netready.report/v1 report",
        ),
    ];
    for (args, want) in cases {
        let e = execute(&args).map(|_| ()).expect_err(want);
        assert!(e.0.contains(want), "{want}: {}", e.0);
    }
    // A probe report whose instance metadata names another subnet than
    // --subnet: the public-ip-mismatch case ran in public-a.
    let dir = data_dir().join("public-ip-mismatch");
    let mut two: Value = serde_json::from_str(
        &std::fs::read_to_string(data_dir().join("endpoint-changed").join("validate.json"))
            .expect("readable"),
    )
    .expect("JSON");
    let public = serde_json::from_str::<Value>(
        &std::fs::read_to_string(dir.join("validate.json")).expect("readable"),
    )
    .expect("JSON");
    two["subnets"]
        .as_array_mut()
        .expect("subnets")
        .push(public["subnets"][0].clone());
    let both = tmp.join("both.json");
    std::fs::write(&both, two.to_string()).expect("write");
    let e = execute(&ExplainArgs {
        validate: o(&both),
        probe: dir.join("probe.json").to_string_lossy().into_owned(),
        subnet: Some("subnet-0ccc000000000003".into()),
        format: ExplainFormat::Json,
    })
    .map(|_| ())
    .expect_err("another subnet");
    assert!(
        e.0.contains("the probe report is from subnet subnet-0aaa000000000001 (instance metadata), not from subnet-0ccc000000000003"),
        "{}",
        e.0
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn the_explanation_reads_back() {
    for c in cases() {
        let text = std::fs::read_to_string(c.dir.join("expected.json")).expect("expected.json");
        let e: Explanation = serde_json::from_str(&text).expect("an explanation");
        assert_eq!(
            serde_json::to_value(&e).expect("serialises"),
            serde_json::from_str::<Value>(&text).expect("JSON"),
            "{}",
            c.name
        );
    }
}

// ---------------------------------------------------------------------------
// The probe half: the namespace network of world.json

/// Installs DROP rules for TCP 443 to `addrs` in `ns`, with nft, else
/// iptables.
fn drop_443(ns: &NetNs, addrs: &[String]) -> Result<(), String> {
    if addrs.is_empty() {
        return Ok(());
    }
    let nft = (|| {
        ns.exec("nft", &["add", "table", "inet", "nr"])?;
        ns.exec(
            "nft",
            &["add chain inet nr input { type filter hook input priority 0 ; policy accept ; }"],
        )?;
        for a in addrs {
            ns.exec(
                "nft",
                &[&format!(
                    "add rule inet nr input ip daddr {a} tcp dport 443 drop"
                )],
            )?;
        }
        Ok::<(), String>(())
    })();
    if nft.is_ok() {
        return Ok(());
    }
    for a in addrs {
        ns.exec(
            "iptables",
            &[
                "-A", "INPUT", "-d", a, "-p", "tcp", "--dport", "443", "-j", "DROP",
            ],
        )
        .map_err(|e| format!("neither nft ({nft:?}) nor iptables ({e}) worked"))?;
    }
    Ok(())
}

fn answer(v: &Value) -> Answer {
    match v {
        Value::Array(a) => Answer::Addresses(
            a.iter()
                .map(|x| {
                    x.as_str()
                        .and_then(|s| s.parse::<IpAddr>().ok())
                        .expect("an address")
                })
                .collect(),
        ),
        Value::String(s) => match s.as_str() {
            "nxdomain" => Answer::NxDomain,
            "nodata" => Answer::NoData,
            "servfail" => Answer::ServFail,
            "refused" => Answer::Refused,
            "silence" => Answer::Silence,
            other => panic!("unknown DNS answer {other}"),
        },
        other => panic!("unknown DNS answer {other}"),
    }
}

/// Builds the case's network, runs `netready probe --format json` in it and
/// returns what it printed.
fn run_probe(c: &Case) -> String {
    let w = &c.world;
    let client = NetNs::new("xc").unwrap_or_else(|e| panic!("{}: namespace: {e}", c.name));
    let server = NetNs::new("xs").unwrap_or_else(|e| panic!("{}: namespace: {e}", c.name));
    veth(&client, "10.255.0.1/30", &server, "10.255.0.2/30").expect("veth");
    let resolver: IpAddr = w["resolver"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("resolver address");
    client
        .ip(&["addr", "add", &format!("{resolver}/32"), "dev", "lo"])
        .expect("resolver address");
    let dns = DnsServer::start_in(Some(client.name()), SocketAddr::new(resolver, 53))
        .expect("DNS server");
    dns.set_default(Answer::NxDomain, Duration::ZERO);
    if let Some(map) = w["dns"].as_object() {
        for (host, a) in map {
            dns.set(host, answer(a));
        }
    }
    let (serve, drop, refuse) = (
        strings(w, "serve"),
        strings(w, "drop"),
        strings(w, "refuse"),
    );
    for a in serve.iter().chain(&drop).chain(&refuse) {
        server
            .ip(&["addr", "add", &format!("{a}/32"), "dev", "lo"])
            .expect("server address");
        client
            .ip(&["route", "add", &format!("{a}/32"), "via", "10.255.0.2"])
            .expect("route");
    }
    drop_443(&server, &drop).expect("DROP rules");
    let binds: Vec<SocketAddr> = serve
        .iter()
        .map(|a| SocketAddr::new(a.parse().expect("address"), 443))
        .collect();
    let mut _listeners = None;
    let mut _tls = Vec::new();
    if w["tls"].as_str() == Some("interception") {
        let hosts: Vec<String> = w["dns"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let names: Vec<&str> = hosts.iter().map(String::as_str).collect();
        let cert = TestCert::from_interception_ca(&names).expect("certificate");
        for b in &binds {
            _tls.push(TlsServer::start_in(Some(server.name()), *b, &cert).expect("TLS server"));
        }
    } else if !binds.is_empty() {
        _listeners = Some(Listeners::start_in(Some(server.name()), &binds).expect("listeners"));
    }

    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", client.name(), BIN, "probe"])
        .args(["--region", "eu-west-1", "--ecr-account", "123456789012"])
        .args(["--dns-server", &resolver.to_string(), "--timeout", "3s"])
        .args(["--format", "json"])
        .args(strings(w, "probe_args"))
        .env_remove("ECS_CONTAINER_METADATA_URI_V4")
        .env_remove("ECS_CONTAINER_METADATA_URI")
        .env_remove("AWS_EC2_METADATA_SERVICE_ENDPOINT")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("NO_COLOR", "1");
    let mut _imds = None;
    match w["imds"].as_object() {
        Some(paths) => {
            let imds =
                HttpServer::start_in(Some(client.name()), "127.0.0.1:0".parse().expect("literal"))
                    .expect("fake instance metadata");
            imds.route("PUT", "/latest/api/token", Route::ok("T"));
            for (path, value) in paths {
                imds.route("GET", path, Route::ok(value.as_str().expect("text")));
            }
            cmd.env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url());
            _imds = Some(imds);
        }
        None => {
            cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        }
    }
    let mut _ecs = None;
    if w["ecs_task"].is_object() {
        let ecs =
            HttpServer::start_in(Some(client.name()), "127.0.0.1:0".parse().expect("literal"))
                .expect("fake ECS task metadata");
        ecs.route(
            "GET",
            "/v4/runner/task",
            Route::ok(&w["ecs_task"].to_string()),
        );
        cmd.env(
            "ECS_CONTAINER_METADATA_URI_V4",
            format!("{}/v4/runner", ecs.url()),
        );
        _ecs = Some(ecs);
    }
    let out = cmd.output().expect("run netready probe");
    assert!(
        matches!(out.status.code(), Some(0 | 1 | 3)),
        "{}: probe exit {:?}: {}",
        c.name,
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    serde_json::from_str::<Value>(&text)
        .unwrap_or_else(|e| panic!("{}: probe printed no JSON ({e}): {text}", c.name));
    text
}
