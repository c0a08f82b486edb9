//! Properties of `explain` over pairs of reports made up from every access
//! type, reachability, failure code, address mix, resolver and TLS outcome
//! (the real pairs are in tests/data/explain): every endpoint that differs
//! has at least one cause, ranked 1, 2, … with evidence from both reports
//! and a command; an unknown prediction never differs on reachability; the
//! ranking is deterministic; agreement needs the same kind of address.

use netready_core::classify::{AddressClass, PrivateRange, SpecialRange, Translation};
use netready_core::explain::{self, Difference, Side, Verdict};
use netready_core::report::{
    AccessType, AddressReport, AnswerClass, DnsReport, EndpointReport, FailureCode, Finding,
    FindingCode, PathReport, ProbeContext, Reachability, Report, ReportKind, Severity, Source,
    Sourced, Status, SubnetReport, TcpOutcome, TlsOutcome, TlsReport,
};
use netready_core::rules::PublicIp;
use proptest::prelude::*;
use proptest::sample::select;
use std::net::IpAddr;

const HOST: &str = "logs.eu-west-1.amazonaws.com";

fn access() -> impl Strategy<Value = Option<AccessType>> {
    prop_oneof![Just(None), select(AccessType::ALL.to_vec()).prop_map(Some),]
}

fn reach() -> impl Strategy<Value = Reachability> {
    select(vec![
        Reachability::Reachable,
        Reachability::Unreachable,
        Reachability::Unknown,
    ])
}

fn failure() -> impl Strategy<Value = Option<FailureCode>> {
    prop_oneof![Just(None), select(FailureCode::ALL.to_vec()).prop_map(Some)]
}

fn address() -> impl Strategy<Value = AddressReport> {
    (
        select(vec![
            "10.0.10.20",
            "10.0.11.20",
            "10.50.1.10",
            "52.94.1.20",
            "0.0.0.0",
        ]),
        select(TcpOutcome::ALL.to_vec()),
    )
        .prop_map(|(ip, outcome)| {
            let ip: IpAddr = ip.parse().expect("literal");
            let class = match ip.to_string().as_str() {
                "52.94.1.20" => AddressClass::Public,
                "0.0.0.0" => AddressClass::Special(SpecialRange::Unspecified),
                _ => AddressClass::Private(PrivateRange::Rfc1918),
            };
            AddressReport {
                ip,
                class,
                via: Translation::Native,
                outcome,
                ms: None,
            }
        })
}

fn finding(code: FindingCode) -> Finding {
    Finding {
        code,
        severity: Severity::Warning,
        resource: "dopt-0e0e0e0e0e0e0e0e0".into(),
        message: "m".into(),
        fix: None,
        remedies: Vec::new(),
    }
}

prop_compose! {
    fn path()(access in access(), reachable in reach(), failure in failure(),
              partial in any::<bool>(), custom in any::<bool>(),
              hops in select(vec![vec![], vec!["subnet-0ccc000000000003", "vpce-0f08fc65c00000001"],
                                  vec!["subnet-0ccc000000000003", "rtb-0c0c0c0c0c0c0c0c2", "nat-0f2f2f2f2f2f2f2f2", "igw-0e1e1e1e1e1e1e1e1"]]))
        -> PathReport {
        let mut findings = Vec::new();
        if partial { findings.push(finding(FindingCode::PartialReachability)); }
        if custom { findings.push(finding(FindingCode::CustomDnsServers)); }
        // As the validator writes them: no path is never reachable.
        let reachable = if access.is_none() && reachable == Reachability::Reachable {
            Reachability::Unreachable
        } else {
            reachable
        };
        PathReport {
            service: "logs".into(),
            host: HOST.into(),
            access_type: access,
            address_class: AnswerClass::predicted(access),
            reachable,
            failure: if reachable == Reachability::Unreachable { failure.or(Some(FailureCode::NoRoute)) } else { None },
            path: hops.into_iter().map(str::to_owned).collect(),
            policy: None,
            findings,
        }
    }
}

