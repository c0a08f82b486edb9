//! Evaluating a [`Policy`] for one call, in three values.
//!
//! IAM's rules for one policy (IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
//! a statement applies when its principal, action, resource and every
//! condition match; an applicable `Deny` denies whatever else applies
//! (explicit deny wins); otherwise an applicable `Allow` allows; otherwise
//! the call is denied implicitly. Here each of those tests is *true*,
//! *false* or *unknown* (Kleene's logic), so the decision is unknown
//! exactly when the facts given could go either way, and it names the
//! first thing that was not known.

use super::document::{Condition, Effect, Patterns, Policy, Principal, Principals, Version};
use super::matcher::{self, Dialect, Fit, Item};
use crate::catalog::{AccountId, EndpointType};
use alloc::string::String;
use core::fmt;

/// Who signs the call the endpoint policy sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Caller {
    /// The runner's own credentials (its task role, in the runner's account).
    Runner,
    /// A URL Amazon ECR signed: the download of an image layer from S3.
    /// "A call to Amazon S3 is signed using a presigned URL, which is
    /// created by an Amazon ECR account and not the service principal"
    /// (aws-samples/data-perimeter-policy-examples,
    /// vpc_endpoint_policies/README.md, "Creation of containers with Amazon
    /// ECR images"): its principal, account and organisation are ECR's, so
    /// a condition on the customer's account or organisation does not
    /// match it, and neither does `aws:PrincipalIsAWSService`.
    EcrPresignedUrl,
}

/// What the validator knows about the calls, beyond the policy.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The VPC the endpoint is in (`aws:SourceVpc`).
    pub vpc_id: &'a str,
    /// The endpoint (`aws:SourceVpce`).
    pub endpoint_id: &'a str,
    /// The account of the runner's principals (`--account`), when given:
    /// decides `aws:PrincipalAccount` and account principals.
    pub account: Option<&'a AccountId>,
    /// The account of the ECR registry the images come from
    /// (`--ecr-account`), when given: part of the repository ARN.
    pub ecr_account: Option<&'a AccountId>,
}

/// A fact the user can give to settle an unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fact {
    /// The runner's account (`--account`).
    Account,
}

/// Why a decision could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Why {
    /// A condition key whose value in the call the validator does not know.
    ConditionKey {
        /// The key as the policy writes it.
        key: String,
        /// The fact that would decide it, when there is one.
        settled_by: Option<Fact>,
    },
    /// A condition operator this evaluator does not implement, or a name
    /// IAM does not know (`StringEqual`): never guessed.
    Operator(String),
    /// A principal that may or may not be the runner's.
    Principal {
        /// As the policy writes it.
        principal: String,
        /// The fact that would decide it, when there is one.
        settled_by: Option<Fact>,
    },
    /// A resource pattern that matches some of the resources the call
    /// may use, not necessarily all (the runner's repository, log group or
    /// secret names are not in the validator's input).
    Resource {
        /// As the policy writes it.
        pattern: String,
    },
    /// An action pattern that matches some of the service's actions, not
    /// necessarily the runner's (services whose calls are not catalogued).
    Action {
        /// As the policy writes it.
        pattern: String,
    },
    /// A policy variable (`${…}`) whose value is not known.
    Variable(String),
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = crate::vpc::input::Quoted;
        match self {
            Why::ConditionKey {
                key,
                settled_by: Some(Fact::Account),
            } => write!(
                f,
                "a condition on {} depends on the runner's account: give it (--account) to decide",
                q(key)
            ),
            Why::ConditionKey { key, .. } => write!(
                f,
                "the value of condition key {} is not in the validator's input",
                q(key)
            ),
            Why::Operator(op) => write!(
                f,
                "condition operator {} is not one this validator evaluates",
                q(op)
            ),
            Why::Principal {
                principal,
                settled_by: Some(Fact::Account),
            } => write!(
                f,
                "principal {} may be the runner's: give the runner's account (--account) to decide",
                q(principal)
            ),
            Why::Principal { principal, .. } => write!(
                f,
                "whether principal {} is the runner's is not in the validator's input",
                q(principal)
            ),
            Why::Resource { pattern } => write!(
                f,
                "resource {} may or may not cover the runner's (its name is not in the validator's input)",
                q(pattern)
            ),
            Why::Action { pattern } => write!(
                f,
                "action {} covers some of the service's actions, and the runner's calls through this endpoint are not catalogued",
                q(pattern)
            ),
            Why::Variable(v) => write!(
                f,
                "policy variable {} is not in the validator's input",
                q(&alloc::format!("${{{v}}}"))
            ),
        }
    }
}

