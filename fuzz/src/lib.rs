//! The bodies of netready's fuzz targets, one function per target.
//!
//! Each function takes the fuzzer's raw bytes and panics (through `assert!`)
//! when a property of netready-core does not hold. The same file is compiled
//! twice:
//! * by cargo-fuzz, as the library behind the one-line binaries in
//!   `fuzz/fuzz_targets/` (nightly flags, libFuzzer, sanitizer coverage);
//! * by stable `cargo test`, included with `#[path]` into
//!   `tests/integration-tests/tests/integration/fuzz_replay.rs`, which runs every file of
//!   `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` through it.
//!
//! So this file depends only on `netready-core` (with its `arbitrary`
//! feature), `arbitrary` and `serde_json`: nothing fuzzer-specific.
//!
//! What the targets check is more than "no panic": the classifier against an
//! independent longest-prefix table of the documented ranges, IPv4-mapped and
//! NAT64 equivalence; parse → print → parse round trips of the CIDR,
//! `HOST[:PORT]`, region and service-name parsers (and that a printed service
//! name is exactly what was parsed); the report's JSON round trip; the probe
//! rules' guarantees (reachable iff some dialled address connected, sinkholes
//! never dialled, a failure code exactly when unreachable); and that a quoted
//! fix-command argument reads back as the one word it quotes; and that
//! decoding a document's bytes loses nothing (what decodes encodes back to
//! exactly those bytes).
//!
//! Not checked here: anything needing I/O (the probe engine is checked over
//! the simulated network in `tests/integration-tests/tests/integration/sim/`).
#![forbid(unsafe_code)]
#![allow(clippy::panic, clippy::unwrap_used, unreachable_pub, dead_code)]

use arbitrary::Unstructured;
use netready_core::Region;
use netready_core::catalog::{self, AccountId, ServiceName};
use netready_core::classify::{AddressClass, PrivateRange, SpecialRange, Translation, classify};
use netready_core::commands::{ps_quote, shell_quote};
use netready_core::net::{Cidr, CidrError, HostPort, is_valid_dns_name};
use netready_core::report::{FailureCode, Reachability, Report, ReportKind, TcpOutcome};
use netready_core::rules::{
    self, DnsAnswer, DnsFailure, Observation, PublicIp, TaskContext, access_type_of,
    assess_endpoint,
};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A target's body: panics when a property does not hold.
pub type Body = fn(&[u8]);

/// Every target: its name (the directory under `fuzz/corpus/` and
/// `fuzz/regressions/`, and the cargo-fuzz binary) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("classify", classify_target),
    ("cidr", cidr),
    ("host_port", host_port),
    ("region", region),
    ("service_name", service_name),
    ("report_json", report_json),
    ("assess", assess),
    ("quote", quote),
    ("vpc_parse", vpc_parse),
    ("plan_parse", plan_parse),
    ("vpc_eval", vpc_eval),
    ("metadata", metadata),
    ("policy", policy),
    ("text_decode", text_decode),
];

// ---------------------------------------------------------------------------
// Address classification
// ---------------------------------------------------------------------------

/// The documented ranges (`core/src/classify.rs` module docs and DESIGN.md),
/// written as a table and decided by longest-prefix match: an implementation
/// independent of the classifier's bit tests.
const V4_TABLE: &[(&str, AddressClass)] = &[
    (
        "0.0.0.0/32",
        AddressClass::Special(SpecialRange::Unspecified),
    ),
    (
        "0.0.0.0/8",
        AddressClass::Special(SpecialRange::ThisNetwork),
    ),
    ("10.0.0.0/8", AddressClass::Private(PrivateRange::Rfc1918)),
    (
        "100.64.0.0/10",
        AddressClass::Private(PrivateRange::SharedAddressSpace),
    ),
    ("127.0.0.0/8", AddressClass::Special(SpecialRange::Loopback)),
    (
        "169.254.0.0/16",
        AddressClass::Special(SpecialRange::LinkLocal),
    ),
    (
        "172.16.0.0/12",
        AddressClass::Private(PrivateRange::Rfc1918),
    ),
    (
        "192.0.0.0/24",
        AddressClass::Special(SpecialRange::ProtocolAssignment),
    ),
    (
        "192.0.2.0/24",
        AddressClass::Special(SpecialRange::Documentation),
    ),
    (
        "192.88.99.0/24",
        AddressClass::Special(SpecialRange::Reserved),
    ),
    (
        "192.168.0.0/16",
        AddressClass::Private(PrivateRange::Rfc1918),
    ),
    (
        "198.18.0.0/15",
        AddressClass::Special(SpecialRange::Benchmarking),
    ),
    (
        "198.51.100.0/24",
        AddressClass::Special(SpecialRange::Documentation),
    ),
    (
        "203.0.113.0/24",
        AddressClass::Special(SpecialRange::Documentation),
    ),
    (
        "224.0.0.0/4",
        AddressClass::Special(SpecialRange::Multicast),
    ),
    ("240.0.0.0/4", AddressClass::Special(SpecialRange::Reserved)),
    (
        "255.255.255.255/32",
        AddressClass::Special(SpecialRange::Broadcast),
    ),
];

/// IPv6: everything outside the listed unicast, unique-local, link-local and
/// multicast ranges is reserved (`::/0`). `::ffff:0:0/96` and `64:ff9b::/96`
/// are handled before the table (they classify as their IPv4 address).
const V6_TABLE: &[(&str, AddressClass)] = &[
    ("::/0", AddressClass::Special(SpecialRange::Reserved)),
    ("::/128", AddressClass::Special(SpecialRange::Unspecified)),
    ("::1/128", AddressClass::Special(SpecialRange::Loopback)),
    ("100::/64", AddressClass::Special(SpecialRange::DiscardOnly)),
    ("2000::/3", AddressClass::Public),
    (
        "2001::/23",
        AddressClass::Special(SpecialRange::ProtocolAssignment),
    ),
    (
        "2001:db8::/32",
        AddressClass::Special(SpecialRange::Documentation),
    ),
    ("2002::/16", AddressClass::Special(SpecialRange::Reserved)),
    (
        "3fff::/20",
        AddressClass::Special(SpecialRange::Documentation),
    ),
    ("fc00::/7", AddressClass::Private(PrivateRange::UniqueLocal)),
    ("fe80::/10", AddressClass::Special(SpecialRange::LinkLocal)),
    ("ff00::/8", AddressClass::Special(SpecialRange::Multicast)),
];

fn longest_match(ip: IpAddr, table: &[(&str, AddressClass)]) -> Option<AddressClass> {
    table
        .iter()
        .map(|(c, class)| {
            (
                c.parse::<Cidr>()
                    .expect("the oracle table holds canonical CIDRs"),
                *class,
            )
        })
        .filter(|(c, _)| c.contains(ip))
        .max_by_key(|(c, _)| c.prefix_len())
        .map(|(_, class)| class)
}

