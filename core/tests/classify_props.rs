//! The table-driven classifier (`classify` and `Classifier`) against one
//! oracle: a straightforward longest-prefix match over the documented
//! ranges, written here independently of core's tables. Inputs are
//! random addresses, addresses at and around every range boundary, mapped
//! and NAT64 forms of those, and VPC CIDRs (short and long, both families)
//! with addresses at their edges.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is the test failing

use netready_core::classify::{
    AddressClass, Classified, Classifier, PrivateRange, SpecialRange, Translation, classify,
};
use netready_core::net::{Cidr, Ipv4Cidr, Ipv6Cidr};
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use AddressClass::{Private, Public, Special};

/// The documented IPv4 ranges (DESIGN.md, `core/src/classify.rs` docs);
/// anything else is public.
const V4_RANGES: &[(&str, AddressClass)] = &[
    ("0.0.0.0/8", Special(SpecialRange::ThisNetwork)),
    ("0.0.0.0/32", Special(SpecialRange::Unspecified)),
    ("10.0.0.0/8", Private(PrivateRange::Rfc1918)),
    ("100.64.0.0/10", Private(PrivateRange::SharedAddressSpace)),
    ("127.0.0.0/8", Special(SpecialRange::Loopback)),
    ("169.254.0.0/16", Special(SpecialRange::LinkLocal)),
    ("172.16.0.0/12", Private(PrivateRange::Rfc1918)),
    ("192.0.0.0/24", Special(SpecialRange::ProtocolAssignment)),
    ("192.0.2.0/24", Special(SpecialRange::Documentation)),
    ("192.88.99.0/24", Special(SpecialRange::Reserved)),
    ("192.168.0.0/16", Private(PrivateRange::Rfc1918)),
    ("198.18.0.0/15", Special(SpecialRange::Benchmarking)),
    ("198.51.100.0/24", Special(SpecialRange::Documentation)),
    ("203.0.113.0/24", Special(SpecialRange::Documentation)),
    ("224.0.0.0/4", Special(SpecialRange::Multicast)),
    ("240.0.0.0/4", Special(SpecialRange::Reserved)),
    ("255.255.255.255/32", Special(SpecialRange::Broadcast)),
];

/// The documented IPv6 ranges; `::/0` makes everything else reserved.
/// Mapped and NAT64 addresses are decided before this table.
const V6_RANGES: &[(&str, AddressClass)] = &[
    ("::/0", Special(SpecialRange::Reserved)),
    ("::/128", Special(SpecialRange::Unspecified)),
    ("::1/128", Special(SpecialRange::Loopback)),
    ("100::/64", Special(SpecialRange::DiscardOnly)),
    ("2000::/3", Public),
    ("2001::/23", Special(SpecialRange::ProtocolAssignment)),
    ("2001:db8::/32", Special(SpecialRange::Documentation)),
    ("2002::/16", Special(SpecialRange::Reserved)),
    ("3fff::/20", Special(SpecialRange::Documentation)),
    ("fc00::/7", Private(PrivateRange::UniqueLocal)),
    ("fe80::/10", Special(SpecialRange::LinkLocal)),
    ("ff00::/8", Special(SpecialRange::Multicast)),
];

static RANGES: LazyLock<Vec<(Cidr, AddressClass)>> = LazyLock::new(|| {
    V4_RANGES
        .iter()
        .chain(V6_RANGES)
        .map(|(c, class)| (c.parse().unwrap(), *class))
        .collect()
});

/// What the documentation says `ip` is.
fn oracle(ip: IpAddr, vpc: &[Cidr]) -> Classified {
    let (effective, translation) = match ip {
        IpAddr::V6(v6) => {
            let bits = v6.to_bits();
            let embedded = IpAddr::V4(Ipv4Addr::from_bits(bits as u32));
            if bits >> 32 == 0xffff {
                (embedded, Translation::Ipv4Mapped)
            } else if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
                (embedded, Translation::Nat64)
            } else {
                (ip, Translation::Native)
            }
        }
        IpAddr::V4(_) => (ip, Translation::Native),
    };
    let base = RANGES
        .iter()
        .filter(|(c, _)| c.contains(effective))
        .max_by_key(|(c, _)| c.prefix_len())
        .map_or(Public, |(_, class)| *class);
    let class = if !base.is_special() && vpc.iter().any(|c| c.contains(effective)) {
        Private(PrivateRange::VpcCidr)
    } else {
        base
    };
    Classified {
        class,
        translation,
        effective,
    }
}

/// Checks every entry point against the oracle.
fn check(ip: IpAddr, vpc: &[Cidr]) -> Result<(), TestCaseError> {
    let want = oracle(ip, vpc);
    let got = classify(ip, vpc);
    prop_assert_eq!(got, want, "classify({}, {:?})", ip, vpc);
    prop_assert_eq!(
        Classifier::new(vpc).classify(ip),
        want,
        "Classifier for {}",
        ip
    );
    Ok(())
}

