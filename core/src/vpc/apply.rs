//! Applying fixes to the VPC model: what the VPC would look like after the
//! printed commands ran (`netready validate --apply-fixes`, the page's
//! "after the fixes").
//!
//! Guarantees:
//! * every change the validator prints is applied as AWS applies the
//!   command: a route created or replaced (longest prefix still decides),
//!   a rule added to a security group or network ACL, an endpoint modified
//!   or created (available, with private DNS on for interface endpoints, as
//!   `create-vpc-endpoint --private-dns-enabled` leaves it once AWS has
//!   provisioned it), a security group, route table or NAT gateway created
//!   under the id the command's shell variable names (`$NEW_ENDPOINT_SG`),
//!   an association moved, a gateway attached, an exclusion created;
//! * a change that names a resource the model does not hold is an
//!   [`ApplyError`], never a silent no-op; a comment (an instruction for a
//!   human) is [`Applied::Manual`];
//! * pure: the input is not modified; a new model is returned.
//!
//! Not done here: deciding what to fix (the evaluation), or whether AWS
//! accepts the command (the emulator test runs them against an EC2 API).

use super::model::*;
use crate::catalog::{EndpointType, Region};
use crate::commands::{AclDirection, BpaExclusionFix, DnsAttribute, Fix, RouteTo};
use crate::net::Cidr;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

/// What applying one change did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Applied {
    /// The model now holds the change.
    Changed,
    /// An instruction for a human (a comment): nothing to apply.
    Manual(String),
}

/// A change that cannot be applied to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApplyError {
    /// It names a resource the model does not hold.
    Unknown {
        /// What kind of resource.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// A value of the change is not what the model can hold (a CIDR that
    /// does not parse).
    BadValue {
        /// What was wrong.
        what: String,
    },
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyError::Unknown { kind, id } => write!(f, "no {kind} {id} in the model"),
            ApplyError::BadValue { what } => f.write_str(what),
        }
    }
}

impl core::error::Error for ApplyError {}

/// The model after `changes`, in order, and what each did.
pub fn apply(
    input: &VpcInput,
    region: &Region,
    changes: &[Fix],
) -> Result<(VpcInput, Vec<Applied>), ApplyError> {
    let mut out = input.clone();
    let mut done = Vec::with_capacity(changes.len());
    for c in changes {
        done.push(apply_one(&mut out, region, c)?);
    }
    for acl in &mut out.network_acls.items {
        acl.entries = super::input::sorted_by_rule(core::mem::take(&mut acl.entries));
    }
    Ok((out, done))
}

fn unknown(kind: &'static str, id: &str) -> ApplyError {
    ApplyError::Unknown {
        kind,
        id: id.to_owned(),
    }
}

fn route_table<'m>(m: &'m mut VpcInput, id: &str) -> Result<&'m mut RouteTable, ApplyError> {
    m.route_tables
        .items
        .iter_mut()
        .find(|r| r.id == id)
        .ok_or_else(|| unknown("route table", id))
}

fn endpoint<'m>(m: &'m mut VpcInput, id: &str) -> Result<&'m mut VpcEndpoint, ApplyError> {
    m.endpoints
        .items
        .iter_mut()
        .find(|e| e.id == id)
        .ok_or_else(|| unknown("VPC endpoint", id))
}

fn group<'m>(m: &'m mut VpcInput, id: &str) -> Result<&'m mut SecurityGroup, ApplyError> {
    m.security_groups
        .items
        .iter_mut()
        .find(|g| g.id == id)
        .ok_or_else(|| unknown("security group", id))
}

fn cidr(text: &str) -> Result<Cidr, ApplyError> {
    text.parse().map_err(|_| ApplyError::BadValue {
        what: alloc::format!("{text} is not a CIDR"),
    })
}

/// A TCP 443 rule for `peer`.
fn https_rule(peer: &crate::commands::RulePeer) -> Result<SgRule, ApplyError> {
    let (cidrs, group_ids) = match peer {
        crate::commands::RulePeer::Group(g) => (Vec::new(), vec![g.clone()]),
        crate::commands::RulePeer::Cidr(c) => (vec![cidr(c)?], Vec::new()),
    };
    Ok(SgRule {
        protocol: Protocol::Tcp,
        ports: PortRange { from: 443, to: 443 },
        cidrs,
        group_ids,
        prefix_list_ids: Vec::new(),
    })
}

