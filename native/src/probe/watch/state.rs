//! The pure part of watch mode: how one check ended, what that makes of the
//! readiness, and which changes are worth a log line.
//!
//! Guarantees:
//! * readiness is `ready` only when the latest check finished *and* produced
//!   a report whose status is `ready`; a failed check (error, panic, timeout)
//!   makes it [`Readiness::CheckFailed`], never a pass;
//! * [`status_change`] reports a change exactly when the readiness differs
//!   from the previous one, and [`endpoint_changes`] exactly when an
//!   endpoint's reachability differs from the previous report's (endpoints
//!   are matched by service, host and port).
//!
//! Not done here: clocks, I/O, logging (the loop in [`super`] does that).

use netready_core::Report;
use netready_core::report::{FailureCode, Reachability, Status};
use std::fmt;
use std::time::Duration;

/// What a check returned, turned into a report or a failure.
///
/// Implemented for [`Report`] (a check that cannot fail) and for
/// `Result<Report, E>` with a displayable error, so the probe can hand its
/// own error type to the loop.
pub trait CheckOutput {
    /// The report, or why there is none.
    fn into_check_result(self) -> Result<Report, CheckFailure>;
}

impl CheckOutput for Report {
    fn into_check_result(self) -> Result<Report, CheckFailure> {
        Ok(self)
    }
}

impl<E: fmt::Display> CheckOutput for Result<Report, E> {
    fn into_check_result(self) -> Result<Report, CheckFailure> {
        self.map_err(|e| CheckFailure::Error(e.to_string()))
    }
}

/// Why a check produced no report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckFailure {
    /// The check returned an error.
    Error(String),
    /// The check panicked (the panic message, when it was a string).
    Panicked(String),
    /// The check did not finish within its deadline and was abandoned.
    TimedOut(Duration),
}

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckFailure::Error(e) => write!(f, "check failed: {e}"),
            CheckFailure::Panicked(m) => write!(f, "check panicked: {m}"),
            CheckFailure::TimedOut(d) => {
                write!(f, "check did not finish within {d:?} and was abandoned")
            }
        }
    }
}

/// The `result` label of `netready_checks_total`: one per way a check ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckResultKind {
    /// A report with status `ready`.
    Ready,
    /// A report with status `degraded`.
    Degraded,
    /// A report with status `unknown`.
    Unknown,
    /// The check returned an error.
    Error,
    /// The check panicked.
    Panic,
    /// The check hung past its deadline.
    Timeout,
}

impl CheckResultKind {
    /// Every kind, in the order metrics list them.
    pub const ALL: [CheckResultKind; 6] = [
        CheckResultKind::Ready,
        CheckResultKind::Degraded,
        CheckResultKind::Unknown,
        CheckResultKind::Error,
        CheckResultKind::Panic,
        CheckResultKind::Timeout,
    ];

    /// The stable label value.
    pub const fn as_str(self) -> &'static str {
        match self {
            CheckResultKind::Ready => "ready",
            CheckResultKind::Degraded => "degraded",
            CheckResultKind::Unknown => "unknown",
            CheckResultKind::Error => "error",
            CheckResultKind::Panic => "panic",
            CheckResultKind::Timeout => "timeout",
        }
    }

    /// The kind of a finished check.
    pub fn of(result: &Result<Report, CheckFailure>) -> CheckResultKind {
        match result {
            Ok(r) => match r.status {
                Status::Ready => CheckResultKind::Ready,
                Status::Degraded => CheckResultKind::Degraded,
                Status::Unknown => CheckResultKind::Unknown,
            },
            Err(CheckFailure::Error(_)) => CheckResultKind::Error,
            Err(CheckFailure::Panicked(_)) => CheckResultKind::Panic,
            Err(CheckFailure::TimedOut(_)) => CheckResultKind::Timeout,
        }
    }

    const fn index(self) -> usize {
        match self {
            CheckResultKind::Ready => 0,
            CheckResultKind::Degraded => 1,
            CheckResultKind::Unknown => 2,
            CheckResultKind::Error => 3,
            CheckResultKind::Panic => 4,
            CheckResultKind::Timeout => 5,
        }
    }
}

/// How many checks ended in each way since start-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckCounters([u64; 6]);

impl CheckCounters {
    /// Counts one more check of this kind.
    pub fn record(&mut self, kind: CheckResultKind) {
        let slot = &mut self.0[kind.index()];
        *slot = slot.saturating_add(1);
    }

    /// The count for one kind.
    pub fn count(&self, kind: CheckResultKind) -> u64 {
        self.0[kind.index()]
    }

