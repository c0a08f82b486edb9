//! The `netready probe` command-line contract, on loopback: exit codes, the
//! JSON schema, the table, error messages for bad flags, and the overall
//! deadline.
//!
//! Every run disables instance metadata, clears ECS metadata and points
//! `--dns-server` at the test's own DNS server on 127.0.0.1. Its answers are
//! DNS failures or sinkholes, so nothing but loopback is ever dialled (the
//! namespace tests in `probe_netns.rs` cover reachable endpoints).
//!
//! Time bounds assert only that things end by their deadline (plus a wide
//! margin, since a loaded machine delays scheduling); speed is measured by
//! `bench/probe.sh`, never here.

use netready_core::report::{Report, Source, Status};
use netready_test_support::dns_server::{Answer, DnsServer};
use netready_test_support::http::HttpServer;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_netready");

fn netready(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("ECS_CONTAINER_METADATA_URI_V4")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("NETREADY_MIN_INTERVAL")
        .output()
        .expect("run netready")
}

fn dns() -> DnsServer {
    DnsServer::start("127.0.0.1:0".parse().expect("literal")).expect("start the DNS server")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `netready probe ARGS` and checks it is a usage error whose message
/// contains every `needle`.
fn bad(args: &[&str], needles: &[&str]) {
    let mut all = vec!["probe", "--dns-server", "127.0.0.1:9"];
    all.extend_from_slice(args);
    let out = netready(&all);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "{args:?} printed a report");
    let err = stderr(&out);
    for n in needles {
        assert!(err.contains(n), "{args:?}: {err:?} lacks {n:?}");
    }
}