/// What the documentation says `ip` is: `(class, translation, effective)`.
pub fn expected_class(ip: IpAddr, vpc: &[Cidr]) -> (AddressClass, Translation, IpAddr) {
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
    let base = match effective {
        IpAddr::V4(_) => longest_match(effective, V4_TABLE).unwrap_or(AddressClass::Public),
        IpAddr::V6(_) => longest_match(effective, V6_TABLE)
            .expect("::/0 is in the IPv6 table, so every address matches"),
    };
    let class = match base {
        AddressClass::Special(_) => base,
        _ if vpc.iter().any(|c| c.contains(effective)) => {
            AddressClass::Private(PrivateRange::VpcCidr)
        }
        _ => base,
    };
    (class, translation, effective)
}

/// Bytes → (address, VPC CIDRs). Addresses are steered towards the
/// interesting prefixes (mapped, NAT64, the documented ranges) so that a
/// uniform 128-bit draw does not hide them.
fn address_and_context(u: &mut Unstructured<'_>) -> arbitrary::Result<(IpAddr, Vec<Cidr>)> {
    let ip = match u.int_in_range(0u8..=4)? {
        0 => IpAddr::V4(Ipv4Addr::from_bits(u.arbitrary()?)),
        1 => IpAddr::V6(Ipv6Addr::from_bits(u.arbitrary()?)),
        2 => IpAddr::V6(Ipv4Addr::from_bits(u.arbitrary()?).to_ipv6_mapped()),
        3 => IpAddr::V6(Ipv6Addr::from_bits(
            0x0064_ff9b_u128 << 96 | u128::from(u.arbitrary::<u32>()?),
        )),
        _ => {
            // Near a documented boundary: a table entry's base with a few
            // low bits flipped, or the address just below it.
            let all: Vec<&str> = V4_TABLE.iter().chain(V6_TABLE).map(|(c, _)| *c).collect();
            let base = u
                .choose(&all)?
                .parse::<Cidr>()
                .expect("canonical")
                .network();
            let delta: u8 = u.arbitrary()?;
            match base {
                IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from_bits(
                    a.to_bits().wrapping_add(u32::from(delta)).wrapping_sub(128),
                )),
                IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from_bits(
                    a.to_bits()
                        .wrapping_add(u128::from(delta))
                        .wrapping_sub(128),
                )),
            }
        }
    };
    let n = u.int_in_range(0u8..=4)?;
    let mut vpc = Vec::with_capacity(n.into());
    for _ in 0..n {
        vpc.push(u.arbitrary::<Cidr>()?);
    }
    Ok((ip, vpc))
}

/// Target `classify`: the classifier agrees with the documented ranges,
/// IPv4-mapped and NAT64 addresses classify as their IPv4 address, and a
/// VPC CIDR never turns a special address into a real one.
///
/// Input: either text `IP [CIDR]...` (the seed corpus, from
/// `tests/data/classify.json`), or raw bytes read as a steered structured
/// case.
pub fn classify_target(data: &[u8]) {
    let text_case = || -> Option<(IpAddr, Vec<Cidr>)> {
        let mut words = std::str::from_utf8(data).ok()?.split_whitespace();
        let ip = words.next()?.parse().ok()?;
        let vpc = words
            .map(|c| c.parse().ok())
            .collect::<Option<Vec<Cidr>>>()?;
        Some((ip, vpc))
    };
    let case = text_case()
        .map(Ok)
        .unwrap_or_else(|| address_and_context(&mut Unstructured::new(data)));
    let Ok((ip, vpc)) = case else { return };
    let got = classify(ip, &vpc);
    let (class, translation, effective) = expected_class(ip, &vpc);
    assert_eq!(got.class, class, "class of {ip} with VPC CIDRs {vpc:?}");
    assert_eq!(got.translation, translation, "translation of {ip}");
    assert_eq!(got.effective, effective, "effective address of {ip}");
    assert_eq!(
        netready_core::Classifier::new(&vpc).classify(ip),
        got,
        "the prepared Classifier agrees with classify for {ip}"
    );

    // Equivalence: the IPv4 address, its mapped form and its NAT64 form.
    if let IpAddr::V4(v4) = effective {
        let native = classify(IpAddr::V4(v4), &vpc);
        let mapped = classify(IpAddr::V6(v4.to_ipv6_mapped()), &vpc);
        let nat64 = classify(
            IpAddr::V6(Ipv6Addr::from_bits(
                0x0064_ff9b_u128 << 96 | u128::from(v4.to_bits()),
            )),
            &vpc,
        );
        assert_eq!(native.class, mapped.class, "{v4} and its IPv4-mapped form");
        assert_eq!(native.class, nat64.class, "{v4} and its NAT64 form");
        assert_eq!(mapped.translation, Translation::Ipv4Mapped);
        assert_eq!(nat64.translation, Translation::Nat64);
        // NAT64 goes through a NAT gateway whatever the embedded class (when
        // it is a real endpoint at all).
        for public_ip in [PublicIp::Assigned, PublicIp::NotAssigned, PublicIp::Unknown] {
            let access = access_type_of(&nat64, public_ip);
            if nat64.class.is_special() {
                assert_eq!(access, None);
            } else {
                assert_eq!(access, Some(netready_core::report::AccessType::NatGateway));
            }
        }
    }

    // The caller's CIDRs only ever add `Private(VpcCidr)`; a VPC covering
    // everything never rescues a special address.
    let bare = classify(ip, &[]);
    let everything: [Cidr; 2] = [
        "0.0.0.0/0".parse().expect("valid"),
        "::/0".parse().expect("valid"),
    ];
    let all = classify(ip, &everything);
    assert_eq!(
        bare.class.is_special(),
        all.class.is_special(),
        "{ip}: special whatever the VPC"
    );
    assert_eq!(bare.class.is_special(), got.class.is_special());
    if got.class != bare.class {
        assert_eq!(got.class, AddressClass::Private(PrivateRange::VpcCidr));
    }
    if !all.class.is_special() {
        assert_eq!(all.class, AddressClass::Private(PrivateRange::VpcCidr));
    }
    // The JSON name of a class reads back to a class of the same kind.
    let named =
        AddressClass::from_name(got.class.as_str()).expect("every class has a name that parses");
    assert_eq!(named.as_str(), got.class.as_str());
}

// ---------------------------------------------------------------------------
// Parsers: parse → print → parse
// ---------------------------------------------------------------------------

/// Target `cidr`: a parsed CIDR prints canonically and parses back to
/// itself; a host-bits error proposes a canonical CIDR that contains the
/// address given; structured CIDRs survive print → parse and JSON.
pub fn cidr(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        match s.parse::<Cidr>() {
            Ok(c) => {
                let printed = c.to_string();
                assert_eq!(
                    printed.parse::<Cidr>(),
                    Ok(c),
                    "reparse of {printed:?} (from {s:?})"
                );
                assert_eq!(
                    printed.parse::<Cidr>().map(|c| c.to_string()).as_deref(),
                    Ok(&*printed)
                );
                assert!(c.contains(c.network()));
                assert!(c.covers(&c));
            }
            Err(CidrError::HostBitsSet { canonical }) => {
                let printed = canonical.to_string();
                assert_eq!(
                    printed.parse::<Cidr>(),
                    Ok(canonical),
                    "suggested {printed:?} for {s:?}"
                );
                let addr = s
                    .trim()
                    .split_once('/')
                    .and_then(|(a, _)| a.parse::<IpAddr>().ok());
                let addr = addr.expect("a host-bits error means the address parsed");
                assert!(canonical.contains(addr), "{canonical} must contain {addr}");
            }
            Err(_) => {}
        }
    }
    let mut u = Unstructured::new(data);
    if let Ok(c) = u.arbitrary::<Cidr>() {
        assert_eq!(c.to_string().parse::<Cidr>(), Ok(c));
        let json = serde_json::to_string(&c).expect("a CIDR serialises");
        assert_eq!(
            serde_json::from_str::<Cidr>(&json).ok(),
            Some(c),
            "JSON {json}"
        );
        if let Ok(other) = u.arbitrary::<Cidr>()
            && c.covers(&other)
        {
            assert!(c.contains(other.network()));
            assert!(c.prefix_len() <= other.prefix_len());
        }
    }
}

