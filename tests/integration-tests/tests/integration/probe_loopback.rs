//! The probe's engine with the real resolver and the real dialer, against a
//! real DNS server and real TCP listeners on loopback.
//!
//! Loopback addresses are never a real endpoint (core classifies 127.x as a
//! sinkhole, and the engine never dials them), so the DNS server answers
//! private addresses (10.0.0.N) and a thin dialer wrapper sends each of them
//! to a real socket on 127.0.0.1 (a live listener, or a closed port). The
//! DNS queries, the TCP connects and every verdict are real; only the
//! address-to-port table is the test's. What loopback cannot show (timeouts,
//! ICMP unreachable, public addresses, the binary's environment) is in
//! `native/tests/probe_netns.rs`.
//!
//! Time bounds assert only that things end by their deadline (plus a wide
//! margin, since a loaded machine delays scheduling); speed is measured by
//! `bench/probe.sh`, never here.

use hickory_proto::rr::RecordType;
use netready::probe::context::{self, ContextFlags, Environment, PublicIpSetting};
use netready::probe::dial::TcpDialer;
use netready::probe::dns::{self, DnsResolver, MAX_SENDS, SLOT_LEASE};
use netready::probe::net::{self, Check, Dialed, Dialer, ProbeOptions, Resolver, Target};
use netready::probe::tls;
use netready_core::report::{
    FailureCode, ProbeContext, Reachability, Report, Source, Sourced, Status, TcpOutcome,
    TlsOutcome,
};
use netready_core::rules::{self, DnsAnswer, DnsFailure, PublicIp};
use netready_test_support::dns_server::{Answer, DnsServer};
use netready_test_support::http::{HttpServer, Route};
use netready_test_support::listeners::Listeners;
use netready_test_support::tls::{TestCert, TlsServer};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

const LOOPBACK: &str = "127.0.0.1:0";

/// How long a listener may lag behind a completed connect.
const SETTLE: Duration = Duration::from_secs(2);

fn any_port() -> SocketAddr {
    LOOPBACK.parse().expect("literal socket address")
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
fn closed_port() -> SocketAddr {
    let l = std::net::TcpListener::bind(any_port()).expect("bind an ephemeral port on loopback");
    l.local_addr().expect("bound socket has an address")
}

/// Sends each mapped address to its loopback socket; the real dialer does
/// the connect.
struct LoopbackDialer {
    map: HashMap<IpAddr, SocketAddr>,
    inner: TcpDialer,
}

impl Dialer for LoopbackDialer {
    async fn dial(&self, addr: SocketAddr, deadline: Instant) -> Dialed {
        let target = *self
            .map
            .get(&addr.ip())
            .expect("the test maps every address its DNS server answers");
        self.inner.dial(target, deadline).await
    }
}

fn ctx(resolver: SocketAddr) -> ProbeContext {
    ProbeContext {
        region: Sourced {
            value: Some("eu-west-1".into()),
            source: Source::Flag,
        },
        ecr_account: Sourced {
            value: Some("123456789012".into()),
            source: Source::Flag,
        },
        public_ip: Sourced {
            value: PublicIp::NotAssigned,
            source: Source::Flag,
        },
        vpc_cidrs: Sourced {
            value: Vec::new(),
            source: Source::Unknown,
        },
        resolvers: Sourced {
            value: vec![resolver.to_string()],
            source: Source::Flag,
        },
        subnet_id: Sourced::unknown(),
        vpc_id: Sourced::unknown(),
        availability_zone: Sourced::unknown(),
    }
}

fn target(host: &str) -> Target {
    Target {
        service: "custom".into(),
        host: host.into(),
        port: 443,
        check: Check::Dial,
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("literal address")
}

struct World {
    dns: DnsServer,
    listeners: Listeners,
    dialer: LoopbackDialer,
}

/// Two live listeners behind 10.0.0.1 and 10.0.0.2, a closed port behind
/// 10.0.0.9.
fn world() -> World {
    let dns = DnsServer::start(any_port()).expect("start the DNS server on loopback");
    let listeners =
        Listeners::start(&[any_port(), any_port()]).expect("start listeners on loopback");
    let map = HashMap::from([
        (ip("10.0.0.1"), listeners.addrs()[0]),
        (ip("10.0.0.2"), listeners.addrs()[1]),
        (ip("10.0.0.9"), closed_port()),
    ]);
    World {
        dns,
        listeners,
        dialer: LoopbackDialer {
            map,
            inner: TcpDialer::new(),
        },
    }
}

async fn run(w: &World, servers: Vec<SocketAddr>, hosts: &[&str], timeout: Duration) -> Report {
    let resolver = DnsResolver::new(servers, 64);
    let targets: Vec<Target> = hosts.iter().map(|h| target(h)).collect();
    let options = ProbeOptions {
        timeout,
        ..ProbeOptions::default()
    };
    net::probe(&targets, &ctx(w.dns.addr()), &resolver, &w.dialer, &options).await
}

fn endpoint<'a>(r: &'a Report, host: &str) -> &'a netready_core::report::EndpointReport {
    r.endpoints
        .iter()
        .find(|e| e.host == host)
        .expect("every target is reported")
}