/// Three-valued truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tri {
    True,
    False,
    Unknown(Why),
}

impl Tri {
    fn from(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            u => u,
        }
    }

    /// Kleene's `and`; the first unknown is kept. `next` is not evaluated
    /// after a false.
    fn and(self, next: impl FnOnce() -> Tri) -> Tri {
        match self {
            Tri::False => Tri::False,
            Tri::True => next(),
            Tri::Unknown(w) => match next() {
                Tri::False => Tri::False,
                _ => Tri::Unknown(w),
            },
        }
    }
}

/// Kleene's `or`, folded one value at a time (a loop, not a generic
/// helper with a closure per use: the module is in the browser page).
struct Any(Tri);

impl Any {
    fn new() -> Any {
        Any(Tri::False)
    }

    /// Adds one value; `true` once the result is true.
    fn add(&mut self, t: Tri) -> bool {
        match t {
            Tri::True => {
                self.0 = Tri::True;
                true
            }
            Tri::False => false,
            Tri::Unknown(w) => {
                if self.0 == Tri::False {
                    self.0 = Tri::Unknown(w);
                }
                false
            }
        }
    }

    /// The result, negated when `negated`.
    fn done(self, negated: bool) -> Tri {
        if negated { self.0.not() } else { self.0 }
    }
}

/// One call, as the endpoint sees it.
pub(crate) struct Request<'r> {
    /// `service:Action`, folded for matching.
    pub action: &'r [Item],
    /// The resource ARN (or `*`), possibly with holes.
    pub resource: &'r [Item],
    pub caller: Caller,
    pub endpoint_type: EndpointType,
    pub facts: &'r Facts<'r>,
    /// `aws:RequestedRegion`, when the service is regional.
    pub region: Option<&'r str>,
}

/// A statement, by position and `Sid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// 0-based position in `Statement`.
    pub index: usize,
    /// Its `Sid`, when it has one.
    pub sid: Option<String>,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "statement {}", self.index)?;
        match &self.sid {
            Some(sid) => write!(f, " ({})", crate::vpc::input::Quoted(sid)),
            None => Ok(()),
        }
    }
}

/// Why a call is denied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeniedBy {
    /// An explicit `Deny` statement that applies.
    Statement(StatementRef),
    /// No `Allow` statement applies (an implicit deny).
    NoAllow,
}

/// The decision for one call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Allowed by this statement, and no `Deny` applies.
    Allowed(StatementRef),
    /// Denied.
    Denied(DeniedBy),
    /// Not decidable from the facts given.
    Unknown {
        /// The statement whose applying is unknown.
        statement: StatementRef,
        /// What is not known.
        why: Why,
    },
}

/// A context key's value in the call.
enum Ctx<'a> {
    /// Not in the request context.
    Absent,
    /// This value.
    Known(&'a str),
    /// Present (or, `maybe_absent`, perhaps absent), with a value that is
    /// ECR's own: equal to nothing a customer's policy names.
    Foreign { maybe_absent: bool },
    /// Not known.
    Unknown(Option<Fact>),
}

