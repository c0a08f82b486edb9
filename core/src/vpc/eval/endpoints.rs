//! VPC endpoints: interface endpoints (PrivateLink) whose private DNS takes
//! a service's name, and gateway endpoints (S3, DynamoDB) whose
//! prefix-list route takes its addresses
//! (vpc/latest/privatelink/create-interface-endpoint.html,
//! vpc/latest/privatelink/vpc-endpoints-s3.html,
//! vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html).
//!
//! Guarantees:
//! * an endpoint serves a service only for its own region's names: an
//!   endpoint for another region's service (or a `ServiceRegion` that is
//!   not the one the catalog expects) serves nothing here and says so
//!   (`endpoint-other-region`);
//! * an interface endpoint path is decided per endpoint address (each
//!   endpoint subnet, each address family the task gets records for): the
//!   route from the task's subnet to the endpoint's subnet and back (a route
//!   more specific than `local` through an appliance is unknown, a
//!   blackhole drops), the task's security group egress, the endpoint's
//!   security group ingress, and the network ACLs of both subnets both ways
//!   (not inside one subnet); reachable if one address works, with
//!   `partial-reachability` when others fail;
//! * when an interface endpoint's private DNS takes a name from a path that
//!   would otherwise work, the findings say so;
//! * ECR's layer bucket never goes through an S3 interface endpoint;
//! * a gateway endpoint's route competes with the table's other routes by
//!   longest prefix (a more specific route takes part of the service's
//!   addresses away from it).
//!
//! Not done here: DNS ([`super::dns`]), the routes to public addresses
//! ([`super::public`]).

use super::super::model::*;
use super::acl::{HTTPS, TASK_EPHEMERAL, peer_words, unsure_advice};
use super::public::{destination_text, target_id};
use super::route;
use super::sg::{Peer, Unsure, sg_allows};
use super::{
    Ctx, Endpoint, PathBuild, Reachable, Unknown, Unreachable, VpcFacts, dangling_finding,
    ids_text, or,
};
use crate::catalog::{Availability, EndpointType, EndpointUse, Service};
use crate::commands::{Fix, RulePeer, create_endpoint};
use crate::net::Cidr;
use crate::report::{AccessType, FailureCode, Finding, FindingCode, Severity};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

/// About $7.20 a month per interface endpoint per AZ (operators' guide).
pub(super) const CENTS_PER_ENDPOINT_AZ_MONTH: u32 = 720;
/// The same, as text.
pub(super) const USD_PER_ENDPOINT_AZ_MONTH: &str = "7.20";

impl<'a> Ctx<'a> {
    /// The region whose names `service` has when reached from this region.
    fn expected_service_region(&self, service: &Service) -> Option<&str> {
        match service.availability(&self.region) {
            Availability::InRegion => Some(self.region.name()),
            Availability::CrossRegion { service_region } => Some(service_region),
            Availability::ControlPlaneRegionOnly { region } => Some(region),
            Availability::NotInPartition => None,
        }
    }

    /// Whether `e` answers `service`'s names as this region reaches them.
    pub(super) fn serves(&self, e: &Endpoint<'_>, service: &Service) -> bool {
        match (&e.serves_region, self.expected_service_region(service)) {
            // A global name (com.amazonaws.iam).
            (None, _) => true,
            (Some(r), Some(x)) => r == x,
            (Some(_), None) => false,
        }
    }

    fn other_region_finding(&self, e: &Endpoint<'_>, service: &Service) -> Finding {
        Finding {
            code: FindingCode::EndpointOtherRegion,
            severity: Severity::Warning,
            resource: e.ep.id.clone(),
            message: format!(
                "Endpoint {} is for {} ({}), another region's service: it does not answer {} here. Cross-region endpoints serve only their own region's names; create {} in {}.",
                e.ep.id,
                e.ep.service_name,
                e.serves_region.as_deref().unwrap_or("?"),
                service.host_template(&self.region),
                service.service_name(&self.region),
                self.region
            ),
            fix: None,
        }
    }