fn v4_cidr(a: u32, len: u8) -> Cidr {
    Cidr::V4(Ipv4Cidr::new_truncating(Ipv4Addr::from_bits(a), len))
}

fn v6_cidr(a: u128, len: u8) -> Cidr {
    Cidr::V6(Ipv6Cidr::new_truncating(Ipv6Addr::from_bits(a), len))
}

/// Addresses at and around every documented boundary (first and last
/// address of each range, one outside each end, a few bits flipped), in
/// every form: IPv4 ranges also mapped and NAT64.
fn boundary() -> impl Strategy<Value = IpAddr> {
    (
        0..RANGES.len(),
        any::<bool>(),
        -3i32..=3,
        any::<u128>(),
        0u8..3,
    )
        .prop_map(|(i, last, delta, noise, form)| {
            let (cidr, _) = RANGES[i];
            match cidr {
                Cidr::V4(c) => {
                    let host = u32::MAX.checked_shr(u32::from(c.prefix_len())).unwrap_or(0);
                    let edge = c.network().to_bits() | if last { host } else { 0 };
                    let a = edge.wrapping_add_signed(delta) ^ (noise as u32 & host & 0xff00);
                    let v4 = Ipv4Addr::from_bits(a);
                    match form {
                        0 => IpAddr::V4(v4),
                        1 => IpAddr::V6(v4.to_ipv6_mapped()),
                        _ => {
                            IpAddr::V6(Ipv6Addr::from_bits(0x0064_ff9b_u128 << 96 | u128::from(a)))
                        }
                    }
                }
                Cidr::V6(c) => {
                    let host = u128::MAX
                        .checked_shr(u32::from(c.prefix_len()))
                        .unwrap_or(0);
                    let edge = c.network().to_bits() | if last { host } else { 0 };
                    let delta = delta as i128 as u128;
                    // Flip a few host bits somewhere in the top half too.
                    let a = edge.wrapping_add(delta) ^ (noise & host & (0xffff << 80));
                    IpAddr::V6(Ipv6Addr::from_bits(a))
                }
            }
        })
}

/// Anything: random IPv4, random IPv6, and the IPv6 shapes a uniform draw
/// never hits (mapped, NAT64, near `::`, in 100::/64, 64:ff9b:1::/48).
fn any_address() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|a| IpAddr::V4(Ipv4Addr::from_bits(a))),
        any::<u128>().prop_map(|a| IpAddr::V6(Ipv6Addr::from_bits(a))),
        any::<u32>().prop_map(|a| IpAddr::V6(Ipv4Addr::from_bits(a).to_ipv6_mapped())),
        any::<u32>()
            .prop_map(|a| IpAddr::V6(Ipv6Addr::from_bits(0x0064_ff9b_u128 << 96 | u128::from(a)))),
        (0u128..4).prop_map(|a| IpAddr::V6(Ipv6Addr::from_bits(a))),
        any::<u64>()
            .prop_map(|a| IpAddr::V6(Ipv6Addr::from_bits(0x0100_u128 << 112 | u128::from(a)))),
        any::<u128>()
            .prop_map(|a| IpAddr::V6(Ipv6Addr::from_bits(0x0064_ff9b_0001_u128 << 80 | (a >> 48)))),
        boundary(),
    ]
}

/// VPC CIDRs of both families, short (at most /8: they cover whole first
/// bytes) and long (they split one).
fn cidrs() -> impl Strategy<Value = Vec<Cidr>> {
    prop::collection::vec(
        prop_oneof![
            (any::<u32>(), 0u8..=32).prop_map(|(a, l)| v4_cidr(a, l)),
            (any::<u32>(), 0u8..=8).prop_map(|(a, l)| v4_cidr(a, l)),
            (any::<u32>(), 16u8..=28).prop_map(|(a, l)| v4_cidr(a, l)),
            (any::<u128>(), 0u8..=128).prop_map(|(a, l)| v6_cidr(a, l)),
            (any::<u128>(), 0u8..=8).prop_map(|(a, l)| v6_cidr(a, l)),
            (any::<u128>(), 44u8..=64).prop_map(|(a, l)| v6_cidr(a, l)),
            // A documented range as a VPC CIDR (it must never rescue a
            // special one).
            (0..RANGES.len()).prop_map(|i| RANGES[i].0),
        ],
        0..6,
    )
}

