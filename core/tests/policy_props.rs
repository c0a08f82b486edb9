//! Property tests of the endpoint policy evaluator (`netready_core::policy`):
//!
//! * on random small policies and concrete calls, it agrees with a
//!   brute-force reference written here from IAM's documented rules
//!   (backtracking wildcards, the missing-key rules, explicit deny wins),
//!   and is never unknown when every fact is known (policy variables
//!   aside: it leaves them undecided; whatever it decides holds whatever
//!   their value, which the reference substitutes);
//! * on calls with unknown parts (a repository name, an object key), it is
//!   sound: whatever it decides holds for every sampled value of those
//!   parts, per the reference; unknown is its only other answer;
//! * an applicable explicit deny always wins;
//! * adding an `Allow` statement never turns allowed into denied (nor
//!   unknown into denied);
//! * `fix` leaves no call denied for want of an `Allow`, and keeps what
//!   was allowed allowed.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers: a failed unwrap is the test failing

use netready_core::catalog::{AccountId, EndpointType, Region};
use netready_core::policy::{self, Call, Caller, Decision, DeniedBy, Facts};
use proptest::prelude::*;
use serde_json::{Value, json};

const VPC: &str = "vpc-0a1b2c3d4e5f60718";
const VPCE: &str = "vpce-0123456789abcdef0";
const ACCOUNT: &str = "123456789012";

const ACTIONS: &[&str] = &[
    "*",
    "s3:*",
    "s3:GetObject",
    "S3:getobject",
    "s3:Get*",
    "s3:GetObjec?",
    "s3:Put*",
    "ecr:*",
    "ecr:Batch?etImage",
    "*:Get*",
    "logs:Put*",
    "logs:PutLogEvents",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::*",
    "arn:*:s3:::b/k",
    "arn:aws:s3:::b*",
    "arn:a*3:::b/k",
    "arn:aws:s?:::b/k",
    "arn:aws:s3:::b/*:*",
    "arn:aws:ecr:eu-west-1:*:repository/*",
    "arn:aws:ecr:*:123456789012:repository/r*",
    "arn:aws:logs:*:*:log-group:g:*",
    "arn:aws:logs:eu-west-1:123456789012:log-group:*",
    "arn:aws:s3:::b/${aws:SourceVpc}",
];

/// Concrete calls (no unknown parts).
const CALLS: &[(&str, &str)] = &[
    ("s3:GetObject", "arn:aws:s3:::b/k"),
    ("s3:GetObject", "arn:aws:s3:::b/x:y"),
    ("s3:GetObject", "arn:aws:s3:::b/vpc-0a1b2c3d4e5f60718"),
    ("s3:PutObject", "arn:aws:s3:::c/k"),
    (
        "ecr:BatchGetImage",
        "arn:aws:ecr:eu-west-1:123456789012:repository/r",
    ),
    ("ecr:GetAuthorizationToken", "*"),
    (
        "logs:PutLogEvents",
        "arn:aws:logs:eu-west-1:123456789012:log-group:g:log-stream:s",
    ),
];

/// Calls with unknown parts, and values to try for them.
const TEMPLATES: &[(&str, &str)] = &[
    ("s3:GetObject", "arn:aws:s3:::b/{key+}"),
    (
        "ecr:BatchGetImage",
        "arn:aws:ecr:eu-west-1:{registry}:repository/{repository}",
    ),
    (
        "logs:PutLogEvents",
        "arn:aws:logs:eu-west-1:{account}:log-group:{group}:log-stream:{stream}",
    ),
    ("s3:{action}", "{resource+}"),
];
const SAMPLES: &[&str] = &["k", "r", "g", "123456789012", "x/y", "runner-1"];
const COLON_SAMPLES: &[&str] = &["sha256:abc", "a:b:c", "arn:aws:s3:::b/k"];

