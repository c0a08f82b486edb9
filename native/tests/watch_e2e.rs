//! End to end: the real `netready probe --watch --listen` binary, real DNS
//! (the tests crate's server), real TCP, inside a network namespace this test
//! creates (the probe never dials loopback answers, so the endpoint lives at
//! a private address on the namespace's own loopback device). `/readyz`
//! flips 200 → 503 when the TCP listener goes away and back to 200 when it
//! returns; SIGTERM stops the process with exit 0 within a second.
//!
//! Nothing leaves the namespace: it has no link to the machine's network.
//! Where namespaces cannot be made the test says so and passes.
//!
//! Also here, ignored by default and run by `bench/watch_soak.sh`: the same
//! set-up driven through thousands of checks at a 5 ms interval, sampling the
//! process's RSS, descriptors and tokio tasks.

#![allow(clippy::panic)] // helpers fail the test by panicking

mod watch_support;

use netready_test_support::dns_server::{Answer, DnsServer};
use netready_test_support::listeners::Listeners;
use netready_test_support::netns::{NetNs, skip};
use netready_test_support::thread::enter_netns;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use watch_support::{Sample, parse_exposition, value_of};

/// The endpoint's address: private (so it is dialled, as a VPC endpoint
/// would be), assigned to the namespace's loopback device.
const ENDPOINT_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 1);

/// Runs `f` on a thread inside namespace `ns` (sockets made there belong to it).
fn in_ns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let ns = ns.to_owned();
    std::thread::spawn(move || {
        if let Err(e) = enter_netns(&ns) {
            panic!("enter {ns}: {e}");
        }
        f()
    })
    .join()
    .expect("namespace thread did not panic")
}

/// A blocking GET from inside the namespace, every step with a deadline.
fn ns_get(ns: &str, addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let path = path.to_owned();
    in_ns(ns, move || {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        s.set_write_timeout(Some(Duration::from_secs(2))).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut buf = String::new();
        s.read_to_string(&mut buf).ok()?;
        let (head, body) = buf.split_once("\r\n\r\n")?;
        let status = head.split(' ').nth(1)?.parse().ok()?;
        Some((status, body.to_owned()))
    })
}