#[tokio::test]
async fn all_reachable() {
    let w = world();
    w.dns
        .set("a.example", Answer::Addresses(vec![ip("10.0.0.1")]));
    w.dns.set(
        "b.example",
        Answer::Addresses(vec![ip("10.0.0.2"), ip("10.0.0.1")]),
    );
    let r = run(
        &w,
        vec![w.dns.addr()],
        &["a.example", "b.example"],
        Duration::from_secs(2),
    )
    .await;
    assert_eq!(r.status, Status::Ready, "{r:#?}");
    let a = endpoint(&r, "a.example");
    assert_eq!(a.reachable, Reachability::Reachable);
    assert_eq!(a.access_type.map(|t| t.as_str()), Some("vpc_endpoint"));
    assert_eq!(
        a.dns.as_ref().and_then(|d| d.resolver.clone()),
        Some(w.dns.addr().to_string())
    );
    let b = endpoint(&r, "b.example");
    assert!(
        b.addresses
            .iter()
            .all(|a| a.outcome == TcpOutcome::Connected && a.ms.is_some())
    );
    // Every resolved address was dialled: 10.0.0.1 twice, 10.0.0.2 once.
    assert_eq!(w.listeners.wait_accepted(0, 2, SETTLE), 2);
    assert_eq!(w.listeners.wait_accepted(1, 1, SETTLE), 1);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

#[tokio::test]
async fn dns_failures_are_told_apart() {
    let w = world();
    w.dns.set("nx.example", Answer::NxDomain);
    w.dns.set("nodata.example", Answer::NoData);
    w.dns.set("servfail.example", Answer::ServFail);
    w.dns.set("refused.example", Answer::Refused);
    w.dns.set("silent.example", Answer::Silence);
    let hosts = [
        "nx.example",
        "nodata.example",
        "servfail.example",
        "refused.example",
        "silent.example",
    ];
    let began = std::time::Instant::now();
    let r = run(&w, vec![w.dns.addr()], &hosts, Duration::from_secs(2)).await;
    // The silent name times out within the DNS share of the budget (1 s).
    let took = began.elapsed();
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_millis(2500),
        "{took:?}"
    );
    assert_eq!(r.status, Status::Degraded);
    let failure = |h: &str| endpoint(&r, h).failure;
    assert_eq!(failure("nx.example"), Some(FailureCode::DnsNxdomain));
    assert_eq!(failure("nodata.example"), Some(FailureCode::DnsNoRecords));
    assert_eq!(failure("servfail.example"), Some(FailureCode::DnsServfail));
    assert_eq!(failure("refused.example"), Some(FailureCode::DnsRefused));
    assert_eq!(failure("silent.example"), Some(FailureCode::DnsTimeout));
    for h in hosts {
        let e = endpoint(&r, h);
        assert_eq!(e.access_type, None);
        assert!(!e.hints.is_empty(), "{h} has a hint");
        assert!(e.addresses.is_empty());
    }
    assert_eq!(w.listeners.accepted_total(), 0);
}

#[tokio::test]
async fn udp_sockets_are_reused_across_names_without_cross_talk() {
    // 200 names, each with its own address, 8 queries (4 names) in flight:
    // every name must get its own answer, and the queries come from a
    // handful of sockets rather than 200.
    let dns = DnsServer::start(any_port()).expect("start the DNS server on loopback");
    let names: Vec<String> = (0..200).map(|i| format!("n{i}.example")).collect();
    for (i, n) in names.iter().enumerate() {
        let a = IpAddr::from([10, 1, (i / 250) as u8, (i % 250) as u8 + 1]);
        dns.set(n, Answer::Addresses(vec![a]));
    }
    // One name that never answers: its socket must not be reused (a late
    // reply could be pending on it), and the rest must not wait for it.
    dns.set("silent.example", Answer::Silence);
    let resolver = DnsResolver::new(vec![dns.addr()], 8);
    let deadline = Instant::now() + Duration::from_secs(5);
    let silent = {
        let r = resolver.clone();
        tokio::spawn(async move {
            r.resolve(
                "silent.example",
                Instant::now() + Duration::from_millis(300),
            )
            .await
        })
    };
    let mut tasks = tokio::task::JoinSet::new();
    for (i, n) in names.iter().enumerate() {
        let (r, n) = (resolver.clone(), n.clone());
        tasks.spawn(async move { (i, r.resolve(&n, deadline).await) });
    }
    let mut all = vec![None; names.len()];
    while let Some(done) = tasks.join_next().await {
        let (i, r) = done.expect("a resolve task does not panic");
        all[i] = Some(r);
    }
    let all: Vec<_> = all
        .into_iter()
        .map(|r| r.expect("every name resolved"))
        .collect();
    let silent = silent.await.expect("the silent resolve does not panic");
    assert_eq!(silent.answer, DnsAnswer::Failed(DnsFailure::Timeout));
    for (i, (n, r)) in names.iter().zip(&all).enumerate() {
        let a = IpAddr::from([10, 1, (i / 250) as u8, (i % 250) as u8 + 1]);
        assert_eq!(r.answer, DnsAnswer::Addresses(vec![a]), "{n}");
    }
    let sockets = dns.udp_client_sockets();
    assert!(
        (1..=8).contains(&sockets),
        "{sockets} client sockets for 201 names"
    );
}

