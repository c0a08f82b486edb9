//! Watch mode (`netready probe --watch`): check at start-up and every
//! interval, log each change, and optionally serve the result over HTTP.
//!
//! The probe hands [`run_watch`] a closure that runs one check; this module
//! knows nothing of how a check is done.
//!
//! Guarantees:
//! * a check runs at start-up and then every [`WatchOptions::interval`]
//!   (measured start to start; a check that takes longer than the interval
//!   is followed by the next one at once, never by two at a time);
//! * a check that returns an error, panics (it runs in its own task; a panic
//!   while *creating* the future is caught too) or does not finish within
//!   [`WatchOptions::check_deadline`] (it is then aborted) is counted as a
//!   failed check and never stops the loop. The readiness becomes
//!   `check_failed` (so `/readyz` answers 503) while the last good report
//!   stays served by `/status` and `/metrics`, marked stale
//!   (`netready-report-stale: true`, `netready_report_stale 1`);
//! * every change of readiness is logged with `tracing` (warn for the worse,
//!   info for the better), and every endpoint whose reachability changed;
//!   `RUST_LOG` filters them (see [`init_tracing`]);
//! * after every check, the [`Watch::on_check`] hook (if any) sees how it
//!   ended before it is published (`--metrics-format emf` writes there);
//! * SIGTERM or SIGINT (or the future of [`Shutdown::Future`]) stops it: a
//!   check in flight is aborted, the server stops accepting, open
//!   connections get [`HttpLimits::shutdown_grace`], and [`run_watch`]
//!   returns `Ok`. Nothing waits without a deadline.
//!
//! `/readyz` answers 200 only when the latest check produced a `ready`
//! report: 503 for `degraded`, for `unknown` (its exit code is 3, not 0: a
//! readiness gate must not pass what could not be verified), before the first
//! check, and after a failed check. `/healthz` answers 200 while the loop
//! makes progress (it last started or finished a check within
//! `interval + check_deadline + 5 s`).
//!
//! Not done here: the check itself (the probe), TLS or authentication on the
//! HTTP server (bind it to an address only the monitoring can reach). tokio
//! is cooperative: a check that blocks its thread without ever yielding
//! cannot be pre-empted, and on a current-thread runtime it would starve the
//! deadline and the server too; the probe only awaits I/O, so it yields.

pub mod emf;
pub mod http;
pub mod metrics;
pub mod state;

pub use http::HttpLimits;
pub use state::{CheckFailure, CheckOutput, CheckResultKind, Readiness};

use hyper::body::Bytes;
use metrics::Staleness;
use netready_core::Report;
use state::{CheckCounters, Direction};
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// The default interval between checks: five minutes.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(300);

/// The default deadline of one check. The probe bounds itself by its
/// `--timeout`; this is the backstop for a check that hangs anyway. The CLI
/// should pass something like `timeout + 5 s`.
pub const DEFAULT_CHECK_DEADLINE: Duration = Duration::from_secs(60);

/// Slack added to `interval + check_deadline` before `/healthz` calls the
/// loop stalled.
const LIVENESS_SLACK: Duration = Duration::from_secs(5);

/// How long an aborted check task is awaited before the loop moves on (a
/// future that never yields cannot be aborted; the loop does not wait on it).
const ABORT_WAIT: Duration = Duration::from_millis(500);

/// What stops the loop.
pub enum Shutdown {
    /// SIGTERM or SIGINT (the binary).
    Signals,
    /// When this future completes (tests, embedding).
    Future(Pin<Box<dyn Future<Output = ()> + Send>>),
}

impl fmt::Debug for Shutdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shutdown::Signals => f.write_str("Signals"),
            Shutdown::Future(_) => f.write_str("Future(..)"),
        }
    }
}

/// Called after every check with how it ended and how long it took, before
/// the result is published (e.g. to write CloudWatch EMF lines). It runs on
/// the loop's task: it must not block for long.
pub struct CheckHook(pub Box<CheckHookFn>);

/// The function a [`CheckHook`] holds.
pub type CheckHookFn = dyn FnMut(&CheckResult, Duration) + Send;

/// How a check ended: its report, or why there is none.
pub type CheckResult = Result<Report, CheckFailure>;