/// Target `host_port`: a parsed `HOST[:PORT]` prints and parses back to
/// itself; its host is an IP literal or a lower-case DNS name; its port is
/// never 0.
pub fn host_port(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(hp) = s.parse::<HostPort>() else {
        return;
    };
    let printed = hp.to_string();
    assert_eq!(
        printed.parse::<HostPort>().as_ref(),
        Ok(&hp),
        "reparse of {printed:?} (from {s:?})"
    );
    assert_ne!(hp.port, Some(0));
    match hp.host.parse::<IpAddr>() {
        Ok(ip) => assert_eq!(ip.to_string(), hp.host, "IP hosts are printed canonically"),
        Err(_) => {
            assert!(is_valid_dns_name(&hp.host), "host {:?} from {s:?}", hp.host);
            assert!(
                !hp.host.bytes().any(|b| b.is_ascii_uppercase()),
                "host {:?} is lower-case",
                hp.host
            );
        }
    }
}

/// Target `region`: a parsed region prints as itself and parses back; its
/// partition follows from its name; every host the catalog builds for it is
/// a valid DNS name under the partition's suffix, and every service name it
/// builds parses back to the same region and service.
pub fn region(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(r) = Region::parse(s) else { return };
    assert_eq!(r.name(), s.trim());
    assert_eq!(r.to_string().parse::<Region>().as_ref(), Ok(&r));
    if r.is_known() {
        assert!(r.partition().regions().contains(&r.name()));
    }
    let account: AccountId = "123456789012".parse().expect("twelve digits");
    for svc in catalog::SERVICES {
        let host = svc.host(&r, Some(&account)).expect("an account was given");
        assert!(
            is_valid_dns_name(&host),
            "{}: host {host:?} for {r}",
            svc.id
        );
        if host != catalog::MANAGEMENT_PLANE_HOST {
            let suffix = r.partition().dns_suffix();
            assert!(
                host.strip_suffix(suffix).is_some_and(|h| h.ends_with('.')),
                "{}: {host:?} must end with .{suffix}",
                svc.id
            );
        }
        let name = svc.service_name(&r);
        let parsed = name.parse::<ServiceName>();
        assert!(
            parsed.is_ok(),
            "{}: service name {name:?} for {r} must parse: {parsed:?}",
            svc.id
        );
        let parsed = parsed.expect("checked just above");
        assert_eq!(parsed.to_string(), name);
        if let ServiceName::Regional {
            region, service, ..
        } = &parsed
        {
            assert_eq!(region, &r, "{name}");
            assert_eq!(service, svc.id, "{name}");
        }
    }
}

/// Target `service_name`: a parsed VPC endpoint service name prints exactly
/// as given (service names are identifiers: what is accepted is canonical)
/// and parses back to itself.
pub fn service_name(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(n) = s.parse::<ServiceName>() else {
        return;
    };
    let printed = n.to_string();
    assert_eq!(printed, s, "service name {s:?} parsed as {n:?}");
    assert_eq!(printed.parse::<ServiceName>().as_ref(), Ok(&n));
    assert!(!n.service_id().is_empty());
}

// ---------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------

/// Target `report_json`: any JSON the report accepts prints, and the print
/// parses back to an equal report that prints identically.
pub fn report_json(data: &[u8]) {
    let Ok(report) = serde_json::from_slice::<Report>(data) else {
        return;
    };
    let printed = serde_json::to_string(&report).expect("a parsed report serialises");
    let again: Report = match serde_json::from_str(&printed) {
        Ok(r) => r,
        Err(e) => panic!("printed report does not parse back: {e}: {printed}"),
    };
    assert_eq!(again, report, "report round trip through {printed}");
    assert_eq!(serde_json::to_string(&again).expect("serialises"), printed);
}

// ---------------------------------------------------------------------------
// The probe's rules
// ---------------------------------------------------------------------------

/// Target `assess`: [`rules::assess_endpoint`] keeps the guarantees of
/// `core/src/rules.rs` for any DNS answer, context and dial outcomes, and its
/// report entry survives a JSON round trip.
pub fn assess(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(case) = assess_case(&mut u) else {
        return;
    };
    let (obs, public_ip, vpc, cap) = case;
    let ctx = TaskContext {
        public_ip,
        vpc_cidrs: &vpc,
    };
    let a = assess_endpoint(&obs, &ctx, cap);
    let e = &a.endpoint;
    assert_ne!(e.reachable, Reachability::Unknown, "the probe always knows");
    let connected = e
        .addresses
        .iter()
        .any(|x| x.outcome == TcpOutcome::Connected);
    assert_eq!(e.reachable == Reachability::Reachable, connected, "{e:?}");
    assert_eq!(
        e.failure.is_none(),
        e.reachable == Reachability::Reachable,
        "{e:?}"
    );
    if e.failure.is_some() {
        assert!(!e.hints.is_empty(), "every failure carries a hint");
    }
    let dialled = e
        .addresses
        .iter()
        .filter(|x| x.outcome.was_dialled())
        .count();
    assert!(dialled <= cap.max(1), "{dialled} dials with cap {cap}");
    match &obs.dns {
        DnsAnswer::Failed(f) => {
            assert_eq!(e.failure, Some(f.code()));
            assert_eq!(
                *f == DnsFailure::NotAsked,
                e.hints.first().map(String::as_str) == Some(rules::NOT_ASKED_HINT),
                "a name never asked says so, and only then"
            );
            assert_eq!(e.access_type, None);
            assert!(e.addresses.is_empty());
        }
        DnsAnswer::Addresses(answer) => {
            let mut unique: Vec<IpAddr> = Vec::new();
            for ip in answer {
                if !unique.contains(ip) {
                    unique.push(*ip);
                }
            }
            let listed: Vec<IpAddr> = e.addresses.iter().map(|x| x.ip).collect();
            assert_eq!(listed, unique, "every distinct address, in answer order");
            for x in &e.addresses {
                let c = classify(x.ip, &vpc);
                assert_eq!(x.class, c.class);
                assert_eq!(
                    c.class.is_special(),
                    x.outcome == TcpOutcome::SkippedSinkhole,
                    "{x:?}"
                );
            }
            let all_special = e.addresses.iter().all(|x| x.class.is_special());
            assert_eq!(e.access_type.is_none(), all_special, "{e:?}");
            if all_special {
                assert_eq!(e.failure, Some(FailureCode::DnsSinkhole));
            }
            // An outcome the dialler reported for a planned address is kept.
            for x in e.addresses.iter().filter(|x| x.outcome.was_dialled()) {
                let reported = obs.dials.iter().find(|d| d.0 == x.ip).map(|d| d.1);
                assert_eq!(reported, Some(x.outcome));
            }
        }
    }
    let status = rules::overall_status([e.reachable]);
    assert_eq!(
        status == netready_core::Status::Ready,
        e.reachable == Reachability::Reachable
    );

    let mut report = Report::new(ReportKind::Probe, Some("us-east-1".into()));
    report.endpoints.push(e.clone());
    report.findings = a.findings.clone();
    report.finish();
    assert_eq!(report.status, status);
    let json = serde_json::to_string(&report).expect("a report serialises");
    let back: Report = match serde_json::from_str(&json) {
        Ok(r) => r,
        Err(err) => panic!("report does not parse back: {err}: {json}"),
    };
    assert_eq!(back, report, "report round trip through {json}");
    assert_eq!(serde_json::to_string(&back).expect("serialises"), json);
}