    /// Steps 2 and 3: an interface endpoint that takes the name, else the
    /// gateway endpoint or the routes to the public addresses.
    pub(super) fn endpoint_or_route_path(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        service: &Service,
    ) -> PathBuild {
        let layer_bucket = service.endpoint_use == EndpointUse::Shared;
        // S3's own host may also be served by an S3 interface endpoint;
        // ECR's layer bucket must not be.
        let interface_candidate =
            service.endpoint_type == EndpointType::Interface || service.id == "s3";
        if !interface_candidate {
            return self.gateway_path(vf, subnet, service);
        }
        if !self.input.endpoints.given {
            // An endpoint might take the name and work, or break a working
            // route: unknown either way.
            let mut b = self.route_path_or_gateway(vf, subnet, service);
            b.reachable = Unknown;
            b.failure = None;
            b.push(self.missing("VpcEndpoints"));
            return b;
        }
        let all: Vec<&Endpoint<'_>> = vf
            .endpoints_for(service, VpcEndpointKind::Interface)
            .collect();
        let other_region: Vec<Finding> = all
            .iter()
            .filter(|e| !self.serves(e, service))
            .map(|e| self.other_region_finding(e, service))
            .collect();
        let serving = || {
            all.iter().copied().filter(|e| {
                if !self.serves(e, service) {
                    return false;
                }
                // S3's "private DNS only for inbound Resolver endpoints":
                // clients in the VPC resolve S3 publicly and use the
                // gateway endpoint.
                service.id != "s3" || e.ep.private_dns_scope == PrivateDnsScope::WholeVpc
            })
        };
        // The endpoint whose private DNS takes the name, else the first
        // one (whose findings say why it does not).
        let chosen = serving()
            .find(|e| {
                e.ep.state == EndpointState::Available
                    && e.ep.private_dns == PrivateDns::AnswersServiceName
            })
            .or_else(|| serving().next());
        let mut b = match chosen {
            Some(ep) => self.interface_or_fallback(vf, subnet, service, ep, layer_bucket),
            None if service.endpoint_type == EndpointType::Interface => {
                let mut b = self.route_path(vf, subnet, service);
                self.endpoint_missing_if_no_path(&mut b, vf, service);
                b
            }
            None => self.gateway_path(vf, subnet, service),
        };
        for f in other_region {
            b.push(f);
        }
        b
    }

    /// A path that fails for want of a route gets the endpoint that would
    /// serve it. Not when the task merely lacks a public IP (the fix is the
    /// public IP), nor when a rule blocks it (the fix is the rule).
    pub(super) fn endpoint_missing_if_no_path(
        &self,
        b: &mut PathBuild,
        vf: &VpcFacts<'_, '_>,
        service: &Service,
    ) {
        if b.reachable == Unreachable
            && b.failure != Some(FailureCode::Blocked)
            && b.failure != Some(FailureCode::NoPublicIp)
        {
            b.push(self.endpoint_missing(vf, service, Severity::Error, None));
        }
    }

    pub(super) fn endpoint_missing(
        &self,
        vf: &VpcFacts<'_, '_>,
        service: &Service,
        severity: Severity,
        why: Option<&str>,
    ) -> Finding {
        // The plain finding is the same for every subnet of the VPC, and its
        // fix lists every route table: built once per VPC and service.
        if severity == Severity::Error && why.is_none() {
            let key: *const Service = service;
            if let Some((_, f)) = vf.missing.borrow().iter().find(|(s, _)| *s == key) {
                return f.clone();
            }
            let f = self.endpoint_missing_uncached(vf, service, severity, why);
            vf.missing.borrow_mut().push((key, f.clone()));
            return f;
        }
        self.endpoint_missing_uncached(vf, service, severity, why)
    }

