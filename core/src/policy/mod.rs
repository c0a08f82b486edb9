//! VPC endpoint policies: whether an endpoint's `PolicyDocument` lets the
//! runner's calls through, and the policy that would.
//!
//! A TCP connect proves the path, not the permission: an S3 gateway
//! endpoint whose policy allows only the company's buckets blocks ECR's
//! layer bucket; an ECR endpoint policy without `ecr:GetAuthorizationToken`
//! breaks every pull. [`check`] reads the policy (as `describe-vpc-endpoints`
//! prints it in `PolicyDocument`, once its JSON string is decoded; absent
//! means the default full-access policy) and evaluates it for each call the
//! runner makes through that endpoint ([`needs`]), giving a [`Verdict`];
//! [`fix`] adds exactly the missing statement.
//!
//! Guarantees:
//! * pure and `no_std`: the facts (VPC id, endpoint id, the accounts when
//!   given) are arguments;
//! * IAM's rules for one policy (explicit deny wins, else an allow, else an
//!   implicit deny), `Action`/`NotAction` with IAM's case-insensitive action
//!   names, `Resource`/`NotResource` case-sensitive with IAM's segment rule
//!   for `*` and `?`, `Principal`/`NotPrincipal` (`*`, `{"AWS": "*"}`,
//!   account ids, ARNs; for gateway endpoints an account id is its root user
//!   only, as AWS documents), `Condition` with the string, ARN, `Bool` and
//!   `Null` operators, `…IfExists`, `ForAnyValue:`/`ForAllValues:`, and the
//!   missing-key rules of every operator; versions `2008-10-17` and
//!   `2012-10-17` (a policy variable `${…}` in the latter leaves what it is
//!   in undecided, never substituted by a guess); single statements and
//!   single strings where IAM allows them;
//! * never a guess: the answer is *unknown*, naming what was not known
//!   ([`Why`]), whenever the facts given could go either way: a condition
//!   key the input does not decide (`aws:PrincipalOrgID`, tags, …; the
//!   decided ones are `aws:SourceVpc`, `aws:SourceVpce`,
//!   `aws:RequestedRegion`, `aws:SecureTransport` (HTTPS), `aws:SourceIp`
//!   (absent through VPC endpoints), `aws:PrincipalIsAWSService`, and
//!   `aws:PrincipalAccount` when the account is given), an operator it does
//!   not implement, a principal that may or may not be the runner's, a
//!   resource pattern that covers some of the runner's resources but not
//!   necessarily its own (repository, log group and secret names are not in
//!   the input), a policy variable. Unknown is never reported as allowed or
//!   denied (property tests check decisions against a brute-force reference
//!   on concrete calls, and on every sampled value of calls with unknown
//!   parts);
//! * ECR's layer downloads are signed by an ECR account (see
//!   [`Caller::EcrPresignedUrl`]): the customer's principals and conditions
//!   on its account or organisation do not match them;
//! * a malformed policy is a [`PolicyError`] naming the JSON path and what
//!   was expected (or the line and column of a syntax error), never a panic
//!   (the parser is fuzzed); it accepts only JSON serde_json accepts, and
//!   requires what IAM requires of a statement (`Effect`, a principal, an
//!   action and a resource element; element names case-sensitive);
//! * small for the browser page: the document is read with the describe-*
//!   parser's own syntax pass and tree reader, its strings borrowed, not
//!   copied; [`PolicyFix::terraform`] is written only when asked for;
//! * [`fix`] keeps every element of the existing policy and adds one
//!   `Allow` statement for exactly the calls no statement allows; applied,
//!   it leaves no implicit deny (property-tested).
//!
//! Not done here: everything outside the endpoint policy. Identity
//! policies, permission boundaries, session policies, service control and
//! resource control policies, and resource policies (bucket, repository,
//! secret, key policies) also decide a call and stay invisible to the
//! validator; so do the values of keys the input does not hold. Nor is it
//! decided here which endpoint serves which path (the VPC evaluation does
//! that and calls [`check`] once per endpoint it uses: the verdict does not
//! depend on the subnet). Numeric, date, binary and IP comparisons are not
//! made (only their missing-key rule is applied: the keys the validator
//! knows are strings); wildcards in `Principal` other than `*` are read as
//! text, as IAM reads them.