type AssessCase = (Observation, PublicIp, Vec<Cidr>, usize);

fn assess_case(u: &mut Unstructured<'_>) -> arbitrary::Result<AssessCase> {
    let n = u.int_in_range(0u8..=6)?;
    let mut answer = Vec::new();
    for _ in 0..n {
        // Reuse the classifier's steered addresses; repeat one now and then.
        if !answer.is_empty() && u.ratio(1u8, 6)? {
            let again = *u.choose(&answer)?;
            answer.push(again);
        } else {
            answer.push(address_and_context(u)?.0);
        }
    }
    let dns = if u.ratio(1u8, 5)? {
        DnsAnswer::Failed(u.arbitrary()?)
    } else {
        DnsAnswer::from_addresses(answer.clone())
    };
    let mut dials = Vec::new();
    for ip in &answer {
        if u.ratio(5u8, 6)? {
            let ms = if u.arbitrary()? {
                Some(f64::from(u.int_in_range(0u16..=5000)?) / 10.0)
            } else {
                None
            };
            dials.push((*ip, u.arbitrary::<TcpOutcome>()?, ms));
        }
    }
    let public_ip = u.arbitrary()?;
    let m = u.int_in_range(0u8..=3)?;
    let mut vpc = Vec::new();
    for _ in 0..m {
        vpc.push(u.arbitrary::<Cidr>()?);
    }
    let cap = usize::from(u.int_in_range(0u8..=8)?);
    let service = u
        .choose(&[
            "secretsmanager",
            "logs",
            "ecr.api",
            "ecr.dkr",
            "s3",
            "custom",
        ])?
        .to_string();
    let obs = Observation {
        service,
        host: "h.example.com".into(),
        port: 443,
        dns,
        dials,
    };
    Ok((obs, public_ip, vpc, cap))
}

// ---------------------------------------------------------------------------
// Fix-command quoting
// ---------------------------------------------------------------------------

/// Reads one POSIX shell word made of unquoted safe characters and
/// single-quoted strings (all `shell_quote` emits, with `\'` between quotes);
/// `None` for anything else, including a second word.
fn read_sh_word(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => loop {
                match chars.next()? {
                    '\'' => break,
                    c => out.push(c),
                }
            },
            '\\' => out.push(chars.next()?),
            c if c.is_ascii_alphanumeric() || "._:/=@,+-".contains(c) => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// Reads one PowerShell single-quoted string, where each quote character
/// (ASCII or typographic) is doubled inside.
fn read_ps_string(s: &str) -> Option<String> {
    let is_quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}');
    let inner = s.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if is_quote(c) {
            // A lone quote would end the string early: not allowed.
            if chars.next()? != c {
                return None;
            }
        }
        out.push(c);
    }
    Some(out)
}

/// Target `quote`: any string, quoted for a POSIX shell or for PowerShell,
/// reads back as exactly one word equal to it, so a hostile ID pasted into
/// the validator cannot change the printed fix command.
pub fn quote(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if s.contains('\0') {
        // No shell argument can hold a NUL.
        return;
    }
    let sh = shell_quote(&s);
    assert_eq!(read_sh_word(&sh).as_deref(), Some(&*s), "shell word {sh:?}");
    let ps = ps_quote(&s);
    assert_eq!(
        read_ps_string(&ps).as_deref(),
        Some(&*s),
        "PowerShell string {ps:?}"
    );
}

// ---------------------------------------------------------------------------
// Document bytes → text
// ---------------------------------------------------------------------------

use netready_core::text::{self, Bom, ByteOrder, Encoding};