const KEYS: &[&str] = &[
    "aws:SourceVpc",
    "AWS:sourcevpce",
    "aws:SourceIp",
    "aws:SecureTransport",
    "aws:RequestedRegion",
    "aws:PrincipalAccount",
];
const BASES: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "Bool",
    "Null",
];
const VALUES: &[&str] = &[
    VPC,
    "VPC-0A1B2C3D4E5F60718",
    VPCE,
    "vpce-0*",
    "vpc-*",
    "true",
    "false",
    "eu-west-1",
    ACCOUNT,
    "210987654321",
    "203.0.113.7",
    "${aws:SourceVpce}",
    "*",
];

fn principal() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("*")),
        Just(json!({"AWS": "*"})),
        Just(json!({"AWS": ACCOUNT})),
        Just(json!({"AWS": "arn:aws:iam::123456789012:root"})),
        Just(json!({"AWS": ["210987654321", "*"]})),
        Just(json!({"AWS": "210987654321"})),
        Just(json!({"Service": "ecs-tasks.amazonaws.com"})),
    ]
}

fn condition() -> impl Strategy<Value = (String, String, Vec<String>)> {
    (
        0..3usize,
        any::<bool>(),
        prop::sample::select(BASES),
        prop::sample::select(KEYS),
        prop::collection::vec(prop::sample::select(VALUES), 1..3),
    )
        .prop_map(|(set, if_exists, base, key, values)| {
            let set = ["", "ForAnyValue:", "ForAllValues:"][set];
            let suffix = if if_exists && base != "Null" {
                "IfExists"
            } else {
                ""
            };
            let set = if base == "Null" { "" } else { set };
            (
                format!("{set}{base}{suffix}"),
                key.to_owned(),
                values.into_iter().map(str::to_owned).collect(),
            )
        })
}

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        principal(),
        any::<bool>(),
        prop::collection::vec(prop::sample::select(ACTIONS), 1..3),
        any::<bool>(),
        prop::collection::vec(prop::sample::select(RESOURCES), 1..3),
        prop::collection::vec(condition(), 0..3),
    )
        .prop_map(
            |(deny, not_principal, p, not_action, a, not_resource, r, c)| {
                let mut s = json!({ "Effect": if deny { "Deny" } else { "Allow" } });
                s[if not_principal && deny {
                    "NotPrincipal"
                } else {
                    "Principal"
                }] = p;
                s[if not_action { "NotAction" } else { "Action" }] = json!(a);
                s[if not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }] = json!(r);
                if !c.is_empty() {
                    let mut cond = serde_json::Map::new();
                    for (op, key, values) in c {
                        let entry = cond.entry(op).or_insert_with(|| json!({}));
                        entry[key] = json!(values);
                    }
                    s["Condition"] = Value::Object(cond);
                }
                s
            },
        )
}

fn policy_json() -> impl Strategy<Value = Value> {
    (any::<bool>(), prop::collection::vec(statement(), 0..5)).prop_map(|(v2012, statements)| {
        let mut p = json!({ "Statement": statements });
        if v2012 {
            p["Version"] = json!("2012-10-17");
        }
        p
    })
}

// ---------------------------------------------------------------------------
// The reference: IAM's documented rules, as plainly as possible.
// ---------------------------------------------------------------------------

/// Backtracking wildcard match. Resources: `*` and `?` do not match `:`,
/// except a `*` that ends a segment (is followed by `:` or the end).
fn glob(p: &[char], s: &[char], resource: bool) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => {
            let crosses = !resource || rest.first().is_none_or(|c| *c == ':');
            (0..=s.len())
                .any(|k| (crosses || !s[..k].contains(&':')) && glob(rest, &s[k..], resource))
        }
        Some(('?', rest)) => {
            !s.is_empty() && (!resource || s[0] != ':') && glob(rest, &s[1..], resource)
        }
        Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..], resource),
    }
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

struct Ctx {
    gateway: bool,
    v2012: bool,
}

