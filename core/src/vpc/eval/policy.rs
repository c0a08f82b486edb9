//! Endpoint policies on the paths that go through an endpoint: TCP may
//! work while the policy denies the runner's calls
//! (vpc/latest/privatelink/vpc-endpoints-access.html).
//!
//! Guarantees: each endpoint's policy is read and evaluated once
//! ([`crate::policy::check`]), whatever the number of paths through it; a
//! path through an endpoint whose policy denies a call is unreachable
//! (`endpoint-policy-denies`, failure `policy_denies`, with the statement
//! to add as the fix when an added `Allow` can help), one whose policy
//! cannot be decided is unknown (`endpoint-policy-unverified`, naming what
//! would decide it). A denial never hides behind an unknown elsewhere on
//! the path, and vice versa.
//!
//! Not done here: identity policies, SCPs, resource policies (invisible to
//! the validator, see the policy module's docs).

use super::super::model::VpcEndpointKind;
use super::{Ctx, Endpoint, PathBuild, Unreachable};
use crate::catalog::{EndpointType, Service};
use crate::commands::Fix;
use crate::policy::{self, Check, DeniedBy, Facts, NoFix, PolicyError, Verdict};
use crate::report::{FailureCode, Finding, FindingCode, PolicyVerdict, Severity};
use alloc::format;

impl Ctx<'_> {
    /// The endpoint's policy, checked for the runner's calls through it.
    pub(super) fn policy_check<'e>(&self, e: &'e Endpoint<'_>) -> &'e Result<Check, PolicyError> {
        e.policy.get_or_init(|| {
            let endpoint_type = match e.ep.kind {
                VpcEndpointKind::Gateway => EndpointType::Gateway,
                VpcEndpointKind::Interface | VpcEndpointKind::Other => EndpointType::Interface,
            };
            policy::check(
                e.ep.policy_document.as_deref(),
                &e.service_id,
                endpoint_type,
                &self.region,
                &Facts {
                    vpc_id: &e.ep.vpc_id,
                    endpoint_id: &e.ep.id,
                    account: self.account.as_ref(),
                    ecr_account: self.account.as_ref(),
                },
            )
        })
    }

    /// Folds the endpoint's policy into a path through it.
    pub(super) fn apply_policy(&self, b: &mut PathBuild, e: &Endpoint<'_>, service: &Service) {
        // Malformed policies were refused before any path was built.
        let Ok(check) = self.policy_check(e) else {
            return;
        };
        let ep = e.ep;
        match &check.verdict {
            Verdict::Allows => b.policy = Some(PolicyVerdict::Allows),
            Verdict::Denies {
                action,
                resource,
                by,
            } => {
                b.policy = Some(PolicyVerdict::Denies);
                let fix = match policy::fix(ep.policy_document.as_deref(), check) {
                    Ok(f) => self.fix(&Fix::EndpointPolicy {
                        endpoint_id: ep.id.clone(),
                        document: f.document,
                    }),
                    Err(NoFix::ExplicitDeny(s)) => self.comment(format!(
                        "{s} of {}'s policy denies {action}: an added Allow cannot override it; change or remove that statement (aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --policy-document …)",
                        ep.id, ep.id
                    )),
                    Err(_) => None,
                };
                let decided_by = match by {
                    DeniedBy::Statement(s) => format!("{s} denies it explicitly"),
                    DeniedBy::NoAllow => "no statement allows it".into(),
                };
                let was = b.reachable;
                b.check(
                    Unreachable,
                    || Finding {
                        code: FindingCode::EndpointPolicyDenies,
                        severity: Severity::Error,
                        resource: ep.id.clone(),
                        message: format!(
                            "The policy of endpoint {} ({}) denies {action} on {resource}, which the runner needs for {}: {decided_by}. TCP reaches the endpoint, the call is refused (403).",
                            ep.id,
                            ep.service_name,
                            service.host_template(&self.region)
                        ),
                        fix, remedies: alloc::vec::Vec::new(),
                    },
                    || None,
                );
                if was != Unreachable {
                    b.failure = Some(FailureCode::PolicyDenies);
                }
            }
            Verdict::Unknown {
                action,
                resource,
                statement,
                why,
            } => {
                b.policy = Some(PolicyVerdict::Unknown);
                b.unknown_because(Finding {
                    code: FindingCode::EndpointPolicyUnverified,
                    severity: Severity::Warning,
                    resource: ep.id.clone(),
                    message: format!(
                        "Whether the policy of endpoint {} ({}) allows {action} on {resource} cannot be decided from the input ({statement}): {why}.",
                        ep.id, ep.service_name
                    ),
                    fix: None, remedies: alloc::vec::Vec::new(), });
            }
            Verdict::NotApplicable => {}
        }
    }
}