/// Target `text_decode`: any bytes. `decode` and `decode_owned` agree; what
/// decodes, encoded again in the encoding it was read as (byte-order mark
/// included), gives back exactly the bytes (nothing is lost or invented);
/// what does not has a message.
pub fn text_decode(data: &[u8]) {
    let borrowed = text::decode(data).map(|d| (d.text.into_owned(), d.encoding));
    assert_eq!(text::decode_owned(data.to_vec()), borrowed, "decode_owned");
    match borrowed {
        Ok((text, encoding)) => {
            let mut again = Vec::new();
            let mut units = |order: ByteOrder, bom: Bom| {
                let mut push = |u: u16| match order {
                    ByteOrder::Little => again.extend(u.to_le_bytes()),
                    ByteOrder::Big => again.extend(u.to_be_bytes()),
                };
                if bom == Bom::Present {
                    push(0xFEFF);
                }
                text.encode_utf16().for_each(push);
            };
            match encoding {
                Encoding::Utf8(bom) => {
                    if bom == Bom::Present {
                        again.extend([0xEF, 0xBB, 0xBF]);
                    }
                    again.extend(text.as_bytes());
                }
                Encoding::Utf16(order, bom) => units(order, bom),
                other => panic!("an encoding the target does not know: {other:?}"),
            }
            assert_eq!(again, data, "read as {encoding:?}");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

// ---------------------------------------------------------------------------
// The validator: describe-* JSON and the evaluation
// ---------------------------------------------------------------------------

use netready_core::catalog::Profile;
use netready_core::report::PathReport;
use netready_core::vpc::model::{
    AclEntry, Collection, DhcpOptions, DnsHostnames, EndpointIpType, InternetGateway, NatGateway,
    NetworkAcl, PortRange, Protocol, Route, RouteDestination, RouteOrigin, RouteState, RouteTable,
    RouteTarget, RuleAction, SecurityGroup, SgRule, Subnet, Vpc, VpcDnsAttributes, VpcEndpoint,
    VpcEndpointKind, VpcInput, VpcResolver,
};
use netready_core::vpc::{self, AssignPublicIp, InputError, ValidateOptions};

/// Target `vpc_parse`: any bytes, read as up to 8 documents separated by NUL
/// bytes, parse to a model or to an error naming the document; parsing the
/// same documents twice over gives the same model (identical copies are one;
/// the skipped documents are listed twice);
/// the model evaluates without panicking, to a report whose JSON round trips.
pub fn vpc_parse(data: &[u8]) {
    let texts: Vec<String> = data
        .split(|b| *b == 0)
        .take(8)
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .collect();
    let names: Vec<String> = (0..texts.len()).map(|i| format!("doc{i}.json")).collect();
    let docs: Vec<(&str, &str)> = names
        .iter()
        .map(String::as_str)
        .zip(texts.iter().map(String::as_str))
        .collect();
    let input = match vpc::parse(&docs) {
        Ok(input) => input,
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.is_empty());
            if let InputError::Json { document, .. } | InputError::Shape { document, .. } = &e {
                assert!(
                    names.contains(document),
                    "error names an unknown document: {msg}"
                );
                assert!(msg.contains(document.as_str()), "{msg}");
            }
            return;
        }
    };
    // The same documents twice: every resource again, identical, is one;
    // only the list of skipped documents says each twice.
    let twice: Vec<(&str, &str)> = docs.iter().chain(docs.iter()).copied().collect();
    let mut expected = input.clone();
    expected.skipped.extend(input.skipped.iter().cloned());
    assert_eq!(
        vpc::parse(&twice).as_ref(),
        Ok(&expected),
        "the same documents twice"
    );
    for skipped in &input.skipped {
        assert!(names.contains(&skipped.name), "{skipped:?}");
    }
    let options = ValidateOptions {
        region: Region::parse("eu-west-1").ok(),
        ..ValidateOptions::default()
    };
    if let Ok(report) = vpc::evaluate(&input, &options) {
        check_validate_report(&report, &input, &options);
    }
}

/// Target `plan_parse`: any bytes, read as a Terraform plan (`terraform show
/// -json`) followed by up to 4 describe-* documents, separated by NUL bytes
/// (the seeds are plans, so the fuzzer explores the plan reader). Parsing
/// never panics, and an error names the document; applying the plan twice
/// over gives the model applying it once gives (creates, updates and
/// deletes are idempotent); every resource address the plan gave names a
/// subnet or security group of the model; every note names a resource
/// address of the plan; the model evaluates to a report whose JSON round
/// trips, also with the plan's first subnet given by its address.
pub fn plan_parse(data: &[u8]) {
    let texts: Vec<String> = data
        .split(|b| *b == 0)
        .take(5)
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .collect();
    let names: Vec<String> = (0..texts.len()).map(|i| format!("doc{i}.json")).collect();
    let docs: Vec<(&str, &str)> = names
        .iter()
        .map(String::as_str)
        .zip(texts.iter().map(String::as_str))
        .collect();
    let input = match vpc::parse(&docs) {
        Ok(input) => input,
        Err(e) => {
            let msg = e.to_string();
            if let InputError::Json { document, .. } | InputError::Shape { document, .. } = &e {
                assert!(
                    names.contains(document),
                    "error names an unknown document: {msg}"
                );
                assert!(msg.starts_with(document.as_str()), "{msg}");
            }
            return;
        }
    };
    if let Some(plan) = docs.first() {
        let mut twice = docs.clone();
        twice.push(*plan);
        // A skipped document (empty, another command's output) is listed
        // each time it is given; the model itself must not change.
        let model = |mut m: VpcInput| {
            m.skipped.clear();
            m
        };
        assert_eq!(
            vpc::parse(&twice).map(model),
            Ok(model(input.clone())),
            "the plan applied twice"
        );
    }
    for (address, id) in &input.plan_addresses {
        assert!(
            input.subnets.items.iter().any(|s| s.id == *id)
                || input.security_groups.items.iter().any(|g| g.id == *id),
            "{address} names {id}, which the model lacks"
        );
    }
    for n in &input.plan_notes {
        assert!(!n.address.is_empty() && !n.attribute.is_empty(), "{n:?}");
    }
    let options = ValidateOptions {
        region: Region::parse("eu-west-1").ok(),
        ..ValidateOptions::default()
    };
    if let Ok(report) = vpc::evaluate(&input, &options) {
        check_validate_report(&report, &input, &options);
    }
    let by_address = input
        .plan_addresses
        .iter()
        .find(|(_, id)| input.subnets.items.iter().any(|s| s.id == *id));
    if let Some((address, id)) = by_address {
        let options = ValidateOptions {
            subnets: vec![address.clone()],
            ..options
        };
        if let Ok(report) = vpc::evaluate(&input, &options) {
            assert_eq!(report.subnets.len(), 1);
            assert_eq!(&report.subnets[0].subnet_id, id, "--subnet by address");
        }
    }
}

fn check_validate_report(report: &Report, input: &VpcInput, options: &ValidateOptions) {
    assert_eq!(report.kind, ReportKind::Validate);
    let expected_subnets = if options.subnets.is_empty() {
        input.subnets.items.len()
    } else {
        options.subnets.len()
    };
    assert_eq!(
        report.subnets.len(),
        expected_subnets,
        "one entry per task subnet"
    );
    let entries = catalog::services(options.profile).count();
    for s in &report.subnets {
        assert_eq!(
            s.endpoints.len(),
            entries,
            "{}: one path per catalog entry",
            s.subnet_id
        );
        for p in &s.endpoints {
            if p.reachable == Reachability::Reachable {
                assert_eq!(
                    p.failure, None,
                    "{} {}: reachable with a failure",
                    s.subnet_id, p.service
                );
            }
        }
    }
    let json = serde_json::to_string(report).expect("a report serialises");
    let back: Report = match serde_json::from_str(&json) {
        Ok(r) => r,
        Err(e) => panic!("validate report does not parse back: {e}: {json}"),
    };
    assert_eq!(&back, report);
}

const VPC_CIDR: &str = "10.0.0.0/16";
const VPC_V6: &str = "2a05:d018:400::/56";
const PEER_CIDRS: &[&str] = &[
    "0.0.0.0/0",
    "10.0.0.0/16",
    "10.0.0.0/8",
    "10.0.1.0/24",
    "10.0.0.0/25",
    "52.0.0.0/8",
    "::/0",
    "2a05:d018:400::/56",
    "192.168.0.0/16",
];
const ENDPOINT_SERVICES: &[&str] = &[
    "com.amazonaws.eu-west-1.secretsmanager",
    "com.amazonaws.eu-west-1.logs",
    "com.amazonaws.eu-west-1.ecr.api",
    "com.amazonaws.eu-west-1.ecr.dkr",
    "com.amazonaws.eu-west-1.s3",
    "com.amazonaws.eu-west-1.dynamodb",
    "com.amazonaws.eu-west-1.sts",
    "com.amazonaws.eu-west-1.ssm",
    "com.amazonaws.iam",
    "com.amazonaws.vpce.us-east-1.vpce-svc-08de744d433e60ff2",
    "com.amazonaws.us-east-1.logs",
    "not a service",
];

fn peer_cidr(u: &mut Unstructured<'_>) -> arbitrary::Result<Cidr> {
    if u.ratio(1u8, 5)? {
        u.arbitrary()
    } else {
        Ok(u.choose(PEER_CIDRS)?
            .parse()
            .expect("the peer table holds canonical CIDRs"))
    }
}

fn ports(u: &mut Unstructured<'_>) -> arbitrary::Result<PortRange> {
    Ok(match u.int_in_range(0u8..=5)? {
        0 => PortRange::ALL,
        1 => PortRange { from: 443, to: 443 },
        2 => PortRange {
            from: 1024,
            to: 65535,
        },
        3 => PortRange {
            from: 32768,
            to: 40000,
        },
        4 => PortRange { from: 80, to: 80 },
        _ => {
            let (a, b): (u16, u16) = (u.arbitrary()?, u.arbitrary()?);
            PortRange {
                from: a.min(b),
                to: a.max(b),
            }
        }
    })
}

fn pick_some(
    u: &mut Unstructured<'_>,
    pool: &[String],
    max: usize,
) -> arbitrary::Result<Vec<String>> {
    let n = u.int_in_range(0..=max)?;
    let mut out = Vec::new();
    for _ in 0..n {
        if !pool.is_empty() {
            out.push(u.choose(pool)?.clone());
        }
    }
    Ok(out)
}

fn sg_rule(u: &mut Unstructured<'_>, groups: &[String]) -> arbitrary::Result<SgRule> {
    let mut rule = SgRule {
        protocol: u.arbitrary()?,
        ports: ports(u)?,
        cidrs: Vec::new(),
        group_ids: Vec::new(),
        prefix_list_ids: Vec::new(),
    };
    match u.int_in_range(0u8..=3)? {
        0 | 1 => rule.cidrs.push(peer_cidr(u)?),
        2 => rule.group_ids.push(if u.ratio(1u8, 6)? {
            "sg-404".into()
        } else {
            u.choose(groups)?.clone()
        }),
        _ => rule
            .prefix_list_ids
            .push(u.choose(&["pl-6da54004", "pl-0123"])?.to_string()),
    }
    Ok(rule)
}

fn acl_entry(u: &mut Unstructured<'_>, rule_number: u32) -> arbitrary::Result<AclEntry> {
    Ok(AclEntry {
        rule_number,
        direction: u.arbitrary()?,
        protocol: u.arbitrary()?,
        action: u.arbitrary()?,
        cidr: peer_cidr(u)?,
        ports: ports(u)?,
    })
}

fn given<T>(u: &mut Unstructured<'_>, items: Vec<T>) -> arbitrary::Result<Collection<T>> {
    // A document is missing now and then: the verdicts it decides must
    // become unknown, never a guess.
    Ok(Collection {
        given: !u.ratio(1u8, 12)?,
        items,
    })
}

/// A structured VPC whose references mostly resolve (ids come from small
/// pools, with a dangling one now and then), and the options to evaluate it
/// with. The leaf values come from core's `Arbitrary` derives.
pub fn vpc_model(u: &mut Unstructured<'_>) -> arbitrary::Result<(VpcInput, ValidateOptions)> {
    let vpc_id = "vpc-1".to_string();
    let ipv6 = u.ratio(1u8, 3)?;
    let n_sub = u.int_in_range(1usize..=4)?;
    let mut subnets = Vec::new();
    for i in 0..n_sub {
        let v6_only = ipv6 && u.ratio(1u8, 4)?;
        subnets.push(Subnet {
            id: format!("subnet-{i}"),
            vpc_id: vpc_id.clone(),
            availability_zone: Some(format!("eu-west-1{}", *u.choose(&["a", "b", "c"])?)),
            cidr: if v6_only {
                None
            } else {
                Some(format!("10.0.{i}.0/24").parse().expect("canonical"))
            },
            ipv6_cidrs: if ipv6 {
                vec![
                    format!("2a05:d018:400:{i}::/64")
                        .parse()
                        .expect("canonical"),
                ]
            } else {
                Vec::new()
            },
            dns64: u.arbitrary()?,
            arn: None,
            owner_id: None,
            block_public_access: if u.ratio(1u8, 6)? {
                Some(u.arbitrary()?)
            } else {
                None
            },
        });
    }
    let sub_ids: Vec<String> = subnets.iter().map(|s| s.id.clone()).collect();
    let groups: Vec<String> = (0..u.int_in_range(1usize..=4)?)
        .map(|i| format!("sg-{i}"))
        .collect();
    let mut security_groups = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let mut ingress = Vec::new();
        let mut egress = Vec::new();
        for _ in 0..u.int_in_range(0u8..=3)? {
            ingress.push(sg_rule(u, &groups)?);
        }
        for _ in 0..u.int_in_range(0u8..=3)? {
            egress.push(sg_rule(u, &groups)?);
        }
        security_groups.push(SecurityGroup {
            id: g.clone(),
            name: if i == 0 {
                "default".into()
            } else {
                format!("g{i}")
            },
            vpc_id: Some(vpc_id.clone()),
            ingress,
            egress,
        });
    }
    let mut nats = Vec::new();
    for i in 0..u.int_in_range(0usize..=2)? {
        nats.push(NatGateway {
            id: format!("nat-{i}"),
            vpc_id: Some(vpc_id.clone()),
            subnet_id: u.choose(&sub_ids)?.clone(),
            state: u.arbitrary()?,
            connectivity: u.arbitrary()?,
        });
    }
    let n_rt = u.int_in_range(1usize..=3)?;
    let rt_ids: Vec<String> = (0..n_rt).map(|i| format!("rtb-{i}")).collect();
    let mut endpoints = Vec::new();
    for i in 0..u.int_in_range(0usize..=6)? {
        let kind: VpcEndpointKind = u.arbitrary()?;
        endpoints.push(VpcEndpoint {
            id: format!("vpce-{i}"),
            vpc_id: vpc_id.clone(),
            service_name: u.choose(ENDPOINT_SERVICES)?.to_string(),
            kind,
            state: u.arbitrary()?,
            private_dns: u.arbitrary()?,
            subnet_ids: pick_some(u, &sub_ids, 3)?,
            security_group_ids: pick_some(u, &groups, 2)?,
            route_table_ids: pick_some(u, &rt_ids, 2)?,
            ip_type: u.arbitrary::<EndpointIpType>()?,
            service_region: if u.ratio(1u8, 8)? {
                Some("us-east-1".into())
            } else {
                None
            },
            dns_record_ip_type: if u.arbitrary()? {
                Some(u.arbitrary()?)
            } else {
                None
            },
            private_dns_scope: u.arbitrary()?,
            policy_document: None,
        });
    }
    let mut targets = vec![
        RouteTarget::Local,
        RouteTarget::InternetGateway("igw-1".into()),
        RouteTarget::EgressOnlyInternetGateway("eigw-1".into()),
        RouteTarget::NatGateway("nat-404".into()),
        RouteTarget::Transit("tgw-1".into()),
        RouteTarget::Unknown,
    ];
    targets.extend(nats.iter().map(|n| RouteTarget::NatGateway(n.id.clone())));
    targets.extend(
        endpoints
            .iter()
            .map(|e| RouteTarget::VpcEndpoint(e.id.clone())),
    );
    let mut route_tables = Vec::new();
    for (i, id) in rt_ids.iter().enumerate() {
        let mut routes = vec![Route {
            destination: RouteDestination::Cidr(VPC_CIDR.parse().expect("canonical")),
            target: RouteTarget::Local,
            state: RouteState::Active,
            origin: RouteOrigin::CreateRouteTable,
        }];
        for _ in 0..u.int_in_range(0u8..=3)? {
            let destination = match u.int_in_range(0u8..=4)? {
                0 => RouteDestination::Cidr("0.0.0.0/0".parse().expect("canonical")),
                1 => RouteDestination::Cidr(
                    u.choose(&["0.0.0.0/1", "128.0.0.0/1", "52.0.0.0/8"])?
                        .parse()
                        .expect("canonical"),
                ),
                2 => RouteDestination::Cidr("::/0".parse().expect("canonical")),
                3 => {
                    RouteDestination::PrefixList(u.choose(&["pl-6da54004", "pl-0123"])?.to_string())
                }
                _ => RouteDestination::Cidr(peer_cidr(u)?),
            };
            routes.push(Route {
                destination,
                target: u.choose(&targets)?.clone(),
                state: u.arbitrary()?,
                origin: if u.ratio(1u8, 4)? {
                    RouteOrigin::EnableVgwRoutePropagation
                } else {
                    RouteOrigin::CreateRoute
                },
            });
        }
        let mut associated = Vec::new();
        for s in &sub_ids {
            if i > 0 && u.ratio(1u8, 3)? {
                associated.push(s.clone());
            }
        }
        route_tables.push(RouteTable {
            id: id.clone(),
            vpc_id: vpc_id.clone(),
            main: i == 0,
            association_ids: associated.iter().map(|s| format!("rtbassoc-{s}")).collect(),
            subnet_ids: associated,
            routes,
        });
    }
    let n_acl = u.int_in_range(1usize..=2)?;
    let mut network_acls = Vec::new();
    for i in 0..n_acl {
        let mut entries: Vec<AclEntry> = Vec::new();
        for _ in 0..u.int_in_range(0u8..=6)? {
            let n = u32::from(u.int_in_range(1u8..=40)?) * 10;
            entries.push(acl_entry(u, n)?);
        }
        entries.sort_by_key(|e| e.rule_number);
        entries.dedup_by_key(|e| (e.rule_number, e.direction));
        network_acls.push(NetworkAcl {
            id: format!("acl-{i}"),
            vpc_id: vpc_id.clone(),
            is_default: i == 0,
            subnet_ids: sub_ids
                .iter()
                .enumerate()
                .filter(|(k, _)| k % n_acl == i)
                .map(|(_, s)| s.clone())
                .collect(),
            entries,
        });
    }
    let dhcp = if u.arbitrary()? {
        vec![DhcpOptions {
            id: "dopt-1".into(),
            domain_name_servers: vec![u.choose(&["AmazonProvidedDNS", "10.0.0.53"])?.to_string()],
        }]
    } else {
        Vec::new()
    };
    let mut vpc_cidrs: Vec<Cidr> = vec![VPC_CIDR.parse().expect("canonical")];
    if ipv6 {
        vpc_cidrs.push(VPC_V6.parse().expect("canonical"));
    }
    let igw_attached = if u.ratio(1u8, 5)? {
        Vec::new()
    } else {
        vec![vpc_id.clone()]
    };
    let vpc_bpa = if u.ratio(1u8, 5)? {
        Some(u.arbitrary()?)
    } else {
        None
    };
    let mut input = VpcInput {
        vpcs: given(
            u,
            vec![Vpc {
                id: vpc_id.clone(),
                cidrs: vpc_cidrs,
                dhcp_options_id: if dhcp.is_empty() {
                    None
                } else {
                    Some("dopt-1".into())
                },
                owner_id: None,
                block_public_access: vpc_bpa,
            }],
        )?,
        subnets: Collection {
            given: true,
            items: subnets,
        },
        route_tables: given(u, route_tables)?,
        endpoints: given(u, endpoints)?,
        security_groups: given(u, security_groups)?,
        network_acls: given(u, network_acls)?,
        nat_gateways: given(u, nats)?,
        internet_gateways: given(
            u,
            vec![InternetGateway {
                id: "igw-1".into(),
                attached_vpc_ids: igw_attached,
            }],
        )?,
        dhcp_options: Collection {
            given: !dhcp.is_empty(),
            items: dhcp,
        },
        ..VpcInput::default()
    };
    input.dns_attributes.insert(
        vpc_id,
        VpcDnsAttributes {
            dns_support: u.arbitrary::<Option<VpcResolver>>()?,
            dns_hostnames: u.arbitrary::<Option<DnsHostnames>>()?,
        },
    );
    let options = ValidateOptions {
        region: Region::parse("eu-west-1").ok(),
        profile: if u.arbitrary()? {
            Profile::Private
        } else {
            Profile::Runner
        },
        subnets: if u.arbitrary()? {
            Vec::new()
        } else {
            vec![u.choose(&sub_ids)?.clone()]
        },
        security_groups: if u.arbitrary()? || !input.security_groups.given {
            Vec::new()
        } else {
            vec![u.choose(&groups)?.clone()]
        },
        assign_public_ip: if u.arbitrary()? {
            AssignPublicIp::Enabled
        } else {
            AssignPublicIp::Disabled
        },
        fix_format: u.arbitrary()?,
        account: if u.arbitrary()? {
            "123456789012".parse().ok()
        } else {
            None
        },
    };
    Ok((input, options))
}

