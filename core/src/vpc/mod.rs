//! The validator: from a VPC's `aws ec2 describe-*` JSON to a verdict per
//! subnet and endpoint, with the exact fix.
//!
//! # API (used by `netready validate` and by the browser page, compiled to wasm)
//!
//! ```
//! use netready_core::vpc::{self, ValidateOptions};
//! let docs = [("vpc.json", r#"{"Subnets": []}"#)];
//! let report = vpc::validate(&docs, &ValidateOptions::default());
//! // No subnet holds a region, and none was given:
//! assert!(report.is_err());
//! ```
//!
//! * [`validate`]`(docs, options)`: parse and evaluate in one call. `docs`
//!   are `(name, JSON text)` pairs: the name (a file name, `-`, or whatever
//!   the page calls a pasted document) is only used in error messages.
//! * [`parse`]`(docs) -> VpcInput` and [`evaluate`]`(&VpcInput, options)`:
//!   the same two steps separately (e.g. parse once, evaluate for several
//!   option sets).
//! * [`ValidateOptions`] mirrors the command-line flags and deserialises from
//!   a plain object (`{"region": "eu-west-1", "profile": "runner",
//!   "subnets": [...], "security_groups": [...], "assign_public_ip": false,
//!   "fix_format": "aws-cli"}`, every field optional).
//! * The result is a [`Report`] (`netready.report/v1`, `kind: "validate"`);
//!   [`InputError`] is bad input or bad options (exit code 2), with a
//!   `Display` message naming the document, the JSON path and what was
//!   expected.
//!
//! # What the evaluation guarantees
//! * Every task subnet (the `subnets` option, else every subnet given) ×
//!   every entry of the profile's catalog gets a
//!   [`PathReport`](crate::report::PathReport): the access
//!   type the traffic takes, reachable / unreachable / unknown, the resources
//!   it crosses, and findings with a ready-to-run fix filled with the user's
//!   IDs (quoted for the shell, since IDs come from pasted JSON).
//! * A document that is needed but missing never yields a guess: the verdicts
//!   it decides are *unknown*, and a `missing-input` finding names the command
//!   to run. Without `describe-dhcp-options` the validator assumes
//!   AmazonProvidedDNS and says so (info). Without
//!   `describe-internet-gateways`, an internet gateway behind an `active`
//!   route is taken as attached: AWS itself marks routes to a detached
//!   gateway `blackhole`.
//! * Overall status: with explicit subnets, the worst subnet (any degraded →
//!   `degraded`, else any unknown → `unknown`, else `ready`). Without them the
//!   question is *which subnets can host the runner*: `ready` when at least
//!   one subnet is ready, else `unknown` when at least one is unknown, else
//!   `degraded` (and `unknown` when there is no subnet at all).
//!
//! # How AWS decides, and so how the evaluation does
//! Routes are chosen by longest prefix over every route of the subnet's
//! table (explicit association, else the main table): static, propagated
//! and prefix-list routes alike, a static route winning a tie. The
//! destinations are the interface endpoint's subnets (a route more specific
//! than `local` through an appliance makes that path unknown) and the
//! service's public addresses: with AWS's `ip-ranges.json` (`--ip-ranges`)
//! the prefixes it publishes for the service; without it, any route into
//! public space with another target makes the verdict unknown, with a
//! finding naming the route. NAT gateways' own subnets are routed the same
//! way; a private NAT gateway leads to whatever its subnet routes to. VPC
//! Block Public Access, cross-region endpoints, endpoint DNS record types
//! and S3's inbound-resolver-only private DNS are applied. Three-valued
//! throughout: unknown never hides a failure that the rest decides, and
//! every unknown carries a finding saying what would settle it.
//!
//! # What it does not do
//! It sees configuration, not traffic: endpoint policies, IAM, TLS
//! interception, DNS Firewall rules, Route 53 private hosted zones and
//! Resolver rules, what lies behind a transit gateway, VPN, peering or
//! appliance, and security groups of other accounts are invisible to it.
//! The catalog's hosts are treated as IPv4 (A-record) services on public
//! paths: IPv6-only subnets need DNS64 and NAT64, or dual-stack interface
//! endpoints whose private DNS holds AAAA records.

pub mod apply;
mod eval;
mod index;
pub mod input;
pub mod model;
mod plan_notes;

pub use apply::{WHAT_IF_ROUNDS, apply, what_if};
/// The evaluation alone: [`evaluate`] and [`evaluate_with_plan`] without a
/// Terraform plan's notes and resource addresses applied (the same for
/// describe-* documents alone).
pub use eval::{evaluate as evaluate_model, evaluate_with_plan as evaluate_model_with_plan};
pub use input::parse;
pub use model::VpcInput;

use crate::catalog::{AccountId, AccountIdError, Profile, Region, RegionError};
use crate::commands::FixFormat;
use crate::report::Report;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Deserializer};

/// Whether ECS gives the task a public IP (`AssignPublicIp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AssignPublicIp {
    /// `DISABLED`, the ECS default: an internet gateway route gives no
    /// connectivity at all.
    #[default]
    Disabled,
    /// `ENABLED`: the task can use an internet gateway route.
    Enabled,
}