impl fmt::Debug for CheckHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CheckHook(..)")
    }
}

/// How watch mode runs.
#[derive(Debug)]
pub struct WatchOptions {
    /// Time between the starts of two checks (`--interval`, default 5 min).
    /// Must not be zero.
    pub interval: Duration,
    /// Where to serve `/metrics`, `/healthz`, `/readyz`, `/status`
    /// (`--listen`); no server when `None`. Port 0 picks a free port (see
    /// [`Watch::local_addr`]).
    pub listen: Option<SocketAddr>,
    /// A check still running after this is aborted and counted as failed.
    /// Must not be zero.
    pub check_deadline: Duration,
    /// What stops the loop.
    pub shutdown: Shutdown,
    /// Bounds of the HTTP server.
    pub http: HttpLimits,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            interval: DEFAULT_INTERVAL,
            listen: None,
            check_deadline: DEFAULT_CHECK_DEADLINE,
            shutdown: Shutdown::Signals,
            http: HttpLimits::default(),
        }
    }
}

/// Why watch mode could not start. Once running, it only stops on shutdown.
#[derive(Debug)]
#[non_exhaustive]
pub enum WatchError {
    /// The interval is zero.
    ZeroInterval,
    /// The check deadline is zero.
    ZeroCheckDeadline,
    /// The listen address could not be bound.
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The SIGTERM / SIGINT handlers could not be installed.
    Signals(std::io::Error),
}

impl fmt::Display for WatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WatchError::ZeroInterval => f.write_str("--interval must be greater than zero"),
            WatchError::ZeroCheckDeadline => {
                f.write_str("the check deadline must be greater than zero")
            }
            WatchError::Bind { addr, source } => {
                write!(f, "--listen {addr}: cannot listen: {source}")
            }
            WatchError::Signals(e) => write!(f, "cannot install SIGTERM/SIGINT handlers: {e}"),
        }
    }
}

impl std::error::Error for WatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WatchError::Bind { source, .. } => Some(source),
            WatchError::Signals(e) => Some(e),
            WatchError::ZeroInterval | WatchError::ZeroCheckDeadline => None,
        }
    }
}

/// What the loop did, returned after a clean shutdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchSummary {
    /// Checks by how they ended.
    pub checks: CheckCounters,
    /// The readiness at shutdown.
    pub readiness: Readiness,
}

/// Installs a `tracing` subscriber writing to stderr, filtered by `RUST_LOG`
/// (default `info`), with colour only on a terminal and never with
/// `NO_COLOR`. Does nothing if a subscriber is already installed.
pub fn init_tracing() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
}

/// Whether the loop is making progress (`/healthz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Liveness {
    Alive,
    Stalled,
    Stopped,
}

/// What the loop keeps under the lock: what it publishes, and its own
/// progress for `/healthz`.
struct State {
    published: Snapshot,
    last_progress: Instant,
    stopped: bool,
}

/// What the loop publishes and the server reads: cloned under the lock and
/// read without it (the report and its JSON are shared, not copied).
#[derive(Clone)]
struct Snapshot {
    readiness: Readiness,
    report: Option<Arc<Report>>,
    report_json: Option<Bytes>,
    stale: Staleness,
    counters: CheckCounters,
    last_check_unix: Option<f64>,
    last_report_unix: Option<f64>,
    last_check_duration: Option<Duration>,
}

struct Shared {
    state: Mutex<State>,
    stall_after: Duration,
}