fn apply_one(m: &mut VpcInput, region: &Region, fix: &Fix) -> Result<Applied, ApplyError> {
    match fix {
        Fix::Comment(text) => return Ok(Applied::Manual(text.clone())),
        Fix::CreatePublicNatGateway => {
            return Ok(Applied::Manual(
                "create a public NAT gateway in a public subnet".to_owned(),
            ));
        }
        Fix::EnableDnsAttribute { vpc_id, attribute } => {
            let attrs = m.dns_attributes.entry_or_default(vpc_id.clone());
            match attribute {
                DnsAttribute::Support => attrs.dns_support = Some(VpcResolver::Answers),
                DnsAttribute::Hostnames => attrs.dns_hostnames = Some(DnsHostnames::Assigned),
            }
        }
        Fix::AuthorizeIngress443 { group_id, from } => {
            let rule = https_rule(from)?;
            group(m, group_id)?.ingress.push(rule);
        }
        Fix::AuthorizeEgress443 { group_id, to } => {
            let rule = https_rule(to)?;
            group(m, group_id)?.egress.push(rule);
        }
        Fix::AllowAclEntry {
            acl_id,
            direction,
            rule_number,
            from_port,
            to_port,
            cidr: c,
        } => {
            let c = cidr(c)?;
            let acl = m
                .network_acls
                .items
                .iter_mut()
                .find(|a| a.id == *acl_id)
                .ok_or_else(|| unknown("network ACL", acl_id))?;
            acl.entries.push(AclEntry {
                rule_number: *rule_number,
                direction: match direction {
                    AclDirection::Ingress => Direction::Ingress,
                    AclDirection::Egress => Direction::Egress,
                },
                protocol: Protocol::Tcp,
                action: RuleAction::Allow,
                cidr: c,
                ports: PortRange {
                    from: *from_port,
                    to: *to_port,
                },
            });
        }
        Fix::EnableRoutePropagation {
            route_table_id,
            gateway_id,
        } => {
            // The VPN's routes, as other tables that propagate them show.
            let propagated: Vec<Route> = m
                .route_tables
                .items
                .iter()
                .flat_map(|t| t.routes.iter())
                .filter(|r| {
                    r.origin == RouteOrigin::EnableVgwRoutePropagation
                        && r.target == RouteTarget::Transit(gateway_id.clone())
                })
                .cloned()
                .collect();
            let rt = route_table(m, route_table_id)?;
            for r in propagated {
                if !rt.routes.contains(&r) {
                    rt.routes.push(r);
                }
            }
        }
        Fix::Route {
            route_table_id,
            destination,
            to,
            replace,
        } => {
            let dest = if destination.starts_with("pl-") {
                RouteDestination::PrefixList(destination.clone())
            } else {
                RouteDestination::Cidr(cidr(destination)?)
            };
            let target = match to {
                RouteTo::NatGateway(id) => RouteTarget::NatGateway(id.clone()),
                RouteTo::InternetGateway(id) => RouteTarget::InternetGateway(id.clone()),
                RouteTo::GatewayLoadBalancerEndpoint(id) => RouteTarget::VpcEndpoint(id.clone()),
                RouteTo::VirtualPrivateGateway(id)
                | RouteTo::TransitGateway(id)
                | RouteTo::PeeringConnection(id)
                | RouteTo::NetworkInterface(id) => RouteTarget::Transit(id.clone()),
            };
            let rt = route_table(m, route_table_id)?;
            // replace-route replaces the static route of that destination;
            // create-route adds one (AWS refuses a second static route for
            // one destination, so either way one remains).
            let _ = replace;
            rt.routes.retain(|r| {
                !(r.destination == dest && r.origin != RouteOrigin::EnableVgwRoutePropagation)
            });
            rt.routes.push(Route {
                destination: dest,
                target,
                state: RouteState::Active,
                origin: RouteOrigin::CreateRoute,
            });
        }
        Fix::AssociateRouteTable {
            route_table_id,
            subnet_id,
        }
        | Fix::ReplaceRouteTableAssociation {
            route_table_id,
            subnet_id,
            ..
        } => {
            route_table(m, route_table_id)?;
            for rt in &mut m.route_tables.items {
                while let Some(i) = rt.subnet_ids.iter().position(|s| s == subnet_id) {
                    rt.subnet_ids.remove(i);
                    if i < rt.association_ids.len() {
                        rt.association_ids.remove(i);
                    }
                }
            }
            let rt = route_table(m, route_table_id)?;
            rt.subnet_ids.push(subnet_id.clone());
            rt.association_ids.push(alloc::format!(
                "${}",
                crate::vpc::eval::var_for("NEW_ASSOCIATION_", subnet_id)
            ));
        }
        Fix::EnableEndpointPrivateDns { endpoint_id } => {
            endpoint(m, endpoint_id)?.private_dns = PrivateDns::AnswersServiceName;
        }
        Fix::AddEndpointRouteTable {
            endpoint_id,
            route_table_id,
        } => {
            route_table(m, route_table_id)?;
            let e = endpoint(m, endpoint_id)?;
            if !e.route_table_ids.contains(route_table_id) {
                e.route_table_ids.push(route_table_id.clone());
            }
        }
        Fix::AddEndpointSecurityGroup {
            endpoint_id,
            group_id,
        } => {
            group(m, group_id)?;
            let e = endpoint(m, endpoint_id)?;
            if !e.security_group_ids.contains(group_id) {
                e.security_group_ids.push(group_id.clone());
            }
        }
        Fix::AddEndpointSubnet {
            endpoint_id,
            subnet_id,
        } => {
            let e = endpoint(m, endpoint_id)?;
            if !e.subnet_ids.contains(subnet_id) {
                e.subnet_ids.push(subnet_id.clone());
            }
        }
        Fix::EndpointDualstack { endpoint_id } => {
            let e = endpoint(m, endpoint_id)?;
            e.ip_type = EndpointIpType::Dualstack;
            e.dns_record_ip_type = Some(DnsRecordIpType::Dualstack);
        }
        Fix::EndpointDnsRecordType {
            endpoint_id,
            record_type,
        } => {
            endpoint(m, endpoint_id)?.dns_record_ip_type =
                super::input::dns_record_ip_type(record_type);
        }
        Fix::EndpointPolicy {
            endpoint_id,
            document,
        } => endpoint(m, endpoint_id)?.policy_document = Some(document.clone()),
        Fix::AttachInternetGateway { igw_id, vpc_id } => {
            let igw = m
                .internet_gateways
                .items
                .iter_mut()
                .find(|i| i.id == *igw_id)
                .ok_or_else(|| unknown("internet gateway", igw_id))?;
            if !igw.attached_vpc_ids.contains(vpc_id) {
                igw.attached_vpc_ids.push(vpc_id.clone());
            }
        }
        Fix::CreateBpaExclusion { subnet_id, mode } => {
            m.bpa_exclusions.given = true;
            let n = m.bpa_exclusions.items.len();
            m.bpa_exclusions.items.push(BpaExclusion {
                id: alloc::format!("$NEW_BPA_EXCLUSION_{n}"),
                mode: match mode {
                    BpaExclusionFix::AllowEgress => BpaExclusionMode::AllowEgress,
                    BpaExclusionFix::AllowBidirectional => BpaExclusionMode::AllowBidirectional,
                },
                scope: BpaExclusionScope::Subnet(subnet_id.clone()),
                state: ExclusionState::Active,
            });
        }
        Fix::CreateSecurityGroup {
            var, vpc_id, name, ..
        } => {
            m.security_groups.given = true;
            m.security_groups.items.push(SecurityGroup {
                id: alloc::format!("${var}"),
                name: name.clone(),
                vpc_id: Some(vpc_id.clone()),
                ingress: Vec::new(),
                // AWS gives a new group its allow-all egress rule.
                egress: vec![SgRule {
                    protocol: Protocol::All,
                    ports: PortRange::ALL,
                    cidrs: vec![cidr("0.0.0.0/0")?],
                    group_ids: Vec::new(),
                    prefix_list_ids: Vec::new(),
                }],
            });
        }
        Fix::CreateRouteTable { var, vpc_id } => {
            let routes = m.local_routes(vpc_id);
            m.route_tables.items.push(RouteTable {
                id: alloc::format!("${var}"),
                vpc_id: vpc_id.clone(),
                main: false,
                subnet_ids: Vec::new(),
                association_ids: Vec::new(),
                routes,
            });
        }
        Fix::CreateNatGatewayIn { var, subnet_id } => {
            let vpc_id = m
                .subnets
                .items
                .iter()
                .find(|s| s.id == *subnet_id)
                .map(|s| s.vpc_id.clone())
                .ok_or_else(|| unknown("subnet", subnet_id))?;
            m.nat_gateways.given = true;
            m.nat_gateways.items.push(NatGateway {
                id: alloc::format!("${var}"),
                vpc_id: Some(vpc_id),
                subnet_id: subnet_id.clone(),
                state: NatState::Available,
                connectivity: NatConnectivity::Public,
            });
        }
        Fix::CreateEndpoint { service, placement } => {
            let vpc_id = placement
                .vpc_id
                .clone()
                .ok_or_else(|| unknown("VPC", "<vpc-id>"))?;
            let n = m.endpoints.items.len();
            let interface = service.endpoint_type == EndpointType::Interface;
            m.endpoints.given = true;
            m.endpoints.items.push(VpcEndpoint {
                id: alloc::format!("$NEW_ENDPOINT_{n}"),
                vpc_id,
                service_name: service.service_name(region),
                kind: if interface {
                    VpcEndpointKind::Interface
                } else {
                    VpcEndpointKind::Gateway
                },
                state: EndpointState::Available,
                private_dns: if interface {
                    PrivateDns::AnswersServiceName
                } else {
                    PrivateDns::Off
                },
                subnet_ids: if interface {
                    placement.subnet_ids.clone()
                } else {
                    Vec::new()
                },
                security_group_ids: if interface {
                    placement.security_group_ids.clone()
                } else {
                    Vec::new()
                },
                route_table_ids: if interface {
                    Vec::new()
                } else {
                    placement.route_table_ids.clone()
                },
                ip_type: EndpointIpType::Ipv4,
                service_region: None,
                dns_record_ip_type: None,
                private_dns_scope: PrivateDnsScope::WholeVpc,
                policy_document: None,
            });
        }
    }
    Ok(Applied::Changed)
}

