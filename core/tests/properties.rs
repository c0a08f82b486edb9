//! Property tests of the invariants DESIGN.md promises.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is the test failing

use netready_core::catalog::{self, AccountId, Partition, Profile, Region};
use netready_core::classify::{AddressClass, Classifier, PrivateRange, Translation, classify};
use netready_core::net::{Cidr, is_valid_dns_name};
use netready_core::report::{Reachability, Report, ReportKind, Status, TcpOutcome};
use netready_core::rules::{
    DnsAnswer, DnsFailure, Observation, PublicIp, TaskContext, assess_endpoint, overall_status,
};
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn v4_in(base: u32, len: u32) -> impl Strategy<Value = Ipv4Addr> {
    let host_bits = 32 - len;
    (0u32..=u32::MAX).prop_map(move |r| {
        let mask = if host_bits == 32 {
            u32::MAX
        } else {
            (1u32 << host_bits) - 1
        };
        Ipv4Addr::from_bits(base | (r & mask))
    })
}

fn arb_cidrs() -> impl Strategy<Value = Vec<Cidr>> {
    prop::collection::vec(
        prop_oneof![
            (any::<u32>(), 0u8..=32).prop_map(|(a, l)| {
                let c = netready_core::net::Ipv4Cidr::new_truncating(Ipv4Addr::from_bits(a), l);
                Cidr::V4(c)
            }),
            (any::<u128>(), 0u8..=128).prop_map(|(a, l)| {
                let c = netready_core::net::Ipv6Cidr::new_truncating(Ipv6Addr::from_bits(a), l);
                Cidr::V6(c)
            }),
        ],
        0..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn private_ranges_are_private(
        a in prop_oneof![
            v4_in(0x0a00_0000, 8),
            v4_in(0xac10_0000, 12),
            v4_in(0xc0a8_0000, 16),
            v4_in(0x6440_0000, 10),
        ],
        vpc in arb_cidrs(),
    ) {
        prop_assert!(matches!(classify(IpAddr::V4(a), &vpc).class, AddressClass::Private(_)));
        prop_assert!(matches!(classify(IpAddr::V4(a), &[]).class, AddressClass::Private(_)));
    }

    #[test]
    fn unique_local_is_private(r in any::<u128>(), vpc in arb_cidrs()) {
        let a = Ipv6Addr::from_bits(0xfc00u128 << 112 | (r & ((1u128 << 121) - 1)));
        prop_assert!(matches!(classify(IpAddr::V6(a), &vpc).class, AddressClass::Private(_)));
    }

    #[test]
    fn classifier_equals_classify(
        vpc in prop::collection::vec(arb_cidrs(), 1..4).prop_map(|v| v.concat()),
        pick in any::<prop::sample::Index>(),
        host in any::<u128>(),
        which in 0u8..4,
    ) {
        // Addresses inside a CIDR (its network plus random host bits), their
        // mapped and NAT64 forms, and addresses anywhere; up to 12 CIDRs, so
        // more than one block of lanes.
        let ip = match (vpc.is_empty(), which) {
            (false, 0) => match vpc[pick.index(vpc.len())] {
                Cidr::V4(c) => {
                    let host_mask = u32::MAX.checked_shr(u32::from(c.prefix_len())).unwrap_or(0);
                    IpAddr::V4(Ipv4Addr::from_bits(c.network().to_bits() | (host as u32 & host_mask)))
                }
                Cidr::V6(c) => {
                    let host_mask = u128::MAX.checked_shr(u32::from(c.prefix_len())).unwrap_or(0);
                    IpAddr::V6(Ipv6Addr::from_bits(c.network().to_bits() | (host & host_mask)))
                }
            },
            (_, 1) => IpAddr::V6(Ipv4Addr::from_bits(host as u32).to_ipv6_mapped()),
            (_, 2) => IpAddr::V6(Ipv6Addr::from_bits(0x0064_ff9b_u128 << 96 | (host & 0xffff_ffff))),
            (_, 3) => IpAddr::V4(Ipv4Addr::from_bits(host as u32)),
            _ => IpAddr::V6(Ipv6Addr::from_bits(host)),
        };
        prop_assert_eq!(Classifier::new(&vpc).classify(ip), classify(ip, &vpc));
    }

    #[test]
    fn mapped_classifies_as_ipv4(a in any::<u32>(), vpc in arb_cidrs()) {
        let v4 = Ipv4Addr::from_bits(a);
        let direct = classify(IpAddr::V4(v4), &vpc);
        let mapped = classify(IpAddr::V6(v4.to_ipv6_mapped()), &vpc);
        prop_assert_eq!(direct.class, mapped.class);
        prop_assert_eq!(mapped.translation, Translation::Ipv4Mapped);
        prop_assert_eq!(mapped.effective, IpAddr::V4(v4));
    }

    #[test]
    fn nat64_classifies_by_embedded_ipv4(a in any::<u32>(), vpc in arb_cidrs()) {
        let v4 = Ipv4Addr::from_bits(a);
        let nat64 = Ipv6Addr::from_bits(0x0064_ff9b_u128 << 96 | u128::from(a));
        let got = classify(IpAddr::V6(nat64), &vpc);
        prop_assert_eq!(got.class, classify(IpAddr::V4(v4), &vpc).class);
        prop_assert_eq!(got.translation, Translation::Nat64);
    }

    #[test]
    fn vpc_cidr_makes_public_private(a in any::<u32>(), len in 0u8..=32) {
        let ip = IpAddr::V4(Ipv4Addr::from_bits(a));
        let cidr = Cidr::V4(netready_core::net::Ipv4Cidr::new_truncating(Ipv4Addr::from_bits(a), len));
        let before = classify(ip, &[]).class;
        let after = classify(ip, &[cidr]).class;
        match before {
            AddressClass::Special(_) => prop_assert_eq!(after, before),
            _ => prop_assert_eq!(after, AddressClass::Private(PrivateRange::VpcCidr)),
        }
    }

    #[test]
    fn cidr_round_trips(a in any::<u128>(), len in 0u8..=128) {
        let c = Cidr::V6(netready_core::net::Ipv6Cidr::new_truncating(Ipv6Addr::from_bits(a), len));
        prop_assert_eq!(c.to_string().parse::<Cidr>().unwrap(), c);
        prop_assert!(c.contains(c.network()));
    }

    #[test]
    fn unknown_wellformed_regions_give_valid_hosts(
        area in prop::sample::select(vec!["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn"]),
        dir in prop::sample::select(vec!["east", "west", "north", "south", "central", "northeast", "southeast"]),
        n in 1u8..=99,
    ) {
        let region = Region::parse(&format!("{area}-{dir}-{n}")).unwrap();
        check_hosts(&region);
    }
}

fn check_hosts(region: &Region) {
    let account: AccountId = "123456789012".parse().unwrap();
    let suffix = region.partition().dns_suffix();
    for profile in Profile::ALL {
        for s in catalog::services(profile) {
            let host = s.host(region, Some(&account)).unwrap();
            assert!(is_valid_dns_name(&host), "{host}");
            if s.id != "management-plane" {
                assert!(
                    host.ends_with(&format!(".{suffix}")),
                    "{host} not under {suffix}"
                );
            }
            let name = s.service_name(region);
            let parsed: catalog::ServiceName = name.parse().unwrap();
            assert_eq!(parsed.to_string(), name);
        }
    }
}

#[test]
fn every_known_region_gives_valid_hosts() {
    let mut n = 0;
    for region in Region::all_known() {
        check_hosts(&region);
        n += 1;
    }
    assert!(n >= 40);
    for p in Partition::ALL {
        assert!(!p.regions().is_empty(), "{p}");
    }
}

fn arb_outcome() -> impl Strategy<Value = TcpOutcome> {
    prop::sample::select(vec![
        TcpOutcome::Connected,
        TcpOutcome::Refused,
        TcpOutcome::Timeout,
        TcpOutcome::Unreachable,
        TcpOutcome::SkippedDeadline,
    ])
}

fn arb_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|a| IpAddr::V4(Ipv4Addr::from_bits(a))),
        v4_in(0x0a00_0000, 8).prop_map(IpAddr::V4),
        Just(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        Just(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        any::<u128>().prop_map(|a| IpAddr::V6(Ipv6Addr::from_bits(a))),
        any::<u32>()
            .prop_map(|a| IpAddr::V6(Ipv6Addr::from_bits(0x0064_ff9b_u128 << 96 | u128::from(a)))),
    ]
}