impl Shared {
    fn new(stall_after: Duration) -> Shared {
        Shared {
            state: Mutex::new(State {
                published: Snapshot {
                    readiness: Readiness::Starting,
                    report: None,
                    report_json: None,
                    stale: Staleness::Fresh,
                    counters: CheckCounters::default(),
                    last_check_unix: None,
                    last_report_unix: None,
                    last_check_duration: None,
                },
                last_progress: Instant::now(),
                stopped: false,
            }),
            stall_after,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        // No code holding the lock can panic part-way through an update that
        // matters, so a poisoned lock's data is still consistent.
        let mut guard = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }

    fn snapshot(&self) -> Snapshot {
        self.with(|s| s.published.clone())
    }

    fn liveness(&self) -> Liveness {
        self.with(|s| {
            if s.stopped {
                Liveness::Stopped
            } else if s.last_progress.elapsed() > self.stall_after {
                Liveness::Stalled
            } else {
                Liveness::Alive
            }
        })
    }

    fn progress(&self) {
        self.with(|s| s.last_progress = Instant::now());
    }

    /// Records a finished check and logs what changed.
    fn record(&self, result: Result<Report, CheckFailure>, took: Duration) {
        let now_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .ok();
        let kind = CheckResultKind::of(&result);
        let next = Readiness::after(&result);
        // Serialise outside the lock: a large report should not delay scrapes.
        let prepared = match result {
            Ok(report) => match super::json::to_vec_pretty(&report) {
                Ok(mut json) => {
                    json.push(b'\n');
                    Ok((Arc::new(report), Bytes::from(json)))
                }
                Err(e) => Err(CheckFailure::Error(format!(
                    "cannot serialise the report: {e}"
                ))),
            },
            Err(f) => Err(f),
        };
        let (kind, next) = match &prepared {
            Ok(_) => (kind, next),
            Err(f) => (CheckResultKind::of(&Err(f.clone())), Readiness::CheckFailed),
        };
        let (previous_readiness, previous_report) = self.with(|state| {
            state.last_progress = Instant::now();
            let s = &mut state.published;
            let prev = (s.readiness, s.report.clone());
            s.counters.record(kind);
            s.readiness = next;
            s.last_check_unix = now_unix;
            s.last_check_duration = Some(took);
            match &prepared {
                Ok((report, json)) => {
                    s.report = Some(Arc::clone(report));
                    s.report_json = Some(json.clone());
                    s.last_report_unix = now_unix;
                    s.stale = Staleness::Fresh;
                }
                Err(_) => {
                    if s.report.is_some() {
                        s.stale = Staleness::Stale;
                    }
                }
            }
            prev
        });
        match &prepared {
            Ok((report, _)) => {
                for c in state::endpoint_changes(previous_report.as_deref(), report) {
                    let failure = c.failure.map_or("none", |f| f.as_str());
                    match c.direction() {
                        Direction::Better => {
                            tracing::info!(service = %c.service, host = %c.host, port = c.port, "endpoint reachable")
                        }
                        Direction::Worse => tracing::warn!(
                            service = %c.service, host = %c.host, port = c.port, failure,
                            reachable = reachability_name(c.to), "endpoint not reachable"
                        ),
                    }
                }
            }
            Err(f) => tracing::warn!(result = kind.as_str(), "{f}"),
        }
        if let Some(change) = state::status_change(previous_readiness, next) {
            match change.direction() {
                Direction::Better => {
                    tracing::info!(from = %change.from, to = %change.to, "status changed")
                }
                Direction::Worse => {
                    tracing::warn!(from = %change.from, to = %change.to, "status changed")
                }
            }
        } else {
            tracing::debug!(status = %next, took_ms = took.as_secs_f64() * 1000.0, "check finished, no change");
        }
    }
}

/// Watch mode, bound and ready to run: [`Watch::local_addr`] tells the
/// address actually listened on (useful with port 0).
pub struct Watch {
    options: WatchOptions,
    listener: Option<tokio::net::TcpListener>,
    signals: Option<Signals>,
    on_check: Option<CheckHook>,
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watch")
            .field("options", &self.options)
            .field("local_addr", &self.local_addr())
            .finish()
    }
}

struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Watch {
    /// Checks the options, installs the signal handlers (with
    /// [`Shutdown::Signals`]) and binds the listen address. Must be called
    /// inside a tokio runtime.
    pub async fn bind(options: WatchOptions) -> Result<Watch, WatchError> {
        if options.interval.is_zero() {
            return Err(WatchError::ZeroInterval);
        }
        if options.check_deadline.is_zero() {
            return Err(WatchError::ZeroCheckDeadline);
        }
        // Handlers first: from here on a SIGTERM is ours, not the default
        // "terminate at once".
        let signals = match options.shutdown {
            Shutdown::Signals => {
                use tokio::signal::unix::{SignalKind, signal};
                let term = signal(SignalKind::terminate()).map_err(WatchError::Signals)?;
                let int = signal(SignalKind::interrupt()).map_err(WatchError::Signals)?;
                Some(Signals { term, int })
            }
            Shutdown::Future(_) => None,
        };
        let listener = match options.listen {
            Some(addr) => Some(
                tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|source| WatchError::Bind { addr, source })?,
            ),
            None => None,
        };
        Ok(Watch {
            options,
            listener,
            signals,
            on_check: None,
        })
    }

    /// Calls `hook` after every check, before its result is published.
    #[must_use]
    pub fn on_check(mut self, hook: CheckHook) -> Watch {
        self.on_check = Some(hook);
        self
    }

    /// The address the server listens on, if any.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Runs the loop until shutdown. See the module docs for what it
    /// guarantees.
    pub async fn run<F, Fut>(self, mut check: F) -> WatchSummary
    where
        F: FnMut() -> Fut,
        Fut: Future + Send + 'static,
        Fut::Output: CheckOutput + Send + 'static,
    {
        let Watch {
            options,
            listener,
            signals,
            mut on_check,
        } = self;
        let stall_after = options
            .interval
            .saturating_add(options.check_deadline)
            .saturating_add(LIVENESS_SLACK);
        let shared = Arc::new(Shared::new(stall_after));
        let mut shutdown: Pin<Box<dyn Future<Output = ()> + Send>> =
            match (options.shutdown, signals) {
                (Shutdown::Future(f), _) => f,
                (Shutdown::Signals, Some(mut s)) => Box::pin(async move {
                    tokio::select! {
                        _ = s.term.recv() => tracing::info!("SIGTERM: stopping"),
                        _ = s.int.recv() => tracing::info!("SIGINT: stopping"),
                    }
                }),
                // Unreachable by construction (bind installs them); stop never.
                (Shutdown::Signals, None) => Box::pin(std::future::pending()),
            };

        let (stop_tx, stop_rx) = watch::channel(false);
        let server = listener.map(|l| {
            if let Ok(addr) = l.local_addr() {
                tracing::info!(%addr, "serving /metrics /healthz /readyz /status");
            }
            tokio::spawn(http::serve(l, Arc::clone(&shared), options.http, stop_rx))
        });

        tracing::info!(
            interval_s = options.interval.as_secs_f64(),
            check_deadline_s = options.check_deadline.as_secs_f64(),
            "watch mode started"
        );
        let mut ticker = tokio::time::interval(options.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        'watch: loop {
            tokio::select! {
                biased;
                _ = &mut shutdown => break 'watch,
                _ = ticker.tick() => {}
            }
            shared.progress();
            let started = Instant::now();
            let future = match std::panic::catch_unwind(AssertUnwindSafe(&mut check)) {
                Ok(f) => f,
                Err(payload) => {
                    finish(
                        &shared,
                        &mut on_check,
                        Err(CheckFailure::Panicked(panic_message(payload.as_ref()))),
                        started.elapsed(),
                    );
                    continue;
                }
            };
            let mut task = tokio::spawn(future);
            let result = tokio::select! {
                biased;
                _ = &mut shutdown => {
                    task.abort();
                    let _ = tokio::time::timeout(ABORT_WAIT, &mut task).await;
                    break 'watch;
                }
                joined = tokio::time::timeout(options.check_deadline, &mut task) => match joined {
                    Ok(Ok(output)) => output.into_check_result(),
                    Ok(Err(e)) if e.is_panic() => Err(CheckFailure::Panicked(panic_message(e.into_panic().as_ref()))),
                    Ok(Err(e)) => Err(CheckFailure::Error(format!("check task ended: {e}"))),
                    Err(_) => {
                        task.abort();
                        let _ = tokio::time::timeout(ABORT_WAIT, &mut task).await;
                        Err(CheckFailure::TimedOut(options.check_deadline))
                    }
                },
            };
            finish(&shared, &mut on_check, result, started.elapsed());
        }

        shared.with(|s| s.stopped = true);
        let _ = stop_tx.send(true);
        if let Some(mut server) = server {
            // serve() bounds its own drain by shutdown_grace; this is the backstop.
            let bound = options
                .http
                .shutdown_grace
                .saturating_add(Duration::from_secs(1));
            if tokio::time::timeout(bound, &mut server).await.is_err() {
                server.abort();
            }
        }
        let summary = shared.with(|s| WatchSummary {
            checks: s.published.counters,
            readiness: s.published.readiness,
        });
        tracing::info!(
            checks = summary.checks.total(),
            failed = summary.checks.failed(),
            "watch mode stopped"
        );
        summary
    }
}

