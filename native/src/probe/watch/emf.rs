//! `--metrics-format emf`: each watch-mode check as CloudWatch Embedded
//! Metric Format (EMF) lines on standard output. With the `awslogs` log
//! driver every line becomes a CloudWatch Logs event, and CloudWatch Logs
//! extracts the metrics from it: no agent, no `cloudwatch:PutMetricData`.
//!
//! Per check, in this order:
//! * one line per endpoint that has a value to report, in namespace
//!   [`NAMESPACE`], with the dimension sets `[Endpoint, AccessType]` and
//!   `[Endpoint]` (so an alarm on one endpoint survives a change of path):
//!
//!   | metric | unit | value |
//!   |---|---|---|
//!   | `EndpointUp` | Count | 1 reachable, 0 unreachable; absent when unknown |
//!   | `DnsTime` | Milliseconds | the A+AAAA lookup time |
//!   | `ConnectTime` | Milliseconds | connect time of each address that connected (at most 100) |
//!
//!   `Endpoint` is `host:port`, `AccessType` the report's `access_type` or
//!   `none`; `Service` and `Failure` ride along as plain members (searchable
//!   in CloudWatch Logs Insights, not dimensions);
//! * one status line without dimensions: `Ready`, `Degraded`, `Unknown` and
//!   `CheckFailed` (each 1 or 0: exactly one is 1), `UnreachableEndpoints`
//!   (Count) and `CheckDuration` (Milliseconds), with `Status` (`ready`,
//!   `degraded`, `unknown`, `check_failed`) and, after a failed check,
//!   `Error`.
//!
//! Guarantees: every line is one JSON object followed by `\n`, with no
//! other text, conforming to the EMF specification (AWS, "Specification:
//! Embedded metric format"): `_aws.Timestamp` in integer milliseconds since
//! the Unix epoch, every dimension a string member of the root, every metric
//! a number or an array of at most 100 numbers at the root, at most 9
//! dimension keys per set and 100 metrics per directive, units from
//! CloudWatch's list. Latencies are the report's milliseconds unchanged.
//!
//! [`lines`] is pure (the timestamp is an argument); [`stdout_hook`] reads
//! the clock and writes the lines to standard output, flushed after each
//! check (a closed or failing standard output is logged once and then
//! ignored: the watch loop and its health endpoints keep running). Not done
//! here: aggregation (CloudWatch does it).
//! Cost note: each distinct dimension value set is a custom metric; the
//! runner profile makes 6 endpoints × 3 metrics × 2 sets + 6 status
//! metrics = 42 (more when an access type changes).

use super::CheckHook;
use super::state::CheckFailure;
use netready_core::Report;
use netready_core::report::{EndpointReport, Reachability, Status, TcpOutcome};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The CloudWatch namespace of every metric.
pub const NAMESPACE: &str = "netready";

/// The most values one metric may carry in one EMF document.
pub const MAX_VALUES: usize = 100;

/// The EMF lines for one check that ended at `timestamp_ms` (milliseconds
/// since the Unix epoch) after `took`. Each string is one line without its
/// newline.
pub fn lines(
    result: &Result<Report, CheckFailure>,
    took: Duration,
    timestamp_ms: u64,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(report) = result {
        out.extend(
            report
                .endpoints
                .iter()
                .filter_map(|e| endpoint_line(e, timestamp_ms)),
        );
    }
    out.push(status_line(result, took, timestamp_ms));
    out
}

/// The watch-loop hook of `--metrics-format emf`: writes [`lines`] for
/// every check to standard output, stamped with the time the check ended.
pub fn stdout_hook() -> CheckHook {
    let mut warned = false;
    CheckHook(Box::new(move |result, took| {
        let timestamp_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut text = String::new();
        for line in lines(result, took, timestamp_ms) {
            text.push_str(&line);
            text.push('\n');
        }
        let mut out = std::io::stdout().lock();
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
            && !warned
        {
            warned = true;
            tracing::warn!("cannot write EMF metrics to standard output: {e}");
        }
    }))
}

/// One EMF document: the `_aws` metadata for `metrics` (name, unit) under
/// `dimensions`, plus `members` (which must hold every dimension and metric
/// named).
fn document(
    timestamp_ms: u64,
    dimensions: &[&[&str]],
    metrics: &[(&str, &str)],
    mut members: Map<String, Value>,
) -> String {
    let definitions: Vec<Value> = metrics
        .iter()
        .map(|(name, unit)| json!({ "Name": name, "Unit": unit }))
        .collect();
    let directive = json!({
        "Namespace": NAMESPACE,
        "Dimensions": dimensions,
        "Metrics": definitions,
    });
    members.insert(
        "_aws".to_owned(),
        json!({ "Timestamp": timestamp_ms, "CloudWatchMetrics": [directive] }),
    );
    // A map of strings, numbers and arrays of them always serialises.
    serde_json::to_string(&Value::Object(members)).unwrap_or_default()
}