mod document;
mod eval;
mod fix;
mod json;
mod matcher;
mod needs;

pub use document::{DEFAULT_POLICY, PolicyError, Problem};
pub use eval::{Caller, Decision, DeniedBy, Fact, Facts, StatementRef, Why};
pub use fix::{NoFix, PolicyFix, fix};
pub use needs::{Call, NEEDS, Needs, needs};

use crate::catalog::{EndpointType, Region};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;
use matcher::{Dialect, Item};

/// What an endpoint's policy does to the runner's calls through it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// No endpoint policy applies (an endpoint service other than an AWS
    /// service): the report leaves its `policy` field out.
    NotApplicable,
    /// Every call the runner makes through the endpoint is allowed.
    Allows,
    /// A call is denied: the first one, in catalogue order.
    Denies {
        /// The action denied (`ecr:GetAuthorizationToken`).
        action: String,
        /// The resource, with `<…>` for parts the validator cannot know.
        resource: String,
        /// The statement that decided, or none allowing it.
        by: DeniedBy,
    },
    /// No call is denied, and one could not be decided.
    Unknown {
        /// The action undecided.
        action: String,
        /// Its resource, as for `Denies`.
        resource: String,
        /// The statement whose applying is unknown.
        statement: StatementRef,
        /// What is not known.
        why: Why,
    },
}

impl Verdict {
    /// The report's `policy` value: `allows`, `denies` or `unknown`; `None`
    /// when no policy applies.
    pub fn as_str(&self) -> Option<&'static str> {
        match self {
            Verdict::NotApplicable => None,
            Verdict::Allows => Some("allows"),
            Verdict::Denies { .. } => Some("denies"),
            Verdict::Unknown { .. } => Some("unknown"),
        }
    }
}

/// One call the runner makes through the endpoint, decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallCheck {
    /// `service:Action` (`ec2:<action>` for a service whose calls are not
    /// catalogued).
    pub action: String,
    /// The resource, with `<…>` for parts the validator cannot know.
    pub resource: String,
    /// Whose credentials sign it.
    pub caller: Caller,
    /// The policy's decision.
    pub decision: Decision,
    /// The action and resource a statement allowing this call names
    /// (unknown parts as `*`).
    fix_action: String,
    fix_resource: String,
}

/// The outcome of [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The endpoint's verdict.
    pub verdict: Verdict,
    /// Every call, in catalogue order.
    pub calls: Vec<CallCheck>,
}

/// An instantiated template: what the matcher sees, what a message shows,
/// and what a fix writes.
struct Subject {
    items: Vec<Item>,
    display: String,
    fix: String,
}

/// Fills a resource or action template (see [`needs`]'s docs).
fn instantiate(dialect: Dialect, template: &str, region: &Region, facts: &Facts<'_>) -> Subject {
    let mut out = Subject {
        items: Vec::with_capacity(template.len() + 24),
        display: String::with_capacity(template.len() + 24),
        fix: String::with_capacity(template.len() + 24),
    };
    let text = |out: &mut Subject, s: &str| {
        for c in s.chars() {
            out.items.push(Item::Ch(matcher::fold(dialect, c)));
        }
        out.display.push_str(s);
        out.fix.push_str(s);
    };
    let mut rest = template;
    while let Some(start) = eval::find_byte(rest, b'{') {
        let Some(len) = rest.get(start..).and_then(|r| eval::find_byte(r, b'}')) else {
            break;
        };
        text(&mut out, rest.get(..start).unwrap_or_default());
        let name = rest.get(start + 1..start + len).unwrap_or_default();
        let known = match name {
            "partition" => Some(region.partition().id()),
            "region" => Some(region.name()),
            "account" => facts.account.map(|a| a.as_str()),
            "registry" => facts.ecr_account.map(|a| a.as_str()),
            _ => None,
        };
        match known {
            Some(v) => text(&mut out, v),
            None => {
                let (name, colon) = match name.strip_suffix('+') {
                    Some(n) => (n, true),
                    None => (name, false),
                };
                out.items.push(Item::Hole { colon });
                let _ = write!(out.display, "<{name}>");
                out.fix.push('*');
            }
        }
        rest = rest.get(start + len + 1..).unwrap_or_default();
    }
    text(&mut out, rest);
    out
}