/// The value of condition key `key` (any case) in `req`'s context. Only
/// keys whose value follows from the validator's input or AWS's
/// documentation are known; every other key is unknown, never guessed.
fn lookup<'a>(key: &str, req: &Request<'a>) -> Ctx<'a> {
    let ecr = req.caller == Caller::EcrPresignedUrl;
    let k = |name: &str| key.eq_ignore_ascii_case(name);
    if k("aws:SourceVpc") {
        Ctx::Known(req.facts.vpc_id)
    } else if k("aws:SourceVpce") {
        Ctx::Known(req.facts.endpoint_id)
    } else if k("aws:RequestedRegion") {
        req.region.map_or(Ctx::Unknown(None), Ctx::Known)
    } else if k("aws:SecureTransport") {
        // The runner's calls are HTTPS on port 443.
        Ctx::Known("true")
    } else if k("aws:SourceIp") {
        // "The aws:SourceIp key is always present in the request context,
        // except when the requester uses a VPC endpoint to make the
        // request" (reference_policies_elements_condition_operators.html).
        Ctx::Absent
    } else if k("aws:PrincipalIsAWSService") {
        // The runner's own credentials, or ECR's account (not its service
        // principal) for layer downloads: see `Caller`.
        Ctx::Known("false")
    } else if k("aws:PrincipalAccount") {
        match (ecr, req.facts.account) {
            (true, _) => Ctx::Foreign {
                maybe_absent: false,
            },
            (false, Some(a)) => Ctx::Known(a.as_str()),
            (false, None) => Ctx::Unknown(Some(Fact::Account)),
        }
    } else if ecr && (k("aws:PrincipalArn") || k("aws:userid")) {
        Ctx::Foreign {
            maybe_absent: false,
        }
    } else if ecr && (k("aws:PrincipalOrgID") || k("aws:PrincipalOrgPaths")) {
        Ctx::Foreign { maybe_absent: true }
    } else if ecr && k("aws:ResourceAccount") {
        // The layer bucket belongs to AWS, not to the customer.
        Ctx::Foreign {
            maybe_absent: false,
        }
    } else if ecr && (k("aws:ResourceOrgID") || k("aws:ResourceOrgPaths")) {
        Ctx::Foreign { maybe_absent: true }
    } else {
        Ctx::Unknown(None)
    }
}

/// The position of byte `b` in `s` (a byte loop: `str::find` pulls in
/// the standard substring searchers, code the page does not need).
pub(super) fn find_byte(s: &str, b: u8) -> Option<usize> {
    s.bytes().position(|x| x == b)
}

/// In a 2012-10-17 policy, the first policy variable of `s` (the inside of
/// `${…}`), if any. Its value is not substituted: a value with one is
/// undecided ([`Why::Variable`]), never guessed. (Policy variables are
/// rare in endpoint policies; substituting the few keys the validator
/// knows is not worth their code in the browser page.)
fn variable(s: &str, version: Version) -> Result<(), Why> {
    if version == Version::V2008 {
        return Ok(());
    }
    let bytes = s.as_bytes();
    let Some(start) = bytes.windows(2).position(|w| w == b"${") else {
        return Ok(());
    };
    let inside = s.get(start + 2..).unwrap_or_default();
    match find_byte(inside, b'}') {
        Some(len) => Err(Why::Variable(String::from(
            inside.get(..len).unwrap_or_default(),
        ))),
        // An unterminated `${` is text.
        None => Ok(()),
    }
}

fn patterns(p: &Patterns<'_>, dialect: Dialect, subject: &[Item], version: Version) -> Tri {
    let mut hit = Any::new();
    for pattern in &p.patterns {
        // Action patterns have no policy variables.
        let toks = if dialect == Dialect::Action {
            Ok(matcher::compile(dialect, pattern))
        } else {
            variable(pattern, version).map(|()| matcher::compile(dialect, pattern))
        };
        let t = match toks.map(|t| matcher::fit(&t, subject)) {
            Err(why) => Tri::Unknown(why),
            Ok(Fit::All) => Tri::True,
            Ok(Fit::None) => Tri::False,
            Ok(Fit::Some) => {
                let pattern = String::from(*pattern);
                Tri::Unknown(if dialect == Dialect::Action {
                    Why::Action { pattern }
                } else {
                    Why::Resource { pattern }
                })
            }
        };
        if hit.add(t) {
            break;
        }
    }
    hit.done(p.negated)
}

/// The 12-digit account of an `AWS` principal, and whether the principal
/// is the whole account (an id or `…:root`).
fn principal_account(p: &str) -> Option<(&str, bool)> {
    let is_account = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    if is_account(p) {
        return Some((p, true));
    }
    let mut parts = p.splitn(6, ':');
    let (arn, _partition, service, region, account, rest) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (arn == "arn" && matches!(service, "iam" | "sts") && region.is_empty() && is_account(account))
        .then_some((account, rest == "root"))
}

