//! VPC Block Public Access (vpc/latest/userguide/security-vpc-bpa.html,
//! AWSEC2/latest/APIReference/API_BlockPublicAccessStates.html).
//!
//! Guarantees:
//! * the mode that applies to a subnet is the account's
//!   (`describe-vpc-block-public-access-options`) when given, else the
//!   subnet's or its VPC's `BlockPublicAccessStates`; with none of them the
//!   evaluation assumes `off` and says so once (info);
//! * `block-bidirectional` drops all traffic through internet gateways and
//!   egress-only internet gateways, a NAT gateway's included, unless the
//!   subnet (for a NAT gateway: the NAT gateway's subnet) or its VPC has an
//!   active exclusion, `allow-egress` or `allow-bidirectional`;
//! * `block-ingress` lets only NAT gateways and egress-only gateways
//!   through: a task's own public IP behind an internet gateway is blocked
//!   unless an `allow-bidirectional` exclusion applies (`allow-egress` only
//!   applies under `block-bidirectional`);
//! * a blocking mode with the exclusions not given is unknown, naming the
//!   command.
//!
//! Not done here: the routes (the hop that reaches the gateway asks).

use super::super::model::{BpaExclusionMode, BpaExclusionScope, BpaMode, ExclusionState, Subnet};
use super::{Ctx, PathBuild, Unreachable};
use crate::commands::{BpaExclusionFix, Fix};
use crate::report::{FailureCode, Finding, FindingCode, Severity};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::vec::Vec;

/// Which kind of internet traffic a hop sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Traffic {
    /// The task's own public IP through an internet gateway.
    InternetGateway,
    /// A NAT gateway's traffic through the internet gateway of its subnet.
    NatGateway,
}

impl<'a> Ctx<'a> {
    /// The mode that applies to `subnet`, when known.
    fn bpa_mode(&self, subnet: &Subnet) -> Option<BpaMode> {
        self.input
            .bpa_options
            .or(subnet.block_public_access)
            .or_else(|| {
                self.vpcs
                    .get(&subnet.vpc_id)
                    .and_then(|v| v.block_public_access)
            })
    }

    /// Whether an active exclusion of one of `modes` covers `subnet`.
    fn bpa_excluded(&self, subnet: &Subnet, modes: &[BpaExclusionMode]) -> bool {
        self.input.bpa_exclusions.items.iter().any(|x| {
            x.state == ExclusionState::Active
                && modes.contains(&x.mode)
                && match &x.scope {
                    BpaExclusionScope::Subnet(id) => *id == subnet.id,
                    BpaExclusionScope::Vpc(id) => *id == subnet.vpc_id,
                }
        })
    }

    /// Folds Block Public Access for `traffic` leaving through `subnet` into `b`.
    pub(super) fn bpa_check(&self, b: &mut PathBuild, subnet: &Subnet, traffic: Traffic) {
        let mode = match self.bpa_mode(subnet) {
            None | Some(BpaMode::Off) => return,
            Some(m) => m,
        };
        let lifting: &[BpaExclusionMode] = match (mode, traffic) {
            (BpaMode::BlockIngress, Traffic::NatGateway) => return,
            (BpaMode::BlockIngress, Traffic::InternetGateway) => {
                &[BpaExclusionMode::AllowBidirectional]
            }
            (BpaMode::BlockBidirectional, _) => &[
                BpaExclusionMode::AllowBidirectional,
                BpaExclusionMode::AllowEgress,
            ],
            (BpaMode::Off, _) => return,
        };
        if self.bpa_excluded(subnet, lifting) {
            return;
        }
        let mode_name = match mode {
            BpaMode::BlockBidirectional => "block-bidirectional",
            BpaMode::BlockIngress => "block-ingress",
            BpaMode::Off => "off",
        };
        if !self.input.bpa_exclusions.given {
            let command = format!(
                "aws ec2 describe-vpc-block-public-access-exclusions --region {}",
                self.region
            );
            b.unknown_because(Finding {
                code: FindingCode::MissingInput,
                severity: Severity::Warning,
                resource: "VpcBlockPublicAccessExclusions".to_owned(),
                message: format!(
                    "VPC Block Public Access is {mode_name} in {}, and the exclusions were not given: whether {} ({}) is excluded is unknown. Add the output of: {command}",
                    self.region, subnet.id, subnet.vpc_id
                ),
                fix: Some(format!("{command} > bpa-exclusions.json")), remedies: Vec::new(), });
            return;
        }
        let (what, exclusion) = match (mode, traffic) {
            (BpaMode::BlockIngress, _) => (
                "a task's own public IP behind an internet gateway (only NAT gateways and egress-only internet gateways pass in block-ingress mode)",
                BpaExclusionFix::AllowBidirectional,
            ),
            (_, Traffic::NatGateway) => (
                "the NAT gateway's traffic through the internet gateway",
                BpaExclusionFix::AllowEgress,
            ),
            (_, Traffic::InternetGateway) => (
                "traffic through the internet gateway",
                BpaExclusionFix::AllowEgress,
            ),
        };
        b.check(
            Unreachable,
            || Finding {
                code: FindingCode::VpcBlockPublicAccess,
                severity: Severity::Error,
                resource: subnet.id.clone(),
                message: format!(
                    "VPC Block Public Access is {mode_name} in {} and neither {} nor {} is excluded: {what} is dropped.",
                    self.region, subnet.id, subnet.vpc_id
                ),
                fix: self.fix(&Fix::CreateBpaExclusion {
                    subnet_id: subnet.id.clone(),
                    mode: exclusion,
                }), remedies: Vec::new(), },
            || None,
        );
        b.failure = Some(FailureCode::Blocked);
    }

    /// The report-level note when no Block Public Access state was given
    /// at all: it is assumed off.
    pub(super) fn bpa_assumption(&self) -> Vec<Finding> {
        let known = self.input.bpa_options.is_some()
            || self
                .input
                .vpcs
                .items
                .iter()
                .any(|v| v.block_public_access.is_some())
            || self
                .input
                .subnets
                .items
                .iter()
                .any(|s| s.block_public_access.is_some());
        if known || self.input.subnets.items.is_empty() {
            return Vec::new();
        }
        let command = format!(
            "aws ec2 describe-vpc-block-public-access-options --region {}",
            self.region
        );
        alloc::vec![Finding {
            code: FindingCode::MissingInput,
            severity: Severity::Info,
            resource: "VpcBlockPublicAccessOptions".to_owned(),
            message: format!(
                "No VPC Block Public Access state was given (neither the account's options nor BlockPublicAccessStates in describe-vpcs): it is assumed off. Add the output of: {command}"
            ),
            fix: Some(format!("{command} > bpa-options.json")),
            remedies: Vec::new(),
        }]
    }
}