    /// All checks, whatever their end.
    pub fn total(&self) -> u64 {
        self.0.iter().fold(0u64, |a, b| a.saturating_add(*b))
    }

    /// Checks that produced no report (error, panic, timeout).
    pub fn failed(&self) -> u64 {
        [
            CheckResultKind::Error,
            CheckResultKind::Panic,
            CheckResultKind::Timeout,
        ]
        .iter()
        .fold(0u64, |a, k| a.saturating_add(self.count(*k)))
    }
}

/// What `/readyz` answers from, and what a status-change log line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Readiness {
    /// No check has finished yet.
    Starting,
    /// The latest check produced a report with this status.
    Checked(Status),
    /// The latest check produced no report: the current state is not known.
    /// The last good report, if any, stays served, marked stale.
    CheckFailed,
}

impl Readiness {
    /// The readiness after a check ended this way.
    pub fn after(result: &Result<Report, CheckFailure>) -> Readiness {
        match result {
            Ok(r) => Readiness::Checked(r.status),
            Err(_) => Readiness::CheckFailed,
        }
    }

    /// What `/readyz` answers.
    pub const fn probe_answer(self) -> ReadyAnswer {
        match self {
            Readiness::Checked(Status::Ready) => ReadyAnswer::Ready,
            // Unknown is not shown as a pass: the exit code of an unknown
            // probe is 3, not 0, and a readiness gate must not let through
            // what could not be verified.
            Readiness::Checked(Status::Degraded | Status::Unknown)
            | Readiness::Starting
            | Readiness::CheckFailed => ReadyAnswer::NotReady,
        }
    }

    /// The stable name used in logs and in the `/readyz` body.
    pub const fn as_str(self) -> &'static str {
        match self {
            Readiness::Starting => "starting",
            Readiness::Checked(s) => s.as_str(),
            Readiness::CheckFailed => "check_failed",
        }
    }
}