fn principal(p: &Principals<'_>, req: &Request<'_>) -> Tri {
    let mut hit = Any::new();
    for entry in &p.entries {
        let t = match *entry {
            Principal::Anyone => Tri::True,
            Principal::Aws("*") => Tri::True,
            // ECR's account signs layer downloads: no customer principal.
            Principal::Aws(_) if req.caller == Caller::EcrPresignedUrl => Tri::False,
            Principal::Aws(v) => match principal_account(v) {
                // "If you specify the principal in the following format,
                // access is granted to the AWS account root user only, and
                // not all users and roles for the account: "AWS":
                // "account_id"" (vpc-endpoints-access.html, "Principals for
                // gateway endpoints"); the runner is never the root user.
                Some((_, true)) if req.endpoint_type == EndpointType::Gateway => Tri::False,
                Some((account, whole)) => match req.facts.account {
                    Some(a) if a.as_str() != account => Tri::False,
                    Some(_) if whole => Tri::True,
                    known => Tri::Unknown(Why::Principal {
                        principal: String::from(v),
                        settled_by: (whole && known.is_none()).then_some(Fact::Account),
                    }),
                },
                None => Tri::Unknown(Why::Principal {
                    principal: String::from(v),
                    settled_by: None,
                }),
            },
            // The runner calls with an IAM role's credentials.
            Principal::Other => Tri::False,
        };
        if hit.add(t) {
            break;
        }
    }
    hit.done(p.negated)
}

/// A condition operator, parsed.
#[derive(Clone, Copy)]
struct Operator {
    set: Set,
    base: Base,
    if_exists: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Set {
    Single,
    AnyValue,
    AllValues,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Base {
    Str {
        negated: bool,
        ignore_case: bool,
    },
    Like {
        negated: bool,
    },
    Arn {
        negated: bool,
    },
    Bool,
    Null,
    /// Numeric, date, binary and IP operators: only their missing-key rule
    /// is decided here.
    Other {
        negated: bool,
    },
}

impl Base {
    fn negated(self) -> bool {
        matches!(
            self,
            Base::Str { negated: true, .. }
                | Base::Like { negated: true }
                | Base::Arn { negated: true }
                | Base::Other { negated: true }
        )
    }
}

const NO: bool = false;
const NOT: bool = true;

/// The operators of reference_policies_elements_condition_operators.html
/// (a table: smaller than a `match` on strings). Numeric, date, binary and
/// IP operators: only their missing-key rule is decided.
const OPERATORS: &[(&str, Base)] = &[
    (
        "StringEquals",
        Base::Str {
            negated: NO,
            ignore_case: false,
        },
    ),
    (
        "StringNotEquals",
        Base::Str {
            negated: NOT,
            ignore_case: false,
        },
    ),
    (
        "StringEqualsIgnoreCase",
        Base::Str {
            negated: NO,
            ignore_case: true,
        },
    ),
    (
        "StringNotEqualsIgnoreCase",
        Base::Str {
            negated: NOT,
            ignore_case: true,
        },
    ),
    ("StringLike", Base::Like { negated: NO }),
    ("StringNotLike", Base::Like { negated: NOT }),
    ("ArnEquals", Base::Arn { negated: NO }),
    ("ArnLike", Base::Arn { negated: NO }),
    ("ArnNotEquals", Base::Arn { negated: NOT }),
    ("ArnNotLike", Base::Arn { negated: NOT }),
    ("Bool", Base::Bool),
    ("Null", Base::Null),
    ("NumericEquals", Base::Other { negated: NO }),
    ("NumericNotEquals", Base::Other { negated: NOT }),
    ("NumericLessThan", Base::Other { negated: NO }),
    ("NumericLessThanEquals", Base::Other { negated: NO }),
    ("NumericGreaterThan", Base::Other { negated: NO }),
    ("NumericGreaterThanEquals", Base::Other { negated: NO }),
    ("DateEquals", Base::Other { negated: NO }),
    ("DateNotEquals", Base::Other { negated: NOT }),
    ("DateLessThan", Base::Other { negated: NO }),
    ("DateLessThanEquals", Base::Other { negated: NO }),
    ("DateGreaterThan", Base::Other { negated: NO }),
    ("DateGreaterThanEquals", Base::Other { negated: NO }),
    ("BinaryEquals", Base::Other { negated: NO }),
    ("IpAddress", Base::Other { negated: NO }),
    ("NotIpAddress", Base::Other { negated: NOT }),
];

/// An operator name, parsed; `None` for a name IAM does not have.
fn operator(name: &str) -> Option<Operator> {
    let (set, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Set::AnyValue, r)
    } else if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Set::AllValues, r)
    } else {
        (Set::Single, name)
    };
    let (if_exists, base) = match rest.strip_suffix("IfExists") {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let base = OPERATORS.iter().find(|(n, _)| *n == base)?.1;
    // "You can add IfExists to the end of any condition operator name
    // except the Null condition"; set operators apply to multivalued
    // comparisons, not to a presence test.
    if base == Base::Null && (if_exists || set != Set::Single) {
        return None;
    }
    Some(Operator {
        set,
        base,
        if_exists,
    })
}

