//! The `--listen` HTTP server: `/metrics`, `/healthz`, `/readyz`, `/status`.
//!
//! Guarantees:
//! * HTTP/1.1 (and 1.0) only, through hyper; request heads are bounded by
//!   [`HttpLimits::max_buf_size`];
//! * anyone who can reach the port cannot make it stop answering: a request
//!   head must be complete within [`HttpLimits::header_read_timeout`] of the
//!   connection being accepted (slowloris), a kept-alive connection may wait
//!   [`HttpLimits::idle_timeout`] for its next request, a connection lives at
//!   most [`HttpLimits::connection_deadline`]; and when
//!   [`HttpLimits::max_connections`] are open, a new connection evicts one:
//!   the oldest that has not finished its first request head, else the one
//!   idle the longest between requests, else the oldest of all. So the
//!   newest connection (a monitor's poll, which sends its request at once)
//!   is served however many idle, slow or kept-alive clients there are;
//! * request bodies are never read; answers are built from a snapshot of the
//!   shared state, so a scrape never waits on a running check;
//! * `GET` and `HEAD` only (405 with `Allow` otherwise), 404 for unknown
//!   paths; every answer is `Cache-Control: no-store`;
//! * on shutdown it stops accepting at once, lets open connections finish
//!   for [`HttpLimits::shutdown_grace`], then drops them.
//!
//! Not done here: TLS, authentication (bind to a private address), HTTP/2.

use super::Shared;
use super::metrics::{self, MetricsInput, ProcessStats};
use super::state::ReadyAnswer;
use http_body_util::Full;
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

/// Bounds of the HTTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Connections open at once; when full, a new one evicts an idle or
    /// unfinished one (see the module docs).
    pub max_connections: usize,
    /// Largest request head hyper buffers, in bytes (hyper's minimum is 8192).
    pub max_buf_size: usize,
    /// Time for the first request head to arrive, complete, after accept.
    pub header_read_timeout: Duration,
    /// Time a kept-alive connection may wait for its next request head,
    /// complete, after an answer.
    pub idle_timeout: Duration,
    /// Longest life of one connection, keep-alive included.
    pub connection_deadline: Duration,
    /// How long open connections may finish after shutdown starts.
    pub shutdown_grace: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            // Monitoring needs a handful; the cap only bounds descriptors
            // (the dialler keeps this many back in watch mode).
            max_connections: 256,
            max_buf_size: 16 * 1024,
            header_read_timeout: Duration::from_secs(2),
            idle_timeout: Duration::from_secs(5),
            connection_deadline: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(1),
        }
    }
}

/// Where a connection is in its life, for timeouts and eviction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Accepted; its first request head has not arrived complete.
    AwaitingFirst,
    /// Answered at least once; waiting for the next request head.
    AwaitingNext,
    /// A request is being answered.
    Serving,
}

#[derive(Debug)]
struct Conn {
    phase: Phase,
    /// When it entered `phase`.
    since: Instant,
    /// Its task, once spawned.
    abort: Option<AbortHandle>,
}

/// The open connections.
#[derive(Debug, Default)]
struct Registry {
    conns: Mutex<HashMap<u64, Conn>>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Conn>> {
        // No code holding the lock panics; the map stays consistent.
        self.conns.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers connection `id` (its first request head awaited) and, when
    /// that makes more than `max`, takes out the one to evict.
    fn admit(&self, id: u64, max: usize) -> Option<AbortHandle> {
        let mut conns = self.lock();
        let victim = if conns.len() >= max.max(1) {
            conns
                .iter()
                .min_by_key(|(_, c)| (c.phase, c.since))
                .map(|(id, _)| *id)
                .and_then(|v| conns.remove(&v))
                .and_then(|c| c.abort)
        } else {
            None
        };
        conns.insert(
            id,
            Conn {
                phase: Phase::AwaitingFirst,
                since: Instant::now(),
                abort: None,
            },
        );
        victim
    }

    /// Records the task of `id`, unless it is already gone (finished or
    /// evicted): then it is aborted, in case it still runs.
    fn started(&self, id: u64, abort: AbortHandle) {
        match self.lock().get_mut(&id) {
            Some(c) => c.abort = Some(abort),
            None => abort.abort(),
        }
    }

    fn set(&self, id: u64, phase: Phase) {
        if let Some(c) = self.lock().get_mut(&id) {
            c.phase = phase;
            c.since = Instant::now();
        }
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// When `id`'s current wait runs out (`None`: it is being served, or
    /// gone).
    fn wait_ends(&self, id: u64, limits: &HttpLimits) -> Option<Instant> {
        let conns = self.lock();
        let c = conns.get(&id)?;
        match c.phase {
            Phase::AwaitingFirst => Some(c.since + limits.header_read_timeout),
            Phase::AwaitingNext => Some(c.since + limits.idle_timeout),
            Phase::Serving => None,
        }
    }
}

/// Takes a connection out of the registry when its task ends, however.
struct Deregister {
    id: u64,
    registry: Arc<Registry>,
}

impl Drop for Deregister {
    fn drop(&mut self) {
        self.registry.remove(self.id);
    }
}

/// An answer's body that marks its connection as waiting for the next
/// request once hyper has written it (and dropped it).
struct Tracked {
    inner: Full<Bytes>,
    _answered: Answered,
}

struct Answered {
    id: u64,
    registry: Arc<Registry>,
}

impl Drop for Answered {
    fn drop(&mut self) {
        self.registry.set(self.id, Phase::AwaitingNext);
    }
}

impl Body for Tracked {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Accepts and serves until `stop` turns true (or its sender is gone).
pub(super) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    limits: HttpLimits,
    mut stop: watch::Receiver<bool>,
) {
    let registry = Arc::new(Registry::default());
    let mut next_id = 0u64;
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            _ = stopped(&mut stop) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    next_id += 1;
                    let id = next_id;
                    if let Some(victim) = registry.admit(id, limits.max_connections) {
                        tracing::debug!(%peer, "connections full: evicting an idle or unfinished one");
                        victim.abort();
                    }
                    let (shared, stop, gone) = (Arc::clone(&shared), stop.clone(), Deregister { id, registry: Arc::clone(&registry) });
                    let abort = connections.spawn(async move {
                        serve_connection(stream, shared, limits, stop, gone).await;
                    });
                    registry.started(id, abort);
                }
                Err(e) => {
                    // EMFILE and friends: back off briefly instead of spinning;
                    // the loop itself is unaffected.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    shared: Arc<Shared>,
    limits: HttpLimits,
    mut stop: watch::Receiver<bool>,
    gone: Deregister,
) {
    let (id, registry) = (gone.id, Arc::clone(&gone.registry));
    let service = {
        let registry = Arc::clone(&registry);
        service_fn(move |req: Request<Incoming>| {
            registry.set(id, Phase::Serving);
            let answered = Answered {
                id,
                registry: Arc::clone(&registry),
            };
            let shared = Arc::clone(&shared);
            async move {
                let r = respond(req.method(), req.uri().path(), &shared);
                Ok::<_, Infallible>(r.map(|inner| Tracked {
                    inner,
                    _answered: answered,
                }))
            }
        })
    };
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout.max(limits.idle_timeout))
        .max_buf_size(limits.max_buf_size)
        .serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    let deadline = Instant::now() + limits.connection_deadline;
    loop {
        // The phase changes while hyper runs; the timer is set again each
        // turn from the current one.
        let wake = registry
            .wait_ends(id, &limits)
            .map_or(deadline, |w| w.min(deadline));
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "http connection ended with an error");
                }
                break;
            }
            () = tokio::time::sleep_until(wake) => {
                let now = Instant::now();
                if now >= deadline {
                    tracing::debug!("http connection reached its deadline");
                    break;
                }
                if registry.wait_ends(id, &limits).is_some_and(|w| now >= w) {
                    tracing::debug!("http connection idle or unfinished for too long");
                    break;
                }
            }
            _ = stopped(&mut stop) => {
                conn.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(limits.shutdown_grace, conn.as_mut()).await;
                break;
            }
        }
    }
    drop(gone);
}

