//! The `--listen` HTTP server: `/metrics`, `/healthz`, `/readyz`, `/status`.
//!
//! Guarantees:
//! * HTTP/1.1 (and 1.0) only, through hyper; request heads are bounded by
//!   [`HttpLimits::max_buf_size`] and must arrive within
//!   [`HttpLimits::header_read_timeout`]; a connection lives at most
//!   [`HttpLimits::connection_deadline`], so a slow or silent client cannot
//!   pin the server; at most [`HttpLimits::max_connections`] are served at
//!   once, further ones are closed at accept;
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
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

/// Bounds of the HTTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Connections served at once; more are closed as soon as accepted.
    pub max_connections: usize,
    /// Largest request head hyper buffers, in bytes (hyper's minimum is 8192).
    pub max_buf_size: usize,
    /// Time for a request head to arrive.
    pub header_read_timeout: Duration,
    /// Longest life of one connection, keep-alive included.
    pub connection_deadline: Duration,
    /// How long open connections may finish after shutdown starts.
    pub shutdown_grace: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            max_connections: 64,
            max_buf_size: 16 * 1024,
            header_read_timeout: Duration::from_secs(5),
            connection_deadline: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(1),
        }
    }
}

/// Accepts and serves until `stop` turns true (or its sender is gone).
pub(super) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    limits: HttpLimits,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            _ = stopped(&mut stop) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
                        tracing::debug!(%peer, "too many connections: closing at accept");
                        drop(stream);
                        continue;
                    };
                    let shared = Arc::clone(&shared);
                    let stop = stop.clone();
                    connections.spawn(async move {
                        serve_connection(stream, shared, limits, stop).await;
                        drop(slot);
                    });
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
) {
    let service = service_fn(move |req: Request<Incoming>| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(respond(req.method(), req.uri().path(), &shared)) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_buf_size)
        .serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    let deadline = tokio::time::sleep(limits.connection_deadline);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(error = %e, "http connection ended with an error");
            }
        }
        _ = deadline => tracing::debug!("http connection reached its deadline"),
        _ = stopped(&mut stop) => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(limits.shutdown_grace, conn.as_mut()).await;
        }
    }
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
