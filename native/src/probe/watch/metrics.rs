//! `/metrics`: the last report and the loop's counters in the Prometheus text
//! exposition format (version 0.0.4).
//!
//! Guarantees:
//! * every family is written once, as `# HELP`, `# TYPE` and then all its
//!   samples together; no two samples of a family carry the same label set
//!   (duplicates in a report, e.g. one `--endpoint` given twice, are written
//!   once);
//! * label values are escaped as the format requires (`\` → `\\`, `"` →
//!   `\"`, newline → `\n`), so any host name or service string is safe;
//! * values are plain decimals, `NaN`, `+Inf` or `-Inf`, never Rust's `inf`;
//! * latencies are in seconds (Prometheus base units), converted from the
//!   report's milliseconds.
//!
//! The families (all gauges unless said otherwise):
//!
//! | family | labels | value |
//! |---|---|---|
//! | `netready_status` | `status` = ready, degraded, unknown | 1 for the status of the last report, 0 for the others; all 0 before the first report |
//! | `netready_report_stale` | | 1 when the latest check failed and the last good report is shown instead |
//! | `netready_endpoint_up` | `service`, `host`, `port`, `access_type` | 1 reachable, 0 unreachable; endpoints whose reachability is unknown are left out (unknown is neither a pass nor a failure); `access_type="none"` when there is no path |
//! | `netready_endpoint_failure` | `service`, `host`, `port`, `failure` | 1 per unreachable endpoint, with its failure code |
//! | `netready_endpoint_dns_seconds` | `service`, `host`, `port` | the A+AAAA lookup time (`dns.ms`) |
//! | `netready_endpoint_dns_resent` | `service`, `host`, `port` | DNS queries sent again for the name in the last report (`dns.resent`): above 0 means loss or a slow resolver |
//! | `netready_endpoint_connect_seconds` | `service`, `host`, `port`, `ip` | connect time of each dialled address (`addresses[].ms`) |
//! | `netready_endpoint_prediction_agrees` | `service`, `host`, `port`, `predicted`, `observed` | with `--expect`: 1 when the probe saw what the validator predicted, 0 when it differs (`netready explain` tells why); endpoints that cannot be compared are left out; `predicted` and `observed` are the access types (`none` without a path) |
//! | `netready_last_check_timestamp_seconds` | | Unix time the latest check ended, whatever its result |
//! | `netready_last_report_timestamp_seconds` | | Unix time of the last check that produced a report |
//! | `netready_check_duration_seconds` | | wall time of the latest check |
//! | `netready_checks_total` (counter) | `result` = ready, degraded, unknown, error, panic, timeout | checks since start-up |
//! | `process_resident_memory_bytes`, `process_open_fds` | | from `/proc/self` (Linux) |
//! | `netready_runtime_alive_tasks` | | tokio tasks alive (leak watch) |
//!
//! Not done here: reading clocks or `/proc` (the caller passes the values in).

use super::state::{CheckCounters, CheckResultKind};
use netready_core::Report;
use netready_core::report::{Reachability, Status};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Duration;

/// Everything `/metrics` shows, captured at scrape time.
#[derive(Debug, Clone, Copy)]
pub struct MetricsInput<'a> {
    /// The last report that a check produced.
    pub report: Option<&'a Report>,
    /// Whether the latest check failed (so `report` is from an earlier one).
    pub stale: Staleness,
    /// Checks since start-up.
    pub checks: &'a CheckCounters,
    /// Unix time the latest check ended.
    pub last_check_unix: Option<f64>,
    /// Unix time the last report was produced.
    pub last_report_unix: Option<f64>,
    /// Wall time of the latest check.
    pub last_check_duration: Option<Duration>,
    /// Process figures, when they could be read.
    pub process: ProcessStats,
}

/// Whether the report shown is the latest check's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staleness {
    /// The latest check produced it (or there is none yet).
    Fresh,
    /// The latest check failed; the report is from an earlier check.
    Stale,
}