impl core::str::FromStr for AssignPublicIp {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "true" | "enabled" | "yes" => Ok(AssignPublicIp::Enabled),
            "false" | "disabled" | "no" => Ok(AssignPublicIp::Disabled),
            _ => Err("expected true or false"),
        }
    }
}

/// What to evaluate: the command line's flags, as data.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValidateOptions {
    /// The region; `None` infers it from the documents (subnet ARNs and AZ
    /// names), and it is an error when they hold none.
    #[serde(deserialize_with = "de_region")]
    pub region: Option<Region>,
    /// `runner` (default) or `private`.
    #[serde(deserialize_with = "de_from_str")]
    pub profile: Profile,
    /// The task subnets; empty means every subnet given.
    pub subnets: Vec<String>,
    /// The task's security groups; empty means the VPC's default group, as
    /// ECS does.
    pub security_groups: Vec<String>,
    /// `AssignPublicIp` of the runner's ECS service. JSON: `true`/`false`.
    #[serde(deserialize_with = "de_assign")]
    pub assign_public_ip: AssignPublicIp,
    /// Fix commands as AWS CLI (`"aws-cli"`, default) or PowerShell (`"powershell"`).
    #[serde(deserialize_with = "de_from_str")]
    pub fix_format: FixFormat,
    /// The runner's AWS account (`--account`), when given: decides endpoint
    /// policy conditions on the principal's account and the ECR
    /// repositories' ARNs.
    #[serde(deserialize_with = "de_account")]
    pub account: Option<AccountId>,
}

impl ValidateOptions {
    /// Whether the task's subnets were named (each must work) or not (the
    /// question is which subnets could host the task).
    pub(crate) fn subnet_choice(&self) -> crate::rules::SubnetChoice {
        if self.subnets.is_empty() {
            crate::rules::SubnetChoice::Any
        } else {
            crate::rules::SubnetChoice::Named
        }
    }
}

/// The `region` option from its text: absent or blank means none (the
/// region is then inferred from the documents); anything else must be a
/// known region. The JSON form of [`ValidateOptions`] and the page's option
/// reader both go through it.
pub fn region_option(text: Option<&str>) -> Result<Option<Region>, RegionError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => Region::parse(s).map(Some),
    }
}

fn de_region<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Region>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    region_option(s.as_deref()).map_err(serde::de::Error::custom)
}

fn de_account<'de, D: Deserializer<'de>>(d: D) -> Result<Option<AccountId>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    account_option(s.as_deref()).map_err(serde::de::Error::custom)
}

/// The `account` option from its text: absent or blank means none;
/// anything else must be a 12-digit account id.
pub fn account_option(text: Option<&str>) -> Result<Option<AccountId>, AccountIdError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s.parse().map(Some),
    }
}

fn de_from_str<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: core::str::FromStr,
    T::Err: fmt::Display,
{
    let s = String::deserialize(d)?;
    s.parse().map_err(serde::de::Error::custom)
}

fn de_assign<'de, D: Deserializer<'de>>(d: D) -> Result<AssignPublicIp, D::Error> {
    // A visitor, not an untagged enum: serde's untagged enums buffer the
    // value first, and that machinery weighed several KB in the wasm module.
    struct BoolOrStr;
    impl serde::de::Visitor<'_> for BoolOrStr {
        type Value = AssignPublicIp;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("true or false")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<AssignPublicIp, E> {
            Ok(if v {
                AssignPublicIp::Enabled
            } else {
                AssignPublicIp::Disabled
            })
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AssignPublicIp, E> {
            v.parse().map_err(E::custom)
        }
    }
    d.deserialize_any(BoolOrStr)
}

