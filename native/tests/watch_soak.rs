//! Soak of the watch machinery (not a timed test; ignored by default, run by
//! `bench/watch_soak.sh`): thousands of check cycles at a 1 ms interval, each
//! a real TCP connect to a loopback listener that comes and goes, with a
//! scraper hitting `/metrics`, `/status` and `/readyz` over real HTTP, and
//! every 7th check panicking. It prints RSS, open file descriptors and alive
//! tokio tasks after warm-up and at the end, and fails only on a leak
//! (descriptors or tasks growing with the number of cycles).
//!
//! The check builds its report by hand rather than through the probe engine:
//! the engine never dials loopback (127.0.0.0/8 is a sinkhole answer), and
//! this measures watch mode, not the probe. The end-to-end soak of the real
//! binary is in `native/tests/watch_e2e.rs`.

mod watch_support;

use netready::probe::watch::metrics::ProcessStats;
use netready::probe::watch::{Shutdown, Watch, WatchOptions};
use netready_core::Report;
use netready_core::report::{EndpointReport, FailureCode, Reachability, ReportKind};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, oneshot};
use watch_support::*;

fn cycles() -> u64 {
    std::env::var("NETREADY_SOAK_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

async fn connect_check(target: SocketAddr) -> Report {
    let started = Instant::now();
    let outcome = tokio::time::timeout(
        Duration::from_millis(200),
        tokio::net::TcpStream::connect(target),
    )
    .await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let (reachable, failure) = match outcome {
        Ok(Ok(_)) => (Reachability::Reachable, None),
        Ok(Err(_)) => (Reachability::Unreachable, Some(FailureCode::TcpRefused)),
        Err(_) => (Reachability::Unreachable, Some(FailureCode::TcpTimeout)),
    };
    let mut r = Report::new(ReportKind::Probe, Some("soak".into()));
    r.endpoints = vec![EndpointReport {
        service: "custom".into(),
        host: format!("soak-{ms:.3}"),
        port: target.port(),
        access_type: None,
        reachable,
        failure,
        addresses: Vec::new(),
        hints: Vec::new(),
        dns: Some(netready_core::report::DnsReport {
            resolver: None,
            cnames: Vec::new(),
            ms,
            queries: None,
            resent: None,
        }),
        tls: None,
    }];
    r.finish();
    r
}

fn line(label: &str, s: &ProcessStats, checks: u64) {
    eprintln!(
        "soak {label}: checks={checks} rss_kib={} open_fds={} alive_tasks={}",
        s.resident_bytes.map_or(0, |b| b / 1024),
        s.open_fds.unwrap_or(0),
        s.alive_tasks.unwrap_or(0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak: run explicitly with bench/watch_soak.sh"]
async fn soak_thousands_of_cycles_with_faults_flipping() {
    let n = cycles();
    // The planned panics are the point; keep their messages (and backtraces)
    // off the output so the figures stay readable.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let planned = info
            .payload()
            .downcast_ref::<String>()
            .is_some_and(|m| m.starts_with("soak: planned panic"));
        if !planned {
            default_hook(info);
        }
    }));
    // A listener that the flipper closes and reopens on the same port.
    let first = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let target = first.local_addr().expect("addr");
    let listener: Arc<Mutex<Option<tokio::net::TcpListener>>> = Arc::new(Mutex::new(Some(first)));

    let calls = Arc::new(AtomicU64::new(0));
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let watch = Watch::bind(WatchOptions {
        interval: Duration::from_millis(1),
        listen: Some("127.0.0.1:0".parse().expect("literal")),
        check_deadline: Duration::from_secs(2),
        shutdown: Shutdown::Future(Box::pin(async move {
            let _ = stop_rx.await;
        })),
        ..WatchOptions::default()
    })
    .await
    .expect("bind");
    let addr = watch.local_addr().expect("listening");
    let c = Arc::clone(&calls);
    let run = tokio::spawn(watch.run(move || {
        let k = c.fetch_add(1, Ordering::SeqCst);
        async move {
            if k % 7 == 6 {
                panic!("soak: planned panic in check {k}");
            }
            connect_check(target).await
        }
    }));

    // Accept (and drop) whatever connects, so the backlog never fills.
    let acceptor = {
        let listener = Arc::clone(&listener);
        tokio::spawn(async move {
            loop {
                let guard = listener.lock().await;
                if let Some(l) = guard.as_ref() {
                    if let Ok(Ok((s, _))) =
                        tokio::time::timeout(Duration::from_millis(5), l.accept()).await
                    {
                        drop(s);
                    }
                } else {
                    drop(guard);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        })
    };
    // Flip the fault every 100 checks: close the listener, then reopen it.
    let flipping = Arc::new(AtomicBool::new(true));
    let flipper = {
        let (listener, calls, flipping) = (
            Arc::clone(&listener),
            Arc::clone(&calls),
            Arc::clone(&flipping),
        );
        tokio::spawn(async move {
            let mut flips = 0u64;
            while flipping.load(Ordering::SeqCst) {
                let k = calls.load(Ordering::SeqCst);
                let want_up = (k / 100) % 2 == 0;
                let mut g = listener.lock().await;
                if want_up && g.is_none() {
                    if let Ok(l) = tokio::net::TcpListener::bind(target).await {
                        *g = Some(l);
                        flips += 1;
                    }
                } else if !want_up && g.is_some() {
                    *g = None;
                    flips += 1;
                }
                drop(g);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            flips
        })
    };
    // Scrape all the while.
    let scraping = Arc::new(AtomicBool::new(true));
    let scraper = {
        let scraping = Arc::clone(&scraping);
        tokio::spawn(async move {
            let mut scrapes = 0u64;
            let mut not_ready = 0u64;
            while scraping.load(Ordering::SeqCst) {
                for path in ["/metrics", "/status", "/readyz"] {
                    if let Ok(a) = request(addr, "GET", path).await {
                        scrapes += 1;
                        if path == "/metrics" {
                            assert!(parse_exposition(&a.body).is_ok(), "metrics parse");
                        }
                        if path == "/readyz" && a.status == 503 {
                            not_ready += 1;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            (scrapes, not_ready)
        })
    };

    let deadline = Instant::now() + Duration::from_secs(600);
    let warm = n / 10;
    while calls.load(Ordering::SeqCst) < warm && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let t0 = Instant::now();
    let start = ProcessStats::read();
    line("after warm-up", &start, calls.load(Ordering::SeqCst));
    while calls.load(Ordering::SeqCst) < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let end = ProcessStats::read();
    let done = calls.load(Ordering::SeqCst);
    line("end", &end, done);
    let m = parse_exposition(&get(addr, "/metrics").await.body).expect("metrics parse");
    scraping.store(false, Ordering::SeqCst);
    flipping.store(false, Ordering::SeqCst);
    let (scrapes, not_ready) = scraper.await.expect("scraper");
    let flips = flipper.await.expect("flipper");
    acceptor.abort();
    let _ = stop_tx.send(());
    let summary = tokio::time::timeout(Duration::from_secs(3), run)
        .await
        .expect("bounded shutdown")
        .expect("no panic");
    eprintln!(
        "soak: {done} checks in {:.1} s after warm-up ({:.0}/s), {flips} listener flips, {scrapes} HTTP requests ({not_ready} readyz 503), results: {}",
        t0.elapsed().as_secs_f64(),
        (done - warm) as f64 / t0.elapsed().as_secs_f64(),
        ["ready", "degraded", "panic", "timeout", "error"]
            .iter()
            .map(|r| format!(
                "{r}={}",
                value_of(&m, "netready_checks_total", &[("result", r)]).unwrap_or(0.0)
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert!(done >= n, "only {done} of {n} checks ran");
    assert!(
        summary
            .checks
            .count(netready::probe::watch::CheckResultKind::Degraded)
            > 0,
        "faults were seen"
    );
    assert!(
        summary
            .checks
            .count(netready::probe::watch::CheckResultKind::Panic)
            > 0,
        "panics were survived"
    );
    // Leak checks: figures may wobble by a few, never grow with the cycles.
    let (f0, f1) = (start.open_fds.unwrap_or(0), end.open_fds.unwrap_or(0));
    assert!(f1 <= f0 + 8, "descriptors grew from {f0} to {f1}");
    let (t0, t1) = (start.alive_tasks.unwrap_or(0), end.alive_tasks.unwrap_or(0));
    assert!(t1 <= t0 + 8, "tasks grew from {t0} to {t1}");
}