/// Binds as [`Watch::bind`] and runs as [`Watch::run`]: checks at start-up
/// and every interval until SIGTERM/SIGINT (or the shutdown future).
pub async fn run_watch<F, Fut>(options: WatchOptions, check: F) -> Result<WatchSummary, WatchError>
where
    F: FnMut() -> Fut,
    Fut: Future + Send + 'static,
    Fut::Output: CheckOutput + Send + 'static,
{
    Ok(Watch::bind(options).await?.run(check).await)
}

/// Hands a finished check to the hook, then publishes it.
fn finish(
    shared: &Shared,
    hook: &mut Option<CheckHook>,
    result: Result<Report, CheckFailure>,
    took: Duration,
) {
    if let Some(hook) = hook {
        (hook.0)(&result, took);
    }
    shared.record(result, took);
}

/// The report's JSON spelling of a reachability, for log fields.
fn reachability_name(r: netready_core::report::Reachability) -> &'static str {
    use netready_core::report::Reachability;
    match r {
        Reachability::Reachable => "true",
        Reachability::Unreachable => "false",
        Reachability::Unknown => "null",
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::{Method, StatusCode};
    use netready_core::report::ReportKind;

    fn ready_report() -> Report {
        let mut r = Report::new(ReportKind::Probe, None);
        r.finish();
        r
    }

    #[test]
    fn before_the_first_check() {
        let shared = Shared::new(Duration::from_secs(60));
        let r = http::respond(&Method::GET, "/readyz", &shared);
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        let r = http::respond(&Method::GET, "/status", &shared);
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        let r = http::respond(&Method::GET, "/healthz", &shared);
        assert_eq!(r.status(), StatusCode::OK);
        let r = http::respond(&Method::GET, "/metrics", &shared);
        assert_eq!(r.status(), StatusCode::OK);
    }

    #[test]
    fn healthz_fails_when_the_loop_stalls_or_stops() {
        let shared = Shared::new(Duration::ZERO);
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(shared.liveness(), Liveness::Stalled);
        let r = http::respond(&Method::GET, "/healthz", &shared);
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        let shared = Shared::new(Duration::from_secs(60));
        shared.with(|s| s.stopped = true);
        let r = http::respond(&Method::HEAD, "/healthz", &shared);
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn a_failed_check_keeps_the_report_and_marks_it_stale() {
        let shared = Shared::new(Duration::from_secs(60));
        shared.record(Ok(ready_report()), Duration::from_millis(3));
        assert_eq!(
            http::respond(&Method::GET, "/readyz", &shared).status(),
            StatusCode::OK
        );
        shared.record(
            Err(CheckFailure::Panicked("boom".into())),
            Duration::from_millis(1),
        );
        assert_eq!(
            http::respond(&Method::GET, "/readyz", &shared).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        let r = http::respond(&Method::GET, "/status", &shared);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()
                .get("netready-report-stale")
                .map(|v| v.as_bytes()),
            Some(&b"true"[..])
        );
        let snap = shared.snapshot();
        assert_eq!(snap.readiness, Readiness::CheckFailed);
        assert_eq!(snap.counters.count(CheckResultKind::Panic), 1);
        assert_eq!(snap.counters.count(CheckResultKind::Ready), 1);
    }

    #[test]
    fn routing() {
        let shared = Shared::new(Duration::from_secs(60));
        assert_eq!(
            http::respond(&Method::GET, "/x", &shared).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            http::respond(&Method::POST, "/x", &shared).status(),
            StatusCode::NOT_FOUND
        );
        let r = http::respond(&Method::POST, "/metrics", &shared);
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            r.headers().get("allow").map(|v| v.as_bytes()),
            Some(&b"GET, HEAD"[..])
        );
    }

    #[test]
    fn panic_messages() {
        assert_eq!(panic_message(&"static"), "static");
        assert_eq!(panic_message(&String::from("owned")), "owned");
        assert_eq!(panic_message(&42u8), "(non-string panic payload)");
    }
}