fn verdicts(report: &Report) -> Vec<(String, String, String, Reachability)> {
    let mut out = Vec::new();
    for s in &report.subnets {
        for p in &s.endpoints {
            let PathReport {
                service,
                host,
                reachable,
                ..
            } = p;
            out.push((
                s.subnet_id.clone(),
                service.clone(),
                host.clone(),
                *reachable,
            ));
        }
    }
    out
}

/// Target `vpc_eval`: the evaluation over structured VPC models never
/// panics, answers for every task subnet × catalog entry, and keeps the
/// validator's monotonicity: adding an allow rule (security group or network
/// ACL) never turns a reachable path unreachable or unknown, nor an unknown
/// one unreachable; removing every route and endpoint leaves nothing
/// reachable.
pub fn vpc_eval(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok((input, options)) = vpc_model(&mut u) else {
        return;
    };
    let Ok(before) = vpc::evaluate(&input, &options) else {
        return;
    };
    check_validate_report(&before, &input, &options);

    // One more allow rule.
    let mut more = input.clone();
    let added = add_allow_rule(&mut u, &mut more);
    if let Ok(Some(what)) = added {
        let after =
            vpc::evaluate(&more, &options).expect("the same ids and options evaluate again");
        for (b, a) in verdicts(&before).iter().zip(verdicts(&after)) {
            assert_eq!(
                (&b.0, &b.1, &b.2),
                (&a.0, &a.1, &a.2),
                "same paths in the same order"
            );
            let ok = match b.3 {
                Reachability::Reachable => a.3 == Reachability::Reachable,
                Reachability::Unknown => a.3 != Reachability::Unreachable,
                Reachability::Unreachable => true,
            };
            assert!(
                ok,
                "{} {} ({}): {:?} became {:?} after adding {what}",
                b.0, b.1, b.2, b.3, a.3
            );
        }
    }

    // No route and no endpoint: nothing is reachable.
    let mut bare = input.clone();
    for t in &mut bare.route_tables.items {
        t.routes.clear();
    }
    bare.endpoints.items.clear();
    let after = vpc::evaluate(&bare, &options).expect("the same ids and options evaluate again");
    for v in verdicts(&after) {
        assert_ne!(
            v.3,
            Reachability::Reachable,
            "{} {} reachable without routes or endpoints",
            v.0,
            v.1
        );
    }
}