/// The request context: `None` = absent.
fn key_value(key: &str) -> Option<&'static str> {
    match key.to_ascii_lowercase().as_str() {
        "aws:sourcevpc" => Some(VPC),
        "aws:sourcevpce" => Some(VPCE),
        "aws:securetransport" => Some("true"),
        "aws:requestedregion" => Some("eu-west-1"),
        "aws:principalaccount" => Some(ACCOUNT),
        "aws:sourceip" => None,
        other => panic!("the reference knows no key {other}"),
    }
}

fn substitute(s: &str, ctx: &Ctx) -> String {
    if ctx.v2012 {
        s.replace("${aws:SourceVpce}", VPCE)
            .replace("${aws:SourceVpc}", VPC)
    } else {
        s.to_owned()
    }
}

fn ref_condition(op: &str, key: &str, values: &[Value], ctx: &Ctx) -> bool {
    let values: Vec<String> = values
        .iter()
        .map(|v| substitute(v.as_str().unwrap(), ctx))
        .collect();
    let present = key_value(key);
    if op == "Null" {
        return values
            .iter()
            .any(|v| (v == "true") == present.is_none() && (v == "true" || v == "false"));
    }
    let (set, rest) = if let Some(r) = op.strip_prefix("ForAnyValue:") {
        ("any", r)
    } else if let Some(r) = op.strip_prefix("ForAllValues:") {
        ("all", r)
    } else {
        ("one", op)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let negated = base.contains("Not");
    let Some(v) = present else {
        return match set {
            "any" => false,
            "all" => true,
            _ => if_exists || negated,
        };
    };
    let matches = |pv: &String| match base {
        "StringEquals" | "StringNotEquals" => pv == v,
        "StringEqualsIgnoreCase" => pv.eq_ignore_ascii_case(v),
        "StringLike" | "StringNotLike" => glob(&chars(pv), &chars(v), false),
        "Bool" => pv.eq_ignore_ascii_case(v),
        other => panic!("the reference knows no operator {other}"),
    };
    values.iter().any(matches) != negated
}

fn ref_principal(p: &Value, ctx: &Ctx) -> bool {
    match p {
        Value::String(s) => s == "*",
        Value::Object(m) => m.iter().any(|(kind, ids)| {
            let ids: Vec<&str> = match ids {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().map(|v| v.as_str().unwrap()).collect(),
                _ => panic!(),
            };
            kind == "AWS"
                && ids.iter().any(|id| {
                    *id == "*"
                        || !ctx.gateway
                            && (*id == ACCOUNT || *id == "arn:aws:iam::123456789012:root")
                })
        }),
        _ => panic!(),
    }
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|s| s.as_str().unwrap().to_owned()).collect(),
        _ => panic!(),
    }
}

fn ref_applies(s: &Value, action: &str, resource: &str, ctx: &Ctx) -> bool {
    let principal = match (s.get("Principal"), s.get("NotPrincipal")) {
        (Some(p), _) => ref_principal(p, ctx),
        (_, Some(p)) => !ref_principal(p, ctx),
        _ => panic!(),
    };
    let action_hit = |pats: &Value| {
        list(pats).iter().any(|p| {
            glob(
                &chars(&p.to_ascii_lowercase()),
                &chars(&action.to_ascii_lowercase()),
                false,
            )
        })
    };
    let action = match (s.get("Action"), s.get("NotAction")) {
        (Some(a), _) => action_hit(a),
        (_, Some(a)) => !action_hit(a),
        _ => panic!(),
    };
    let resource_hit = |pats: &Value| {
        list(pats)
            .iter()
            .any(|p| glob(&chars(&substitute(p, ctx)), &chars(resource), true))
    };
    let resource = match (s.get("Resource"), s.get("NotResource")) {
        (Some(r), _) => resource_hit(r),
        (_, Some(r)) => !resource_hit(r),
        _ => panic!(),
    };
    let conditions = s.get("Condition").is_none_or(|c| {
        c.as_object().unwrap().iter().all(|(op, keys)| {
            keys.as_object()
                .unwrap()
                .iter()
                .all(|(key, values)| ref_condition(op, key, values.as_array().unwrap(), ctx))
        })
    });
    principal && action && resource && conditions
}