/// `ArnLike` on one value: each of the six colon-delimited parts matched
/// on its own; `None` when the pattern is not six parts.
fn arn_like(pattern: &str, value: &str) -> Option<bool> {
    let mut p = pattern.splitn(6, ':');
    let mut v = value.splitn(6, ':');
    let mut result = true;
    for _ in 0..6 {
        let pp = p.next()?;
        let Some(vv) = v.next() else {
            result = false;
            continue;
        };
        let toks = matcher::compile(Dialect::Like, pp);
        result &= matcher::fit(&toks, &matcher::concrete(Dialect::Like, vv)) == Fit::All;
    }
    Some(result)
}

fn unknown_key(c: &Condition<'_>, settled_by: Option<Fact>) -> Tri {
    Tri::Unknown(Why::ConditionKey {
        key: String::from(c.key),
        settled_by,
    })
}

fn unknown_operator(c: &Condition<'_>) -> Tri {
    Tri::Unknown(Why::Operator(String::from(c.operator)))
}

/// One policy value against one present context value, before negation.
fn test_known(op: Operator, pv: &str, v: &str, version: Version) -> Tri {
    // Policy variables can appear with the string, ARN and Bool operators
    // (condition operators page).
    if let Err(why) = variable(pv, version) {
        return Tri::Unknown(why);
    }
    match op.base {
        Base::Str { .. } | Base::Bool if ignore_case_of(op.base) => {
            Tri::from(pv.eq_ignore_ascii_case(v))
        }
        Base::Str { .. } => Tri::from(pv == v),
        Base::Like { .. } => Tri::from(
            matcher::fit(
                &matcher::compile(Dialect::Like, pv),
                &matcher::concrete(Dialect::Like, v),
            ) == Fit::All,
        ),
        Base::Arn { .. } => {
            arn_like(pv, v).map_or(Tri::Unknown(Why::Operator(String::new())), Tri::from)
        }
        _ => Tri::Unknown(Why::Operator(String::new())),
    }
}

/// Whether `base` compares without regard to ASCII case (`Bool` too:
/// `"True"` is `true`).
fn ignore_case_of(base: Base) -> bool {
    matches!(
        base,
        Base::Str {
            ignore_case: true,
            ..
        } | Base::Bool
    )
}

fn condition(c: &Condition<'_>, version: Version, req: &Request<'_>) -> Tri {
    let Some(op) = operator(c.operator) else {
        return unknown_operator(c);
    };
    let ctx = lookup(c.key, req);
    if op.base == Base::Null {
        let absent = match ctx {
            Ctx::Absent => Tri::True,
            Ctx::Known(_)
            | Ctx::Foreign {
                maybe_absent: false,
            } => Tri::False,
            Ctx::Foreign { maybe_absent: true } => unknown_key(c, None),
            Ctx::Unknown(f) => unknown_key(c, f),
        };
        let mut any = Any::new();
        for v in &c.values {
            let t = if v.eq_ignore_ascii_case("true") {
                absent.clone()
            } else if v.eq_ignore_ascii_case("false") {
                absent.clone().not()
            } else {
                Tri::False
            };
            if any.add(t) {
                break;
            }
        }
        return any.0;
    }
    let negated = op.base.negated();
    // The missing-key rule: "If the key that you specify in a policy
    // condition is not present in the request context, the values do not
    // match and the condition is false. If the policy condition requires
    // that the key is not matched, such as StringNotLike or ArnNotLike, and
    // the right key is not present, the condition is true"; `…IfExists` is
    // true; a set operator over no values: `ForAllValues` true,
    // `ForAnyValue` false.
    let when_absent = match op.set {
        Set::AllValues => true,
        Set::AnyValue => false,
        Set::Single => op.if_exists || negated,
    };
    match ctx {
        Ctx::Unknown(f) => unknown_key(c, f),
        Ctx::Absent => Tri::from(when_absent),
        Ctx::Known(_) if matches!(op.base, Base::Other { .. }) => unknown_operator(c),
        Ctx::Known(v) => {
            // Any of the policy's values may match (then negated).
            let mut any = Any::new();
            for pv in &c.values {
                let t = match test_known(op, pv, v, version) {
                    // An ARN pattern not of six parts: not decided here.
                    Tri::Unknown(Why::Operator(_)) => unknown_operator(c),
                    t => t,
                };
                if any.add(t) {
                    break;
                }
            }
            any.done(negated)
        }
        Ctx::Foreign { maybe_absent } => {
            // ECR's own value matches only a pattern that matches every
            // string.
            let mut any = Any::new();
            for pv in &c.values {
                let t = match op.base {
                    Base::Str { .. } => Tri::False,
                    Base::Like { .. } | Base::Arn { .. } => {
                        Tri::from(!pv.is_empty() && pv.bytes().all(|b| b == b'*'))
                    }
                    _ => unknown_key(c, None),
                };
                if any.add(t) {
                    break;
                }
            }
            let present = any.done(negated);
            if !maybe_absent || present == Tri::from(when_absent) {
                present
            } else {
                unknown_key(c, None)
            }
        }
    }
}