/// How many rounds of fixes `netready validate --apply-fixes` and the page
/// apply: a fix can reveal the next problem along a path (DNS enabled shows
/// what the endpoint behind it lacks); four rounds settle every VPC the
/// property tests generate.
pub const WHAT_IF_ROUNDS: usize = 4;

/// The evaluation after applying the recommended fixes, round by round:
/// evaluate, apply every finding's recommended change, evaluate again,
/// until the report is ready, nothing more can be applied, or `rounds`
/// rounds were made. The report returned is the last evaluation's, with
/// every round in [`Report::applied_fixes`](crate::report::Report).
pub fn what_if(
    input: &VpcInput,
    options: &super::ValidateOptions,
    rounds: usize,
) -> Result<crate::report::Report, super::InputError> {
    let mut model = input.clone();
    let mut applied: Vec<crate::report::AppliedRound> = Vec::new();
    loop {
        let (mut report, plan) = super::evaluate_with_plan(&model, options)?;
        let region = match &options.region {
            Some(r) => r.clone(),
            None => super::eval::infer_region(&model).ok_or(super::InputError::NoRegion)?,
        };
        let done = report.status == crate::report::Status::Ready || plan.is_empty();
        if done || applied.len() >= rounds {
            report.applied_fixes = applied;
            return Ok(report);
        }
        let (next, outcomes) = match apply(&model, &region, &plan) {
            Ok(x) => x,
            Err(e) => {
                // A fix the model cannot take is the validator's own bug:
                // say so in the report rather than pretend it ran.
                applied.push(crate::report::AppliedRound {
                    status_before: report.status,
                    steps: Vec::new(),
                    manual: vec![alloc::format!(
                        "could not apply the fixes to the model: {e}"
                    )],
                });
                report.applied_fixes = applied;
                return Ok(report);
            }
        };
        let mut round = crate::report::AppliedRound {
            status_before: report.status,
            steps: Vec::new(),
            manual: Vec::new(),
        };
        for (fix, outcome) in plan.iter().zip(outcomes) {
            match outcome {
                Applied::Changed => round.steps.push(crate::commands::fix_command(
                    options.fix_format,
                    &region,
                    fix,
                )),
                Applied::Manual(text) => round.manual.push(text),
            }
        }
        let changed = !round.steps.is_empty();
        applied.push(round);
        model = next;
        if !changed {
            let (mut report, _) = super::evaluate_with_plan(&model, options)?;
            report.applied_fixes = applied;
            return Ok(report);
        }
    }
}