    fn endpoint_missing_uncached(
        &self,
        vf: &VpcFacts<'_, '_>,
        service: &Service,
        severity: Severity,
        why: Option<&str>,
    ) -> Finding {
        let name = service.service_name(&self.region);
        let cost = match service.endpoint_type {
            EndpointType::Interface => format!(
                " An interface endpoint costs about ${USD_PER_ENDPOINT_AZ_MONTH} a month per AZ ({} AZ(s) here) plus data processing.",
                vf.placement.subnet_ids.len().max(1)
            ),
            EndpointType::Gateway => " Gateway endpoints are free.".to_owned(),
        };
        let availability = match service.availability(&self.region) {
            Availability::CrossRegion { service_region } => {
                format!(
                    " From {} it is a cross-region endpoint to {service_region}.",
                    self.region
                )
            }
            Availability::InRegion if service.id == "management-plane" => {
                " In us-east-1, leave cross-region support off when creating it.".to_owned()
            }
            _ => String::new(),
        };
        Finding {
            code: FindingCode::EndpointMissing,
            severity,
            resource: format!("{}:{}", vf.vpc_id, name),
            message: format!(
                "{} has no usable path, and {} has no {} endpoint {name} ({}).{}{}{}",
                service.host_template(&self.region),
                vf.vpc_id,
                // ASCII: `to_lowercase` would link the Unicode case tables
                // (about 14 KB) into the browser page's module.
                service.endpoint_type.aws_name().to_ascii_lowercase(),
                service.purpose,
                why.unwrap_or_default(),
                availability,
                cost
            ),
            fix: Some(create_endpoint(
                self.format,
                service,
                &self.region,
                &vf.placement,
            )),
        }
    }