/// Whether statement `s` applies to `req`.
fn applies(s: &super::document::Statement<'_>, version: Version, req: &Request<'_>) -> Tri {
    // Cheapest and most selective first: most statements name other
    // actions.
    patterns(&s.action, Dialect::Action, req.action, version)
        .and(|| patterns(&s.resource, Dialect::Resource, req.resource, version))
        .and(|| principal(&s.principal, req))
        .and(|| {
            let mut all = Tri::True;
            for c in &s.conditions {
                all = all.and(|| condition(c, version, req));
                if all == Tri::False {
                    break;
                }
            }
            all
        })
}

/// The decision of `policy` for `req`.
pub(crate) fn decide(policy: &Policy<'_>, req: &Request<'_>) -> Decision {
    let at = |i: usize| StatementRef {
        index: i,
        sid: policy
            .statements
            .get(i)
            .and_then(|s| s.sid)
            .map(String::from),
    };
    let mut allow: Option<Result<usize, (usize, Why)>> = None;
    let mut deny_unknown: Option<(usize, Why)> = None;
    for (i, s) in policy.statements.iter().enumerate() {
        let already = match s.effect {
            Effect::Deny => false,
            Effect::Allow => matches!(allow, Some(Ok(_))),
        };
        if already {
            continue;
        }
        match (s.effect, applies(s, policy.version, req)) {
            (Effect::Deny, Tri::True) => return Decision::Denied(DeniedBy::Statement(at(i))),
            (Effect::Deny, Tri::Unknown(w)) => {
                deny_unknown.get_or_insert((i, w));
            }
            (Effect::Allow, Tri::True) => allow = Some(Ok(i)),
            (Effect::Allow, Tri::Unknown(w)) => {
                allow.get_or_insert(Err((i, w)));
            }
            (_, Tri::False) => {}
        }
    }
    match (allow, deny_unknown) {
        (None, _) => Decision::Denied(DeniedBy::NoAllow),
        (Some(Ok(i)), None) => Decision::Allowed(at(i)),
        (_, Some((i, why))) | (Some(Err((i, why))), None) => Decision::Unknown {
            statement: at(i),
            why,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn reasons_read_well() {
        let key = |k: &str, settled_by| Why::ConditionKey {
            key: k.into(),
            settled_by,
        };
        assert_eq!(
            key("aws:PrincipalAccount", Some(Fact::Account)).to_string(),
            "a condition on \"aws:PrincipalAccount\" depends on the runner's account: give it (--account) to decide"
        );
        assert_eq!(
            key("aws:PrincipalOrgID", None).to_string(),
            "the value of condition key \"aws:PrincipalOrgID\" is not in the validator's input"
        );
        assert_eq!(
            Why::Variable("aws:PrincipalTag/team".into()).to_string(),
            "policy variable \"${aws:PrincipalTag/team}\" is not in the validator's input"
        );
        let s = StatementRef {
            index: 2,
            sid: Some("Deny\nAll".into()),
        };
        assert_eq!(s.to_string(), "statement 2 (\"Deny\\nAll\")");
    }
}