/// An address at an edge of one of `vpc` (first, last, one outside), in
/// every form an IPv4 one can take.
fn at_cidr_edge(vpc: &[Cidr], pick: usize, last: bool, delta: i8, form: u8) -> IpAddr {
    match vpc[pick % vpc.len()] {
        Cidr::V4(c) => {
            let host = u32::MAX.checked_shr(u32::from(c.prefix_len())).unwrap_or(0);
            let edge = c.network().to_bits() | if last { host } else { 0 };
            let a = edge.wrapping_add_signed(i32::from(delta));
            match form % 3 {
                0 => IpAddr::V4(Ipv4Addr::from_bits(a)),
                1 => IpAddr::V6(Ipv4Addr::from_bits(a).to_ipv6_mapped()),
                _ => IpAddr::V6(Ipv6Addr::from_bits(0x0064_ff9b_u128 << 96 | u128::from(a))),
            }
        }
        Cidr::V6(c) => {
            let host = u128::MAX
                .checked_shr(u32::from(c.prefix_len()))
                .unwrap_or(0);
            let edge = c.network().to_bits() | if last { host } else { 0 };
            IpAddr::V6(Ipv6Addr::from_bits(
                edge.wrapping_add(delta as i128 as u128),
            ))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn equals_the_oracles_without_cidrs(ip in any_address()) {
        check(ip, &[])?;
    }

    #[test]
    fn equals_the_oracles_with_cidrs(ip in any_address(), vpc in cidrs()) {
        check(ip, &vpc)?;
    }

    #[test]
    fn equals_the_oracles_at_cidr_edges(
        vpc in cidrs().prop_filter("at least one CIDR", |v| !v.is_empty()),
        pick in any::<usize>(),
        last in any::<bool>(),
        delta in -2i8..=2,
        form in any::<u8>(),
    ) {
        check(at_cidr_edge(&vpc, pick, last, delta, form), &vpc)?;
    }
}

/// Every first and second byte, each with the lowest, highest and a middle
/// value of the rest, in every form: covers every block of the trie's first
/// two levels exhaustively (the property tests above go deeper, at the
/// boundaries).
#[test]
fn every_two_byte_prefix() {
    let vpcs: [Vec<Cidr>; 3] = [
        vec![],
        [
            "10.0.0.0/16",
            "100.64.0.0/16",
            "52.94.0.0/22",
            "2600:1f18:1234:5600::/56",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect(),
        ["0.0.0.0/1", "128.0.0.0/5", "2000::/4", "fc00::/8", "::/0"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect(),
    ];
    let prepared: Vec<Classifier> = vpcs.iter().map(|v| Classifier::new(v)).collect();
    for top in 0..=u16::MAX {
        for rest in [0u32, 0xffff, 0x8001, 1] {
            let a = u32::from(top) << 16 | rest;
            let v6 = u128::from(top) << 112 | u128::from(rest) | u128::from(rest) << 64;
            for ip in [
                IpAddr::V4(Ipv4Addr::from_bits(a)),
                IpAddr::V6(Ipv4Addr::from_bits(a).to_ipv6_mapped()),
                IpAddr::V6(Ipv6Addr::from_bits(0x0064_ff9b_u128 << 96 | u128::from(a))),
                IpAddr::V6(Ipv6Addr::from_bits(v6)),
            ] {
                for (vpc, prep) in vpcs.iter().zip(&prepared) {
                    let want = oracle(ip, vpc);
                    assert_eq!(classify(ip, vpc), want, "classify({ip}, {vpc:?})");
                    assert_eq!(prep.classify(ip), want, "Classifier({vpc:?}) for {ip}");
                }
            }
        }
    }
}

/// The ranges' one-address cases, spelled out.
#[test]
fn single_addresses() {
    for (ip, class) in [
        ("::", Special(SpecialRange::Unspecified)),
        ("::1", Special(SpecialRange::Loopback)),
        ("::2", Special(SpecialRange::Reserved)),
        ("::1:0:0:1", Special(SpecialRange::Reserved)),
        ("100::", Special(SpecialRange::DiscardOnly)),
        (
            "100::ffff:ffff:ffff:ffff",
            Special(SpecialRange::DiscardOnly),
        ),
        ("100:0:0:1::", Special(SpecialRange::Reserved)),
        ("100:1::", Special(SpecialRange::Reserved)),
        ("64:ff9b:1::1", Special(SpecialRange::Reserved)),
        ("::ffff:0.0.0.0", Special(SpecialRange::Unspecified)),
        ("::ffff:255.255.255.255", Special(SpecialRange::Broadcast)),
        ("64:ff9b::255.255.255.254", Special(SpecialRange::Reserved)),
        ("64:ff9b::10.0.0.1", Private(PrivateRange::Rfc1918)),
        ("0.0.0.1", Special(SpecialRange::ThisNetwork)),
        ("2001:db8:ffff::", Special(SpecialRange::Documentation)),
        ("2001:db9::", Public),
        ("3fff:1000::", Public),
        ("fec0::", Special(SpecialRange::Reserved)),
        ("febf::", Special(SpecialRange::LinkLocal)),
    ] {
        let ip: IpAddr = ip.parse().unwrap();
        assert_eq!(classify(ip, &[]).class, class, "{ip}");
        assert_eq!(oracle(ip, &[]).class, class, "oracle for {ip}");
        let everything: [Cidr; 2] = ["0.0.0.0/0".parse().unwrap(), "::/0".parse().unwrap()];
        let want = oracle(ip, &everything);
        assert_eq!(
            classify(ip, &everything),
            want,
            "{ip} in a VPC of everything"
        );
        assert_eq!(Classifier::new(&everything).classify(ip), want, "{ip}");
    }
}