fn wait_for(ns: &str, addr: SocketAddr, path: &str, deadline: Duration, want: u16) -> String {
    let start = Instant::now();
    let mut last = None;
    while start.elapsed() < deadline {
        if let Some((status, body)) = ns_get(ns, addr, path) {
            if status == want {
                return body;
            }
            last = Some((status, body));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{path}: no {want} within {deadline:?}; last: {last:?}");
}

/// The child process, killed if the test fails before it is stopped.
struct Watched {
    child: Child,
    log: std::path::PathBuf,
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // Assertions print the log; it is not kept.
        let _ = std::fs::remove_file(&self.log);
    }
}

impl Watched {
    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {sig}");
    }

    /// Waits (bounded) for the process to exit and returns its code.
    fn wait_exit(&mut self, deadline: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

struct World {
    ns: NetNs,
    dns: DnsServer,
    endpoint_port: u16,
    listen: SocketAddr,
}

fn world(test: &str) -> Option<World> {
    let ns = match NetNs::new("watch") {
        Ok(ns) => ns,
        Err(e) => {
            skip(test, &e);
            return None;
        }
    };
    ns.ip(&["addr", "add", &format!("{ENDPOINT_IP}/32"), "dev", "lo"])
        .expect("address on lo");
    let dns = DnsServer::start_in(Some(ns.name()), "127.0.0.1:0".parse().expect("literal"))
        .expect("dns server");
    // Every name (the runner profile's hosts and the --endpoint) answers the
    // endpoint's address; only the listener decides reachability.
    dns.set_default(
        Answer::Addresses(vec![IpAddr::V4(ENDPOINT_IP)]),
        Duration::ZERO,
    );
    let free = |ip: IpAddr| {
        in_ns(ns.name(), move || {
            std::net::TcpListener::bind((ip, 0))
                .and_then(|l| l.local_addr())
                .expect("free port")
        })
    };
    let endpoint_port = free(IpAddr::V4(ENDPOINT_IP)).port();
    let listen = free(IpAddr::V4(Ipv4Addr::LOCALHOST));
    Some(World {
        ns,
        dns,
        endpoint_port,
        listen,
    })
}

fn start_listener(w: &World) -> Listeners {
    Listeners::start_in(
        Some(w.ns.name()),
        &[SocketAddr::new(IpAddr::V4(ENDPOINT_IP), w.endpoint_port)],
    )
    .expect("listener (SO_REUSEADDR lets it come back on the same port)")
}

fn spawn_watch(w: &World, interval: &str, rust_log: &str, tag: &str) -> Watched {
    let log = std::env::temp_dir().join(format!(
        "netready-watch-e2e-{}-{tag}.log",
        std::process::id()
    ));
    let stderr = std::fs::File::create(&log).expect("log file");
    let child = Command::new("ip")
        .args([
            "netns",
            "exec",
            w.ns.name(),
            env!("CARGO_BIN_EXE_netready"),
            "probe",
            "--watch",
        ])
        .args(["--interval", interval, "--listen", &w.listen.to_string()])
        .args(["--dns-server", &w.dns.addr().to_string()])
        .args(["--endpoint", &format!("svc.watch.test:{}", w.endpoint_port)])
        .args(["--port", &w.endpoint_port.to_string()])
        .args([
            "--region",
            "us-east-1",
            "--ecr-account",
            "123456789012",
            "--public-ip",
            "no",
        ])
        .args(["--timeout", "1s"])
        // Checks far more often than --interval allows (at least 5 s): the
        // test's own resolver, inside the namespace.
        .env("NETREADY_MIN_INTERVAL", "1ms")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("ECS_CONTAINER_METADATA_URI_V4")
        .env_remove("ECS_CONTAINER_METADATA_URI")
        .env("RUST_LOG", rust_log)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("spawn ip netns exec netready");
    Watched { child, log }
}

fn metrics(w: &World) -> Vec<Sample> {
    let (status, body) = ns_get(w.ns.name(), w.listen, "/metrics").expect("/metrics answers");
    assert_eq!(status, 200);
    parse_exposition(&body).unwrap_or_else(|e| panic!("/metrics: {e}\n{body}"))
}

#[test]
fn readyz_flips_when_the_listener_goes_away_and_comes_back() {
    let Some(w) = world("readyz_flips_when_the_listener_goes_away_and_comes_back") else {
        return;
    };
    let listener = start_listener(&w);
    let mut p = spawn_watch(&w, "200ms", "info", "flip");
    let wait = Duration::from_secs(15);

    let body = wait_for(w.ns.name(), w.listen, "/readyz", wait, 200);
    assert_eq!(body, "ready\n", "log:\n{}", p.log());
    let (_, status) = ns_get(w.ns.name(), w.listen, "/status").expect("/status");
    let report: netready_core::Report =
        serde_json::from_str(&status).expect("/status is a netready report");
    assert_eq!(report.status, netready_core::Status::Ready);
    assert!(
        report
            .endpoints
            .iter()
            .any(|e| e.host == "svc.watch.test" && e.port == w.endpoint_port)
    );
    let m = metrics(&w);
    assert_eq!(
        value_of(&m, "netready_status", &[("status", "ready")]),
        Some(1.0)
    );
    assert_eq!(
        value_of(
            &m,
            "netready_endpoint_up",
            &[("host", "svc.watch.test"), ("access_type", "vpc_endpoint")]
        ),
        Some(1.0)
    );
    assert!(
        value_of(
            &m,
            "netready_endpoint_dns_seconds",
            &[("host", "svc.watch.test")]
        )
        .is_some()
    );
    assert!(
        value_of(
            &m,
            "netready_endpoint_connect_seconds",
            &[("host", "svc.watch.test"), ("ip", "10.77.0.1")]
        )
        .is_some()
    );

    drop(listener);
    let body = wait_for(w.ns.name(), w.listen, "/readyz", wait, 503);
    assert_eq!(body, "degraded\n");
    let (_, status) = ns_get(w.ns.name(), w.listen, "/status").expect("/status");
    let report: netready_core::Report = serde_json::from_str(&status).expect("report");
    let svc = report
        .endpoints
        .iter()
        .find(|e| e.host == "svc.watch.test")
        .expect("endpoint");
    assert_eq!(
        svc.failure,
        Some(netready_core::report::FailureCode::TcpRefused)
    );
    let m = metrics(&w);
    assert_eq!(
        value_of(&m, "netready_endpoint_up", &[("host", "svc.watch.test")]),
        Some(0.0)
    );

    let _listener = start_listener(&w);
    wait_for(w.ns.name(), w.listen, "/readyz", wait, 200);
    assert_eq!(
        ns_get(w.ns.name(), w.listen, "/healthz").map(|a| a.0),
        Some(200)
    );

    let t = Instant::now();
    p.signal("-TERM");
    let code = p.wait_exit(Duration::from_secs(3));
    assert_eq!(code, Some(0), "exit after SIGTERM; log:\n{}", p.log());
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "SIGTERM took {:?}",
        t.elapsed()
    );
    let log = p.log();
    let changes = log.lines().filter(|l| l.contains("status changed")).count();
    assert!(
        changes >= 3,
        "starting→ready, ready→degraded, degraded→ready are logged:\n{log}"
    );
    assert!(log.contains("endpoint not reachable"), "{log}");
}

fn rss_kib_and_fds(pid: u32) -> (u64, u64) {
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0);
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count() as u64)
        .unwrap_or(0);
    (rss, fds)
}

