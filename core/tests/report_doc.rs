//! `docs/report.md` names every value the JSON report can carry: each
//! name core can print must appear there in backticks, so the reference
//! cannot fall behind the code.

use netready_core::classify::{PrivateRange, SpecialRange, Translation};
use netready_core::explain::{self, CauseCode, Difference, Side, SubnetChoice, Verdict};
use netready_core::report::{
    AccessType, AnswerClass, FailureCode, FindingCode, PolicyVerdict, RemedyChoice, SCHEMA, Source,
    Status, TcpOutcome, TlsOutcome,
};

fn wire<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .expect("report enums serialise")
        .as_str()
        .map(str::to_owned)
        .expect("report enums serialise as a string name")
}

#[test]
fn every_report_name_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/report.md"))
        .expect("docs/report.md exists");
    let mut names: Vec<String> = vec![SCHEMA.to_owned()];
    names.extend(Status::ALL.map(|s| s.as_str().to_owned()));
    names.extend(AccessType::ALL.map(|a| a.as_str().to_owned()));
    names.extend(FailureCode::ALL.map(|c| c.as_str().to_owned()));
    names.extend(FindingCode::ALL.map(|c| c.as_str().to_owned()));
    names.extend(TcpOutcome::ALL.map(|o| o.as_str().to_owned()));
    names.extend(TlsOutcome::ALL.map(wire));
    names.extend(Source::ALL.map(wire));
    names.extend(PolicyVerdict::ALL.map(|v| v.as_str().to_owned()));
    names.extend(RemedyChoice::ALL.map(|c| c.as_str().to_owned()));
    names.extend(
        [
            "remedies",
            "summary",
            "choice",
            "monthly_usd",
            "steps",
            "applied_fixes",
            "status_before",
            "manual",
        ]
        .map(str::to_owned),
    );
    names.extend(PrivateRange::ALL.map(|r| r.as_str().to_owned()));
    names.extend(SpecialRange::ALL.map(|r| r.as_str().to_owned()));
    names.extend([Translation::Ipv4Mapped, Translation::Nat64].map(|t| t.as_str().to_owned()));
    names.extend(AnswerClass::ALL.map(|c| c.as_str().to_owned()));
    // The explain document.
    names.push(explain::SCHEMA.to_owned());
    names.extend(Verdict::ALL.map(|v| v.as_str().to_owned()));
    names.extend(Difference::ALL.map(|d| d.as_str().to_owned()));
    names.extend(Side::ALL.map(|s| s.as_str().to_owned()));
    names.extend(SubnetChoice::ALL.map(|c| c.as_str().to_owned()));
    names.extend(CauseCode::ALL.map(|c| c.as_str().to_owned()));
    // The explain document's field names and the report's new ones.
    for field in [
        "address_class",
        "subnet_id",
        "vpc_id",
        "availability_zone",
        "prediction",
        "subnet_choice",
        "predicted_status",
        "observed_status",
        "predicted",
        "observed",
        "verdict",
        "differences",
        "note",
        "causes",
        "rank",
        "title",
        "explanation",
        "evidence",
        "side",
        "confirm",
        "resolver",
    ] {
        names.push(field.to_owned());
    }
    // The serde names are the printed names.
    for c in FindingCode::ALL {
        assert_eq!(wire(c), c.as_str());
    }
    for o in TcpOutcome::ALL {
        assert_eq!(wire(o), o.as_str());
    }
    for s in Source::ALL {
        assert_eq!(wire(s), s.as_str());
    }
    for t in TlsOutcome::ALL {
        assert_eq!(wire(t), t.as_str());
    }
    for v in Verdict::ALL {
        assert_eq!(wire(v), v.as_str());
    }
    for d in Difference::ALL {
        assert_eq!(wire(d), d.as_str());
    }
    for s in Side::ALL {
        assert_eq!(wire(s), s.as_str());
    }
    for c in SubnetChoice::ALL {
        assert_eq!(wire(c), c.as_str());
    }
    for c in CauseCode::ALL {
        assert_eq!(wire(c), c.as_str());
    }
    for c in AnswerClass::ALL {
        assert_eq!(wire(c), c.as_str());
    }
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !doc.contains(&format!("`{n}`")))
        .collect();
    assert!(missing.is_empty(), "not in docs/report.md: {missing:?}");
}