/// Runs the runner profile in eu-west-1 against the DNS server at `addr`
/// (whose NXDOMAIN answers make it degraded) and returns its JSON report.
fn degraded_runner_probe(addr: &str, timeout: &str) -> serde_json::Value {
    let out = netready(&[
        "probe",
        "--region",
        "eu-west-1",
        "--dns-server",
        addr,
        "--format",
        "json",
        "--timeout",
        timeout,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    bad(
        &["--region", "eu-west-1", "--timeout", "5x"],
        &["--timeout", "5x", "500ms"],
    );
    bad(
        &["--region", "eu-west-1", "--timeout", "0s"],
        &["--timeout", "at least 1ms"],
    );
    // Issue 13, case 12: a timeout that rounds to nothing, and a negative
    // one, are usage errors naming the flag.
    bad(
        &["--region", "eu-west-1", "--timeout", "0.0000000001s"],
        &["--timeout", "0.0000000001s", "at least 1ms"],
    );
    bad(
        &["--region", "eu-west-1", "--timeout", "-1"],
        &["--timeout", "\"-1\"", "a number with a unit"],
    );
    // Issue 13, case 11: no interval below 5 s or below --timeout (each
    // check costs two DNS queries per endpoint).
    for (interval, timeout) in [
        ("0.000000001s", "5s"),
        ("1ms", "5s"),
        ("4s", "1s"),
        ("10s", "30s"),
    ] {
        bad(
            &[
                "--region",
                "eu-west-1",
                "--watch",
                "--timeout",
                timeout,
                "--interval",
                interval,
            ],
            &["--interval", interval],
        );
    }
    bad(
        &["--region", "eu-west-1", "--watch", "--interval", "-5s"],
        &["--interval", "\"-5s\""],
    );
    bad(&["--region", "moon-1"], &["--region", "moon-1"]);
    bad(
        &["--region", "eu-west-1", "--profile", "everything"],
        &["--profile", "runner or private"],
    );
    bad(
        &["--region", "eu-west-1", "--ecr-account", "12345"],
        &["--ecr-account", "12 digits"],
    );
    bad(
        &["--region", "eu-west-1", "--endpoint", "a..b"],
        &["--endpoint", "a..b"],
    );
    bad(
        &["--region", "eu-west-1", "--endpoint", "host:99999"],
        &["--endpoint", "port"],
    );
    bad(
        &["--region", "eu-west-1", "--vpc-cidr", "10.0.0.1/8"],
        &["--vpc-cidr", "did you mean 10.0.0.0/8"],
    );
    bad(
        &["--region", "eu-west-1", "--dns-server", "dns.example"],
        &["--dns-server", "IP[:PORT]"],
    );
    bad(&["--region", "eu-west-1", "--port", "0"], &["--port"]);
    bad(
        &["--region", "eu-west-1", "--public-ip", "maybe"],
        &["--public-ip"],
    );
    bad(&["--region", "eu-west-1", "--format", "xml"], &["--format"]);
    bad(&["--region", "eu-west-1", "--interval", "1m"], &["--watch"]);
    bad(
        &["--region", "eu-west-1", "--watch", "--listen", "localhost"],
        &["--listen", "IP:PORT"],
    );
    bad(
        &["--region", "eu-west-1", "--watch", "--interval", "soon"],
        &["--interval"],
    );
    bad(
        &["--region", "eu-west-1", "--no-such-flag"],
        &["--no-such-flag"],
    );
}

#[test]
fn no_region_anywhere_is_a_usage_error() {
    let out = netready(&["probe", "--dns-server", "127.0.0.1:9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no region"), "{}", stderr(&out));
}

#[test]
fn json_report_schema_and_exit_1() {
    let d = dns();
    let addr = d.addr().to_string();
    let raw = degraded_runner_probe(&addr, "1s");
    assert_eq!(raw["schema"], "netready.report/v1");
    assert_eq!(raw["kind"], "probe");
    assert_eq!(raw["status"], "degraded");
    assert_eq!(raw["region"], "eu-west-1");
    assert_eq!(raw["profile"], "runner");
    assert_eq!(raw["context"]["resolvers"]["source"], "flag");
    assert_eq!(raw["context"]["region"]["source"], "flag");
    assert!(raw["subnets"].as_array().is_some_and(Vec::is_empty));
    let endpoints = raw["endpoints"].as_array().expect("endpoints array");
    assert!(endpoints.len() >= 5);
    for e in endpoints {
        for key in [
            "service",
            "host",
            "port",
            "access_type",
            "reachable",
            "failure",
            "addresses",
            "hints",
        ] {
            assert!(e.get(key).is_some(), "endpoint lacks {key}: {e}");
        }
        if e["service"] == "ecr.dkr" {
            assert!(e["reachable"].is_null());
            assert!(e["failure"].is_null());
        } else {
            assert_eq!(e["reachable"], false);
            assert_eq!(e["failure"], "dns_nxdomain");
            assert!(e["access_type"].is_null());
            assert_eq!(e["dns"]["resolver"], addr.as_str());
            // A and AAAA, each answered the first time.
            assert_eq!(e["dns"]["queries"], 2, "{e}");
            assert_eq!(e["dns"]["resent"], 0, "{e}");
            assert!(!e["hints"].as_array().expect("hints array").is_empty());
        }
    }
    // It deserialises into core's report type.
    let report: Report = serde_json::from_value(raw).expect("a netready.report/v1 report");
    assert_eq!(report.status, Status::Degraded);
}

/// A resolver path that loses every first query: the probe sends each
/// again, gets its answers, and says in the report what it took.
#[test]
fn lost_dns_queries_are_resent_and_reported() {
    let d = dns();
    let addr = d.addr().to_string();
    // The runner profile without an ECR account asks 5 names: 10 queries.
    d.drop_next_udp(10);
    let raw = degraded_runner_probe(&addr, "4s");
    let asked: Vec<&serde_json::Value> = raw["endpoints"]
        .as_array()
        .expect("endpoints array")
        .iter()
        .filter(|e| !e["dns"].is_null())
        .collect();
    assert_eq!(asked.len(), 5, "{raw}");
    for e in asked {
        // The retransmissions were answered: NXDOMAIN, not a timeout.
        assert_eq!(e["failure"], "dns_nxdomain", "{e}");
        assert_eq!(e["dns"]["queries"], 4, "{e}");
        assert_eq!(e["dns"]["resent"], 2, "{e}");
        let hints = e["hints"].as_array().expect("hints array");
        assert!(
            hints.iter().any(|h| h
                .as_str()
                .is_some_and(|h| h.contains("2 retransmitted queries"))),
            "{e}"
        );
    }
    assert_eq!(d.queries(), 20);
}

#[test]
fn private_profile_and_custom_endpoints() {
    let d = dns();
    d.set(
        "extra.example",
        Answer::Addresses(vec!["0.0.0.0".parse().expect("literal")]),
    );
    let addr = d.addr().to_string();
    let out = netready(&[
        "probe",
        "--region",
        "us-east-1",
        "--profile",
        "private",
        "--ecr-account",
        "123456789012",
        "--dns-server",
        &addr,
        "--format",
        "json",
        "--endpoint",
        "extra.example:8443",
        "--timeout",
        "1s",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: Report = serde_json::from_slice(&out.stdout).expect("report");
    assert!(
        report.endpoints.len() > 15,
        "the private profile has all interface and gateway endpoints"
    );
    let extra = report.endpoints.last().expect("endpoints");
    assert_eq!((extra.service.as_str(), extra.port), ("custom", 8443));
    assert_eq!(
        extra.failure.map(|f| f.to_string()).as_deref(),
        Some("dns_sinkhole")
    );
    assert!(
        report
            .endpoints
            .iter()
            .any(|e| e.host == "123456789012.dkr.ecr.us-east-1.amazonaws.com")
    );
}

#[test]
fn table_for_people() {
    let d = dns();
    d.set("secretsmanager.eu-west-1.amazonaws.com", Answer::ServFail);
    let addr = d.addr().to_string();
    let out = netready(&[
        "probe",
        "--region",
        "eu-west-1",
        "--dns-server",
        &addr,
        "--timeout",
        "1s",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("SERVICE") && table.contains("ACCESS") && table.contains("REACHABLE"),
        "{table}"
    );
    assert!(
        table.contains("secretsmanager.eu-west-1.amazonaws.com:443"),
        "{table}"
    );
    assert!(
        table.contains("dns_servfail:"),
        "the hint under the failure: {table}"
    );
    assert!(table.contains("dns_nxdomain:"), "{table}");
    assert!(table.contains("status: degraded"), "{table}");
    // Standard output is a pipe here: no colour, with or without NO_COLOR.
    assert!(!table.contains('\x1b'), "{table}");
}

#[test]
fn silent_dns_ends_within_the_timeout() {
    let d = dns();
    d.set_default(Answer::Silence, Duration::ZERO);
    let addr = d.addr().to_string();
    let began = Instant::now();
    let out = netready(&[
        "probe",
        "--region",
        "eu-west-1",
        "--dns-server",
        &addr,
        "--dns-server",
        &addr,
        "--format",
        "json",
        "--timeout",
        "800ms",
    ]);
    let took = began.elapsed();
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_millis(2500), "{took:?}");
    let report: Report = serde_json::from_slice(&out.stdout).expect("report");
    assert!(
        report
            .endpoints
            .iter()
            .filter(|e| e.service != "ecr.dkr")
            .all(|e| e.failure.map(|f| f.to_string()).as_deref() == Some("dns_timeout"))
    );
}

#[test]
fn hanging_instance_metadata_stays_inside_the_timeout() {
    // A fake IMDS on loopback hands out a token and then never answers a
    // GET; the DNS server never answers either. The whole run must still
    // end by --timeout (1 s) plus start-up and scheduling: the metadata
    // lookups get a quarter of the budget, the checks the rest.
    let imds = HttpServer::hanging_imds().expect("fake IMDS");
    let d = dns();
    d.set_default(Answer::Silence, Duration::ZERO);
    let addr = d.addr().to_string();
    let began = Instant::now();
    let out = Command::new(BIN)
        .args([
            "probe",
            "--dns-server",
            &addr,
            "--timeout",
            "1s",
            "--format",
            "json",
        ])
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url())
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env_remove("ECS_CONTAINER_METADATA_URI_V4")
        .env("AWS_REGION", "eu-west-1")
        .env_remove("AWS_DEFAULT_REGION")
        .output()
        .expect("run netready");
    let took = began.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_millis(1800), "{took:?}");
    let report: Report = serde_json::from_slice(&out.stdout).expect("report");
    let ctx = report.context.expect("a probe report has its context");
    assert_eq!(ctx.region.value.as_deref(), Some("eu-west-1"));
    assert_eq!(ctx.region.source, Source::Environment);
    assert_eq!(ctx.public_ip.source, Source::Unknown);
    assert!(!imds.seen().is_empty(), "instance metadata was asked");
}

#[test]
fn help_lists_every_design_flag() {
    let out = netready(&["probe", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--region",
        "--profile",
        "--ecr-account",
        "--endpoint",
        "--public-ip",
        "--vpc-cidr",
        "--dns-server",
        "--port",
        "--timeout",
        "--tls",
        "--format",
        "--watch",
        "--interval",
        "--listen",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}

/// `--expect`: the prediction rides in the report (exit code stays the
/// probe's); a file that is not a validate report, or one of another
/// region, is refused before any check (exit 2, naming the file).
#[test]
fn expect_compares_with_the_prediction_or_refuses_it() {
    let case = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/explain/agree-nat-gateway");
    let validate = case.join("validate.json").to_string_lossy().into_owned();
    let probe = case.join("probe.json").to_string_lossy().into_owned();
    let d = dns();
    let addr = d.addr().to_string();
    let out = netready(&[
        "probe",
        "--region",
        "eu-west-1",
        "--dns-server",
        &addr,
        "--format",
        "json",
        "--timeout",
        "1s",
        "--expect",
        &validate,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let raw: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let p = &raw["prediction"];
    assert_eq!(p["schema"], "netready.explain/v1", "{raw}");
    assert_eq!(p["subnet_id"], "subnet-0ccc000000000003");
    assert_eq!(
        p["verdict"], "differs",
        "NXDOMAIN everywhere against a NAT path"
    );
    assert_eq!(
        p["endpoints"][0]["causes"][0]["code"], "dns-firewall",
        "NXDOMAIN for a name that exists: {p}"
    );
    bad(
        &["--region", "eu-west-1", "--expect", &probe],
        &[&probe, "kind is \"probe\", expected \"validate\""],
    );
    bad(
        &["--region", "us-east-1", "--expect", &validate],
        &[
            &validate,
            "different regions: the validate report is of eu-west-1, the probe report of us-east-1",
        ],
    );
    bad(
        &["--region", "eu-west-1", "--expect", "/nonexistent/v.json"],
        &["/nonexistent/v.json: cannot read"],
    );
}