impl fmt::Display for Readiness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer of `/readyz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadyAnswer {
    /// 200.
    Ready,
    /// 503.
    NotReady,
}

/// A change of readiness between two checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// Before.
    pub from: Readiness,
    /// After.
    pub to: Readiness,
}

impl StatusChange {
    /// Whether the change is for the worse (logged as a warning) or not.
    pub const fn direction(self) -> Direction {
        match self.to.probe_answer() {
            ReadyAnswer::Ready => Direction::Better,
            ReadyAnswer::NotReady => Direction::Worse,
        }
    }
}

/// Which way a change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Became ready / reachable.
    Better,
    /// Stopped being ready / reachable, or could not be checked.
    Worse,
}

/// The change of readiness, if any.
pub fn status_change(from: Readiness, to: Readiness) -> Option<StatusChange> {
    (from != to).then_some(StatusChange { from, to })
}

/// One endpoint whose reachability changed between two reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointChange {
    /// The endpoint service suffix.
    pub service: String,
    /// The host.
    pub host: String,
    /// The port.
    pub port: u16,
    /// Reachability in the previous report (`None`: the endpoint was not in it).
    pub from: Option<Reachability>,
    /// Reachability now.
    pub to: Reachability,
    /// Why it is unreachable now, if it is.
    pub failure: Option<FailureCode>,
}

impl EndpointChange {
    /// Whether the change is for the worse.
    pub const fn direction(&self) -> Direction {
        match self.to {
            Reachability::Reachable => Direction::Better,
            Reachability::Unreachable | Reachability::Unknown => Direction::Worse,
        }
    }
}

/// The endpoints whose reachability differs from the previous report's.
/// With no previous report, only endpoints that are not reachable are
/// listed (a healthy start-up is one status line, not one per endpoint).
pub fn endpoint_changes(previous: Option<&Report>, next: &Report) -> Vec<EndpointChange> {
    next.endpoints
        .iter()
        .filter_map(|e| {
            let before = previous.and_then(|p| {
                p.endpoints
                    .iter()
                    .find(|o| o.service == e.service && o.host == e.host && o.port == e.port)
                    .map(|o| o.reachable)
            });
            let changed = match (previous, before) {
                (None, _) => e.reachable != Reachability::Reachable,
                (Some(_), None) => true,
                (Some(_), Some(b)) => b != e.reachable,
            };
            changed.then(|| EndpointChange {
                service: e.service.clone(),
                host: e.host.clone(),
                port: e.port,
                from: before,
                to: e.reachable,
                failure: e.failure,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use netready_core::report::{EndpointReport, ReportKind};

    fn endpoint(host: &str, reachable: Reachability) -> EndpointReport {
        EndpointReport {
            service: "logs".into(),
            host: host.into(),
            port: 443,
            access_type: None,
            reachable,
            failure: (reachable == Reachability::Unreachable).then_some(FailureCode::TcpRefused),
            addresses: Vec::new(),
            hints: Vec::new(),
            dns: None,
            tls: None,
        }
    }

    fn report(endpoints: Vec<EndpointReport>) -> Report {
        let mut r = Report::new(ReportKind::Probe, None);
        r.endpoints = endpoints;
        r.finish();
        r
    }

    #[test]
    fn readiness_is_ready_only_after_a_ready_report() {
        let table = [
            (Readiness::Starting, ReadyAnswer::NotReady),
            (Readiness::Checked(Status::Ready), ReadyAnswer::Ready),
            (Readiness::Checked(Status::Degraded), ReadyAnswer::NotReady),
            (Readiness::Checked(Status::Unknown), ReadyAnswer::NotReady),
            (Readiness::CheckFailed, ReadyAnswer::NotReady),
        ];
        for (r, want) in table {
            assert_eq!(r.probe_answer(), want, "{r}");
        }
    }

    #[test]
    fn a_failed_check_is_never_a_pass() {
        for failure in [
            CheckFailure::Error("x".into()),
            CheckFailure::Panicked("boom".into()),
            CheckFailure::TimedOut(Duration::from_secs(1)),
        ] {
            let result = Err(failure);
            assert_eq!(Readiness::after(&result), Readiness::CheckFailed);
            assert_eq!(
                Readiness::after(&result).probe_answer(),
                ReadyAnswer::NotReady
            );
        }
    }

    #[test]
    fn status_changes_are_reported_once() {
        let seq = [
            Readiness::Starting,
            Readiness::Checked(Status::Ready),
            Readiness::Checked(Status::Ready),
            Readiness::Checked(Status::Degraded),
            Readiness::CheckFailed,
            Readiness::CheckFailed,
            Readiness::Checked(Status::Ready),
        ];
        let changes: Vec<_> = seq
            .windows(2)
            .filter_map(|w| status_change(w[0], w[1]))
            .collect();
        assert_eq!(
            changes
                .iter()
                .map(|c| (c.to, c.direction()))
                .collect::<Vec<_>>(),
            vec![
                (Readiness::Checked(Status::Ready), Direction::Better),
                (Readiness::Checked(Status::Degraded), Direction::Worse),
                (Readiness::CheckFailed, Direction::Worse),
                (Readiness::Checked(Status::Ready), Direction::Better),
            ]
        );
    }

    #[test]
    fn endpoint_changes_match_by_service_host_and_port() {
        let a = report(vec![
            endpoint("a", Reachability::Reachable),
            endpoint("b", Reachability::Reachable),
        ]);
        let b = report(vec![
            endpoint("a", Reachability::Reachable),
            endpoint("b", Reachability::Unreachable),
        ]);
        assert!(endpoint_changes(Some(&a), &a).is_empty());
        let down = endpoint_changes(Some(&a), &b);
        assert_eq!(down.len(), 1);
        assert_eq!(down[0].host, "b");
        assert_eq!(down[0].from, Some(Reachability::Reachable));
        assert_eq!(down[0].failure, Some(FailureCode::TcpRefused));
        assert_eq!(down[0].direction(), Direction::Worse);
        let up = endpoint_changes(Some(&b), &a);
        assert_eq!(up.len(), 1);
        assert_eq!(up[0].direction(), Direction::Better);
    }

    #[test]
    fn first_report_lists_only_what_is_not_reachable() {
        let b = report(vec![
            endpoint("a", Reachability::Reachable),
            endpoint("b", Reachability::Unreachable),
        ]);
        let first = endpoint_changes(None, &b);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].from, None);
        let mut c = report(vec![endpoint("c", Reachability::Reachable)]);
        c.endpoints[0].port = 8443;
        let appeared = endpoint_changes(Some(&b), &c);
        assert_eq!(appeared.len(), 1, "a new endpoint is a change");
    }

    #[test]
    fn counters_total_and_failed() {
        let mut c = CheckCounters::default();
        for k in CheckResultKind::ALL {
            c.record(k);
        }
        c.record(CheckResultKind::Ready);
        assert_eq!(c.total(), 7);
        assert_eq!(c.failed(), 3);
        assert_eq!(c.count(CheckResultKind::Ready), 2);
    }

    #[test]
    fn check_output_maps_errors() {
        let ok: Result<Report, String> = Ok(report(vec![]));
        assert!(ok.into_check_result().is_ok());
        let err: Result<Report, String> = Err("bad".into());
        assert_eq!(
            err.into_check_result(),
            Err(CheckFailure::Error("bad".into()))
        );
    }
}