/// Resolves once `stop` is true or its sender is gone; the borrow guard of
/// `wait_for` is dropped here, so callers stay `Send`.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

fn plain(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    with_type(
        status,
        "text/plain; charset=utf-8",
        Bytes::from_static(body.as_bytes()),
    )
}

fn with_type(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The `/readyz` body for each readiness (a constant, so no allocation).
fn readiness_body(r: super::state::Readiness) -> &'static str {
    use super::state::Readiness;
    use netready_core::report::Status;
    match r {
        Readiness::Starting => "starting: no check has finished yet\n",
        Readiness::Checked(Status::Ready) => "ready\n",
        Readiness::Checked(Status::Degraded) => "degraded\n",
        Readiness::Checked(Status::Unknown) => "unknown: something could not be verified\n",
        Readiness::CheckFailed => "check_failed: the latest check produced no report\n",
    }
}

/// The answer to one request. `HEAD` is answered like `GET`; hyper leaves
/// the body out and keeps `Content-Length`.
pub(super) fn respond(method: &Method, path: &str, shared: &Shared) -> Response<Full<Bytes>> {
    const PATHS: [&str; 4] = ["/metrics", "/healthz", "/readyz", "/status"];
    if !PATHS.contains(&path) {
        return plain(
            StatusCode::NOT_FOUND,
            "not found: try /metrics, /healthz, /readyz or /status\n",
        );
    }
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed: use GET or HEAD\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let snap = shared.snapshot();
    match path {
        "/metrics" => {
            let text = metrics::render(&MetricsInput {
                report: snap.report.as_deref(),
                stale: snap.stale,
                checks: &snap.counters,
                last_check_unix: snap.last_check_unix,
                last_report_unix: snap.last_report_unix,
                last_check_duration: snap.last_check_duration,
                process: ProcessStats::read(),
            });
            with_type(
                StatusCode::OK,
                "text/plain; version=0.0.4; charset=utf-8",
                Bytes::from(text),
            )
        }
        "/healthz" => match shared.liveness() {
            super::Liveness::Alive => plain(StatusCode::OK, "ok\n"),
            super::Liveness::Stalled => plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "stalled: the check loop made no progress\n",
            ),
            super::Liveness::Stopped => plain(StatusCode::SERVICE_UNAVAILABLE, "stopping\n"),
        },
        "/readyz" => {
            let body = readiness_body(snap.readiness);
            match snap.readiness.probe_answer() {
                ReadyAnswer::Ready => plain(StatusCode::OK, body),
                ReadyAnswer::NotReady => plain(StatusCode::SERVICE_UNAVAILABLE, body),
            }
        }
        _ => match snap.report_json {
            Some(json) => {
                let mut r = with_type(StatusCode::OK, "application/json", json);
                let stale = match snap.stale {
                    metrics::Staleness::Fresh => "false",
                    metrics::Staleness::Stale => "true",
                };
                r.headers_mut()
                    .insert("netready-report-stale", HeaderValue::from_static(stale));
                r
            }
            None => plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "no report yet: the first check has not finished\n",
            ),
        },
    }
}
