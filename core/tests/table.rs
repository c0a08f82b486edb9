//! Table-driven tests: the cases are data under `tests/data/`, shared with
//! the web page's tests.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is the test failing

use netready_core::classify::{Translation, classify};
use netready_core::net::Cidr;
use netready_core::report::{FailureCode, Reachability, TcpOutcome};
use netready_core::rules::{
    DnsAnswer, DnsFailure, Observation, PublicIp, TaskContext, assess_endpoint,
};
use serde_json::Value;
use std::net::IpAddr;

fn cidrs(case: &Value) -> Vec<Cidr> {
    case.get("vpc_cidrs")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|c| c.as_str().unwrap().parse().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn classification_cases() {
    let data: Value = serde_json::from_str(include_str!("../../tests/data/classify.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() > 50);
    for case in cases {
        let ip: IpAddr = case["ip"].as_str().unwrap().parse().unwrap();
        let got = classify(ip, &cidrs(case));
        assert_eq!(
            got.class.as_str(),
            case["class"].as_str().unwrap(),
            "class of {ip}"
        );
        let via = case.get("via").and_then(Value::as_str).unwrap_or("native");
        assert_eq!(got.translation.as_str(), via, "via of {ip}");
        if got.translation == Translation::Native {
            assert_eq!(got.effective, ip);
        }
    }
}

fn outcome(s: &str) -> TcpOutcome {
    serde_json::from_value(Value::String(s.into())).unwrap()
}

#[test]
fn rule_cases() {
    let data: Value = serde_json::from_str(include_str!("../../tests/data/rules.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() > 20);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let public_ip: PublicIp = case["public_ip"].as_str().unwrap().parse().unwrap();
        let vpc = cidrs(case);
        let dns = if let Some(addrs) = case["dns"].get("addresses") {
            DnsAnswer::from_addresses(
                addrs
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().parse().unwrap())
                    .collect(),
            )
        } else {
            DnsAnswer::Failed(match case["dns"]["failure"].as_str().unwrap() {
                "nxdomain" => DnsFailure::NxDomain,
                "nodata" => DnsFailure::NoData,
                "servfail" => DnsFailure::ServFail,
                "refused" => DnsFailure::Refused,
                "timeout" => DnsFailure::Timeout,
                "not_asked" => DnsFailure::NotAsked,
                "no_route" => DnsFailure::NoRoute,
                "unreachable" => DnsFailure::Unreachable,
                other => panic!("{name}: unknown dns failure {other}"),
            })
        };
        let dials = case["dials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d[0].as_str().unwrap().parse().unwrap(),
                    outcome(d[1].as_str().unwrap()),
                    Some(1.0),
                )
            })
            .collect();
        let obs = Observation {
            service: case["service"].as_str().unwrap().into(),
            host: "example.amazonaws.com".into(),
            port: 443,
            dns,
            dials,
        };
        let ctx = TaskContext {
            public_ip,
            vpc_cidrs: &vpc,
        };
        let got = assess_endpoint(&obs, &ctx, 16);
        let expect = &case["expect"];
        let e = &got.endpoint;
        assert_eq!(
            serde_json::to_value(e.access_type).unwrap(),
            expect["access_type"],
            "{name}: access_type"
        );
        assert_eq!(
            serde_json::to_value(e.reachable).unwrap(),
            expect["reachable"],
            "{name}: reachable"
        );
        assert_eq!(
            serde_json::to_value(e.failure).unwrap(),
            expect["failure"],
            "{name}: failure"
        );
        let codes: Vec<String> = got
            .findings
            .iter()
            .map(|f| f.code.as_str().to_owned())
            .collect();
        let want: Vec<String> = expect["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(codes, want, "{name}: findings");
        let outcomes: Vec<&str> = e.addresses.iter().map(|a| a.outcome.as_str()).collect();
        let want: Vec<&str> = expect["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap())
            .collect();
        assert_eq!(outcomes, want, "{name}: outcomes");
        // Invariants every case must keep.
        assert_eq!(
            e.reachable == Reachability::Reachable,
            e.failure.is_none(),
            "{name}"
        );
        if let Some(FailureCode::DnsSinkhole) = e.failure {
            assert!(
                e.addresses.iter().all(|a| !a.outcome.was_dialled()),
                "{name}: sinkhole dialled"
            );
        }
        if e.failure.is_some() {
            assert!(!e.hints.is_empty(), "{name}: a failure without a hint");
        }
        if let Some(s) = expect.get("hint_contains").and_then(Value::as_str) {
            assert!(
                e.hints.iter().any(|h| h.contains(s)),
                "{name}: hints {:?}",
                e.hints
            );
        }
    }
}