    fn interface_or_fallback(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        service: &Service,
        endpoint: &Endpoint<'_>,
        layer_bucket: bool,
    ) -> PathBuild {
        let ep = endpoint.ep;
        let (takes, why) = self.private_dns_takes(vf, ep);
        if layer_bucket && takes != Unreachable {
            // ECR's layers cannot come through an S3 interface endpoint; a
            // gateway endpoint route still wins for the bucket's traffic.
            let mut b = self.gateway_path(vf, subnet, service);
            if b.access != Some(AccessType::GatewayEndpoint) {
                b = PathBuild::no_route(
                    Some(AccessType::VpcEndpoint),
                    vec![subnet.id.clone(), ep.id.clone()],
                    self.endpoint_missing(
                        vf,
                        service,
                        Severity::Error,
                        Some(&format!(
                            " The S3 interface endpoint {} takes the layer bucket's name, but ECR cannot pull layers through an S3 interface endpoint: add the free S3 gateway endpoint.",
                            ep.id
                        )),
                    ),
                );
            }
            return b;
        }
        match takes {
            Reachable => {
                let mut b = self.interface_path(vf, subnet, endpoint);
                self.apply_policy(&mut b, endpoint, service);
                if b.reachable == Unreachable {
                    // The endpoint's private DNS took the name away from a
                    // path that would work: say so, it is a classic surprise.
                    let fallback = self.route_path_or_gateway(vf, subnet, service);
                    if let (Reachable, Some(access)) = (fallback.reachable, fallback.access) {
                        for f in &mut b.findings {
                            if f.severity == Severity::Error {
                                f.message.push_str(&format!(
                                    " Without endpoint {} this name would resolve publicly and work through {access} ({}): the endpoint's private DNS takes the traffic.",
                                    ep.id,
                                    fallback.path.join(" → ")
                                ));
                            }
                        }
                    }
                }
                b
            }
            Unreachable => {
                let mut b = self.route_path_or_gateway(vf, subnet, service);
                let severity = if b.reachable == Reachable {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                for mut f in why {
                    if f.code != FindingCode::MissingInput {
                        f.severity = severity;
                        if b.reachable == Reachable {
                            f.message
                                .push_str(" Traffic takes the route-table path instead.");
                        }
                    }
                    b.push(f);
                }
                b
            }
            Unknown => {
                let mut ep_path = self.interface_path(vf, subnet, endpoint);
                self.apply_policy(&mut ep_path, endpoint, service);
                let fallback = self.route_path_or_gateway(vf, subnet, service);
                let mut b = ep_path;
                if b.reachable != fallback.reachable {
                    b.reachable = Unknown;
                    b.failure = None;
                }
                for f in why {
                    b.push(f);
                }
                b
            }
        }
    }

    pub(super) fn route_path_or_gateway(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        service: &Service,
    ) -> PathBuild {
        if service.endpoint_type == EndpointType::Gateway {
            self.gateway_path(vf, subnet, service)
        } else {
            self.route_path(vf, subnet, service)
        }
    }

    /// The route between a task subnet and an endpoint subnet in one
    /// direction: `local` (or no route at all, which AWS never prints
    /// without one) is direct; anything more specific is checked.
    fn intra_vpc_route(&self, leg: &mut PathBuild, from: &Subnet, to: &Subnet, range: Cidr) {
        if from.id == to.id {
            // Inside one subnet traffic never meets the route table.
            return;
        }
        if !self.input.route_tables.given {
            let f = self.missing("RouteTables");
            leg.unknown_because(f);
            return;
        }
        let Some(rt) = self.route_table_of(from) else {
            leg.unknown_because(dangling_finding(
                &format!("route table of {}", from.id),
                &from.id,
                &format!(
                    "aws ec2 describe-route-tables --region {} --filters Name=vpc-id,Values={}",
                    self.region, from.vpc_id
                ),
            ));
            return;
        };
        let (_, table) = self.table(rt);
        if table.surely_local(&range) || route::all_local(&table.views, &range) {
            return;
        }
        for r in route::winners(&table.views, range, &[]) {
            if r.target == RouteTarget::Local && r.state == RouteState::Active {
                continue;
            }
            let dest = destination_text(r);
            let target = target_id(&r.target);
            if r.state == RouteState::Blackhole {
                leg.check(
                    Unreachable,
                    || Finding {
                        code: FindingCode::BlackholeRoute,
                        severity: Severity::Error,
                        resource: rt.id.clone(),
                        message: format!(
                            "In {}, the route for {dest} (towards {}) points at {target}, which no longer exists: traffic between {} and {} is dropped.",
                            rt.id, to.id, from.id, to.id
                        ),
                        fix: self.comment(format!(
                            "restore the local route for {dest} in {} (aws ec2 replace-route --route-table-id {} --destination-cidr-block {dest} --local-target)",
                            rt.id, rt.id
                        )),
                    },
                    || None,
                );
                leg.failure = Some(FailureCode::NoRoute);
                continue;
            }
            leg.unknown_because(Finding {
                code: FindingCode::TransitUnverified,
                severity: Severity::Warning,
                resource: rt.id.clone(),
                message: format!(
                    "In {}, the route for {dest} sends traffic from {} to {} through {target} (a firewall or other middlebox), not directly: whether it passes HTTPS, and routes the replies back the same way, cannot be seen from the configuration.",
                    rt.id, from.id, to.id
                ),
                fix: None,
            });
        }
    }

    fn interface_path(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        endpoint: &Endpoint<'_>,
    ) -> PathBuild {
        let ep = endpoint.ep;
        let path = vec![subnet.id.clone(), ep.id.clone()];
        let families = self.usable_families(ep, subnet);
        if !families.v4 && !families.v6 {
            let v6_only = subnet.cidr.is_none();
            let fix = if v6_only && ep.ip_type == EndpointIpType::Ipv4 {
                Fix::EndpointDualstack {
                    endpoint_id: ep.id.clone(),
                }
            } else {
                Fix::EndpointDnsRecordType {
                    endpoint_id: ep.id.clone(),
                    record_type: "dualstack",
                }
            };
            return PathBuild::fail(
                Some(AccessType::VpcEndpoint),
                path,
                FailureCode::DnsNoRecords,
                Finding {
                    code: FindingCode::EndpointDnsRecordType,
                    severity: Severity::Error,
                    resource: ep.id.clone(),
                    message: format!(
                        "Endpoint {}'s private DNS answers only {} records, and {} has {} addresses only: the task gets no address it can use for the name.",
                        ep.id,
                        if families_records_v6(ep) {
                            "AAAA (IPv6)"
                        } else {
                            "A (IPv4)"
                        },
                        subnet.id,
                        if subnet.cidr.is_some() {
                            "IPv4"
                        } else {
                            "IPv6"
                        },
                    ),
                    fix: self.fix(&fix),
                },
            );
        }
        let mut b = PathBuild::new(Some(AccessType::VpcEndpoint), path);
        if ep.subnet_ids.is_empty() {
            return PathBuild::no_route(
                Some(AccessType::VpcEndpoint),
                b.path,
                Finding {
                    code: FindingCode::EndpointNotInAz,
                    severity: Severity::Error,
                    resource: ep.id.clone(),
                    message: format!(
                        "Endpoint {} has no subnet: it has no network interface to connect to.",
                        ep.id
                    ),
                    fix: self.fix(&Fix::AddEndpointSubnet {
                        endpoint_id: ep.id.clone(),
                        subnet_id: subnet.id.clone(),
                    }),
                },
            );
        }
        let task_acl = self.acl_at(&subnet.id);
        let mut overall = Unreachable;
        let mut leg_findings: Vec<Finding> = Vec::new();
        let mut any_blocked = false;
        let mut in_az = false;
        for &(es_id, es, es_acl) in &endpoint.subnets {
            let Some(es) = es else {
                let f = dangling_finding(
                    es_id,
                    &ep.id,
                    &format!(
                        "aws ec2 describe-subnets --region {} --subnet-ids {es_id}",
                        self.region
                    ),
                );
                overall = or(overall, Unknown);
                if !leg_findings.contains(&f) {
                    leg_findings.push(f);
                }
                continue;
            };
            if es.availability_zone.is_some() && es.availability_zone == subnet.availability_zone {
                in_az = true;
            }
            for (v6, wanted) in [(false, families.v4), (true, families.v6)] {
                if !wanted {
                    continue;
                }
                let ranges = if v6 {
                    (
                        subnet.ipv6_cidrs.first().copied(),
                        es.ipv6_cidrs.first().copied(),
                    )
                } else {
                    (subnet.cidr, es.cidr)
                };
                let (Some(task_range), Some(es_range)) = ranges else {
                    // The endpoint has no address of this family there.
                    continue;
                };
                let leg_key = (es as *const Subnet, endpoint.sg_class * 2 + u32::from(v6));
                if self.clean_legs.borrow().contains(subnet, leg_key) {
                    overall = Reachable;
                    continue;
                }
                let leg = self.interface_leg(
                    vf, subnet, endpoint, es, es_acl, &task_acl, task_range, es_range,
                );
                if leg.reachable == Unreachable {
                    any_blocked = true;
                }
                if leg.reachable == Reachable && leg.findings.is_empty() {
                    self.clean_legs.borrow_mut().insert(subnet, leg_key);
                }
                overall = or(overall, leg.reachable);
                for f in leg.findings {
                    if !leg_findings
                        .iter()
                        .any(|g| g.code == f.code && g.resource == f.resource && g.fix == f.fix)
                    {
                        leg_findings.push(f);
                    }
                }
            }
        }
        for mut f in leg_findings {
            if overall == Reachable && f.severity == Severity::Error {
                f.severity = Severity::Warning;
            }
            b.push(f);
        }
        b.reachable = overall;
        if overall == Unreachable {
            b.failure = Some(FailureCode::Blocked);
            if b.findings.is_empty() {
                b.failure = Some(FailureCode::NoRoute);
                b.push(Finding {
                    code: FindingCode::EndpointNotInAz,
                    severity: Severity::Error,
                    resource: ep.id.clone(),
                    message: format!(
                        "Endpoint {} has no address of a family {} can use in its subnets.",
                        ep.id, subnet.id
                    ),
                    fix: None,
                });
            }
        }
        if overall == Reachable && any_blocked {
            b.push(Finding {
                code: FindingCode::PartialReachability,
                severity: Severity::Warning,
                resource: ep.id.clone(),
                message: format!(
                    "Endpoint {} is reachable from {} at some of its addresses only: connections to the others fail, so some attempts time out.",
                    ep.id, subnet.id
                ),
                fix: None,
            });
        }
        if !in_az && subnet.availability_zone.is_some() {
            b.push(Finding {
                code: FindingCode::EndpointNotInAz,
                severity: Severity::Info,
                resource: ep.id.clone(),
                message: format!(
                    "Endpoint {} has no subnet in {} ({}): traffic crosses AZs (inter-AZ data charges, and an outage of the other AZ cuts this one off). Adding this AZ costs about ${USD_PER_ENDPOINT_AZ_MONTH} a month.",
                    ep.id,
                    subnet.availability_zone.as_deref().unwrap_or_default(),
                    subnet.id
                ),
                fix: self.fix(&Fix::AddEndpointSubnet { endpoint_id: ep.id.clone(), subnet_id: subnet.id.clone() }),
            });
        }
        b
    }

    /// One endpoint address: task subnet → one endpoint subnet, one family.
    #[allow(clippy::too_many_arguments)]
    fn interface_leg(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        endpoint: &Endpoint<'_>,
        es: &Subnet,
        es_acl: Option<&NetworkAcl>,
        task_acl: &super::acl::AclOf<'_>,
        task_range: Cidr,
        es_range: Cidr,
    ) -> PathBuild {
        let ep = endpoint.ep;
        let mut leg = PathBuild::new(None, Vec::new());
        let to_ep = Peer::Range(es_range);
        let from_task = Peer::Range(task_range);
        self.intra_vpc_route(&mut leg, subnet, es, es_range);
        self.intra_vpc_route(&mut leg, es, subnet, task_range);
        self.task_egress(&mut leg, vf, &to_ep, &endpoint.group_ids, None);
        match &endpoint.sgs {
            Err(f) => leg.unknown_because(f.clone()),
            Ok(groups) => {
                let task_group_ids = &vf.task_group_ids;
                let v = sg_allows(
                    groups,
                    Direction::Ingress,
                    &from_task,
                    task_group_ids,
                    None,
                    |pl| self.entries(pl),
                );
                let group: &str = groups.first().map_or("<sg-id>", |g| g.id.as_str());
                let from = || match task_group_ids.first() {
                    Some(g) => RulePeer::Group((*g).to_owned()),
                    None => RulePeer::Cidr(task_range.to_string()),
                };
                let fix = || {
                    self.fix(&Fix::AuthorizeIngress443 {
                        group_id: group.to_owned(),
                        from: from(),
                    })
                };
                leg.check(
                    v.verdict,
                    || Finding {
                        code: FindingCode::EndpointSgIngress443,
                        severity: Severity::Error,
                        resource: group.to_owned(),
                        message: format!(
                            "Security group {group} of endpoint {} does not admit TCP 443 from the task ({}{}).",
                            ep.id,
                            subnet.id,
                            task_group_ids.first().map(|g| format!(", {g}")).unwrap_or_default()
                        ),
                        fix: fix(),
                    },
                    || {
                        Some(self.sg_unsure_finding(
                            v.unsure.as_ref(),
                            FindingCode::EndpointSgIngress443,
                            &format!("endpoint {}'s security group", ep.id),
                            &from_task,
                            fix(),
                        ))
                    },
                );
            }
        }
        // ACLs do not filter traffic between two addresses of one subnet.
        if es.id != subnet.id {
            let es_acl = super::acl::AclOf {
                subnet_id: &es.id,
                acl: es_acl,
            };
            self.acl(
                &mut leg,
                task_acl,
                Direction::Egress,
                HTTPS,
                &to_ep,
                "HTTPS to the endpoint",
            );
            self.acl(
                &mut leg,
                &es_acl,
                Direction::Ingress,
                HTTPS,
                &from_task,
                "HTTPS from the task",
            );
            self.acl(
                &mut leg,
                &es_acl,
                Direction::Egress,
                TASK_EPHEMERAL,
                &from_task,
                "the endpoint's replies",
            );
            self.acl(
                &mut leg,
                task_acl,
                Direction::Ingress,
                TASK_EPHEMERAL,
                &to_ep,
                "the endpoint's replies",
            );
        }
        leg
    }

    /// Why a security group verdict is unknown, as a finding.
    pub(super) fn sg_unsure_finding(
        &self,
        unsure: Option<&Unsure>,
        code: FindingCode,
        whose: &str,
        peer: &Peer<'_>,
        fix: Option<String>,
    ) -> Finding {
        match unsure {
            Some(Unsure::PrefixList { group, id }) => {
                self.prefix_list_unknown(id, &format!("Security group {group} ({whose})"))
            }
            Some(Unsure::PartialCidr { group, cidr }) => Finding {
                code,
                severity: Severity::Warning,
                resource: group.clone(),
                message: format!(
                    "Security group {group} ({whose}) allows TCP 443 for {cidr}, which covers only part of {}: whether it matches depends on the address. {}",
                    peer_words(peer),
                    unsure_advice(peer)
                ),
                fix,
            },
            None => Finding {
                code,
                severity: Severity::Warning,
                resource: whose.to_owned(),
                message: format!("Whether {whose} admits TCP 443 is unknown."),
                fix,
            },
        }
    }

    pub(super) fn gateway_path(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        service: &Service,
    ) -> PathBuild {
        if service.endpoint_type != EndpointType::Gateway || subnet.cidr.is_none() {
            // IPv6-only subnets reach the IPv4 service through NAT64.
            return self.route_path(vf, subnet, service);
        }
        if !self.input.route_tables.given {
            let mut b = PathBuild::unknown(self.missing("RouteTables"));
            b.path.push(subnet.id.clone());
            self.public_checks(&mut b, vf, subnet, &self.service_peer(service));
            return b;
        }
        let Some(rt) = self.route_table_of(subnet) else {
            return self.route_path(vf, subnet, service);
        };
        if !self.input.endpoints.given {
            let mut b = self.route_path(vf, subnet, service);
            b.reachable = Unknown;
            b.failure = None;
            b.push(self.missing("VpcEndpoints"));
            return b;
        }
        let gateways: Vec<&Endpoint<'_>> = vf
            .endpoints_for(service, VpcEndpointKind::Gateway)
            .filter(|e| self.serves(e, service))
            .collect();
        // The route the gateway endpoint installs (a prefix-list route), or
        // the endpoint's own record of the association.
        let gw_route = rt.routes.iter().find(|r| {
            matches!(&r.destination, RouteDestination::PrefixList(_))
                && matches!(&r.target, RouteTarget::VpcEndpoint(id) if gateways.iter().any(|g| g.ep.id == *id))
        });
        let associated = gateways.iter().copied().find(|e| {
            e.route_tables.get(&rt.id).is_some()
                || gw_route.is_some_and(
                    |r| matches!(&r.target, RouteTarget::VpcEndpoint(id) if *id == e.ep.id),
                )
        });
        let Some(gw_endpoint) = associated else {
            let mut b = self.route_path(vf, subnet, service);
            if let Some(gw) = gateways.first().map(|e| e.ep) {
                let severity = if b.reachable == Reachable {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                b.push(Finding {
                    code: FindingCode::GatewayEndpointNotAssociated,
                    severity,
                    resource: gw.id.clone(),
                    message: format!(
                        "Gateway endpoint {} ({}) is not associated with {}, the route table of {}{}",
                        gw.id,
                        gw.service_name,
                        rt.id,
                        subnet.id,
                        match (b.reachable, b.access) {
                            (Reachable, Some(AccessType::NatGateway)) => {
                                ": the traffic goes through the NAT gateway instead, which charges per GB; the gateway endpoint is free."
                            }
                            (Reachable, _) => ": the traffic takes another route instead of the free gateway endpoint.",
                            _ => ".",
                        }
                    ),
                    fix: self.fix(&Fix::AddEndpointRouteTable { endpoint_id: gw.id.clone(), route_table_id: rt.id.clone() }),
                });
            } else {
                self.endpoint_missing_if_no_path(&mut b, vf, service);
            }
            return b;
        };
        let gw = gw_endpoint.ep;
        let path = vec![subnet.id.clone(), rt.id.clone(), gw.id.clone()];
        if gw_route.is_some_and(|r| r.state == RouteState::Blackhole) {
            return PathBuild::no_route(
                Some(AccessType::GatewayEndpoint),
                path,
                Finding {
                    code: FindingCode::BlackholeRoute,
                    severity: Severity::Error,
                    resource: rt.id.clone(),
                    message: format!(
                        "The route to {} in {} is a blackhole: traffic is dropped.",
                        gw.id, rt.id
                    ),
                    fix: self.fix(&Fix::AddEndpointRouteTable {
                        endpoint_id: gw.id.clone(),
                        route_table_id: rt.id.clone(),
                    }),
                },
            );
        }
        if gw.state != EndpointState::Available {
            return PathBuild::no_route(
                Some(AccessType::GatewayEndpoint),
                path,
                Finding {
                    code: FindingCode::EndpointNotAvailable,
                    severity: Severity::Error,
                    resource: gw.id.clone(),
                    message: format!("Gateway endpoint {} is not available.", gw.id),
                    fix: self.comment(format!(
                        "wait for {} to become available, or recreate it",
                        gw.id
                    )),
                },
            );
        }
        let pl = gw_route.and_then(|r| match &r.destination {
            RouteDestination::PrefixList(p) => Some(p.as_str()),
            RouteDestination::Cidr(_) => None,
        });
        let gateway_hop = |path: Vec<String>| {
            let mut b = PathBuild::new(Some(AccessType::GatewayEndpoint), path);
            let peer = match pl.and_then(|p| self.entries(p)) {
                Some(entries) => Peer::Service(Some(entries)),
                None => self.service_peer(service),
            };
            self.task_egress(&mut b, vf, &peer, &[], pl);
            self.task_acls_public(&mut b, subnet, &peer);
            self.apply_policy(&mut b, gw_endpoint, service);
            b
        };
        let Some(g) = gw_route else {
            return gateway_hop(path);
        };
        // Longest prefix: a more specific route may take some of the
        // service's addresses away from the endpoint.
        let (parts, basis) = self.public_parts(rt, service, Some(g));
        let mut groups: Vec<(&Route, PathBuild)> = Vec::new();
        for r in parts {
            if groups
                .iter()
                .any(|(x, _)| x.target == r.target && x.state == r.state)
            {
                continue;
            }
            let b = if core::ptr::eq(*r, g) {
                gateway_hop(path.clone())
            } else {
                self.hop(
                    vf,
                    subnet,
                    rt,
                    r,
                    service,
                    vec![subnet.id.clone(), rt.id.clone()],
                )
            };
            groups.push((r, b));
        }
        // The gateway endpoint's route carries most of the traffic.
        if let Some(i) = groups.iter().position(|(r, _)| core::ptr::eq(*r, g)) {
            groups.swap(0, i);
        }
        self.combine_with_primary(rt, service, groups, basis)
    }

    /// The task's security groups let TCP 443 out to `peer` (a member of
    /// `peer_groups`, or the prefix list `pl` itself, also count).
    pub(super) fn task_egress(
        &self,
        b: &mut PathBuild,
        vf: &VpcFacts<'_, '_>,
        peer: &Peer<'_>,
        peer_groups: &[&str],
        pl: Option<&str>,
    ) {
        match &vf.task_sgs {
            Err(f) => b.unknown_because(f.clone()),
            Ok(groups) => {
                let v = sg_allows(groups, Direction::Egress, peer, peer_groups, pl, |p| {
                    self.entries(p)
                });
                let group: &str = groups.first().map_or("<sg-id>", |g| g.id.as_str());
                let to = || match peer_groups.first() {
                    Some(g) => RulePeer::Group((*g).to_owned()),
                    None => RulePeer::Cidr(peer.cidr_text()),
                };
                let fix = || {
                    self.fix(&Fix::AuthorizeEgress443 {
                        group_id: group.to_owned(),
                        to: to(),
                    })
                };
                b.check(
                    v.verdict,
                    || Finding {
                        code: FindingCode::TaskSgEgress443,
                        severity: Severity::Error,
                        resource: group.to_owned(),
                        message: format!(
                            "The task's security group{} {} {} not allow outbound TCP 443 to {}.",
                            if groups.len() > 1 { "s" } else { "" },
                            ids_text(&groups.iter().map(|g| g.id.clone()).collect::<Vec<_>>()),
                            if groups.len() > 1 { "do" } else { "does" },
                            peer_groups
                                .first()
                                .map_or_else(|| peer.cidr_text(), |g| (*g).to_owned())
                        ),
                        fix: fix(),
                    },
                    || {
                        Some(self.sg_unsure_finding(
                            v.unsure.as_ref(),
                            FindingCode::TaskSgEgress443,
                            "the task's security group",
                            peer,
                            fix(),
                        ))
                    },
                );
            }
        }
    }
}

/// Whether an endpoint's records are AAAA only (for messages).
fn families_records_v6(ep: &VpcEndpoint) -> bool {
    match ep.dns_record_ip_type {
        Some(DnsRecordIpType::Ipv6) => true,
        Some(DnsRecordIpType::Ipv4 | DnsRecordIpType::Dualstack) => false,
        Some(DnsRecordIpType::ServiceDefined) | None => ep.ip_type == EndpointIpType::Ipv6,
    }
}