fn add_allow_rule(
    u: &mut Unstructured<'_>,
    input: &mut VpcInput,
) -> arbitrary::Result<Option<String>> {
    let groups: Vec<String> = input
        .security_groups
        .items
        .iter()
        .map(|g| g.id.clone())
        .collect();
    if u.arbitrary()? {
        if input.security_groups.items.is_empty() {
            return Ok(None);
        }
        let k = u.choose_index(input.security_groups.items.len())?;
        let mut rule = sg_rule(u, &groups)?;
        if u.arbitrary()? {
            rule.protocol = Protocol::All;
            rule.ports = PortRange::ALL;
        }
        let what = format!("{rule:?} to {}", input.security_groups.items[k].id);
        let g = &mut input.security_groups.items[k];
        if u.arbitrary()? {
            g.ingress.push(rule)
        } else {
            g.egress.push(rule)
        }
        Ok(Some(what))
    } else {
        if input.network_acls.items.is_empty() {
            return Ok(None);
        }
        let k = u.choose_index(input.network_acls.items.len())?;
        let n = u32::from(u.int_in_range(1u8..=45)?) * 10 - 5;
        let mut entry = acl_entry(u, n)?;
        entry.action = RuleAction::Allow;
        let acl = &mut input.network_acls.items[k];
        if acl
            .entries
            .iter()
            .any(|e| e.rule_number == n && e.direction == entry.direction)
        {
            return Ok(None);
        }
        let what = format!("{entry:?} to {}", acl.id);
        acl.entries.push(entry);
        acl.entries.sort_by_key(|e| e.rule_number);
        Ok(Some(what))
    }
}

