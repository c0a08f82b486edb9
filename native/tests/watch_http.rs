//! Watch mode over real HTTP on 127.0.0.1: `run_watch` with a fake check
//! whose result the test flips, asserting what `/readyz`, `/status`,
//! `/metrics` and `/healthz` answer, that failing, panicking and hanging
//! checks never stop the loop, that the server's bounds hold against bad
//! clients, and that shutdown is clean and bounded.

// The fake check panics on purpose; helpers fail the test by panicking.
#![allow(clippy::panic)]

mod watch_support;

use netready::probe::watch::{HttpLimits, Shutdown, WatchError, WatchOptions, run_watch};
use netready_core::Report;
use netready_core::report::{EndpointReport, FailureCode, Reachability, ReportKind};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use watch_support::*;

const READY: u8 = 0;
const DEGRADED: u8 = 1;
const PANIC: u8 = 2;
const HANG: u8 = 3;
const PANIC_BEFORE_FUTURE: u8 = 4;
const ERROR: u8 = 5;

/// A report whose `region` carries the check number, so the test can tell
/// which check `/status` shows.
fn report(n: u64, reachable: Reachability) -> Report {
    let mut r = Report::new(ReportKind::Probe, Some(format!("check-{n}")));
    r.endpoints = vec![
        EndpointReport {
            service: "logs".into(),
            host: "logs.us-east-1.amazonaws.com".into(),
            port: 443,
            access_type: None,
            reachable,
            failure: (reachable == Reachability::Unreachable).then_some(FailureCode::TcpRefused),
            addresses: Vec::new(),
            hints: Vec::new(),
            dns: None,
            tls: None,
        },
        EndpointReport {
            service: "custom".into(),
            host: "we\"ird\\host\nname".into(),
            port: 8443,
            access_type: None,
            reachable: Reachability::Reachable,
            failure: None,
            addresses: Vec::new(),
            hints: Vec::new(),
            dns: None,
            tls: None,
        },
    ];
    r.finish();
    r
}

/// A watch running on a free loopback port with a check driven by `mode`.
struct Running {
    addr: SocketAddr,
    mode: Arc<AtomicU8>,
    calls: Arc<AtomicU64>,
    stop: Option<oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<Result<netready::probe::watch::WatchSummary, WatchError>>,
}

async fn start(interval: Duration, check_deadline: Duration, http: HttpLimits) -> Running {
    let mode = Arc::new(AtomicU8::new(READY));
    let calls = Arc::new(AtomicU64::new(0));
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let options = WatchOptions {
        interval,
        listen: Some("127.0.0.1:0".parse().expect("literal address")),
        check_deadline,
        shutdown: Shutdown::Future(Box::pin(async move {
            let _ = stop_rx.await;
        })),
        http,
    };
    let watch = netready::probe::watch::Watch::bind(options)
        .await
        .expect("bind 127.0.0.1:0");
    let addr = watch.local_addr().expect("listening");
    let (m, c) = (Arc::clone(&mode), Arc::clone(&calls));
    let handle = tokio::spawn(async move {
        Ok(watch
            .run(move || {
                let n = c.fetch_add(1, Ordering::SeqCst);
                let mode = m.load(Ordering::SeqCst);
                if mode == PANIC_BEFORE_FUTURE {
                    panic!("panic while creating the check");
                }
                async move {
                    match mode {
                        READY => Ok(report(n, Reachability::Reachable)),
                        DEGRADED => Ok(report(n, Reachability::Unreachable)),
                        PANIC => panic!("check {n} panicked"),
                        HANG => {
                            std::future::pending::<()>().await;
                            unreachable!()
                        }
                        _ => Err(format!("check {n} failed")),
                    }
                }
            })
            .await)
    });
    Running {
        addr,
        mode,
        calls,
        stop: Some(stop_tx),
        handle,
    }
}

impl Running {
    async fn shutdown_within(mut self, bound: Duration) -> netready::probe::watch::WatchSummary {
        let t = Instant::now();
        let _ = self.stop.take().expect("stopped once").send(());
        let summary = tokio::time::timeout(bound, self.handle)
            .await
            .expect("run_watch returns within its bound after shutdown")
            .expect("watch task did not panic")
            .expect("watch ran");
        eprintln!("shutdown took {:?}", t.elapsed());
        summary
    }
}