/// Process figures for leak watching; each `None` when not available.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProcessStats {
    /// Resident set size in bytes.
    pub resident_bytes: Option<u64>,
    /// Open file descriptors.
    pub open_fds: Option<u64>,
    /// Alive tokio tasks.
    pub alive_tasks: Option<u64>,
}

impl ProcessStats {
    /// Reads `/proc/self/status` (VmRSS), counts `/proc/self/fd`, and asks
    /// the current tokio runtime, each left `None` where it fails.
    pub fn read() -> ProcessStats {
        let resident_bytes = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().strip_suffix("kB"))
                    .and_then(|kb| kb.trim().parse::<u64>().ok())
                    .map(|kb| kb.saturating_mul(1024))
            });
        // The directory handle opened to count is itself one of the entries;
        // that is how every Prometheus client counts, so figures compare.
        let open_fds = std::fs::read_dir("/proc/self/fd")
            .ok()
            .map(|d| d.count() as u64);
        let alive_tasks = tokio::runtime::Handle::try_current()
            .ok()
            .map(|h| h.metrics().num_alive_tasks() as u64);
        ProcessStats {
            resident_bytes,
            open_fds,
            alive_tasks,
        }
    }
}

/// Escapes a label value for the text exposition format.
pub fn escape_label_value(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Formats a sample value as the exposition format reads it.
pub fn format_value(v: f64, out: &mut String) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v == f64::INFINITY {
        out.push_str("+Inf");
    } else if v == f64::NEG_INFINITY {
        out.push_str("-Inf");
    } else {
        // Rust's Display for f64 is the shortest round-tripping decimal and
        // never uses an exponent: always a valid Go ParseFloat input.
        let _ = write!(out, "{v}");
    }
}

/// One metric family being written: its samples are buffered so that
/// duplicate label sets can be dropped and the header written only once.
struct Family<'a> {
    name: &'a str,
    help: &'a str,
    kind: &'a str,
    seen: BTreeSet<String>,
    samples: String,
}

impl<'a> Family<'a> {
    fn new(name: &'a str, kind: &'a str, help: &'a str) -> Family<'a> {
        Family {
            name,
            help,
            kind,
            seen: BTreeSet::new(),
            samples: String::new(),
        }
    }

    fn sample(&mut self, labels: &[(&str, &str)], value: f64) {
        let mut set = String::new();
        if !labels.is_empty() {
            set.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    set.push(',');
                }
                set.push_str(k);
                set.push_str("=\"");
                escape_label_value(v, &mut set);
                set.push('"');
            }
            set.push('}');
        }
        if self.seen.contains(&set) {
            return;
        }
        self.samples.push_str(self.name);
        self.samples.push_str(&set);
        self.samples.push(' ');
        format_value(value, &mut self.samples);
        self.samples.push('\n');
        self.seen.insert(set);
    }

    fn write(self, out: &mut String) {
        // HELP texts are constants here without backslashes or newlines, so
        // they need no escaping.
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(out, "# TYPE {} {}", self.name, self.kind);
        out.push_str(&self.samples);
    }
}

fn ms_to_seconds(ms: f64) -> f64 {
    ms / 1000.0
}

