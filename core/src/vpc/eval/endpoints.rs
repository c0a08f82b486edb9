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
/// About $32.85 a month for a NAT gateway ($0.045 an hour in most regions),
/// before data processing.
pub(super) const CENTS_PER_NAT_GATEWAY_MONTH: u32 = 3285;

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
            remedies: Vec::new(),
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
            fix: self.fixes(&self.endpoint_steps(vf, service)),
            remedies: Vec::new(),
        }
    }

    /// The steps that create `service`'s endpoint for `vf`'s task subnets:
    /// an interface endpoint gets a security group that admits the task
    /// (an existing endpoint's, or a new one created first); a gateway
    /// endpoint the task subnets' route tables. Where the endpoint cannot
    /// be created in this region, the instruction says where.
    fn endpoint_steps(&self, vf: &VpcFacts<'_, '_>, service: &Service) -> Vec<Fix> {
        match service.availability(&self.region) {
            Availability::ControlPlaneRegionOnly { .. } | Availability::NotInPartition => {
                let text = create_endpoint(self.format, service, &self.region, &vf.placement);
                return vec![Fix::Comment(text.trim_start_matches("# ").to_owned())];
            }
            Availability::InRegion | Availability::CrossRegion { .. } => {}
        }
        let mut placement = vf.placement.clone();
        let mut steps = Vec::new();
        if service.endpoint_type == EndpointType::Interface {
            let (create, group) = self.endpoint_group(vf);
            steps = create;
            placement.security_group_ids = vec![group];
        }
        steps.push(Fix::CreateEndpoint {
            service: catalog_service(service),
            placement,
        });
        steps
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
                // A fix that hands the name to the endpoint (private DNS,
                // the VPC's DNS attributes) does so for every subnet of the
                // VPC: it must not hand it to an endpoint that does not work
                // yet from any of the task subnets.
                let endpoint_works = self.endpoint_works_everywhere(vf, endpoint, service);
                // S3's name handed to an interface endpoint also takes ECR's
                // layer bucket, which cannot use it: S3 is fixed with the
                // gateway endpoint, whatever the interface endpoint lacks.
                let layers_need_gateway =
                    service.id == "s3" && b.access != Some(AccessType::GatewayEndpoint);
                for mut f in why {
                    if f.code != FindingCode::MissingInput {
                        f.severity = severity;
                        if b.reachable == Reachable {
                            f.message
                                .push_str(" Traffic takes the route-table path instead.");
                        }
                        let switches = matches!(
                            f.code,
                            FindingCode::EndpointPrivateDnsDisabled
                                | FindingCode::DnsHostnamesDisabled
                        );
                        // DNS hostnames hand names to every endpoint of the
                        // VPC with private DNS on, not this one only.
                        let endpoint_works = endpoint_works
                            && (f.code != FindingCode::DnsHostnamesDisabled
                                || self.named_endpoints_work(vf));
                        if switches && layers_need_gateway {
                            f.fix = self.comment(format!(
                                "first give S3 the free gateway endpoint: this would hand S3's name, and with it ECR's layer bucket, to interface endpoint {}, which ECR cannot pull layers through",
                                ep.id
                            ));
                        } else if switches && !endpoint_works {
                            f.fix = self.comment(format!(
                                "first make endpoint {} work from every task subnet (its findings say how), then turn this on: now it would move {}'s traffic to an endpoint that does not work from all of them",
                                ep.id,
                                service.host_template(&self.region),
                            ));
                        }
                    }
                    b.push(f);
                }
                if !endpoint_works && !layers_need_gateway {
                    // What the endpoint lacks from here, so the next fixes
                    // make it work (at all of its addresses: a warning now is
                    // a partial reachability once the name goes to it), as
                    // severe as the private DNS finding that waits for them.
                    let mut ep_path = self.interface_path(vf, subnet, endpoint);
                    self.apply_policy(&mut ep_path, endpoint, service);
                    for mut f in ep_path.findings {
                        if f.severity != Severity::Info {
                            f.severity = severity;
                            b.push(f);
                        }
                    }
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

    /// Whether the endpoint's path works from every task subnet of its VPC
    /// (computed once per endpoint).
    fn endpoint_works_everywhere(
        &self,
        vf: &VpcFacts<'_, '_>,
        endpoint: &Endpoint<'_>,
        service: &Service,
    ) -> bool {
        *endpoint.works_everywhere.get_or_init(|| {
            self.task_subnet_ids
                .iter()
                .filter_map(|id| self.subnets.get(id))
                .filter(|s| s.vpc_id == endpoint.ep.vpc_id)
                .all(|s| {
                    let mut p = self.interface_path(vf, s, endpoint);
                    self.apply_policy(&mut p, endpoint, service);
                    p.reachable == Reachable
                })
        })
    }

    /// Whether every available endpoint of the VPC whose private DNS is on
    /// works from every task subnet: what turning DNS hostnames on needs.
    fn named_endpoints_work(&self, vf: &VpcFacts<'_, '_>) -> bool {
        vf.endpoints.iter().all(|(service, eps)| {
            eps.iter()
                .filter(|e| {
                    e.ep.kind == VpcEndpointKind::Interface
                        && e.ep.state == EndpointState::Available
                        && e.ep.private_dns == PrivateDns::AnswersServiceName
                        && self.serves(e, service)
                })
                .all(|e| self.endpoint_works_everywhere(vf, e, service))
        })
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
                        )), remedies: Vec::new(), },
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
                fix: None, remedies: Vec::new(), });
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
                    remedies: Vec::new(),
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
                    fix: self.fixes(&self.endpoint_subnet_steps(vf, subnet, endpoint)),
                    remedies: Vec::new(),
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
                    remedies: Vec::new(),
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
                fix: None, remedies: Vec::new(), });
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
                // The AZ's one subnet of the placement, so that the
                // findings of two subnets of one AZ ask for the same change.
                fix: self.fix(&Fix::AddEndpointSubnet {
                    endpoint_id: ep.id.clone(),
                    subnet_id: vf
                        .placement
                        .subnet_ids
                        .iter()
                        .find(|s| {
                            self.subnets.get(s).is_some_and(|s| {
                                s.availability_zone == subnet.availability_zone
                            })
                        })
                        .unwrap_or(&subnet.id)
                        .clone(),
                }), remedies: Vec::new(), });
        }
        b
    }

    /// The steps that give an endpoint without subnets one in each AZ of
    /// the task (AWS refuses two of one AZ, and one serves the whole AZ),
    /// and, when its groups would refuse the task there, a rule that admits
    /// it: what the next evaluation would ask for, asked for at once.
    fn endpoint_subnet_steps(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        endpoint: &Endpoint<'_>,
    ) -> Vec<Fix> {
        let mut steps: Vec<Fix> = vf
            .placement
            .subnet_ids
            .iter()
            .map(|s| Fix::AddEndpointSubnet {
                endpoint_id: endpoint.ep.id.clone(),
                subnet_id: s.clone(),
            })
            .collect();
        if let (Ok(groups), Some(range)) = (&endpoint.sgs, subnet.cidr) {
            let v = sg_allows(
                groups,
                Direction::Ingress,
                &Peer::Range(range),
                &vf.task_group_ids,
                None,
                |pl| self.entries(pl),
            );
            if v.verdict == Unreachable {
                steps.extend(self.endpoint_admits_task(vf, endpoint, groups, range));
            }
        }
        steps
    }

    /// The steps that make interface endpoint `endpoint`'s security
    /// `groups` admit TCP 443 from the task (its group, else `task_range`).
    /// An endpoint without a group, or in the task's own group, gets a group
    /// of its own that admits the task, rather than the task's group opened
    /// to inbound traffic.
    fn endpoint_admits_task(
        &self,
        vf: &VpcFacts<'_, '_>,
        endpoint: &Endpoint<'_>,
        groups: &[&SecurityGroup],
        task_range: Cidr,
    ) -> Vec<Fix> {
        let own = groups.is_empty()
            || groups
                .iter()
                .any(|g| vf.task_group_ids.contains(&g.id.as_str()));
        if own {
            let (mut steps, new) = self.endpoint_group(vf);
            steps.push(Fix::AddEndpointSecurityGroup {
                endpoint_id: endpoint.ep.id.clone(),
                group_id: new,
            });
            steps
        } else {
            vec![Fix::AuthorizeIngress443 {
                group_id: groups
                    .first()
                    .map_or("<sg-id>", |g| g.id.as_str())
                    .to_owned(),
                from: match vf.task_group_ids.first() {
                    Some(g) => RulePeer::Group((*g).to_owned()),
                    None => RulePeer::Cidr(task_range.to_string()),
                },
            }]
        }
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
                // An endpoint described without a group (AWS gives every
                // interface endpoint one, but the input may not) is named
                // itself: there is no group to name.
                let (resource, what) = match groups.first() {
                    Some(g) => (
                        g.id.as_str(),
                        format!("Security group {} of endpoint {}", g.id, ep.id),
                    ),
                    None => (
                        ep.id.as_str(),
                        format!("Endpoint {} has no security group: nothing", ep.id),
                    ),
                };
                let fix =
                    || self.fixes(&self.endpoint_admits_task(vf, endpoint, groups, task_range));
                leg.check(
                    v.verdict,
                    || Finding {
                        code: FindingCode::EndpointSgIngress443,
                        severity: Severity::Error,
                        resource: resource.to_owned(),
                        message: format!(
                            "{what} does not admit TCP 443 from the task ({}{}).",
                            subnet.id,
                            task_group_ids
                                .first()
                                .map(|g| format!(", {g}"))
                                .unwrap_or_default()
                        ),
                        fix: fix(),
                        remedies: Vec::new(),
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
                remedies: alloc::vec::Vec::new(),
            },
            None => Finding {
                code,
                severity: Severity::Warning,
                resource: whose.to_owned(),
                message: format!("Whether {whose} admits TCP 443 is unknown."),
                fix,
                remedies: alloc::vec::Vec::new(),
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
            // An available endpoint first: associating one that is not
            // would take the traffic off a working path.
            let usable = gateways
                .iter()
                .find(|e| e.ep.state == EndpointState::Available)
                .or(gateways.first())
                .map(|e| e.ep);
            if let Some(gw) = usable {
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
                    fix: if gw.state == EndpointState::Available {
                        self.fix(&Fix::AddEndpointRouteTable { endpoint_id: gw.id.clone(), route_table_id: rt.id.clone() })
                    } else {
                        self.comment(format!(
                            "{} is not available yet: once it is, associate it with {} (aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --add-route-table-ids {})",
                            gw.id, rt.id, gw.id, rt.id
                        ))
                    },
                    remedies: Vec::new(),
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
                    remedies: Vec::new(),
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
                    remedies: Vec::new(),
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
                        remedies: Vec::new(),
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

/// The catalog's own entry for `service` (every service the evaluation
/// holds comes from the catalog; a fix keeps a `'static` reference).
fn catalog_service(service: &Service) -> &'static Service {
    crate::catalog::SERVICES
        .iter()
        .find(|s| core::ptr::eq(*s, service))
        .or_else(|| crate::catalog::service_by_id(service.id))
        .expect("every service evaluated is an entry of the catalog")
}
