//! The real probe engine over the simulated smoltcp network
//! (`crate::sim`), in virtual time.
//!
//! * `random_networks_match_ground_truth` (proptest): random networks with
//!   endpoints up, refusing, black-holed, slow (in time or too slow), DNS
//!   answering, failing with each rcode or silent, sinkhole answers, IPv6
//!   with and without a client address, and packet loss / corruption. The
//!   report must match the ground truth address by address (with loss, an
//!   outcome may only degrade to a timeout), finish within its deadline in
//!   virtual time, never dial a sinkhole address (checked on the wire), and
//!   never panic.
//! * `same_seed_same_report`: the simulation is deterministic.
//! * `every_behaviour_once`: one hand-written network with each behaviour.
//!
//! No root, no real socket: everything runs in-process on a paused tokio
//! clock.

use crate::sim::{Counters, DnsBehaviour, HostBehaviour, SimConfig, SimNet};
use netready::probe::net::{Check, ProbeOptions, Target, probe};
use netready_core::net::Cidr;
use netready_core::report::{
    FailureCode, ProbeContext, Reachability, Report, Source, Sourced, Status, TcpOutcome,
};
use netready_core::rules::PublicIp;
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
enum AddrKind {
    PrivateV4,
    PublicV4,
    PrivateV6,
    PublicV6,
    Sinkhole(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Behave {
    Accept,
    Refuse,
    BlackHole,
    SlowInTime,
    TooSlow,
}

#[derive(Debug, Clone, PartialEq)]
enum DnsSpec {
    Records(Vec<(AddrKind, Behave)>),
    NxDomain,
    NoData,
    ServFail,
    Refused,
    FormErr,
    Silent,
}

#[derive(Debug, Clone, PartialEq)]
struct EndpointSpec {
    dns: DnsSpec,
    /// Probe the first real address as an IP literal instead of a name.
    literal: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Scenario {
    seed: u32,
    loss_pct: u8,
    corrupt_pct: u8,
    timeout_ms: u64,
    latency_ms: u64,
    client_ipv6: bool,
    public_ip: PublicIp,
    vpc_cidr: bool,
    endpoints: Vec<EndpointSpec>,
}

const SINKHOLES: [IpAddr; 5] = [
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)),
    IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V4(Ipv4Addr::new(224, 0, 0, 1)),
    IpAddr::V6(Ipv6Addr::LOCALHOST),
];

fn addr_kind() -> impl Strategy<Value = AddrKind> {
    prop_oneof![
        3 => Just(AddrKind::PrivateV4),
        3 => Just(AddrKind::PublicV4),
        1 => Just(AddrKind::PrivateV6),
        1 => Just(AddrKind::PublicV6),
        1 => (0..SINKHOLES.len()).prop_map(AddrKind::Sinkhole),
    ]
}

fn behave() -> impl Strategy<Value = Behave> {
    prop_oneof![
        4 => Just(Behave::Accept),
        2 => Just(Behave::Refuse),
        2 => Just(Behave::BlackHole),
        1 => Just(Behave::SlowInTime),
        1 => Just(Behave::TooSlow),
    ]
}

fn dns_spec() -> impl Strategy<Value = DnsSpec> {
    prop_oneof![
        8 => prop::collection::vec((addr_kind(), behave()), 0..5).prop_map(DnsSpec::Records),
        1 => Just(DnsSpec::NxDomain),
        1 => Just(DnsSpec::NoData),
        1 => Just(DnsSpec::ServFail),
        1 => Just(DnsSpec::Refused),
        1 => Just(DnsSpec::FormErr),
        1 => Just(DnsSpec::Silent),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let faults = prop_oneof![3 => Just((0u8, 0u8)), 1 => (1u8..=25, 0u8..=10)];
    (
        any::<u32>(),
        faults,
        1000u64..=5000,
        1u64..=5,
        any::<bool>(),
        prop_oneof![
            Just(PublicIp::Assigned),
            Just(PublicIp::NotAssigned),
            Just(PublicIp::Unknown)
        ],
        any::<bool>(),
        prop::collection::vec((dns_spec(), prop::bool::weighted(0.15)), 1..6),
    )
        .prop_map(
            |(
                seed,
                (loss_pct, corrupt_pct),
                timeout_ms,
                latency_ms,
                client_ipv6,
                public_ip,
                vpc_cidr,
                eps,
            )| {
                Scenario {
                    seed,
                    loss_pct,
                    corrupt_pct,
                    timeout_ms,
                    latency_ms,
                    client_ipv6,
                    public_ip,
                    vpc_cidr,
                    endpoints: eps
                        .into_iter()
                        .map(|(dns, literal)| EndpointSpec { dns, literal })
                        .collect(),
                }
            },
        )
}

/// What the network looks like and what the probe must find.
struct World {
    config: SimConfig,
    targets: Vec<Target>,
    truth: Vec<Truth>,
    sinkholes: Vec<IpAddr>,
}

/// The ground truth for one endpoint.
#[derive(Debug)]
enum Truth {
    /// DNS fails with this code; nothing is dialled.
    Dns(FailureCode),
    /// These distinct addresses, in report order, with what dialling each
    /// must give.
    Addresses(Vec<(IpAddr, TcpOutcome)>),
}

fn address(kind: AddrKind, endpoint: usize, index: usize) -> IpAddr {
    let (e, i) = (endpoint as u8, index as u8 + 1);
    match kind {
        AddrKind::PrivateV4 => IpAddr::V4(Ipv4Addr::new(10, 1, e, i)),
        AddrKind::PublicV4 => IpAddr::V4(Ipv4Addr::new(52, 10, e, i)),
        AddrKind::PrivateV6 => IpAddr::V6(Ipv6Addr::new(
            0xfd00,
            1,
            0,
            0,
            0,
            0,
            u16::from(e),
            u16::from(i),
        )),
        AddrKind::PublicV6 => IpAddr::V6(Ipv6Addr::new(
            0x2600,
            0x1f00,
            0,
            0,
            0,
            0,
            u16::from(e),
            u16::from(i),
        )),
        AddrKind::Sinkhole(k) => SINKHOLES[k],
    }
}

fn build(s: &Scenario) -> World {
    let timeout = Duration::from_millis(s.timeout_ms);
    let mut config = SimConfig {
        seed: s.seed,
        loss_pct: s.loss_pct,
        corrupt_pct: s.corrupt_pct,
        latency: Duration::from_millis(s.latency_ms),
        client_ipv6: s.client_ipv6,
        ..SimConfig::default()
    };
    let mut targets = Vec::new();
    let mut truth = Vec::new();
    for (i, ep) in s.endpoints.iter().enumerate() {
        let host = format!("ep{i}.us-east-1.amazonaws.com");
        let (behaviour, t) = match &ep.dns {
            DnsSpec::NxDomain => (DnsBehaviour::NxDomain, Truth::Dns(FailureCode::DnsNxdomain)),
            DnsSpec::NoData => (DnsBehaviour::NoData, Truth::Dns(FailureCode::DnsNoRecords)),
            DnsSpec::ServFail => (DnsBehaviour::ServFail, Truth::Dns(FailureCode::DnsServfail)),
            DnsSpec::FormErr => (DnsBehaviour::FormErr, Truth::Dns(FailureCode::DnsServfail)),
            DnsSpec::Refused => (DnsBehaviour::Refused, Truth::Dns(FailureCode::DnsRefused)),
            DnsSpec::Silent => (DnsBehaviour::Silent, Truth::Dns(FailureCode::DnsTimeout)),
            DnsSpec::Records(list) => {
                let mut records = Vec::new();
                let mut outcomes: Vec<(IpAddr, TcpOutcome)> = Vec::new();
                for (j, (kind, b)) in list.iter().enumerate() {
                    let ip = address(*kind, i, j);
                    records.push(ip);
                    let outcome = if let AddrKind::Sinkhole(_) = kind {
                        TcpOutcome::SkippedSinkhole
                    } else if ip.is_ipv6() && !s.client_ipv6 {
                        TcpOutcome::NoLocalRoute
                    } else {
                        match b {
                            Behave::Accept | Behave::SlowInTime => TcpOutcome::Connected,
                            Behave::Refuse => TcpOutcome::Refused,
                            Behave::BlackHole | Behave::TooSlow => TcpOutcome::Timeout,
                        }
                    };
                    if !matches!(kind, AddrKind::Sinkhole(_)) {
                        let host_behaviour = match b {
                            Behave::Accept => Some(HostBehaviour::Accept),
                            Behave::Refuse => Some(HostBehaviour::Refuse),
                            Behave::BlackHole => Some(HostBehaviour::BlackHole),
                            // In time: the handshake (two crossings each way
                            // of latency + delay) ends well before the deadline.
                            Behave::SlowInTime => Some(HostBehaviour::Slow(timeout / 8)),
                            // Too slow: the SYN-ACK comes back after the deadline.
                            Behave::TooSlow => Some(HostBehaviour::Slow(timeout)),
                        };
                        if let Some(h) = host_behaviour {
                            config.hosts.insert(ip, h);
                        }
                    }
                    outcomes.push((ip, outcome));
                }
                // The report lists A answers first, then AAAA, each in
                // answer order, without duplicates.
                let mut ordered: Vec<(IpAddr, TcpOutcome)> = Vec::new();
                for v6 in [false, true] {
                    for o in outcomes.iter().filter(|o| o.0.is_ipv6() == v6) {
                        if !ordered.iter().any(|x| x.0 == o.0) {
                            ordered.push(*o);
                        }
                    }
                }
                if ordered.is_empty() {
                    (
                        DnsBehaviour::Records(records),
                        Truth::Dns(FailureCode::DnsNoRecords),
                    )
                } else {
                    (DnsBehaviour::Records(records), Truth::Addresses(ordered))
                }
            }
        };
        config.dns.insert(host.clone(), behaviour);
        let literal = match (&t, ep.literal) {
            (Truth::Addresses(list), true) => list
                .iter()
                .find(|(_, o)| *o != TcpOutcome::SkippedSinkhole)
                .copied(),
            _ => None,
        };
        match literal {
            Some((ip, outcome)) => {
                targets.push(Target {
                    service: "custom".into(),
                    host: ip.to_string(),
                    port: 443,
                    check: Check::Dial,
                });
                truth.push(Truth::Addresses(vec![(ip, outcome)]));
            }
            None => {
                targets.push(Target {
                    service: "logs".into(),
                    host,
                    port: 443,
                    check: Check::Dial,
                });
                truth.push(t);
            }
        }
    }
    World {
        config,
        targets,
        truth,
        sinkholes: SINKHOLES.to_vec(),
    }
}

fn context(s: &Scenario) -> ProbeContext {
    let vpc: Vec<Cidr> = if s.vpc_cidr {
        vec!["52.10.0.0/16".parse().expect("literal CIDR")]
    } else {
        Vec::new()
    };
    ProbeContext {
        region: Sourced {
            value: Some("us-east-1".into()),
            source: Source::Flag,
        },
        ecr_account: Sourced {
            value: None,
            source: Source::Unknown,
        },
        public_ip: Sourced {
            value: s.public_ip,
            source: Source::Flag,
        },
        vpc_cidrs: Sourced {
            value: vpc,
            source: Source::Flag,
        },
        resolvers: Sourced {
            value: vec!["10.0.0.2:53".into()],
            source: Source::Flag,
        },
        subnet_id: Sourced::unknown(),
        vpc_id: Sourced::unknown(),
        availability_zone: Sourced::unknown(),
    }
}

struct Run {
    report: Report,
    elapsed: Duration,
    dialled: Vec<IpAddr>,
    /// The simulated network's packet counters after the run.
    counters: Counters,
}

/// Runs the probe over the simulated network on a paused clock.
fn run(s: &Scenario, world: &World) -> Run {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime builds");
    rt.block_on(async {
        let net = SimNet::new(&world.config);
        let options = ProbeOptions {
            timeout: Duration::from_millis(s.timeout_ms),
            ..ProbeOptions::default()
        };
        let started = tokio::time::Instant::now();
        let report = probe(&world.targets, &context(s), &net, &net, &options).await;
        let elapsed = tokio::time::Instant::now() - started;
        Run {
            report,
            elapsed,
            dialled: net.tcp_destinations().into_iter().collect(),
            counters: net.counters(),
        }
    })
}

fn check(s: &Scenario, world: &World, run: &Run) -> Result<(), TestCaseError> {
    let lossy = s.loss_pct > 0 || s.corrupt_pct > 0;
    let report = &run.report;
    prop_assert!(
        run.elapsed <= Duration::from_millis(s.timeout_ms),
        "took {:?} of virtual time",
        run.elapsed
    );
    prop_assert_eq!(report.endpoints.len(), world.targets.len());
    for sink in &world.sinkholes {
        prop_assert!(
            !run.dialled.contains(sink),
            "a sinkhole address {} was dialled",
            sink
        );
    }
    for (i, (e, truth)) in report.endpoints.iter().zip(&world.truth).enumerate() {
        prop_assert_eq!(&e.host, &world.targets[i].host);
        match truth {
            Truth::Dns(code) => {
                let ok = e.failure == Some(*code)
                    || (lossy && e.failure == Some(FailureCode::DnsTimeout));
                prop_assert!(
                    ok,
                    "endpoint {}: DNS failure {:?}, expected {:?}",
                    i,
                    e.failure,
                    code
                );
                prop_assert_eq!(e.reachable, Reachability::Unreachable);
                prop_assert!(e.addresses.is_empty());
            }
            Truth::Addresses(expected) => {
                let got: Vec<IpAddr> = e.addresses.iter().map(|a| a.ip).collect();
                let want: Vec<IpAddr> = expected.iter().map(|x| x.0).collect();
                if got != want {
                    // Only loss may cost the A or the AAAA answer, or both.
                    let v4: Vec<IpAddr> = want.iter().copied().filter(IpAddr::is_ipv4).collect();
                    let v6: Vec<IpAddr> = want.iter().copied().filter(IpAddr::is_ipv6).collect();
                    let partial = got == v4
                        || got == v6
                        || (got.is_empty() && e.failure == Some(FailureCode::DnsTimeout));
                    prop_assert!(
                        lossy && partial,
                        "endpoint {}: addresses {:?}, expected {:?}",
                        i,
                        got,
                        want
                    );
                }
                for a in &e.addresses {
                    let truth = expected
                        .iter()
                        .find(|x| x.0 == a.ip)
                        .map(|x| x.1)
                        .expect("listed above");
                    let ok = a.outcome == truth
                        || (lossy && a.outcome == TcpOutcome::Timeout && truth.was_dialled());
                    prop_assert!(
                        ok,
                        "endpoint {}: {} gave {:?}, expected {:?}",
                        i,
                        a.ip,
                        a.outcome,
                        truth
                    );
                }
                let connected = e
                    .addresses
                    .iter()
                    .any(|a| a.outcome == TcpOutcome::Connected);
                prop_assert_eq!(e.reachable == Reachability::Reachable, connected);
                if !lossy {
                    let should = expected.iter().any(|x| x.1 == TcpOutcome::Connected);
                    prop_assert_eq!(connected, should, "endpoint {} reachability", i);
                    // Partial reachability is warned of exactly when some
                    // address connected and another that could be sent to
                    // (a route exists) did not.
                    let failed_with_route = e.addresses.iter().any(|a| {
                        a.outcome.was_dialled()
                            && !matches!(
                                a.outcome,
                                TcpOutcome::Connected | TcpOutcome::NoLocalRoute
                            )
                    });
                    let warned = report
                        .findings
                        .iter()
                        .any(|f| f.code.as_str() == "partial-reachability" && f.resource == e.host);
                    prop_assert_eq!(
                        warned,
                        connected && failed_with_route,
                        "endpoint {} partial-reachability",
                        i
                    );
                }
            }
        }
        prop_assert_eq!(e.failure.is_none(), e.reachable == Reachability::Reachable);
        // On a clean path a name that got an answer cost exactly its A and
        // AAAA queries: nothing resent. A FORMERR to EDNS costs each query
        // once more, without EDNS (RFC 6891 §7), and is then final.
        if let Some(dns) = &e.dns
            && !lossy
            && e.failure != Some(FailureCode::DnsTimeout)
        {
            let queries = if s.endpoints[i].dns == DnsSpec::FormErr {
                4
            } else {
                2
            };
            prop_assert_eq!(
                (dns.queries, dns.resent),
                (Some(queries), Some(0)),
                "endpoint {} DNS queries",
                i
            );
        }
    }
    let degraded = report
        .endpoints
        .iter()
        .any(|e| e.reachable == Reachability::Unreachable);
    prop_assert_eq!(report.status == Status::Degraded, degraded);
    let json = serde_json::to_string(report).expect("a report serialises");
    let back: Report = serde_json::from_str(&json).expect("the report reads back");
    prop_assert_eq!(&back, report);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_networks_match_ground_truth(s in scenario()) {
        let world = build(&s);
        let run = run(&s, &world);
        check(&s, &world, &run)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn same_seed_same_report(s in scenario()) {
        let world = build(&s);
        let a = serde_json::to_string(&run(&s, &world).report).expect("serialises");
        let b = serde_json::to_string(&run(&s, &world).report).expect("serialises");
        prop_assert_eq!(a, b);
    }
}

#[test]
fn every_behaviour_once() {
    use AddrKind::*;
    use Behave::*;
    let records = |list: &[(AddrKind, Behave)]| EndpointSpec {
        dns: DnsSpec::Records(list.to_vec()),
        literal: false,
    };
    let s = Scenario {
        seed: 7,
        loss_pct: 0,
        corrupt_pct: 0,
        timeout_ms: 2000,
        latency_ms: 1,
        client_ipv6: false,
        public_ip: PublicIp::NotAssigned,
        vpc_cidr: false,
        endpoints: vec![
            records(&[(PrivateV4, Accept), (PrivateV4, BlackHole)]),
            records(&[(PublicV4, Refuse)]),
            records(&[(PublicV4, BlackHole), (PublicV4, TooSlow)]),
            records(&[(PrivateV4, SlowInTime)]),
            records(&[(Sinkhole(0), Accept), (Sinkhole(1), Accept)]),
            records(&[(PublicV6, Accept)]),
            EndpointSpec {
                dns: DnsSpec::NxDomain,
                literal: false,
            },
            EndpointSpec {
                dns: DnsSpec::NoData,
                literal: false,
            },
            EndpointSpec {
                dns: DnsSpec::ServFail,
                literal: false,
            },
            EndpointSpec {
                dns: DnsSpec::Refused,
                literal: false,
            },
            EndpointSpec {
                dns: DnsSpec::Silent,
                literal: false,
            },
        ],
    };
    let world = build(&s);
    let run = run(&s, &world);
    check(&s, &world, &run).expect("matches the ground truth");
    let failures: Vec<Option<&str>> = run
        .report
        .endpoints
        .iter()
        .map(|e| e.failure.map(FailureCode::as_str))
        .collect();
    assert_eq!(
        failures,
        [
            None,
            Some("tcp_refused"),
            Some("tcp_timeout"),
            None,
            Some("dns_sinkhole"),
            Some("tcp_unreachable"),
            Some("dns_nxdomain"),
            Some("dns_no_records"),
            Some("dns_servfail"),
            Some("dns_refused"),
            Some("dns_timeout"),
        ]
    );
    assert!(
        run.report
            .findings
            .iter()
            .any(|f| f.code.as_str() == "partial-reachability")
    );
    // The SYNs to the black-holed addresses went nowhere; the DNS
    // responder answered every name but the silent one.
    assert!(run.counters.black_holed > 0, "{:?}", run.counters);
    assert!(run.counters.dns_answers >= 10, "{:?}", run.counters);
    // The probe ends exactly at its deadline: two targets hang until then.
    assert_eq!(run.elapsed, Duration::from_millis(2000));
    assert_eq!(run.report.status, Status::Degraded);
    let ms = run.report.endpoints[3].addresses[0].ms.expect("dialled");
    // Slow by timeout/8 = 250 ms each way, plus 1 ms links: about 502 ms.
    assert!((500.0..510.0).contains(&ms), "slow connect took {ms} ms");
}