prop_compose! {
    fn observed()(access in access(), reachable in reach(), failure in failure(),
                  addresses in proptest::collection::vec(address(), 0..4),
                  resolver in select(vec![None, Some("10.0.0.2:53"), Some("10.20.0.10:53"), Some("169.254.169.253:53"), Some("[fd00:ec2::253]:53")]),
                  queries in select(vec![Some(0), Some(2), None]),
                  tls in select(vec![None, Some(TlsOutcome::Trusted), Some(TlsOutcome::Untrusted), Some(TlsOutcome::Failed)]))
        -> EndpointReport {
        // As the probe's rules write them: a reachable endpoint has a path
        // and no failure; one without a path failed in DNS.
        let dns_failures = [FailureCode::DnsNxdomain, FailureCode::DnsNoRecords, FailureCode::DnsServfail,
            FailureCode::DnsRefused, FailureCode::DnsTimeout, FailureCode::DnsSinkhole, FailureCode::DnsUnreachable];
        let access = if reachable == Reachability::Reachable { access.or(Some(AccessType::NatGateway)) } else { access };
        let failure = match (reachable, access) {
            (Reachability::Unreachable, None) => Some(failure.filter(|f| dns_failures.contains(f)).unwrap_or(FailureCode::DnsNxdomain)),
            (Reachability::Unreachable, Some(_)) => Some(failure.filter(|f| !dns_failures.contains(f)).unwrap_or(FailureCode::TcpTimeout)),
            _ => None,
        };
        EndpointReport {
            service: "logs".into(),
            host: HOST.into(),
            port: 443,
            access_type: access,
            reachable,
            failure,
            addresses,
            hints: vec!["why".into()],
            dns: resolver.map(|r| DnsReport { resolver: Some(r.into()), cnames: Vec::new(), ms: 1.0, queries, resent: None }),
            tls: tls.map(|outcome| TlsReport { outcome, issuer: Some("CN=x".into()), detail: None, ms: None }),
        }
    }
}

fn reports(p: PathReport, o: EndpointReport, cidrs: bool) -> (Report, Report) {
    let mut v = Report::new(ReportKind::Validate, Some("eu-west-1".into()));
    v.subnets.push(SubnetReport {
        subnet_id: "subnet-0ccc000000000003".into(),
        availability_zone: Some("eu-west-1a".into()),
        status: Status::Ready,
        endpoints: vec![p],
    });
    let mut r = Report::new(ReportKind::Probe, Some("eu-west-1".into()));
    r.context = Some(ProbeContext {
        region: Sourced {
            value: Some("eu-west-1".into()),
            source: Source::Flag,
        },
        ecr_account: Sourced::unknown(),
        public_ip: Sourced {
            value: PublicIp::NotAssigned,
            source: Source::Flag,
        },
        vpc_cidrs: Sourced {
            value: if cidrs {
                vec!["10.0.0.0/16".parse().expect("literal")]
            } else {
                Vec::new()
            },
            source: Source::Flag,
        },
        resolvers: Sourced {
            value: Vec::new(),
            source: Source::Flag,
        },
        subnet_id: Sourced::unknown(),
        vpc_id: Sourced::unknown(),
        availability_zone: Sourced::unknown(),
    });
    r.endpoints.push(o);
    r.finish();
    (v, r)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn every_difference_has_a_cause(p in path(), o in observed(), cidrs in any::<bool>()) {
        let (v, r) = reports(p.clone(), o.clone(), cidrs);
        let e = explain::explain(&v, &r, None).expect("comparable reports");
        let again = explain::explain(&v, &r, None).expect("comparable reports");
        prop_assert_eq!(&e, &again, "deterministic");
        prop_assert_eq!(e.endpoints.len(), 1);
        let x = &e.endpoints[0];
        match x.verdict {
            Verdict::Differs => {
                prop_assert!(!x.differences.is_empty());
                prop_assert!(!x.causes.is_empty(), "{:?} differs without a cause: {:?} / {:?}", x.differences, p, o);
                for (i, c) in x.causes.iter().enumerate() {
                    prop_assert_eq!(c.rank as usize, i + 1);
                    prop_assert!(!c.confirm.is_empty());
                    prop_assert!(c.evidence.iter().any(|e| e.side == Side::Validate));
                    prop_assert!(c.evidence.iter().any(|e| e.side == Side::Probe));
                }
            }
            Verdict::Agree | Verdict::NotComparable => {
                prop_assert!(x.differences.is_empty());
                prop_assert!(x.causes.is_empty());
            }
        }
        if p.reachable == Reachability::Unknown {
            prop_assert!(!x.differences.contains(&Difference::Reachable));
        }
        if x.verdict == Verdict::Agree && p.access_type.is_some() {
            prop_assert_eq!(AnswerClass::predicted(p.access_type), AnswerClass::observed(&o));
        }
        if o.reachable == Reachability::Unknown {
            prop_assert_eq!(x.verdict, Verdict::NotComparable);
        }
        prop_assert_eq!(e.verdict, x.verdict);
    }
}