/// Evaluates an endpoint's policy (`document` as for [`check`]) for one
/// call through an endpoint of `endpoint_type` in `region` (its action and
/// resource are templates, as in [`needs`]).
pub fn evaluate(
    document: Option<&str>,
    call: &Call<'_>,
    endpoint_type: EndpointType,
    region: &Region,
    facts: &Facts<'_>,
) -> Result<Decision, PolicyError> {
    let action = instantiate(Dialect::Action, call.action, region, facts);
    let resource = instantiate(Dialect::Resource, call.resource, region, facts);
    document::with_tree(document.unwrap_or(DEFAULT_POLICY), |root| {
        Ok(eval::decide(
            &document::read_policy(root)?,
            &eval::Request {
                action: &action.items,
                resource: &resource.items,
                caller: call.caller,
                endpoint_type,
                facts,
                region: Some(region.name()),
            },
        ))
    })
}

/// Evaluates an endpoint's policy for the runner's calls through it.
///
/// * `document`: the endpoint's `PolicyDocument` (decoded), `None` when
///   absent (the default policy: full access);
/// * `service_id`: the catalog service the endpoint serves (`ecr.dkr`);
/// * `endpoint_type`: the endpoint's own type (an account principal means
///   its root user only on a gateway endpoint);
/// * `region`: the endpoint's region (and partition);
/// * `facts`: what else the validator knows.
///
/// A service the catalog does not know gets [`Verdict::NotApplicable`]:
/// the runner makes no call through it.
pub fn check(
    document: Option<&str>,
    service_id: &str,
    endpoint_type: EndpointType,
    region: &Region,
    facts: &Facts<'_>,
) -> Result<Check, PolicyError> {
    let any_call;
    let (calls, regional): (&[Call<'_>], bool) = match needs(service_id) {
        None | Some(Needs::NoPolicy) => {
            return Ok(Check {
                verdict: Verdict::NotApplicable,
                calls: Vec::new(),
            });
        }
        Some(Needs::Calls(calls)) => (calls, true),
        Some(Needs::AnyCall { prefix, regional }) => {
            any_call = format!("{prefix}:{{action}}");
            (
                &[Call {
                    action: &any_call,
                    resource: "{resource+}",
                    caller: Caller::Runner,
                }],
                regional,
            )
        }
    };
    let mut out = Vec::with_capacity(calls.len());
    let text = document.unwrap_or(DEFAULT_POLICY);
    document::with_tree(text, |root| {
        let policy = document::read_policy(root)?;
        for call in calls {
            let action = instantiate(Dialect::Action, call.action, region, facts);
            let resource = instantiate(Dialect::Resource, call.resource, region, facts);
            let decision = eval::decide(
                &policy,
                &eval::Request {
                    action: &action.items,
                    resource: &resource.items,
                    caller: call.caller,
                    endpoint_type,
                    facts,
                    region: regional.then(|| region.name()),
                },
            );
            out.push(CallCheck {
                action: action.display,
                resource: resource.display,
                caller: call.caller,
                decision,
                fix_action: action.fix,
                fix_resource: resource.fix,
            });
        }
        Ok(())
    })?;
    // The first denied call, else the first unknown one.
    let mut verdict = Verdict::Allows;
    for c in &out {
        let v = match &c.decision {
            Decision::Denied(by) => Verdict::Denies {
                action: c.action.clone(),
                resource: c.resource.clone(),
                by: by.clone(),
            },
            Decision::Unknown { statement, why } if verdict == Verdict::Allows => {
                Verdict::Unknown {
                    action: c.action.clone(),
                    resource: c.resource.clone(),
                    statement: statement.clone(),
                    why: why.clone(),
                }
            }
            _ => continue,
        };
        let denies = matches!(v, Verdict::Denies { .. });
        verdict = v;
        if denies {
            break;
        }
    }

    Ok(Check {
        verdict,
        calls: out,
    })
}