fn status_of(a: &Answer) -> String {
    let v: serde_json::Value = serde_json::from_str(&a.body).expect("/status is JSON");
    v["status"].as_str().expect("status is a string").to_owned()
}

fn metrics(a: &Answer) -> Vec<Sample> {
    assert_eq!(a.status, 200);
    assert_eq!(
        a.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    match parse_exposition(&a.body) {
        Ok(s) => s,
        Err(e) => panic!("/metrics does not parse: {e}\n{}", a.body),
    }
}

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_flips_200_503_200_and_status_serves_the_latest_report() {
    let w = start(
        Duration::from_millis(50),
        Duration::from_secs(5),
        HttpLimits::default(),
    )
    .await;
    let a = wait_until(w.addr, "/readyz", WAIT, |a| a.status == 200).await;
    assert_eq!(a.body, "ready\n");
    assert_eq!(get(w.addr, "/healthz").await.status, 200);

    let s = get(w.addr, "/status").await;
    assert_eq!(s.status, 200);
    assert_eq!(s.header("content-type"), Some("application/json"));
    assert_eq!(s.header("netready-report-stale"), Some("false"));
    assert_eq!(status_of(&s), "ready");
    let json: serde_json::Value = serde_json::from_str(&s.body).expect("JSON");
    assert_eq!(json["schema"], "netready.report/v1");
    // The served JSON is a netready.report/v1 report that core reads back.
    let _: Report = serde_json::from_str(&s.body).expect("core parses /status");

    let m = metrics(&get(w.addr, "/metrics").await);
    assert_eq!(
        value_of(&m, "netready_status", &[("status", "ready")]),
        Some(1.0)
    );
    assert_eq!(
        value_of(
            &m,
            "netready_endpoint_up",
            &[("service", "custom"), ("host", "we\"ird\\host\nname")]
        ),
        Some(1.0),
        "label escaping round-trips through a strict parser"
    );
    assert!(value_of(&m, "netready_last_check_timestamp_seconds", &[]).is_some_and(|t| t > 1.7e9));

    w.mode.store(DEGRADED, Ordering::SeqCst);
    let a = wait_until(w.addr, "/readyz", WAIT, |a| a.status == 503).await;
    assert_eq!(a.body, "degraded\n");
    // The latest report: degraded, and from a check at least as recent as
    // the one /readyz just reported.
    let s = get(w.addr, "/status").await;
    assert_eq!(status_of(&s), "degraded");
    let m = metrics(&get(w.addr, "/metrics").await);
    assert_eq!(
        value_of(&m, "netready_status", &[("status", "degraded")]),
        Some(1.0)
    );
    assert_eq!(
        value_of(&m, "netready_status", &[("status", "ready")]),
        Some(0.0)
    );
    assert_eq!(
        value_of(
            &m,
            "netready_endpoint_up",
            &[("service", "logs"), ("access_type", "none")]
        ),
        Some(0.0)
    );
    assert_eq!(
        value_of(
            &m,
            "netready_endpoint_failure",
            &[("service", "logs"), ("failure", "tcp_refused")]
        ),
        Some(1.0)
    );
    assert!(
        value_of(&m, "netready_checks_total", &[("result", "degraded")]).is_some_and(|v| v >= 1.0)
    );

    w.mode.store(READY, Ordering::SeqCst);
    wait_until(w.addr, "/readyz", WAIT, |a| a.status == 200).await;
    let s = get(w.addr, "/status").await;
    assert_eq!(status_of(&s), "ready");
    let n = w.calls.load(Ordering::SeqCst);
    let region =
        serde_json::from_str::<serde_json::Value>(&s.body).expect("JSON")["region"].clone();
    let served: u64 = region
        .as_str()
        .and_then(|r| r.strip_prefix("check-"))
        .and_then(|n| n.parse().ok())
        .expect("region");
    assert!(
        served + 2 >= n,
        "/status shows check {served}, {n} checks started: it must be the latest"
    );

    let summary = w.shutdown_within(Duration::from_secs(3)).await;
    assert!(summary.checks.total() >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_panicking_and_hanging_checks_never_stop_the_loop() {
    let w = start(
        Duration::from_millis(30),
        Duration::from_millis(200),
        HttpLimits::default(),
    )
    .await;
    wait_until(w.addr, "/readyz", WAIT, |a| a.status == 200).await;

    for (mode, result, body) in [
        (
            PANIC,
            "panic",
            "check_failed: the latest check produced no report\n",
        ),
        (
            PANIC_BEFORE_FUTURE,
            "panic",
            "check_failed: the latest check produced no report\n",
        ),
        (
            ERROR,
            "error",
            "check_failed: the latest check produced no report\n",
        ),
        (
            HANG,
            "timeout",
            "check_failed: the latest check produced no report\n",
        ),
    ] {
        let before = value_of(
            &metrics(&get(w.addr, "/metrics").await),
            "netready_checks_total",
            &[("result", result)],
        )
        .expect("counter present");
        w.mode.store(mode, Ordering::SeqCst);
        let a = wait_until(w.addr, "/readyz", WAIT, |a| a.status == 503).await;
        assert_eq!(a.body, body, "mode {mode}");
        wait_until(w.addr, "/metrics", WAIT, |a| {
            parse_exposition(&a.body)
                .ok()
                .and_then(|m| value_of(&m, "netready_checks_total", &[("result", result)]))
                .is_some_and(|v| v > before)
        })
        .await;
        // The last good report stays served, marked stale.
        let s = get(w.addr, "/status").await;
        assert_eq!(s.status, 200);
        assert_eq!(s.header("netready-report-stale"), Some("true"));
        assert_eq!(status_of(&s), "ready");
        let m = metrics(&get(w.addr, "/metrics").await);
        assert_eq!(value_of(&m, "netready_report_stale", &[]), Some(1.0));
        assert_eq!(
            get(w.addr, "/healthz").await.status,
            200,
            "the loop is alive"
        );

        w.mode.store(READY, Ordering::SeqCst);
        wait_until(w.addr, "/readyz", WAIT, |a| a.status == 200).await;
        let s = get(w.addr, "/status").await;
        assert_eq!(s.header("netready-report-stale"), Some("false"));
    }
    let summary = w.shutdown_within(Duration::from_secs(3)).await;
    assert!(summary.checks.failed() >= 4, "{summary:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_is_bounded_with_a_hanging_check_and_a_silent_client() {
    // The check hangs far beyond the shutdown bound; a client holds a
    // connection open mid-request.
    let w = start(
        Duration::from_millis(10),
        Duration::from_secs(3600),
        HttpLimits::default(),
    )
    .await;
    wait_until(w.addr, "/readyz", WAIT, |a| a.status == 200).await;
    w.mode.store(HANG, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut silent = tokio::net::TcpStream::connect(w.addr)
        .await
        .expect("connect");
    tokio::io::AsyncWriteExt::write_all(&mut silent, b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    // And one idle keep-alive connection.
    let _idle = tokio::net::TcpStream::connect(w.addr)
        .await
        .expect("connect");
    let summary = w.shutdown_within(Duration::from_secs(3)).await;
    assert!(summary.checks.total() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_edges_404_405_head_bounds_and_slow_clients() {
    let limits = HttpLimits {
        max_connections: 4,
        header_read_timeout: Duration::from_millis(300),
        connection_deadline: Duration::from_secs(2),
        ..HttpLimits::default()
    };
    let w = start(Duration::from_millis(50), Duration::from_secs(5), limits).await;
    wait_until(w.addr, "/readyz", WAIT, |a| a.status == 200).await;

    assert_eq!(get(w.addr, "/nope").await.status, 404);
    assert_eq!(get(w.addr, "/").await.status, 404);
    assert_eq!(
        get(w.addr, "/metrics?name=x").await.status,
        200,
        "query strings are ignored"
    );
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let a = request(w.addr, method, "/readyz").await.expect("answer");
        assert_eq!(a.status, 405, "{method}");
        assert_eq!(a.header("allow"), Some("GET, HEAD"));
    }
    let head = request(w.addr, "HEAD", "/status").await.expect("answer");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    let len: usize = head
        .header("content-length")
        .and_then(|l| l.parse().ok())
        .expect("content-length");
    assert!(len > 100, "HEAD keeps the length of the GET body");
    assert_eq!(
        get(w.addr, "/status").await.header("cache-control"),
        Some("no-store")
    );

    // Oversized head: refused (431) or closed, never served.
    let huge = format!(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    if let Ok(a) = raw_request(w.addr, huge.as_bytes()).await {
        assert_ne!(a.status, 200, "an oversized head must not be served");
    }

    // A client that never finishes its head is dropped after the header
    // read timeout, not held.
    let t = Instant::now();
    let mut slow = tokio::net::TcpStream::connect(w.addr)
        .await
        .expect("connect");
    tokio::io::AsyncWriteExt::write_all(&mut slow, b"GET /metrics HTTP/1.1\r\n")
        .await
        .expect("write");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::io::AsyncReadExt::read_to_end(&mut slow, &mut buf),
    )
    .await;
    assert!(read.is_ok(), "the server closes a slow client");
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "closed after {:?}",
        t.elapsed()
    );

    // More silent connections than slots: the server keeps answering while
    // they are held (a new connection evicts the oldest unfinished one).
    let mut hogs = Vec::new();
    for _ in 0..8 {
        hogs.push(
            tokio::net::TcpStream::connect(w.addr)
                .await
                .expect("connect"),
        );
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(get(w.addr, "/healthz").await.status, 200);
    drop(hogs);
    wait_until(w.addr, "/healthz", WAIT, |a| a.status == 200).await;

    w.shutdown_within(Duration::from_secs(3)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_options_and_busy_ports_are_errors_not_panics() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let never = || Box::pin(std::future::pending::<()>());
    let e = run_watch(
        WatchOptions {
            listen: Some(addr),
            shutdown: Shutdown::Future(never()),
            ..WatchOptions::default()
        },
        || async { report(0, Reachability::Reachable) },
    )
    .await
    .expect_err("port in use");
    assert!(matches!(e, WatchError::Bind { .. }), "{e}");
    assert!(e.to_string().contains(&addr.to_string()), "{e}");

    let e = run_watch(
        WatchOptions {
            interval: Duration::ZERO,
            shutdown: Shutdown::Future(never()),
            ..WatchOptions::default()
        },
        || async { report(0, Reachability::Reachable) },
    )
    .await
    .expect_err("zero interval");
    assert!(matches!(e, WatchError::ZeroInterval), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_listen_the_loop_still_runs_and_stops() {
    let calls = Arc::new(AtomicU64::new(0));
    let c = Arc::clone(&calls);
    let (tx, rx) = oneshot::channel::<()>();
    let options = WatchOptions {
        interval: Duration::from_millis(10),
        shutdown: Shutdown::Future(Box::pin(async move {
            let _ = rx.await;
        })),
        ..WatchOptions::default()
    };
    let h = tokio::spawn(run_watch(options, move || {
        let n = c.fetch_add(1, Ordering::SeqCst);
        async move { report(n, Reachability::Reachable) }
    }));
    let start = Instant::now();
    // Six started: the sixth may be cut short by the shutdown, the first
    // five have finished (checks run one after another).
    while calls.load(Ordering::SeqCst) < 6 && start.elapsed() < WAIT {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = tx.send(());
    let summary = tokio::time::timeout(Duration::from_secs(2), h)
        .await
        .expect("bounded")
        .expect("no panic")
        .expect("ran");
    assert!(
        summary.checks.total() >= 5,
        "{} checks finished of {} started",
        summary.checks.total(),
        calls.load(Ordering::SeqCst)
    );
}

/// How long one `/healthz` poll may take under attack: generous for a
/// loaded 2-core machine; the server answers in a millisecond or two.
const POLL_DEADLINE: Duration = Duration::from_secs(2);

/// A hostile client's pause before it connects again: 500 clients then
/// open about 1,000 connections a second, so the server stays past its cap
/// and evicts all the time. (They share this process's two cores with the
/// server: reconnecting at once, their churn alone overflows the accept
/// queue, and a dropped SYN costs any client a second, which says nothing
/// of the server.)
const RECONNECT_PAUSE: Duration = Duration::from_millis(500);

/// Connects, sends nothing, and reconnects when the server closes.
async fn idle_client(addr: SocketAddr, stop: Arc<AtomicBool>) {
    use tokio::io::AsyncReadExt;
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(RECONNECT_PAUSE).await;
        let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let mut buf = [0u8; 64];
        let _ = tokio::time::timeout(Duration::from_secs(60), s.read(&mut buf)).await;
    }
}

/// Sends a request head one byte every 100 ms, never finishing it;
/// reconnects when closed.
async fn slowloris(addr: SocketAddr, stop: Arc<AtomicBool>) {
    use tokio::io::AsyncWriteExt;
    let head = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(RECONNECT_PAUSE).await;
        let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        for b in head.iter().cycle() {
            if stop.load(Ordering::Relaxed) || s.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Asks for `/healthz` on a kept-alive connection, then stays idle on it
/// for a second, again and again; reconnects when closed.
async fn keep_alive(addr: SocketAddr, stop: Arc<AtomicBool>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(RECONNECT_PAUSE).await;
        let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        loop {
            if stop.load(Ordering::Relaxed)
                || s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                    .await
                    .is_err()
            {
                break;
            }
            let mut got = Vec::new();
            let mut buf = [0u8; 512];
            let answered = loop {
                match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
                    Ok(Ok(n)) if n > 0 => {
                        got.extend_from_slice(&buf[..n]);
                        if got.ends_with(b"\r\n\r\nok\n") {
                            break true;
                        }
                    }
                    _ => break false,
                }
            };
            if !answered {
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// Issue 13, case 9: hundreds of idle, slowloris and kept-alive clients,
/// together twice the connection cap and each reconnecting as soon as it is
/// closed, while `/healthz` is polled from a new connection ten times a
/// second: every poll is answered, within [`POLL_DEADLINE`]. (With a cap of
/// 64 closed at accept and 5 s to send a head, 64 idle connections took
/// `/readyz` and `/healthz` down.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_keeps_answering_under_hundreds_of_hostile_clients() {
    // Descriptors: 500 clients and as many server ends in this process.
    netready::probe::dial::connection_slots(true);
    let w = start(
        Duration::from_millis(200),
        Duration::from_secs(5),
        HttpLimits::default(),
    )
    .await;
    wait_until(w.addr, "/healthz", WAIT, |a| a.status == 200).await;
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..300 {
        clients.spawn(idle_client(w.addr, Arc::clone(&stop)));
    }
    for _ in 0..100 {
        clients.spawn(slowloris(w.addr, Arc::clone(&stop)));
    }
    for _ in 0..100 {
        clients.spawn(keep_alive(w.addr, Arc::clone(&stop)));
    }
    // Let them fill the server past its cap.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut worst = Duration::ZERO;
    for i in 0..50 {
        let t = Instant::now();
        let polled = tokio::time::timeout(POLL_DEADLINE, request(w.addr, "GET", "/healthz")).await;
        let took = t.elapsed();
        match polled {
            Ok(Ok(a)) => assert_eq!((a.status, a.body.as_str()), (200, "ok\n"), "poll {i}"),
            other => panic!("poll {i}: no answer within {POLL_DEADLINE:?} ({took:?}): {other:?}"),
        }
        worst = worst.max(took);
        if i % 10 == 0 {
            let r = tokio::time::timeout(POLL_DEADLINE, request(w.addr, "GET", "/readyz")).await;
            assert!(
                matches!(&r, Ok(Ok(a)) if a.status == 200),
                "/readyz under attack: {r:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("worst /healthz poll under attack: {worst:?}");
    stop.store(true, Ordering::Relaxed);
    clients.abort_all();
    while clients.join_next().await.is_some() {}
    w.shutdown_within(Duration::from_secs(3)).await;
}
