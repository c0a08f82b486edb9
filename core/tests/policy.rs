//! Table-driven endpoint policy cases: `tests/data/policy/cases.json`
//! (its README says what each field means), replayed through
//! `policy::check` and `policy::fix`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers: a failed unwrap is the test failing

use netready_core::catalog::{self, AccountId, EndpointType, Region};
use netready_core::policy::{self, DeniedBy, Facts, NoFix, StatementRef, Verdict, Why};
use serde_json::{Value, json};

fn statement_json(s: &StatementRef) -> Value {
    json!({ "index": s.index, "sid": s.sid })
}

fn why_json(w: &Why) -> Value {
    match w {
        Why::ConditionKey { key, .. } => json!({ "condition_key": key }),
        Why::Operator(o) => json!({ "operator": o }),
        Why::Principal { principal, .. } => json!({ "principal": principal }),
        Why::Resource { pattern } => json!({ "resource": pattern }),
        Why::Action { pattern } => json!({ "action": pattern }),
        Why::Variable(v) => json!({ "variable": v }),
        other => panic!("a Why the table cannot express: {other:?}"),
    }
}

/// What a case expects, from what `check` (and `fix`) returned.
fn observed(
    result: &Result<policy::Check, policy::PolicyError>,
    document: Option<&str>,
    wants_fix: bool,
    wants_terraform: bool,
) -> Value {
    let check = match result {
        Err(e) => return json!({ "verdict": "error", "message": e.to_string() }),
        Ok(c) => c,
    };
    let mut out = match &check.verdict {
        Verdict::NotApplicable => json!({ "verdict": "not_applicable" }),
        Verdict::Allows => json!({ "verdict": "allows" }),
        Verdict::Denies {
            action,
            resource,
            by,
        } => json!({
            "verdict": "denies", "action": action, "resource": resource,
            "by": match by {
                DeniedBy::NoAllow => json!("no_allow"),
                DeniedBy::Statement(s) => statement_json(s),
                other => panic!("unexpected {other:?}"),
            },
        }),
        Verdict::Unknown {
            action,
            resource,
            statement,
            why,
        } => json!({
            "verdict": "unknown", "action": action, "resource": resource,
            "statement": statement.index, "why": why_json(why),
        }),
        other => panic!("unexpected verdict {other:?}"),
    };
    if wants_fix || wants_terraform {
        let fix = policy::fix(document, check);
        if wants_fix {
            out["fix"] = match &fix {
                Ok(f) => json!(f.statement),
                Err(NoFix::ExplicitDeny(_)) => json!("explicit_deny"),
                Err(NoFix::NotDenied) => json!("not_denied"),
                Err(e) => json!(e.to_string()),
            };
        }
        if wants_terraform {
            out["terraform"] = json!(fix.as_ref().map(|f| f.terraform()).ok());
        }
    }
    out
}

fn endpoint_type(case: &Value, service: &str) -> EndpointType {
    match case.get("endpoint_type").and_then(Value::as_str) {
        Some("gateway") => EndpointType::Gateway,
        Some("interface") => EndpointType::Interface,
        Some(other) => panic!("unknown endpoint_type {other}"),
        None => catalog::service_by_id(service)
            .map(|s| s.endpoint_type)
            .unwrap_or(EndpointType::Interface),
    }
}

#[test]
fn policy_cases() {
    let data: Value =
        serde_json::from_str(include_str!("../../tests/data/policy/cases.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let service = case["service"].as_str().unwrap();
        let region = Region::parse(
            case.get("region")
                .and_then(Value::as_str)
                .unwrap_or("eu-west-1"),
        )
        .unwrap();
        let facts = case.get("facts").cloned().unwrap_or(json!({}));
        let account: Option<AccountId> = facts["account"].as_str().map(|a| a.parse().unwrap());
        let ecr_account: Option<AccountId> =
            facts["ecr_account"].as_str().map(|a| a.parse().unwrap());
        let facts = Facts {
            vpc_id: facts["vpc_id"].as_str().unwrap_or("vpc-0a1b2c3d4e5f60718"),
            endpoint_id: facts["endpoint_id"]
                .as_str()
                .unwrap_or("vpce-0123456789abcdef0"),
            account: account.as_ref(),
            ecr_account: ecr_account.as_ref(),
        };
        let document = match &case["policy"] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(serde_json::to_string(other).unwrap()),
        };
        let result = policy::check(
            document.as_deref(),
            service,
            endpoint_type(case, service),
            &region,
            &facts,
        );
        let expect = &case["expect"];
        let got = observed(
            &result,
            document.as_deref(),
            expect.get("fix").is_some(),
            expect.get("terraform").is_some(),
        );
        if &got != expect {
            failures.push(format!("{name}:\n  expected {expect}\n  got      {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every fix the table produces is a policy that parses and that `check`
/// finds no longer denying for want of an Allow.
#[test]
fn fixes_parse_and_leave_no_implicit_deny() {
    let data: Value =
        serde_json::from_str(include_str!("../../tests/data/policy/cases.json")).unwrap();
    let region = Region::parse("eu-west-1").unwrap();
    let facts = Facts {
        vpc_id: "vpc-0a1b2c3d4e5f60718",
        endpoint_id: "vpce-0123456789abcdef0",
        account: None,
        ecr_account: None,
    };
    let mut fixed = 0;
    for case in data["cases"].as_array().unwrap() {
        let service = case["service"].as_str().unwrap();
        if case.get("region").is_some() || case.get("facts").is_some() {
            continue;
        }
        let document = match &case["policy"] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(serde_json::to_string(other).unwrap()),
        };
        let kind = endpoint_type(case, service);
        let Ok(check) = policy::check(document.as_deref(), service, kind, &region, &facts) else {
            continue;
        };
        let Ok(fix) = policy::fix(document.as_deref(), &check) else {
            continue;
        };
        let again = policy::check(Some(&fix.document), service, kind, &region, &facts).unwrap();
        assert!(
            again
                .calls
                .iter()
                .all(|c| c.decision != policy::Decision::Denied(DeniedBy::NoAllow)),
            "{}: {:?}",
            case["name"],
            again.verdict
        );
        // The JSON is JSON, and the statement is in it.
        let v: Value = serde_json::from_str(&fix.document).unwrap();
        let added: Value = serde_json::from_str(&fix.statement).unwrap();
        assert!(v["Statement"].as_array().unwrap().contains(&added));
        fixed += 1;
    }
    assert!(fixed >= 3, "only {fixed} cases had a fix");
}