/// Renders the whole `/metrics` page.
pub fn render(input: &MetricsInput<'_>) -> String {
    let mut out = String::with_capacity(4096);

    let mut status = Family::new(
        "netready_status",
        "gauge",
        "Status of the last report: 1 for its status, 0 for the others (all 0 before the first report).",
    );
    for s in [Status::Ready, Status::Degraded, Status::Unknown] {
        let on = input.report.is_some_and(|r| r.status == s);
        status.sample(&[("status", s.as_str())], if on { 1.0 } else { 0.0 });
    }
    status.write(&mut out);

    let mut stale = Family::new(
        "netready_report_stale",
        "gauge",
        "1 when the latest check failed and the last good report is shown instead.",
    );
    stale.sample(
        &[],
        if input.stale == Staleness::Stale {
            1.0
        } else {
            0.0
        },
    );
    stale.write(&mut out);

    let mut up = Family::new(
        "netready_endpoint_up",
        "gauge",
        "1 if the endpoint was reachable in the last report, 0 if not (unknown endpoints are omitted).",
    );
    let mut failure = Family::new(
        "netready_endpoint_failure",
        "gauge",
        "1 for each unreachable endpoint, labelled with its failure code.",
    );
    let mut dns = Family::new(
        "netready_endpoint_dns_seconds",
        "gauge",
        "Time of the endpoint's A and AAAA lookups in the last report.",
    );
    let mut resent = Family::new(
        "netready_endpoint_dns_resent",
        "gauge",
        "DNS queries retransmitted for the endpoint's name in the last report (loss or a slow resolver when above 0).",
    );
    let mut connect = Family::new(
        "netready_endpoint_connect_seconds",
        "gauge",
        "TCP connect time of each dialled address in the last report.",
    );
    if let Some(report) = input.report {
        for e in &report.endpoints {
            let port = e.port.to_string();
            let access = e.access_type.map_or("none", |a| a.as_str());
            match e.reachable {
                Reachability::Reachable => up.sample(
                    &[
                        ("service", &e.service),
                        ("host", &e.host),
                        ("port", &port),
                        ("access_type", access),
                    ],
                    1.0,
                ),
                Reachability::Unreachable => up.sample(
                    &[
                        ("service", &e.service),
                        ("host", &e.host),
                        ("port", &port),
                        ("access_type", access),
                    ],
                    0.0,
                ),
                Reachability::Unknown => {}
            }
            if let Some(code) = e.failure {
                failure.sample(
                    &[
                        ("service", &e.service),
                        ("host", &e.host),
                        ("port", &port),
                        ("failure", code.as_str()),
                    ],
                    1.0,
                );
            }
            if let Some(d) = &e.dns {
                dns.sample(
                    &[("service", &e.service), ("host", &e.host), ("port", &port)],
                    ms_to_seconds(d.ms),
                );
                if let Some(n) = d.resent {
                    resent.sample(
                        &[("service", &e.service), ("host", &e.host), ("port", &port)],
                        f64::from(n),
                    );
                }
            }
            for a in &e.addresses {
                if let Some(ms) = a.ms {
                    let ip = a.ip.to_string();
                    connect.sample(
                        &[
                            ("service", &e.service),
                            ("host", &e.host),
                            ("port", &port),
                            ("ip", &ip),
                        ],
                        ms_to_seconds(ms),
                    );
                }
            }
        }
    }
    up.write(&mut out);
    failure.write(&mut out);
    dns.write(&mut out);
    resent.write(&mut out);
    connect.write(&mut out);

    let mut agrees = Family::new(
        "netready_endpoint_prediction_agrees",
        "gauge",
        "With --expect: 1 if the last report agrees with the validator's prediction for the endpoint, 0 if it differs (not-comparable endpoints are omitted).",
    );
    if let Some(prediction) = input.report.and_then(|r| r.prediction.as_ref()) {
        use netready_core::explain::Verdict;
        for e in &prediction.endpoints {
            let value = match e.verdict {
                Verdict::Agree => 1.0,
                Verdict::Differs => 0.0,
                Verdict::NotComparable => continue,
            };
            let port = input
                .report
                .and_then(|r| r.endpoints.iter().find(|x| x.host == e.host))
                .map_or_else(|| "443".to_owned(), |x| x.port.to_string());
            let predicted = e
                .predicted
                .as_ref()
                .and_then(|p| p.access_type)
                .map_or("none", |a| a.as_str());
            let observed = e
                .observed
                .as_ref()
                .and_then(|o| o.access_type)
                .map_or("none", |a| a.as_str());
            agrees.sample(
                &[
                    ("service", &e.service),
                    ("host", &e.host),
                    ("port", &port),
                    ("predicted", predicted),
                    ("observed", observed),
                ],
                value,
            );
        }
    }
    agrees.write(&mut out);

    let mut last_check = Family::new(
        "netready_last_check_timestamp_seconds",
        "gauge",
        "Unix time the latest check ended, whatever its result.",
    );
    if let Some(t) = input.last_check_unix {
        last_check.sample(&[], t);
    }
    last_check.write(&mut out);

    let mut last_report = Family::new(
        "netready_last_report_timestamp_seconds",
        "gauge",
        "Unix time of the last check that produced a report.",
    );
    if let Some(t) = input.last_report_unix {
        last_report.sample(&[], t);
    }
    last_report.write(&mut out);

    let mut duration = Family::new(
        "netready_check_duration_seconds",
        "gauge",
        "Wall time of the latest check.",
    );
    if let Some(d) = input.last_check_duration {
        duration.sample(&[], d.as_secs_f64());
    }
    duration.write(&mut out);

    let mut checks = Family::new(
        "netready_checks_total",
        "counter",
        "Checks since start-up, by how they ended.",
    );
    for k in CheckResultKind::ALL {
        checks.sample(&[("result", k.as_str())], input.checks.count(k) as f64);
    }
    checks.write(&mut out);

    if let Some(rss) = input.process.resident_bytes {
        let mut f = Family::new(
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory size in bytes.",
        );
        f.sample(&[], rss as f64);
        f.write(&mut out);
    }
    if let Some(fds) = input.process.open_fds {
        let mut f = Family::new(
            "process_open_fds",
            "gauge",
            "Number of open file descriptors.",
        );
        f.sample(&[], fds as f64);
        f.write(&mut out);
    }
    if let Some(tasks) = input.process.alive_tasks {
        let mut f = Family::new(
            "netready_runtime_alive_tasks",
            "gauge",
            "Alive tokio tasks.",
        );
        f.sample(&[], tasks as f64);
        f.write(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use netready_core::classify::{AddressClass, PrivateRange, Translation};
    use netready_core::report::{
        AccessType, AddressReport, DnsReport, EndpointReport, FailureCode, ReportKind, TcpOutcome,
    };

    fn endpoint(service: &str, host: &str, reachable: Reachability) -> EndpointReport {
        EndpointReport {
            service: service.into(),
            host: host.into(),
            port: 443,
            access_type: Some(AccessType::VpcEndpoint),
            reachable,
            failure: (reachable == Reachability::Unreachable).then_some(FailureCode::TcpRefused),
            addresses: vec![
                AddressReport {
                    ip: "10.0.1.5".parse().expect("literal address"),
                    class: AddressClass::Private(PrivateRange::Rfc1918),
                    via: Translation::Native,
                    outcome: TcpOutcome::Connected,
                    ms: Some(0.4),
                },
                AddressReport {
                    ip: "10.0.2.5".parse().expect("literal address"),
                    class: AddressClass::Private(PrivateRange::Rfc1918),
                    via: Translation::Native,
                    outcome: TcpOutcome::SkippedCap,
                    ms: None,
                },
            ],
            hints: Vec::new(),
            dns: Some(DnsReport {
                resolver: Some("127.0.0.1:53".into()),
                cnames: Vec::new(),
                ms: 1.5,
                queries: Some(2),
                resent: Some(0),
            }),
            tls: None,
        }
    }

    fn input<'a>(report: Option<&'a Report>, counters: &'a CheckCounters) -> MetricsInput<'a> {
        MetricsInput {
            report,
            stale: Staleness::Fresh,
            checks: counters,
            last_check_unix: Some(1_764_000_000.25),
            last_report_unix: Some(1_764_000_000.25),
            last_check_duration: Some(Duration::from_millis(12)),
            process: ProcessStats {
                resident_bytes: Some(4096),
                open_fds: Some(9),
                alive_tasks: Some(3),
            },
        }
    }

    /// The sample lines (no comments), as `name{labels} value`.
    fn samples(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.starts_with('#')).collect()
    }

    #[test]
    fn escapes_label_values() {
        let table = [
            ("plain.example", "plain.example"),
            ("a\"b", "a\\\"b"),
            ("a\\b", "a\\\\b"),
            ("a\nb", "a\\nb"),
            ("\\\"\n", "\\\\\\\"\\n"),
            ("ünï", "ünï"),
        ];
        for (raw, want) in table {
            let mut s = String::new();
            escape_label_value(raw, &mut s);
            assert_eq!(s, want, "{raw:?}");
        }
    }

    #[test]
    fn formats_special_values() {
        let table = [
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (0.0004, "0.0004"),
            (1e10, "10000000000"),
        ];
        for (v, want) in table {
            let mut s = String::new();
            format_value(v, &mut s);
            assert_eq!(s, want);
        }
    }

    #[test]
    fn every_endpoint_and_family_is_present() {
        let mut r = Report::new(ReportKind::Probe, Some("us-east-1".into()));
        r.endpoints = vec![
            endpoint(
                "secretsmanager",
                "secretsmanager.us-east-1.amazonaws.com",
                Reachability::Reachable,
            ),
            endpoint(
                "logs",
                "logs.us-east-1.amazonaws.com",
                Reachability::Unreachable,
            ),
            endpoint("custom", "transit.example", Reachability::Unknown),
        ];
        r.endpoints[1].access_type = None;
        r.finish();
        let mut c = CheckCounters::default();
        c.record(CheckResultKind::Degraded);
        let text = render(&input(Some(&r), &c));
        let lines = samples(&text);
        for want in [
            "netready_status{status=\"ready\"} 0",
            "netready_status{status=\"degraded\"} 1",
            "netready_status{status=\"unknown\"} 0",
            "netready_report_stale 0",
            "netready_endpoint_up{service=\"secretsmanager\",host=\"secretsmanager.us-east-1.amazonaws.com\",port=\"443\",access_type=\"vpc_endpoint\"} 1",
            "netready_endpoint_up{service=\"logs\",host=\"logs.us-east-1.amazonaws.com\",port=\"443\",access_type=\"none\"} 0",
            "netready_endpoint_failure{service=\"logs\",host=\"logs.us-east-1.amazonaws.com\",port=\"443\",failure=\"tcp_refused\"} 1",
            "netready_endpoint_dns_seconds{service=\"logs\",host=\"logs.us-east-1.amazonaws.com\",port=\"443\"} 0.0015",
            "netready_endpoint_dns_resent{service=\"logs\",host=\"logs.us-east-1.amazonaws.com\",port=\"443\"} 0",
            "netready_endpoint_connect_seconds{service=\"secretsmanager\",host=\"secretsmanager.us-east-1.amazonaws.com\",port=\"443\",ip=\"10.0.1.5\"} 0.0004",
            "netready_last_check_timestamp_seconds 1764000000.25",
            "netready_last_report_timestamp_seconds 1764000000.25",
            "netready_check_duration_seconds 0.012",
            "netready_checks_total{result=\"degraded\"} 1",
            "netready_checks_total{result=\"panic\"} 0",
            "process_resident_memory_bytes 4096",
            "process_open_fds 9",
            "netready_runtime_alive_tasks 3",
        ] {
            assert!(lines.contains(&want), "missing {want}\n{text}");
        }
        // Unknown reachability is neither up nor down.
        assert!(
            !text.contains("netready_endpoint_up{service=\"custom\""),
            "{text}"
        );
        // An address that was not dialled has no connect time.
        assert!(!text.contains("10.0.2.5"), "{text}");
    }

    #[test]
    fn each_family_has_one_header_and_contiguous_samples() {
        let mut r = Report::new(ReportKind::Probe, None);
        r.endpoints = vec![
            endpoint("logs", "a", Reachability::Reachable),
            endpoint("logs", "a", Reachability::Reachable), // duplicate: written once
            endpoint("s3", "b", Reachability::Reachable),
        ];
        r.finish();
        let c = CheckCounters::default();
        let text = render(&input(Some(&r), &c));
        let mut seen_families: Vec<&str> = Vec::new();
        let mut current = "";
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let name = rest.split(' ').next().expect("TYPE line has a name");
                assert!(!seen_families.contains(&name), "family {name} twice");
                seen_families.push(name);
                current = name;
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().expect("sample has a name");
                assert_eq!(name, current, "sample outside its family: {line}");
            }
        }
        let up: Vec<_> = samples(&text)
            .into_iter()
            .filter(|l| l.starts_with("netready_endpoint_up"))
            .collect();
        assert_eq!(up.len(), 2, "{text}");
    }

    #[test]
    fn hostile_host_names_are_escaped() {
        let mut r = Report::new(ReportKind::Probe, None);
        r.endpoints = vec![endpoint(
            "custom",
            "evil\"} 1\nnetready_status{status=\"ready\"} 1 #\\",
            Reachability::Reachable,
        )];
        r.finish();
        let c = CheckCounters::default();
        let text = render(&input(Some(&r), &c));
        // No injected line: every sample line starts with a known family.
        for line in samples(&text) {
            assert!(
                line.starts_with("netready_") || line.starts_with("process_"),
                "{line}"
            );
        }
        assert!(
            text.contains("host=\"evil\\\"} 1\\nnetready_status{status=\\\"ready\\\"} 1 #\\\\\""),
            "{text}"
        );
    }

    #[test]
    fn the_prediction_gauge_follows_the_explanation() {
        let case = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/explain/endpoint-changed");
        let read = |f: &str| -> Report {
            serde_json::from_str(&std::fs::read_to_string(case.join(f)).expect("case file"))
                .expect("a report")
        };
        let (validate, mut probe) = (read("validate.json"), read("probe.json"));
        probe.prediction =
            Some(netready_core::explain::explain(&validate, &probe, None).expect("comparable"));
        let c = CheckCounters::default();
        let text = render(&input(Some(&probe), &c));
        let lines = samples(&text);
        for want in [
            "netready_endpoint_prediction_agrees{service=\"logs\",host=\"logs.eu-west-1.amazonaws.com\",port=\"443\",predicted=\"vpc_endpoint\",observed=\"nat_gateway\"} 0",
            "netready_endpoint_prediction_agrees{service=\"secretsmanager\",host=\"secretsmanager.eu-west-1.amazonaws.com\",port=\"443\",predicted=\"vpc_endpoint\",observed=\"vpc_endpoint\"} 1",
            "netready_endpoint_prediction_agrees{service=\"s3\",host=\"s3.eu-west-1.amazonaws.com\",port=\"443\",predicted=\"gateway_endpoint\",observed=\"nat_gateway\"} 1",
        ] {
            assert!(lines.contains(&want), "missing {want}\n{text}");
        }
        // Without --expect the family has no sample.
        probe.prediction = None;
        let text = render(&input(Some(&probe), &c));
        assert!(
            !samples(&text)
                .iter()
                .any(|l| l.starts_with("netready_endpoint_prediction_agrees")),
            "{text}"
        );
    }

    #[test]
    fn before_the_first_report() {
        let c = CheckCounters::default();
        let mut i = input(None, &c);
        i.last_check_unix = None;
        i.last_report_unix = None;
        i.last_check_duration = None;
        i.process = ProcessStats::default();
        let text = render(&i);
        let lines = samples(&text);
        assert!(lines.contains(&"netready_status{status=\"ready\"} 0"));
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with("netready_last_check_timestamp_seconds")),
            "{text}"
        );
        assert!(!text.contains("process_open_fds"), "{text}");
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("netready_checks_total"))
                .count(),
            6
        );
    }
}