/// Bad input or bad options: the run produces no report (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputError {
    /// No document was given.
    NoDocuments,
    /// A document is not JSON (truncated, a syntax error).
    Json {
        /// The document's name.
        document: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was expected there, and what was found instead.
        message: String,
    },
    /// A field the validator reads has the wrong shape.
    Shape {
        /// The document's name.
        document: String,
        /// The JSON path, e.g. `RouteTables[3].Routes[0].DestinationCidrBlock`.
        path: String,
        /// What was expected there.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A `subnets` option names a subnet the describe-subnets output lacks.
    UnknownSubnet {
        /// The subnet id given.
        id: String,
    },
    /// A `security_groups` option names a group the describe-security-groups
    /// output lacks.
    UnknownSecurityGroup {
        /// The group id given.
        id: String,
    },
    /// No region was given and the documents hold none.
    NoRegion,
    /// A VPC endpoint's `PolicyDocument` is not a policy.
    Policy {
        /// The endpoint.
        endpoint_id: String,
        /// What is wrong, with the JSON path inside the policy.
        error: crate::policy::PolicyError,
    },
    /// The same resource is in two documents (or twice in one) with
    /// different contents: which one holds is unknown.
    Conflict {
        /// What kind of resource ("subnet").
        kind: &'static str,
        /// Its id.
        id: String,
        /// The document it was first read from.
        first: String,
        /// The document that says otherwise.
        second: String,
    },
    /// The documents describe resources of two regions, or of another
    /// region than the one given.
    MixedRegions {
        /// One region and where it comes from (a document's name).
        first: (String, String),
        /// Another region and where it comes from (a document, `--region`).
        second: (String, String),
    },
    /// The region given is not a region name.
    BadRegion {
        /// What was given.
        value: String,
        /// Why it was rejected.
        why: RegionError,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::NoDocuments => f.write_str(
                "no input: give the JSON output of aws ec2 describe-vpcs, describe-subnets, describe-route-tables, … (files, or - for standard input)",
            ),
            InputError::Json { document, line, column, message } => {
                write!(f, "{document}: line {line}, column {column}: not valid JSON: {message}")
            }
            InputError::Shape { document, path, expected, found } => {
                write!(f, "{document}: {path}: expected {expected}, found {found}")
            }
            InputError::UnknownSubnet { id } => write!(
                f,
                "--subnet {} is not in the describe-subnets output given (run: aws ec2 describe-subnets --subnet-ids {id})",
                input::Quoted(id)
            ),
            InputError::UnknownSecurityGroup { id } => write!(
                f,
                "--security-group {} is not in the describe-security-groups output given (run: aws ec2 describe-security-groups --group-ids {id})",
                input::Quoted(id)
            ),
            InputError::Conflict { kind, id, first, second } if first == second => write!(
                f,
                "{second}: {kind} {id} appears twice, with different contents: which one holds is unknown"
            ),
            InputError::Conflict { kind, id, first, second } => write!(
                f,
                "{second}: {kind} {id} is also in {first}, with different contents: which one holds is unknown (files of two collects in one folder?); give the files of one collect"
            ),
            InputError::MixedRegions { first, second } => write!(
                f,
                "two regions: {} ({}) and {} ({}); validate one region at a time (the fixes name one region)",
                first.0, first.1, second.0, second.1
            ),
            InputError::NoRegion => f.write_str(
                "no region: give --region, or include the describe-subnets output (its subnet ARNs and availability zones name the region)",
            ),
            InputError::Policy { endpoint_id, error } => write!(
                f,
                "describe-vpc-endpoints: endpoint {}: PolicyDocument: {error}",
                input::Quoted(endpoint_id)
            ),
            InputError::BadRegion { value, why } => {
                write!(f, "region {}: {why}", input::Quoted(value))
            }
        }
    }
}

impl core::error::Error for InputError {}

/// Evaluates the model: a verdict per task subnet and catalog entry (see
/// the module's guarantees). With a Terraform plan among the documents,
/// the options may name subnets and security groups by resource address,
/// and values known only after apply make the verdicts that depend on them
/// unknown.
pub fn evaluate(input: &VpcInput, options: &ValidateOptions) -> Result<Report, InputError> {
    if input.plan_notes.is_empty() && input.plan_addresses.is_empty() {
        return eval::evaluate(input, options);
    }
    evaluate_with_plan(input, options).map(|(report, _)| report)
}

/// [`evaluate`], and the recommended fixes of every finding as changes, in
/// order, each once: what [`apply()`] applies to the model.
pub fn evaluate_with_plan(
    input: &VpcInput,
    options: &ValidateOptions,
) -> Result<(Report, Vec<crate::commands::Fix>), InputError> {
    let options = plan_notes::with_ids(input, options);
    let (mut report, fixes) = eval::evaluate_with_plan(input, &options)?;
    plan_notes::settle(input, &options, &mut report);
    Ok((report, fixes))
}

/// Parses the documents and evaluates them: [`parse`] then [`evaluate`].
pub fn validate(docs: &[(&str, &str)], options: &ValidateOptions) -> Result<Report, InputError> {
    let input = parse(docs)?;
    evaluate(&input, options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn assign(json: &str) -> Result<AssignPublicIp, serde_json::Error> {
        serde_json::from_str::<ValidateOptions>(&alloc::format!(
            r#"{{"assign_public_ip": {json}}}"#
        ))
        .map(|o| o.assign_public_ip)
    }

    #[test]
    fn assign_public_ip_takes_a_boolean_or_its_words() {
        assert_eq!(assign("true").unwrap(), AssignPublicIp::Enabled);
        assert_eq!(assign("false").unwrap(), AssignPublicIp::Disabled);
        assert_eq!(assign(r#""ENABLED""#).unwrap(), AssignPublicIp::Enabled);
        assert_eq!(assign(r#""no""#).unwrap(), AssignPublicIp::Disabled);
        let e = assign(r#""maybe""#).unwrap_err().to_string();
        assert!(e.contains("expected true or false"), "{e}");
        let e = assign("1").unwrap_err().to_string();
        assert!(e.contains("true or false"), "{e}");
        assert!(assign("null").is_err());
        assert_eq!(
            serde_json::from_str::<ValidateOptions>("{}")
                .unwrap()
                .assign_public_ip,
            AssignPublicIp::Disabled
        );
    }
}