fn arb_observation() -> impl Strategy<Value = Observation> {
    let dns = prop_oneof![
        prop::collection::vec(arb_ip(), 0..6).prop_map(DnsAnswer::from_addresses),
        prop::sample::select(vec![
            DnsFailure::NxDomain,
            DnsFailure::NoData,
            DnsFailure::ServFail,
            DnsFailure::Refused,
            DnsFailure::Timeout,
            DnsFailure::NotAsked,
            DnsFailure::NoRoute,
            DnsFailure::Unreachable,
        ])
        .prop_map(DnsAnswer::Failed),
    ];
    (
        dns,
        prop::collection::vec(arb_outcome(), 6),
        prop::sample::select(vec!["logs", "s3", "custom"]),
    )
        .prop_map(|(dns, outcomes, service)| {
            let dials = match &dns {
                DnsAnswer::Addresses(a) => a
                    .iter()
                    .zip(outcomes)
                    .map(|(ip, o)| (*ip, o, Some(f64::from(1u8) / 8.0)))
                    .collect(),
                DnsAnswer::Failed(_) => Vec::new(),
            };
            Observation {
                service: service.into(),
                host: "h.example".into(),
                port: 443,
                dns,
                dials,
            }
        })
}

fn arb_public_ip() -> impl Strategy<Value = PublicIp> {
    prop::sample::select(vec![
        PublicIp::Assigned,
        PublicIp::NotAssigned,
        PublicIp::Unknown,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn assessment_invariants(obs in arb_observation(), public_ip in arb_public_ip(), vpc in arb_cidrs()) {
        let ctx = TaskContext { public_ip, vpc_cidrs: &vpc };
        let a = assess_endpoint(&obs, &ctx, 4);
        let e = &a.endpoint;
        // The probe always knows.
        prop_assert_ne!(e.reachable, Reachability::Unknown);
        let connected = e.addresses.iter().any(|x| x.outcome == TcpOutcome::Connected);
        prop_assert_eq!(e.reachable == Reachability::Reachable, connected);
        prop_assert_eq!(e.failure.is_none(), connected);
        // Sinkholes are never dialled; at most 4 addresses dialled.
        for x in &e.addresses {
            if x.class.is_special() {
                prop_assert_eq!(x.outcome, TcpOutcome::SkippedSinkhole);
            }
        }
        prop_assert!(e.addresses.iter().filter(|x| x.outcome.was_dialled()).count() <= 4);
        // No path means no access type; a path means a real address.
        if e.access_type.is_some() {
            prop_assert!(e.addresses.iter().any(|x| !x.class.is_special()));
        }
    }

    #[test]
    fn status_is_degraded_iff_something_unreachable(
        obs in prop::collection::vec(arb_observation(), 0..8),
        unknowns in 0usize..3,
        public_ip in arb_public_ip(),
    ) {
        let ctx = TaskContext { public_ip, vpc_cidrs: &[] };
        let mut report = Report::new(ReportKind::Probe, Some("eu-west-1".into()));
        for o in &obs {
            report.endpoints.push(assess_endpoint(o, &ctx, 16).endpoint);
        }
        for _ in 0..unknowns {
            report.endpoints.push(netready_core::rules::unverified_endpoint("ecr.dkr", "x".into(), 443, "no account"));
        }
        report.finish();
        let any_unreachable = report.endpoints.iter().any(|e| e.reachable == Reachability::Unreachable);
        let any_unknown = report.endpoints.iter().any(|e| e.reachable == Reachability::Unknown);
        prop_assert_eq!(report.status == Status::Degraded, any_unreachable);
        // Unknown is never reported as ready.
        if any_unknown {
            prop_assert_ne!(report.status, Status::Ready);
        }
        prop_assert_eq!(report.status, overall_status(report.endpoints.iter().map(|e| e.reachable)));
        // And the JSON round-trips exactly.
        let json = serde_json::to_string(&report).unwrap();
        let back: Report = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, report);
    }
}