fn endpoint_line(e: &EndpointReport, timestamp_ms: u64) -> Option<String> {
    let mut members = Map::new();
    let mut metrics: Vec<(&str, &str)> = Vec::new();
    let up = match e.reachable {
        Reachability::Reachable => Some(1),
        Reachability::Unreachable => Some(0),
        Reachability::Unknown => None,
    };
    if let Some(up) = up {
        metrics.push(("EndpointUp", "Count"));
        members.insert("EndpointUp".to_owned(), json!(up));
    }
    if let Some(dns) = &e.dns
        && dns.ms.is_finite()
    {
        metrics.push(("DnsTime", "Milliseconds"));
        members.insert("DnsTime".to_owned(), json!(dns.ms));
    }
    let connect: Vec<f64> = e
        .addresses
        .iter()
        .filter(|a| a.outcome == TcpOutcome::Connected)
        .filter_map(|a| a.ms)
        .filter(|ms| ms.is_finite())
        .take(MAX_VALUES)
        .collect();
    if !connect.is_empty() {
        metrics.push(("ConnectTime", "Milliseconds"));
        members.insert("ConnectTime".to_owned(), json!(connect));
    }
    if metrics.is_empty() {
        return None;
    }
    members.insert(
        "Endpoint".to_owned(),
        json!(format!("{}:{}", e.host, e.port)),
    );
    members.insert(
        "AccessType".to_owned(),
        json!(e.access_type.map_or("none", |a| a.as_str())),
    );
    members.insert("Service".to_owned(), json!(e.service));
    if let Some(f) = e.failure {
        members.insert("Failure".to_owned(), json!(f.as_str()));
    }
    Some(document(
        timestamp_ms,
        &[&["Endpoint", "AccessType"], &["Endpoint"]],
        &metrics,
        members,
    ))
}

fn status_line(result: &Result<Report, CheckFailure>, took: Duration, timestamp_ms: u64) -> String {
    let (status, unreachable) = match result {
        Ok(r) => (
            Some(r.status),
            r.endpoints
                .iter()
                .filter(|e| e.reachable == Reachability::Unreachable)
                .count(),
        ),
        Err(_) => (None, 0),
    };
    let flag = |s: Status| json!(u8::from(status == Some(s)));
    let mut members = Map::new();
    members.insert("Ready".to_owned(), flag(Status::Ready));
    members.insert("Degraded".to_owned(), flag(Status::Degraded));
    members.insert("Unknown".to_owned(), flag(Status::Unknown));
    members.insert("CheckFailed".to_owned(), json!(u8::from(status.is_none())));
    members.insert("UnreachableEndpoints".to_owned(), json!(unreachable));
    members.insert(
        "CheckDuration".to_owned(),
        json!(took.as_secs_f64() * 1000.0),
    );
    members.insert(
        "Status".to_owned(),
        json!(status.map_or("check_failed", Status::as_str)),
    );
    match result {
        Ok(r) => {
            if let Some(region) = &r.region {
                members.insert("Region".to_owned(), json!(region));
            }
        }
        Err(f) => {
            members.insert("Error".to_owned(), json!(f.to_string()));
        }
    }
    document(
        timestamp_ms,
        &[&[]],
        &[
            ("Ready", "Count"),
            ("Degraded", "Count"),
            ("Unknown", "Count"),
            ("CheckFailed", "Count"),
            ("UnreachableEndpoints", "Count"),
            ("CheckDuration", "Milliseconds"),
        ],
        members,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use netready_core::report::ReportKind;

    #[test]
    fn a_failed_check_is_one_status_line() {
        let lines = lines(
            &Err(CheckFailure::TimedOut(Duration::from_secs(10))),
            Duration::from_secs(10),
            1_700_000_000_123,
        );
        assert_eq!(lines.len(), 1);
        let v: Value = serde_json::from_str(&lines[0]).expect("valid JSON");
        assert_eq!(v["CheckFailed"], 1);
        assert_eq!(v["Ready"], 0);
        assert_eq!(v["Status"], "check_failed");
        assert_eq!(v["_aws"]["Timestamp"], 1_700_000_000_123u64);
        assert_eq!(v["CheckDuration"], 10_000.0);
        assert!(
            v["Error"]
                .as_str()
                .is_some_and(|e| e.contains("did not finish"))
        );
    }

    #[test]
    fn an_endpoint_without_values_has_no_line() {
        let mut report = Report::new(ReportKind::Probe, Some("eu-west-1".into()));
        report
            .endpoints
            .push(netready_core::rules::unverified_endpoint(
                "ecr.dkr",
                "<account>.dkr.ecr.eu-west-1.amazonaws.com".into(),
                443,
                "why",
            ));
        report.finish();
        let lines = lines(&Ok(report), Duration::from_millis(5), 1);
        assert_eq!(lines.len(), 1, "{lines:?}");
        let v: Value = serde_json::from_str(&lines[0]).expect("valid JSON");
        assert_eq!(v["Unknown"], 1);
        assert_eq!(v["Region"], "eu-west-1");
        assert!(!lines[0].contains('\n'));
    }
}