/// The reference decision: `Ok(index)` allowed by that statement,
/// `Err(Some(index))` denied by that Deny, `Err(None)` implicitly denied.
fn reference(
    p: &Value,
    action: &str,
    resource: &str,
    gateway: bool,
) -> Result<usize, Option<usize>> {
    let ctx = Ctx {
        gateway,
        v2012: p.get("Version").is_some(),
    };
    let statements = p["Statement"].as_array().unwrap();
    let applies: Vec<bool> = statements
        .iter()
        .map(|s| ref_applies(s, action, resource, &ctx))
        .collect();
    let effect = |i: usize| statements[i]["Effect"].as_str().unwrap();
    if let Some(i) = (0..statements.len()).find(|&i| applies[i] && effect(i) == "Deny") {
        return Err(Some(i));
    }
    (0..statements.len())
        .find(|&i| applies[i] && effect(i) == "Allow")
        .ok_or(None)
}

// ---------------------------------------------------------------------------

fn account() -> AccountId {
    ACCOUNT.parse().unwrap()
}

fn eval(p: &Value, action: &str, resource: &str, gateway: bool) -> Decision {
    let text = p.to_string();
    let account = account();
    let facts = Facts {
        vpc_id: VPC,
        endpoint_id: VPCE,
        account: Some(&account),
        ecr_account: None,
    };
    policy::evaluate(
        Some(&text),
        &Call {
            action,
            resource,
            caller: Caller::Runner,
        },
        if gateway {
            EndpointType::Gateway
        } else {
            EndpointType::Interface
        },
        &Region::parse("eu-west-1").unwrap(),
        &facts,
    )
    .unwrap()
}

fn as_reference(d: &Decision) -> Option<Result<usize, Option<usize>>> {
    match d {
        Decision::Allowed(s) => Some(Ok(s.index)),
        Decision::Denied(DeniedBy::Statement(s)) => Some(Err(Some(s.index))),
        Decision::Denied(DeniedBy::NoAllow) => Some(Err(None)),
        _ => None,
    }
}