// ---------------------------------------------------------------------------
// Metadata service responses

/// Target `metadata`: core's readers of what the metadata services say
/// (ECS task documents, IMDSv2 tokens and values, instance identity
/// documents) never panic on any bytes, and keep their promises: a task
/// ARN read back is the same ARN, a token is one non-empty line, a value
/// has no blanks around it. (The HTTP around them is hyper's, in the
/// `netready` binary; the corpus's older inputs are whole HTTP responses,
/// still good bytes to read.)
pub fn metadata(data: &[u8]) {
    use netready_core::metadata::{
        identity_account, imds_token, imds_value, parse_ecs_task, parse_task_arn,
    };
    if let Ok(task) = parse_ecs_task(data) {
        assert!(!task.arn.region.is_empty() && !task.arn.account.is_empty());
        let arn = format!(
            "arn:{}:ecs:{}:{}:task/x",
            task.arn.partition, task.arn.region, task.arn.account
        );
        // The fields never hold a separator they were split on.
        assert_eq!(parse_task_arn(&arn), Some(task.arn));
    }
    if let Ok(token) = imds_token(data) {
        assert!(!token.is_empty() && !token.contains(['\r', '\n']));
    }
    if let Ok(value) = imds_value(data) {
        assert_eq!(value, value.trim());
    }
    let _ = identity_account(data);
}

// ---------------------------------------------------------------------------
// Endpoint policies
// ---------------------------------------------------------------------------

/// An endpoint policy document (the text of `PolicyDocument`): the parser
/// never panics and accepts only JSON serde_json accepts too; its errors
/// are never empty; a parsed policy is checked for every service with
/// needs, with and without an account, through both endpoint types, and
/// every check is consistent (the verdict is the first denied call, else
/// the first unknown, else allows); a fix is JSON that parses as a policy
/// again, keeps the policy's statements, and leaves no call denied for want
/// of an Allow.
pub fn policy(data: &[u8]) {
    use netready_core::catalog::EndpointType;
    use netready_core::policy::{self, Call, Caller, Decision, DeniedBy, Facts, Verdict};
    let text = String::from_utf8_lossy(data);
    let region = Region::parse("eu-west-1").expect("a known region");
    let account: AccountId = "123456789012".parse().expect("twelve digits");
    let parsed = policy::evaluate(
        Some(&text),
        &Call {
            action: "s3:{action}",
            resource: "arn:aws:s3:::{bucket}/{key+}",
            caller: Caller::Runner,
        },
        EndpointType::Gateway,
        &region,
        &Facts {
            vpc_id: "vpc-0a1b2c3d4e5f60718",
            endpoint_id: "vpce-0123456789abcdef0",
            account: Some(&account),
            ecr_account: None,
        },
    );
    if let Err(e) = &parsed {
        assert!(!e.to_string().is_empty());
    }
    let json = serde_json::from_str::<serde_json::Value>(&text);
    if parsed.is_ok() {
        assert!(json.is_ok(), "accepted what serde_json refuses: {json:?}");
    }
    for (service, _) in policy::NEEDS {
        for (kind, account) in [
            (EndpointType::Interface, None),
            (EndpointType::Gateway, Some(&account)),
        ] {
            let facts = Facts {
                vpc_id: "vpc-0a1b2c3d4e5f60718",
                endpoint_id: "vpce-0123456789abcdef0",
                account,
                ecr_account: None,
            };
            let check = policy::check(Some(&text), service, kind, &region, &facts);
            assert_eq!(
                check.is_ok(),
                parsed.is_ok()
                    || check
                        .as_ref()
                        .is_ok_and(|c| c.verdict == Verdict::NotApplicable)
            );
            let Ok(check) = check else { continue };
            let first_denied = check
                .calls
                .iter()
                .position(|c| matches!(c.decision, Decision::Denied(_)));
            let first_unknown = check
                .calls
                .iter()
                .position(|c| matches!(c.decision, Decision::Unknown { .. }));
            match &check.verdict {
                Verdict::Denies { action, .. } => {
                    assert_eq!(Some(action), first_denied.map(|i| &check.calls[i].action))
                }
                Verdict::Unknown { action, .. } => {
                    assert!(first_denied.is_none());
                    assert_eq!(Some(action), first_unknown.map(|i| &check.calls[i].action));
                }
                Verdict::Allows => assert!(first_denied.is_none() && first_unknown.is_none()),
                Verdict::NotApplicable => assert!(check.calls.is_empty()),
                other => panic!("unexpected verdict {other:?}"),
            }
            let Ok(fix) = policy::fix(Some(&text), &check) else {
                continue;
            };
            let fixed: serde_json::Value =
                serde_json::from_str(&fix.document).expect("the fix is JSON");
            let before: serde_json::Value = json.as_ref().expect("a parsed policy is JSON").clone();
            let old = match &before["Statement"] {
                serde_json::Value::Array(a) => a.clone(),
                one => vec![one.clone()],
            };
            assert_eq!(
                &fixed["Statement"].as_array().expect("an array")[..old.len()],
                &old[..]
            );
            assert!(fix.terraform().starts_with("policy = jsonencode({"));
            let again = policy::check(Some(&fix.document), service, kind, &region, &facts)
                .expect("the fixed policy parses");
            for c in &again.calls {
                assert_ne!(
                    c.decision,
                    Decision::Denied(DeniedBy::NoAllow),
                    "{}",
                    fix.document
                );
            }
        }
    }
}