#[tokio::test]
async fn a_resolver_that_never_answers() {
    let w = world();
    // A UDP socket that receives and never replies.
    let silent = std::net::UdpSocket::bind(any_port()).expect("bind a silent UDP socket");
    let silent_addr = silent.local_addr().expect("bound socket has an address");
    let resolver = DnsResolver::new(vec![silent_addr], 64);
    let began = Instant::now();
    let res = resolver
        .resolve("a.example", began + Duration::from_millis(400))
        .await;
    assert_eq!(res.answer, DnsAnswer::Failed(DnsFailure::Timeout));
    assert_eq!(res.resolver, None);
    let took = began.elapsed();
    assert!(
        took >= Duration::from_millis(390) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    drop(w);
}

/// With one query pair in flight at a time, a resolver that never answers
/// and a deadline shorter than a slot's lease, the first name is asked and
/// times out; the second never gets a query slot before the deadline and
/// must say so (`NotAsked`, reported as `dns_timeout` with a hint about the
/// probe's budget), not claim that the resolver was silent.
#[tokio::test]
async fn a_name_never_asked_is_not_a_silent_resolver() {
    let w = world();
    let silent = std::net::UdpSocket::bind(any_port()).expect("bind a silent UDP socket");
    let silent_addr = silent.local_addr().expect("bound socket has an address");
    // A and AAAA of one name: two slots.
    let resolver = DnsResolver::new(vec![silent_addr], 2);
    let deadline = Instant::now() + SLOT_LEASE / 2;
    let first = {
        let r = resolver.clone();
        tokio::spawn(async move { r.resolve("first.example", deadline).await })
    };
    // Let the first name take both slots before the second asks.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let second = resolver.resolve("second.example", deadline).await;
    let first = first.await.expect("the first resolve does not panic");
    assert_eq!(first.answer, DnsAnswer::Failed(DnsFailure::Timeout));
    assert_eq!(second.answer, DnsAnswer::Failed(DnsFailure::NotAsked));
    assert_eq!(second.resolver, None);
    assert_eq!(second.queries, Some(0));
    // The resolver really saw only the first name's queries, never the
    // second's.
    let (first_seen, second_seen) = drain_names(&silent, "first", "second");
    assert!(first_seen >= 2, "{first_seen} queries for the first name");
    assert_eq!(second_seen, 0, "queries for the name never asked");
    drop(w);
}

/// How many queries waiting on `socket` name `a`, and how many `b`.
fn drain_names(socket: &std::net::UdpSocket, a: &str, b: &str) -> (usize, usize) {
    socket
        .set_nonblocking(true)
        .expect("a UDP socket can be made non-blocking");
    let mut buf = [0u8; 512];
    let (mut a_seen, mut b_seen) = (0, 0);
    while let Ok((n, _)) = socket.recv_from(&mut buf) {
        let query = &buf[..n];
        a_seen += usize::from(query.windows(a.len()).any(|w| w == a.as_bytes()));
        b_seen += usize::from(query.windows(b.len()).any(|w| w == b.as_bytes()));
    }
    (a_seen, b_seen)
}

/// Issue 13, case 3: a silent name gives its slots up after a lease, and
/// names not asked yet get them before its retransmissions. One query pair
/// in flight at a time, a silent name first: the healthy name behind it is
/// still asked, and answered, long before the deadline.
#[tokio::test]
async fn a_silent_name_gives_its_slots_up() {
    let dns = DnsServer::start(any_port()).expect("start the DNS server on loopback");
    dns.set("silent.example", Answer::Silence);
    dns.set("healthy.example", Answer::Addresses(vec![ip("10.0.0.1")]));
    let resolver = DnsResolver::new(vec![dns.addr()], 2);
    let deadline = Instant::now() + Duration::from_secs(6);
    let silent = {
        let r = resolver.clone();
        tokio::spawn(async move { r.resolve("silent.example", deadline).await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    let began = Instant::now();
    let healthy = resolver.resolve("healthy.example", deadline).await;
    assert_eq!(healthy.answer, DnsAnswer::Addresses(vec![ip("10.0.0.1")]));
    // Asked once the silent name's lease ran out, not at its deadline (a
    // wide margin: a loaded machine delays timers).
    let took = began.elapsed();
    assert!(took < Duration::from_secs(4), "{took:?}");
    let silent = silent.await.expect("the silent resolve does not panic");
    assert_eq!(silent.answer, DnsAnswer::Failed(DnsFailure::Timeout));
    // Sent at most MAX_SENDS times per query, however long the wait.
    let sent = silent.queries.expect("the resolver counts queries");
    assert!((2..=2 * MAX_SENDS).contains(&sent), "{sent} queries");
}

/// Issue 13, case 3, at scale: 500 names of which a third get no reply at
/// all (a forwarding rule to a dead DNS server), through the whole engine
/// with the default budget and in-flight cap: every healthy name is asked,
/// resolved and dialled; the silent ones time out as asked, not as never
/// asked.
#[tokio::test]
async fn a_third_silent_does_not_starve_the_rest() {
    let w = world();
    let hosts: Vec<String> = (0..500).map(|i| format!("n{i}.example")).collect();
    for (i, h) in hosts.iter().enumerate() {
        if i % 3 == 1 {
            w.dns.set(h, Answer::Silence);
        } else {
            w.dns.set(h, Answer::Addresses(vec![ip("10.0.0.1")]));
        }
    }
    let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let r = run(&w, vec![w.dns.addr()], &refs, net::DEFAULT_TIMEOUT).await;
    let (mut healthy, mut silent) = (0, 0);
    for (i, h) in hosts.iter().enumerate() {
        let e = endpoint(&r, h);
        if i % 3 == 1 {
            assert_eq!(e.failure, Some(FailureCode::DnsTimeout), "{h}");
            let dns = e.dns.as_ref().expect("resolved names carry DNS details");
            assert!(
                dns.queries.is_some_and(|q| q >= 2),
                "{h} was asked: {dns:?}"
            );
            assert_ne!(
                e.hints.first().map(String::as_str),
                Some(rules::NOT_ASKED_HINT)
            );
            silent += 1;
        } else {
            assert_eq!(e.reachable, Reachability::Reachable, "{h}: {e:?}");
            healthy += 1;
        }
    }
    assert_eq!((healthy, silent), (333, 167));
}

/// Issue 13, case 13: A answers, AAAA queries are dropped (a firewall, or
/// a resolver forwarding AAAA to a dead server): the name resolves shortly
/// after the A reply, not at the end of the DNS share.
#[tokio::test]
async fn a_silent_aaaa_costs_a_moment() {
    let dns = DnsServer::start(any_port()).expect("start the DNS server on loopback");
    dns.set("v4.example", Answer::Addresses(vec![ip("10.0.0.1")]));
    dns.set_type("v4.example", RecordType::AAAA, Answer::Silence);
    let resolver = DnsResolver::new(vec![dns.addr()], 64);
    let began = Instant::now();
    let res = resolver
        .resolve("v4.example", began + Duration::from_secs(10))
        .await;
    assert_eq!(res.answer, DnsAnswer::Addresses(vec![ip("10.0.0.1")]));
    let took = began.elapsed();
    let grace = dns::second_reply_grace(Duration::ZERO);
    assert!(
        took >= grace && took < Duration::from_secs(4),
        "{took:?} (grace {grace:?})"
    );
    // Nothing was sent again: the grace is shorter than a retransmission.
    assert_eq!((res.queries, res.resent), (Some(2), Some(0)));
}

/// Issue 13, case 1: REFUSED from the first resolver is not final: the
/// C library asks the next one, and so does the probe. Only when every
/// resolver refuses is the failure `dns_refused`.
#[tokio::test]
async fn refused_moves_to_the_next_resolver() {
    let w = world();
    w.dns
        .set("a.example", Answer::Addresses(vec![ip("10.0.0.1")]));
    let refusing = DnsServer::start(any_port()).expect("start a refusing DNS server");
    refusing.set_default(Answer::Refused, Duration::ZERO);
    let r = run(
        &w,
        vec![refusing.addr(), w.dns.addr()],
        &["a.example"],
        Duration::from_secs(4),
    )
    .await;
    assert_eq!(r.status, Status::Ready, "{r:#?}");
    let e = endpoint(&r, "a.example");
    assert_eq!(
        e.dns.as_ref().and_then(|d| d.resolver.clone()),
        Some(w.dns.addr().to_string())
    );
    assert!(
        refusing.queries() >= 2,
        "the refusing server was asked first"
    );
    // Every resolver refuses: their failure, naming the last that said so.
    let other = DnsServer::start(any_port()).expect("start a second refusing DNS server");
    other.set_default(Answer::Refused, Duration::ZERO);
    let resolver = DnsResolver::new(vec![refusing.addr(), other.addr()], 64);
    let began = Instant::now();
    let res = resolver
        .resolve("a.example", began + Duration::from_secs(10))
        .await;
    assert_eq!(res.answer, DnsAnswer::Failed(DnsFailure::Refused));
    assert_eq!(res.resolver, Some(other.addr()));
    assert!(
        began.elapsed() < Duration::from_secs(4),
        "at once, not at the deadline"
    );
}

/// A UDP port on 127.0.0.1 where nothing listens (bound, then released):
/// a query to it gets ICMP port unreachable.
fn dead_udp_port() -> SocketAddr {
    let s = std::net::UdpSocket::bind(any_port()).expect("bind an ephemeral UDP port");
    s.local_addr().expect("bound socket has an address")
}

/// Issue 13, case 2: a dead first resolver (ICMP port unreachable) is
/// skipped at once, without waiting out its share; only datagrams that left
/// are counted, and the good second resolver's answer gets no "packets were
/// lost" hint. With every resolver dead the failure is `dns_unreachable`,
/// not a timeout.
#[tokio::test]
async fn a_dead_resolver_is_skipped_at_once() {
    let w = world();
    let hosts: Vec<String> = (0..50).map(|i| format!("d{i}.example")).collect();
    for h in &hosts {
        w.dns.set(h, Answer::Addresses(vec![ip("10.0.0.1")]));
    }
    let dead = dead_udp_port();
    let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let began = std::time::Instant::now();
    let r = run(&w, vec![dead, w.dns.addr()], &refs, Duration::from_secs(20)).await;
    // The dead server's share alone would be 5 s (half of the DNS half).
    assert!(
        began.elapsed() < Duration::from_secs(4),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(r.status, Status::Ready, "{r:#?}");
    for h in &hosts {
        let e = endpoint(&r, h);
        let dns = e.dns.as_ref().expect("resolved names carry DNS details");
        assert_eq!(dns.resolver, Some(w.dns.addr().to_string()));
        assert_eq!(dns.resent, Some(0), "{h}: {dns:?}");
        // A and AAAA to the good server, and at most what left for the
        // dead one before its ICMP error came back.
        assert!(
            dns.queries.is_some_and(|q| (2..=4).contains(&q)),
            "{h}: {dns:?}"
        );
        assert!(
            !e.hints.iter().any(|h| h.contains("retransmitted")),
            "{h}: {:?}",
            e.hints
        );
    }
    // Every resolver dead: unreachable, told at once.
    let resolver = DnsResolver::new(vec![dead, dead_udp_port()], 64);
    let began = Instant::now();
    let res = resolver
        .resolve("a.example", began + Duration::from_secs(10))
        .await;
    assert_eq!(res.answer, DnsAnswer::Failed(DnsFailure::Unreachable));
    assert_eq!(res.resolver, None);
    assert!(
        began.elapsed() < Duration::from_secs(4),
        "{:?}",
        began.elapsed()
    );
    let r = run(&w, vec![dead], &["a.example"], Duration::from_secs(2)).await;
    let e = endpoint(&r, "a.example");
    assert_eq!(e.failure, Some(FailureCode::DnsUnreachable));
    assert!(
        e.hints[0].contains("ICMP port unreachable"),
        "{:?}",
        e.hints
    );
}

/// Issue 13, case 7: a server that predates EDNS answers FORMERR (without
/// even the question) to the EDNS query; the probe asks again once without
/// EDNS (RFC 6891 §7) and gets the answer.
#[tokio::test]
async fn formerr_to_edns_is_retried_without_it() {
    let w = world();
    w.dns
        .set("old.example", Answer::Addresses(vec![ip("10.0.0.1")]));
    w.dns.reject_edns(true);
    let resolver = DnsResolver::new(vec![w.dns.addr()], 64);
    let res = resolver
        .resolve("old.example", Instant::now() + Duration::from_secs(2))
        .await;
    assert_eq!(res.answer, DnsAnswer::Addresses(vec![ip("10.0.0.1")]));
    assert_eq!(res.resolver, Some(w.dns.addr()));
    // A and AAAA with EDNS (FORMERR), then each once without.
    assert_eq!((res.queries, res.resent), (Some(4), Some(0)));
    assert_eq!((w.dns.queries(), w.dns.edns_queries()), (4, 2));
    // A server that answers FORMERR to everything is a failing server:
    // SERVFAIL's code, and the next server is asked.
    let broken = DnsServer::start(any_port()).expect("start a broken DNS server");
    broken.set_default(Answer::FormErr, Duration::ZERO);
    let resolver = DnsResolver::new(vec![broken.addr()], 64);
    let res = resolver
        .resolve("old.example", Instant::now() + Duration::from_secs(2))
        .await;
    assert_eq!(res.answer, DnsAnswer::Failed(DnsFailure::ServFail));
    w.dns.reject_edns(false);
    let resolver = DnsResolver::new(vec![broken.addr(), w.dns.addr()], 64);
    let res = resolver
        .resolve("old.example", Instant::now() + Duration::from_secs(2))
        .await;
    assert_eq!(res.answer, DnsAnswer::Addresses(vec![ip("10.0.0.1")]));
}

/// A lost query (or reply) is sent again: the first A and AAAA queries
/// vanish, the retransmissions are answered, and the name resolves well
/// within the deadline instead of timing out.
#[tokio::test]
async fn lost_queries_are_sent_again() {
    let w = world();
    w.dns.set(
        "lossy.example",
        Answer::Addresses(vec![IpAddr::from([10, 9, 9, 9])]),
    );
    w.dns.drop_next_udp(2);
    let resolver = DnsResolver::new(vec![w.dns.addr()], 64);
    let window = Duration::from_millis(1500);
    let began = Instant::now();
    let res = resolver.resolve("lossy.example", began + window).await;
    assert_eq!(
        res.answer,
        DnsAnswer::Addresses(vec![IpAddr::from([10, 9, 9, 9])])
    );
    let took = began.elapsed();
    let every = netready::probe::dns::retransmit_interval(window);
    assert!(
        took >= every && took < window,
        "{took:?} (resent after {every:?})"
    );
    assert_eq!(w.dns.queries(), 4, "two lost, two resent");
    assert_eq!((res.queries, res.resent), (Some(4), Some(2)));
}

#[tokio::test]
async fn next_resolver_after_timeout_or_servfail() {
    let w = world();
    w.dns
        .set("a.example", Answer::Addresses(vec![ip("10.0.0.1")]));
    let failing = DnsServer::start(any_port()).expect("start a second DNS server");
    failing.set_default(Answer::ServFail, Duration::ZERO);
    let silent = std::net::UdpSocket::bind(any_port()).expect("bind a silent UDP socket");
    let silent_addr = silent.local_addr().expect("bound socket has an address");
    let resolver = DnsResolver::new(vec![silent_addr, failing.addr(), w.dns.addr()], 64);
    let res = resolver
        .resolve("a.example", Instant::now() + Duration::from_millis(900))
        .await;
    assert_eq!(res.answer, DnsAnswer::Addresses(vec![ip("10.0.0.1")]));
    assert_eq!(res.resolver, Some(w.dns.addr()));
    assert!(
        failing.queries() >= 2,
        "the SERVFAIL server was asked A and AAAA"
    );

    // All fail: SERVFAIL is reported (it says more than silence), naming
    // the resolver that said it.
    let resolver = DnsResolver::new(vec![failing.addr(), silent_addr], 64);
    let res = resolver
        .resolve("a.example", Instant::now() + Duration::from_millis(400))
        .await;
    assert_eq!(res.answer, DnsAnswer::Failed(DnsFailure::ServFail));
    assert_eq!(res.resolver, Some(failing.addr()));
}

#[tokio::test]
async fn nxdomain_is_final_and_cnames_are_reported() {
    let w = world();
    w.dns
        .set("api.example", Answer::Cname("vpce-1.example".into()));
    w.dns
        .set("vpce-1.example", Answer::Cname("vpce-1.az.example".into()));
    w.dns.set(
        "vpce-1.az.example",
        Answer::Addresses(vec![ip("10.0.0.1"), ip("fd00::1")]),
    );
    let other = DnsServer::start(any_port()).expect("start a second DNS server");
    other.set_default(Answer::Addresses(vec![ip("10.0.0.2")]), Duration::ZERO);
    let resolver = DnsResolver::new(vec![w.dns.addr(), other.addr()], 64);
    let res = resolver
        .resolve("api.example", Instant::now() + Duration::from_secs(1))
        .await;
    assert_eq!(
        res.answer,
        DnsAnswer::Addresses(vec![ip("10.0.0.1"), ip("fd00::1")])
    );
    assert_eq!(
        res.cnames,
        vec!["vpce-1.example".to_owned(), "vpce-1.az.example".to_owned()]
    );
    let res = resolver
        .resolve("missing.example", Instant::now() + Duration::from_secs(1))
        .await;
    assert_eq!(res.answer, DnsAnswer::Failed(DnsFailure::NxDomain));
    assert_eq!(
        other.queries(),
        0,
        "NXDOMAIN is an answer: no other resolver is asked"
    );
}

#[tokio::test]
async fn truncated_udp_falls_back_to_tcp() {
    let w = world();
    w.dns.set(
        "big.example",
        Answer::Truncated(vec![ip("10.0.0.1"), ip("10.0.0.2")]),
    );
    let resolver = DnsResolver::new(vec![w.dns.addr()], 64);
    let res = resolver
        .resolve("big.example", Instant::now() + Duration::from_secs(1))
        .await;
    assert_eq!(
        res.answer,
        DnsAnswer::Addresses(vec![ip("10.0.0.1"), ip("10.0.0.2")])
    );
    // A and AAAA over UDP, then both again over TCP.
    assert_eq!(w.dns.queries(), 4);
}

#[tokio::test]
async fn refused_port() {
    let w = world();
    w.dns
        .set("closed.example", Answer::Addresses(vec![ip("10.0.0.9")]));
    let r = run(
        &w,
        vec![w.dns.addr()],
        &["closed.example"],
        Duration::from_secs(2),
    )
    .await;
    let e = endpoint(&r, "closed.example");
    assert_eq!(e.reachable, Reachability::Unreachable);
    assert_eq!(e.failure, Some(FailureCode::TcpRefused));
    assert_eq!(
        e.access_type.map(|t| t.as_str()),
        Some("vpc_endpoint"),
        "the path exists, the port refuses"
    );
    assert_eq!(e.addresses[0].outcome, TcpOutcome::Refused);
    assert_eq!(r.status, Status::Degraded);
}

#[tokio::test]
async fn sinkhole_answers_are_never_dialled() {
    let w = world();
    // Something really listens on 127.0.0.1:443-equivalent: if the probe
    // dialled the sinkhole answer, this listener would count it.
    let local = Listeners::start(&[any_port()]).expect("listener on 127.0.0.1");
    let mut dialer = LoopbackDialer {
        map: w.dialer.map.clone(),
        inner: TcpDialer::new(),
    };
    dialer.map.insert(ip("127.0.0.1"), local.addrs()[0]);
    dialer.map.insert(ip("0.0.0.0"), local.addrs()[0]);
    w.dns.set(
        "blocked.example",
        Answer::Addresses(vec![ip("127.0.0.1"), ip("0.0.0.0")]),
    );
    w.dns.set(
        "mixed.example",
        Answer::Addresses(vec![ip("127.0.0.1"), ip("10.0.0.1")]),
    );
    let resolver = DnsResolver::new(vec![w.dns.addr()], 64);
    let targets = [target("blocked.example"), target("mixed.example")];
    let r = net::probe(
        &targets,
        &ctx(w.dns.addr()),
        &resolver,
        &dialer,
        &ProbeOptions::default(),
    )
    .await;
    let blocked = endpoint(&r, "blocked.example");
    assert_eq!(blocked.failure, Some(FailureCode::DnsSinkhole));
    assert!(
        blocked
            .addresses
            .iter()
            .all(|a| a.outcome == TcpOutcome::SkippedSinkhole)
    );
    let mixed = endpoint(&r, "mixed.example");
    assert_eq!(mixed.reachable, Reachability::Reachable);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code.as_str() == "mixed-answers")
    );
    assert_eq!(w.listeners.wait_accepted(0, 1, SETTLE), 1);
    // By now a connection to the local listener would have been counted.
    assert_eq!(
        local.wait_accepted(0, 1, Duration::from_millis(200)),
        0,
        "a sinkhole answer was dialled"
    );
}

#[tokio::test]
async fn partial_reachability() {
    let w = world();
    w.dns.set(
        "two.example",
        Answer::Addresses(vec![ip("10.0.0.1"), ip("10.0.0.9")]),
    );
    let r = run(
        &w,
        vec![w.dns.addr()],
        &["two.example"],
        Duration::from_secs(2),
    )
    .await;
    let e = endpoint(&r, "two.example");
    assert_eq!(e.reachable, Reachability::Reachable);
    assert_eq!(e.addresses[1].outcome, TcpOutcome::Refused);
    let f = r
        .findings
        .iter()
        .find(|f| f.code.as_str() == "partial-reachability")
        .expect("partial-reachability");
    assert!(f.message.contains("10.0.0.9"), "{}", f.message);
    assert_eq!(
        r.status,
        Status::Ready,
        "reachable through one address; the warning says the rest"
    );
}

#[tokio::test]
async fn many_names_with_a_delaying_server_stay_concurrent() {
    let w = world();
    let hosts: Vec<String> = (0..200).map(|i| format!("h{i}.example")).collect();
    for h in &hosts {
        w.dns.set_delayed(
            h,
            Answer::Addresses(vec![ip("10.0.0.1")]),
            Duration::from_millis(100),
        );
    }
    let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let began = std::time::Instant::now();
    let r = run(&w, vec![w.dns.addr()], &refs, Duration::from_secs(4)).await;
    let took = began.elapsed();
    assert_eq!(r.status, Status::Ready);
    // 400 queries, 64 at a time, 100 ms each: about 7 rounds, far below
    // the 20 s a sequential probe would take.
    assert!(took < Duration::from_secs(6), "{took:?}");
    assert_eq!(w.listeners.wait_accepted(0, 200, SETTLE), 200);
}

/// A TLS server on loopback presenting `cert` for every handshake.
fn tls_server(cert: &TestCert) -> TlsServer {
    TlsServer::start_in(None, any_port(), cert).expect("start a TLS server on loopback")
}

#[tokio::test]
async fn tls_untrusted_issuer_is_reported() {
    let cert = TestCert::from_interception_ca(&["secretsmanager.eu-west-1.amazonaws.com"])
        .expect("make a test certificate");
    let server = tls_server(&cert);
    let addr = server.addr();
    let deadline = Instant::now() + Duration::from_secs(2);
    // Judged against the public web roots: an interception CA.
    let report = tls::handshake(addr, "secretsmanager.eu-west-1.amazonaws.com", deadline).await;
    assert_eq!(report.outcome, TlsOutcome::Untrusted, "{report:?}");
    let issuer = report.issuer.clone().unwrap_or_default();
    assert!(
        issuer.contains("CN=Netready Test Interception CA") && issuer.contains("O=Middlebox Inc"),
        "{issuer}"
    );
    // In words, not the TLS library's Debug form.
    let detail = report.detail.clone().unwrap_or_default();
    assert!(
        detail.contains("certificate authority the public web roots do not include"),
        "{detail}"
    );
    assert!(!detail.contains("UnknownIssuer"), "{detail}");
    // Judged against the CA that issued it: trusted.
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(cert.ca.clone().expect("issued by the test CA"))
        .expect("add the test CA");
    let report = tls::handshake_with_roots(
        addr,
        "secretsmanager.eu-west-1.amazonaws.com",
        deadline,
        Arc::new(roots.clone()),
    )
    .await;
    assert_eq!(report.outcome, TlsOutcome::Trusted, "{report:?}");
    // The wrong name: untrusted even with the right CA, and the words say
    // which names the certificate has.
    let report = tls::handshake_with_roots(
        addr,
        "logs.eu-west-1.amazonaws.com",
        deadline,
        Arc::new(roots),
    )
    .await;
    assert_eq!(report.outcome, TlsOutcome::Untrusted, "{report:?}");
    assert_eq!(
        report.detail.as_deref(),
        Some(
            "it is not valid for logs.eu-west-1.amazonaws.com (it names secretsmanager.eu-west-1.amazonaws.com)"
        )
    );
    // Something that is not TLS: failed, by the deadline, in words.
    let plain = Listeners::start(&[any_port()]).expect("plain listener");
    let report = tls::handshake(
        plain.addrs()[0],
        "x.example",
        Instant::now() + Duration::from_millis(700),
    )
    .await;
    assert_eq!(report.outcome, TlsOutcome::Failed, "{report:?}");
    let detail = report.detail.unwrap_or_default();
    assert!(
        detail.contains("closed the connection") || detail.contains("reset"),
        "{detail}"
    );
}

/// Sends the TLS step of each mapped address to its loopback socket,
/// judged against `roots` (the public web roots when `None`).
struct TlsMapped {
    inner: LoopbackDialer,
    roots: Option<Arc<rustls::RootCertStore>>,
}

impl Dialer for TlsMapped {
    async fn dial(&self, addr: SocketAddr, deadline: Instant) -> Dialed {
        self.inner.dial(addr, deadline).await
    }
    async fn tls_handshake(
        &self,
        addr: SocketAddr,
        name: &str,
        deadline: Instant,
    ) -> netready_core::report::TlsReport {
        let target = *self.inner.map.get(&addr.ip()).expect("mapped");
        match &self.roots {
            Some(roots) => tls::handshake_with_roots(target, name, deadline, roots.clone()).await,
            None => tls::handshake(target, name, deadline).await,
        }
    }
}

/// Issue 13, case 6: with `--tls`, an untrusted certificate (a
/// self-signed one, or an intercepting proxy's) or a failed handshake makes
/// the status degraded, with a `tls-untrusted` or `tls-failed` finding that
/// says why in words; a trusted one keeps it ready.
#[tokio::test]
async fn tls_in_the_verdict() {
    let self_signed = TestCert::self_signed(&["tls.example"]).expect("make a certificate");
    let proxy = TestCert::from_interception_ca(&["proxied.example"]).expect("make a certificate");
    let (tls_self, tls_proxy) = (tls_server(&self_signed), tls_server(&proxy));
    let w = world();
    let mut inner = LoopbackDialer {
        map: w.dialer.map.clone(),
        inner: TcpDialer::new(),
    };
    inner.map.insert(ip("10.0.0.5"), tls_self.addr());
    inner.map.insert(ip("10.0.0.6"), tls_proxy.addr());
    w.dns
        .set("tls.example", Answer::Addresses(vec![ip("10.0.0.5")]));
    w.dns
        .set("proxied.example", Answer::Addresses(vec![ip("10.0.0.6")]));
    // A plain TCP listener: TCP connects, TLS does not.
    w.dns
        .set("plain.example", Answer::Addresses(vec![ip("10.0.0.1")]));
    let resolver = DnsResolver::new(vec![w.dns.addr()], 64);
    let with_tls = ProbeOptions {
        tls: true,
        ..ProbeOptions::default()
    };
    let mut dialer = TlsMapped { inner, roots: None };
    let ctx = ctx(w.dns.addr());
    let probe = async |host: &str, dialer: &TlsMapped, options: ProbeOptions| {
        net::probe(&[target(host)], &ctx, &resolver, dialer, &options).await
    };

    for (host, code, words) in [
        (
            "tls.example",
            "tls-untrusted",
            "certificate authority the public web roots do not include",
        ),
        (
            "proxied.example",
            "tls-untrusted",
            "CN=Netready Test Interception CA",
        ),
        (
            "plain.example",
            "tls-failed",
            "TCP connects, but the TLS handshake failed",
        ),
    ] {
        let r = probe(host, &dialer, with_tls.clone()).await;
        assert_eq!(r.status, Status::Degraded, "{host}: {r:#?}");
        assert_eq!(r.status.exit_code(), 1);
        let e = endpoint(&r, host);
        assert_eq!(e.reachable, Reachability::Reachable, "TCP still connects");
        let f = r
            .findings
            .iter()
            .find(|f| f.code.as_str() == code && f.resource == host)
            .unwrap_or_else(|| panic!("{host}: no {code} in {:?}", r.findings));
        assert!(f.message.contains(words), "{host}: {}", f.message);
        assert!(
            !f.message.contains("Error") && !f.message.contains("Kind("),
            "{}",
            f.message
        );
        let table = netready::probe::cli::render_table(&r, false);
        assert!(
            table.contains(code) && table.contains("status: degraded"),
            "{table}"
        );
        // Without --tls, the same paths are ready: TCP proves them.
        let r = probe(host, &dialer, ProbeOptions::default()).await;
        assert_eq!(r.status, Status::Ready, "{host} without --tls");
    }
    assert!(tls_self.handshakes() >= 1 && tls_proxy.handshakes() >= 1);

    // Trusted (the test CA as the only root): no finding, ready.
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(proxy.ca.clone().expect("issued by the test CA"))
        .expect("add the test CA");
    dialer.roots = Some(Arc::new(roots));
    let r = probe("proxied.example", &dialer, with_tls.clone()).await;
    assert_eq!(r.status, Status::Ready, "{r:#?}");
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    let tls = endpoint(&r, "proxied.example")
        .tls
        .clone()
        .expect("--tls reports a TLS step");
    assert_eq!(tls.outcome, TlsOutcome::Trusted);
}

#[tokio::test]
async fn context_from_ecs_then_imds() {
    let ecs = HttpServer::start(any_port()).expect("fake ECS metadata");
    ecs.route(
        "GET",
        "/v4/abc/task",
        Route {
            chunked: true,
            ..Route::ok(r#"{"Cluster":"c","TaskARN":"arn:aws:ecs:eu-central-1:210987654321:task/c/0123","AvailabilityZone":"eu-central-1a","Containers":[{"Name":"runner","Networks":[{"NetworkMode":"bridge","IPv4Addresses":["172.17.0.2"]}]}]}"#)
        },
    );
    let imds = HttpServer::start(any_port()).expect("fake IMDS");
    imds.route("PUT", "/latest/api/token", Route::ok("TOKEN-1"));
    imds.route(
        "GET",
        "/latest/meta-data/public-ipv4",
        Route::ok("52.1.2.3"),
    );
    imds.route(
        "GET",
        "/latest/meta-data/mac",
        Route::ok("0a:1b:2c:3d:4e:5f"),
    );
    imds.route(
        "GET",
        "/latest/meta-data/network/interfaces/macs/0a:1b:2c:3d:4e:5f/vpc-ipv4-cidr-blocks",
        Route::ok("10.0.0.0/16\n100.64.0.0/16\n"),
    );
    let resolv = std::env::temp_dir().join(format!("netready-resolv-{}", std::process::id()));
    std::fs::write(&resolv, "nameserver 10.0.0.2\n").expect("write a resolv.conf");
    let env = Environment {
        ecs_metadata_uri: Some(format!("{}/v4/abc", ecs.url())),
        imds_endpoint: imds.url(),
        imds_disabled: false,
        resolv_conf: resolv.clone(),
        aws_region: None,
    };
    let began = std::time::Instant::now();
    let g = context::gather(&ContextFlags::default(), &env, soon()).await;
    assert!(began.elapsed() < Duration::from_secs(2));
    assert_eq!(
        g.context.region,
        Sourced {
            value: Some("eu-central-1".into()),
            source: Source::EcsMetadata
        }
    );
    assert_eq!(
        g.context.ecr_account,
        Sourced {
            value: Some("210987654321".into()),
            source: Source::EcsMetadata
        }
    );
    assert_eq!(
        g.context.public_ip,
        Sourced {
            value: PublicIp::Assigned,
            source: Source::InstanceMetadata
        }
    );
    assert_eq!(g.context.vpc_cidrs.source, Source::InstanceMetadata);
    assert_eq!(
        g.context
            .vpc_cidrs
            .value
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["10.0.0.0/16", "100.64.0.0/16"]
    );
    assert_eq!(
        g.context.resolvers,
        Sourced {
            value: vec!["10.0.0.2:53".into()],
            source: Source::ResolvConf
        }
    );
    // IMDSv2: every GET carried the token from the PUT.
    let seen = imds.seen();
    assert_eq!(seen[0].method, "PUT");
    assert!(
        seen[0]
            .headers
            .iter()
            .any(|(k, v)| k == "x-aws-ec2-metadata-token-ttl-seconds" && !v.is_empty())
    );
    assert!(seen[1..].iter().all(|r| {
        r.method == "GET"
            && r.headers
                .iter()
                .any(|(k, v)| k == "x-aws-ec2-metadata-token" && v == "TOKEN-1")
    }));

    // Without ECS metadata, IMDS gives region and account; no public-ipv4
    // key means no public IP.
    let imds2 = HttpServer::start(any_port()).expect("fake IMDS");
    imds2.route("PUT", "/latest/api/token", Route::ok("T2"));
    imds2.route(
        "GET",
        "/latest/meta-data/placement/region",
        Route::ok("us-west-2"),
    );
    imds2.route(
        "GET",
        "/latest/dynamic/instance-identity/document",
        Route::ok(r#"{"accountId":"111122223333"}"#),
    );
    let env2 = Environment {
        ecs_metadata_uri: None,
        imds_endpoint: imds2.url(),
        ..env.clone()
    };
    let flags = ContextFlags {
        dns_servers: vec!["127.0.0.1:5353".parse().expect("literal")],
        ..ContextFlags::default()
    };
    let g = context::gather(&flags, &env2, soon()).await;
    assert_eq!(
        g.context.region,
        Sourced {
            value: Some("us-west-2".into()),
            source: Source::InstanceMetadata
        }
    );
    assert_eq!(g.context.ecr_account.value.as_deref(), Some("111122223333"));
    assert_eq!(
        g.context.public_ip,
        Sourced {
            value: PublicIp::NotAssigned,
            source: Source::InstanceMetadata
        }
    );
    assert_eq!(g.context.resolvers.source, Source::Flag);

    // Flags win and nothing is asked; IMDS disabled means unknown.
    let imds3 = HttpServer::start(any_port()).expect("fake IMDS");
    let env3 = Environment {
        ecs_metadata_uri: None,
        imds_endpoint: imds3.url(),
        imds_disabled: true,
        ..env.clone()
    };
    let flags = ContextFlags {
        region: Some("eu-west-1".parse().expect("valid region")),
        public_ip: PublicIpSetting::Detect,
        ..ContextFlags::default()
    };
    let g = context::gather(&flags, &env3, soon()).await;
    assert_eq!(g.context.region.source, Source::Flag);
    assert_eq!(
        g.context.public_ip,
        Sourced {
            value: PublicIp::Unknown,
            source: Source::Unknown
        }
    );
    assert!(imds3.seen().is_empty());
    let _ = std::fs::remove_file(resolv);
}

/// A gathering deadline far enough not to matter.
fn soon() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(10)
}

#[tokio::test]
async fn aws_region_comes_before_task_metadata() {
    // ECS task metadata would say eu-central-1 and the account; AWS_REGION
    // wins for the region, the account still comes from the task ARN.
    let ecs = HttpServer::start(any_port()).expect("fake ECS metadata");
    ecs.route(
        "GET",
        "/v4/abc/task",
        Route::ok(r#"{"TaskARN":"arn:aws:ecs:eu-central-1:210987654321:task/c/0123"}"#),
    );
    let env = Environment {
        ecs_metadata_uri: Some(format!("{}/v4/abc", ecs.url())),
        imds_endpoint: "http://127.0.0.1:9".into(),
        imds_disabled: true,
        resolv_conf: "/nonexistent/resolv.conf".into(),
        aws_region: Some(("AWS_REGION", "ap-southeast-2".into())),
    };
    let g = context::gather(&ContextFlags::default(), &env, soon()).await;
    assert_eq!(
        g.context.region,
        Sourced {
            value: Some("ap-southeast-2".into()),
            source: Source::Environment
        }
    );
    assert_eq!(
        g.context.ecr_account,
        Sourced {
            value: Some("210987654321".into()),
            source: Source::EcsMetadata
        }
    );

    // A value that is not a region is noted and not trusted.
    let env = Environment {
        aws_region: Some(("AWS_DEFAULT_REGION", "not a region".into())),
        ..env
    };
    let g = context::gather(&ContextFlags::default(), &env, soon()).await;
    assert_eq!(g.context.region.source, Source::EcsMetadata);
    assert!(
        g.notes.iter().any(|n| n.contains("AWS_DEFAULT_REGION")),
        "{:?}",
        g.notes
    );

    // A flag beats the environment.
    let flags = ContextFlags {
        region: Some("eu-west-1".parse().expect("valid region")),
        ..ContextFlags::default()
    };
    let g = context::gather(&flags, &env, soon()).await;
    assert_eq!(g.context.region.source, Source::Flag);
}

#[tokio::test]
async fn awsvpc_task_does_not_take_the_instance_public_ip() {
    // ECS on EC2 in awsvpc mode: the task has its own network interface;
    // the instance's public-ipv4 says nothing about the task's traffic.
    let ecs = HttpServer::start(any_port()).expect("fake ECS metadata");
    ecs.route(
        "GET",
        "/v4/t/task",
        Route::ok(
            r#"{"TaskARN":"arn:aws:ecs:eu-west-1:210987654321:task/c/1","LaunchType":"EC2","Containers":[{"Networks":[{"NetworkMode":"awsvpc","IPv4Addresses":["10.0.1.7"]}]}]}"#,
        ),
    );
    let imds = HttpServer::start(any_port()).expect("fake IMDS");
    imds.route("PUT", "/latest/api/token", Route::ok("T"));
    imds.route(
        "GET",
        "/latest/meta-data/public-ipv4",
        Route::ok("52.1.2.3"),
    );
    let env = Environment {
        ecs_metadata_uri: Some(format!("{}/v4/t", ecs.url())),
        imds_endpoint: imds.url(),
        imds_disabled: false,
        resolv_conf: "/nonexistent/resolv.conf".into(),
        aws_region: None,
    };
    let g = context::gather(&ContextFlags::default(), &env, soon()).await;
    assert_eq!(g.context.region.source, Source::EcsMetadata);
    assert_eq!(
        g.context.public_ip,
        Sourced {
            value: PublicIp::Unknown,
            source: Source::Unknown
        }
    );
    assert!(
        g.notes.iter().any(|n| n.contains("awsvpc")),
        "{:?}",
        g.notes
    );
    assert!(
        !imds.seen().iter().any(|r| r.path.ends_with("public-ipv4")),
        "the instance's public address was not asked"
    );
}

#[tokio::test]
async fn metadata_that_answers_slowly_stops_at_the_deadline() {
    // The token comes at once, then every GET hangs: without the overall
    // deadline each of the five lookups would take its own 300 ms.
    let imds = HttpServer::hanging_imds().expect("fake IMDS");
    let env = Environment {
        ecs_metadata_uri: None,
        imds_endpoint: imds.url(),
        imds_disabled: false,
        resolv_conf: "/nonexistent/resolv.conf".into(),
        aws_region: None,
    };
    let began = std::time::Instant::now();
    let deadline = tokio::time::Instant::now() + Duration::from_millis(400);
    let g = context::gather(&ContextFlags::default(), &env, deadline).await;
    let took = began.elapsed();
    assert!(took < Duration::from_millis(1000), "{took:?}");
    assert_eq!(g.region, None);
    assert_eq!(g.context.public_ip.value, PublicIp::Unknown);
}

#[tokio::test]
async fn metadata_that_does_not_answer_costs_little() {
    // Accepts and never answers.
    let slow = HttpServer::start(any_port()).expect("fake IMDS");
    slow.route(
        "PUT",
        "/latest/api/token",
        Route {
            delay: Duration::from_secs(30),
            ..Route::ok("T")
        },
    );
    let env = Environment {
        ecs_metadata_uri: Some(format!("http://{}/v4/x", closed_port())),
        imds_endpoint: slow.url(),
        imds_disabled: false,
        resolv_conf: "/nonexistent/resolv.conf".into(),
        aws_region: None,
    };
    let began = std::time::Instant::now();
    let g = context::gather(&ContextFlags::default(), &env, soon()).await;
    let took = began.elapsed();
    // 300 ms for the token request, plus scheduling on a busy machine.
    assert!(took < Duration::from_millis(1500), "{took:?}");
    assert_eq!(g.region, None);
    assert_eq!(g.context.public_ip.value, PublicIp::Unknown);
    assert!(
        g.notes.iter().any(|n| n.contains("ECS task metadata")),
        "{:?}",
        g.notes
    );
    assert!(
        g.notes.iter().any(|n| n.contains("instance metadata")),
        "{:?}",
        g.notes
    );
}