/// Every way of filling a template's holes from the samples.
fn fillings(template: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').unwrap() + start;
        let name = &rest[start + 1..end];
        let lit = &rest[..start];
        let options: Vec<&str> = match name {
            "account" | "registry" => vec![ACCOUNT],
            n if n.ends_with('+') => SAMPLES.iter().chain(COLON_SAMPLES).copied().collect(),
            "action" => vec!["GetObject", "PutObject", "ListBucket"],
            _ => SAMPLES.to_vec(),
        };
        out = out
            .into_iter()
            .flat_map(|prefix| options.iter().map(move |o| format!("{prefix}{lit}{o}")))
            .collect();
        rest = &rest[end + 1..];
    }
    out.into_iter().map(|s| s + rest).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn agrees_with_the_reference_on_concrete_calls(
        p in policy_json(),
        call in prop::sample::select(CALLS),
        gateway in any::<bool>(),
    ) {
        let got = eval(&p, call.0, call.1, gateway);
        let variables = p.get("Version").is_some() && p.to_string().contains("${");
        let want = reference(&p, call.0, call.1, gateway);
        match as_reference(&got) {
            // The one unknown on these calls: a policy variable, which the
            // evaluator does not substitute.
            None => prop_assert!(variables, "{:?}", got),
            // Decided without a variable's value: allowed or denied as with
            // any value (the deciding statement may differ: an undecided
            // Deny leaves an implicit deny).
            Some(decided) if variables => prop_assert_eq!(decided.is_ok(), want.is_ok()),
            Some(decided) => prop_assert_eq!(decided, want, "{} on {}: {:?}", call.0, call.1, got),
        }
    }

    #[test]
    fn is_sound_on_calls_with_unknown_parts(
        p in policy_json(),
        call in prop::sample::select(TEMPLATES),
        gateway in any::<bool>(),
    ) {
        let got = eval(&p, call.0, call.1, gateway);
        let Some(decided) = as_reference(&got) else {
            // Unknown is always allowed; it must name something.
            let unknown = matches!(got, Decision::Unknown { .. });
            prop_assert!(unknown, "{:?}", got);
            return Ok(());
        };
        for action in fillings(call.0) {
            for resource in fillings(call.1) {
                let want = reference(&p, &action, &resource, gateway);
                // The deciding statement may differ between values; the
                // kind of decision may not.
                prop_assert_eq!(
                    decided.is_ok(), want.is_ok(),
                    "{} on {} decided {:?}, but {} on {}: {:?}",
                    call.0, call.1, got, action, resource, want
                );
            }
        }
    }

    #[test]
    fn an_applicable_deny_always_wins(
        p in policy_json(),
        at in any::<prop::sample::Index>(),
        call in prop::sample::select(TEMPLATES),
        gateway in any::<bool>(),
    ) {
        let mut p = p;
        let statements = p["Statement"].as_array_mut().unwrap();
        let i = at.index(statements.len() + 1);
        statements.insert(i, json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}));
        let got = eval(&p, call.0, call.1, gateway);
        match got {
            Decision::Denied(DeniedBy::Statement(s)) => prop_assert!(s.index <= i),
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn adding_an_allow_never_denies_more(
        p in policy_json(),
        extra in statement(),
        call in prop::sample::select(TEMPLATES),
        gateway in any::<bool>(),
    ) {
        let mut extra = extra;
        extra["Effect"] = json!("Allow");
        if let Some(np) = extra.as_object_mut().unwrap().remove("NotPrincipal") {
            extra["Principal"] = np;
        }
        let before = eval(&p, call.0, call.1, gateway);
        let mut q = p.clone();
        q["Statement"].as_array_mut().unwrap().push(extra);
        let after = eval(&q, call.0, call.1, gateway);
        match (&before, &after) {
            (Decision::Allowed(_), Decision::Allowed(_)) => {}
            (Decision::Allowed(_), _) => prop_assert!(false, "allowed became {:?}", after),
            (Decision::Unknown { .. }, Decision::Denied(_)) => {
                prop_assert!(false, "unknown became {:?}", after)
            }
            (Decision::Denied(DeniedBy::Statement(a)), Decision::Denied(DeniedBy::Statement(b))) => {
                prop_assert_eq!(a, b)
            }
            (Decision::Denied(DeniedBy::Statement(_)), _) => {
                prop_assert!(false, "an explicit deny became {:?}", after)
            }
            _ => {}
        }
    }

    #[test]
    fn the_fix_leaves_no_implicit_deny(
        p in policy_json(),
        service in prop::sample::select(&["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "ec2", "ssmmessages"][..]),
    ) {
        let region = Region::parse("eu-west-1").unwrap();
        let facts = Facts { vpc_id: VPC, endpoint_id: VPCE, account: None, ecr_account: None };
        let kind = if service == "s3" { EndpointType::Gateway } else { EndpointType::Interface };
        let text = p.to_string();
        let check = policy::check(Some(&text), service, kind, &region, &facts).unwrap();
        let Ok(fix) = policy::fix(Some(&text), &check) else { return Ok(()) };
        let again = policy::check(Some(&fix.document), service, kind, &region, &facts).unwrap();
        for (was, now) in check.calls.iter().zip(&again.calls) {
            prop_assert_ne!(&now.decision, &Decision::Denied(DeniedBy::NoAllow), "{}", fix.document);
            if matches!(was.decision, Decision::Allowed(_)) {
                prop_assert!(matches!(now.decision, Decision::Allowed(_)), "{:?}", now.decision);
            }
        }
        // The fix keeps every statement as it was.
        let fixed: Value = serde_json::from_str(&fix.document).unwrap();
        let before = p["Statement"].as_array().unwrap();
        prop_assert_eq!(&fixed["Statement"].as_array().unwrap()[..before.len()], &before[..]);
    }
}