#[test]
#[ignore = "soak: run explicitly with bench/watch_soak.sh"]
fn soak_the_real_binary_through_thousands_of_checks() {
    let n: f64 = std::env::var("NETREADY_SOAK_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000.0);
    let Some(w) = world("soak_the_real_binary_through_thousands_of_checks") else {
        return;
    };
    let mut listener = Some(start_listener(&w));
    let mut p = spawn_watch(&w, "5ms", "warn", "soak");
    let pid = p.child.id();
    wait_for(
        w.ns.name(),
        w.listen,
        "/readyz",
        Duration::from_secs(15),
        200,
    );
    let total = |m: &[Sample]| -> f64 {
        m.iter()
            .filter(|s| s.name == "netready_checks_total")
            .map(|s| s.value)
            .sum()
    };
    let tasks = |m: &[Sample]| value_of(m, "netready_runtime_alive_tasks", &[]).unwrap_or(-1.0);
    let deadline = Instant::now() + Duration::from_secs(900);
    // Warm up: a tenth of the cycles.
    while total(&metrics(&w)) < n / 10.0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let m0 = metrics(&w);
    let (rss0, fds0) = rss_kib_and_fds(pid);
    let (c0, t0, clock) = (total(&m0), tasks(&m0), Instant::now());
    eprintln!("soak start: checks={c0} rss_kib={rss0} open_fds={fds0} alive_tasks={t0}");
    let mut flips = 0u32;
    let mut last_flip = Instant::now();
    let mut samples = 0u32;
    loop {
        let m = metrics(&w);
        samples += 1;
        if total(&m) >= n || Instant::now() >= deadline {
            break;
        }
        // Flip the fault every 250 ms: about 50 checks each way.
        if last_flip.elapsed() > Duration::from_millis(250) {
            listener = match listener.take() {
                Some(l) => {
                    drop(l);
                    None
                }
                None => Some(start_listener(&w)),
            };
            flips += 1;
            last_flip = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let m1 = metrics(&w);
    let (rss1, fds1) = rss_kib_and_fds(pid);
    let (c1, t1) = (total(&m1), tasks(&m1));
    let secs = clock.elapsed().as_secs_f64();
    eprintln!("soak end: checks={c1} rss_kib={rss1} open_fds={fds1} alive_tasks={t1}");
    eprintln!(
        "soak: {:.0} checks in {secs:.1} s ({:.0}/s), {flips} listener flips, {samples} scrapes; by result: {}",
        c1 - c0,
        (c1 - c0) / secs,
        ["ready", "degraded", "unknown", "error", "panic", "timeout"]
            .iter()
            .map(|r| format!(
                "{r}={}",
                value_of(&m1, "netready_checks_total", &[("result", r)]).unwrap_or(0.0)
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );
    p.signal("-TERM");
    assert_eq!(
        p.wait_exit(Duration::from_secs(3)),
        Some(0),
        "clean exit; log:\n{}",
        p.log()
    );
    assert!(c1 >= n, "only {c1} of {n} checks in the time allowed");
    assert!(value_of(&m1, "netready_checks_total", &[("result", "degraded")]).unwrap_or(0.0) > 0.0);
    assert!(fds1 <= fds0 + 8, "descriptors grew from {fds0} to {fds1}");
    assert!(t1 <= t0 + 8.0, "tasks grew from {t0} to {t1}");
    drop(listener);
}
