//! NAT gateways (vpc/latest/userguide/vpc-nat-gateway.html): the hop from
//! the task's route to the NAT gateway and on from the NAT gateway's own
//! subnet.
//!
//! Guarantees:
//! * a NAT gateway that is not `available` drops the traffic;
//! * the NAT gateway's own subnet is routed like the task's: every route
//!   of its table that carries the service's public addresses is followed
//!   (longest prefix), so a public NAT gateway needs an attached internet
//!   gateway there and VPC Block Public Access to let its subnet out;
//! * a private NAT gateway forwards to whatever its subnet routes to: a
//!   transit gateway, virtual private gateway or peering makes the path
//!   `transit` (unknown), an internet gateway drops it
//!   (`nat-gateway-not-public`);
//! * the ACLs of the NAT gateway's subnet are checked both ways (the task's
//!   traffic enters and leaves it), unless the task is in that subnet.
//!
//! Not done here: the task's own route (see [`super::public`]).

use super::super::model::*;
use super::acl::{HTTPS, NAT_EPHEMERAL, TASK_EPHEMERAL};
use super::bpa::Traffic;
use super::public::{destination_text, nat64, target_id};
use super::sg::Peer;
use super::{Ctx, PathBuild, VpcFacts, dangling_finding};
use crate::catalog::Service;
use crate::commands::{Fix, RouteTo};
use crate::report::{AccessType, Finding, FindingCode, Severity};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

impl<'a> Ctx<'a> {
    /// The traffic reaches NAT gateway `nat_id` through `rt`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn nat_hop(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        rt: &RouteTable,
        route: &Route,
        nat_id: &str,
        service: &Service,
        mut path: Vec<String>,
    ) -> PathBuild {
        path.push(nat_id.into());
        if !self.input.nat_gateways.given {
            let mut b = PathBuild::unknown_on(
                Some(AccessType::NatGateway),
                path,
                self.missing("NatGateways"),
            );
            self.public_checks(&mut b, vf, subnet, &self.service_peer(service));
            return b;
        }
        let Some(nat) = self.nats.get(nat_id) else {
            let mut b = PathBuild::unknown_on(
                Some(AccessType::NatGateway),
                path,
                dangling_finding(
                    nat_id,
                    &rt.id,
                    &format!(
                        "aws ec2 describe-nat-gateways --region {} --nat-gateway-ids {nat_id}",
                        self.region
                    ),
                ),
            );
            self.public_checks(&mut b, vf, subnet, &self.service_peer(service));
            return b;
        };
        // A fix re-points every route that leads here (a /1 pair is two).
        let destination = super::public::destination_text(route);
        let destination = destination.as_str();
        // Only failures need another NAT gateway to suggest.
        let other_nat = || {
            self.usable_nat(&subnet.vpc_id, subnet.availability_zone.as_deref())
                .filter(|n| n.id != nat.id && n.subnet_id != subnet.id)
        };
        let replace_fix = |why: String| -> Vec<Fix> {
            match other_nat() {
                Some(n) => {
                    let mut dests = super::remedies::routes_to(rt, &route.target);
                    if dests.is_empty() {
                        dests.push(destination.into());
                    }
                    dests
                        .into_iter()
                        .map(|d| Fix::Route {
                            route_table_id: rt.id.clone(),
                            destination: d,
                            to: RouteTo::NatGateway(n.id.clone()),
                            replace: true,
                        })
                        .collect()
                }
                None => alloc::vec![Fix::Comment(why)],
            }
        };
        if nat.state != NatState::Available {
            return PathBuild::no_route(
                Some(AccessType::NatGateway),
                path,
                Finding {
                    code: FindingCode::NatGatewayNotAvailable,
                    severity: Severity::Error,
                    resource: nat.id.clone(),
                    message: format!(
                        "NAT gateway {} is not available (pending, failed or deleted).",
                        nat.id
                    ),
                    fix: self.fixes(&replace_fix(format!(
                        "wait for {} to become available, or create a public NAT gateway and route {destination} of {} to it",
                        nat.id, rt.id
                    ))), remedies: Vec::new(), },
            );
        }
        // The NAT gateway's own subnet routes its traffic on.
        let nat_subnet = self.subnets.get(&nat.subnet_id);
        let nat_rt = match nat_subnet {
            Some(s) => self.route_table_of(s),
            None => self.rtb_by_subnet.get(&nat.subnet_id),
        };
        let (Some(nat_subnet), Some(nat_rt)) = (nat_subnet, nat_rt) else {
            let mut b = PathBuild::unknown_on(
                Some(AccessType::NatGateway),
                path,
                dangling_finding(
                    &nat.subnet_id,
                    &nat.id,
                    &format!(
                        "aws ec2 describe-subnets --region {} --subnet-ids {}",
                        self.region, nat.subnet_id
                    ),
                ),
            );
            self.public_checks(&mut b, vf, subnet, &self.service_peer(service));
            return b;
        };
        path.push(nat_rt.id.clone());
        let (parts, basis) = self.public_parts(nat_rt, service, None);
        let mut groups: Vec<(&Route, PathBuild)> = Vec::new();
        for r in parts {
            if groups
                .iter()
                .any(|(g, _)| g.target == r.target && g.state == r.state)
            {
                continue;
            }
            let b = self.beyond_nat(
                vf,
                subnet,
                nat,
                nat_subnet,
                nat_rt,
                r,
                service,
                path.clone(),
            );
            groups.push((r, b));
        }
        if groups.is_empty() {
            return self.nat_without_igw(nat, nat_subnet, nat_rt, None, None, path);
        }
        let mut b = self.combine(nat_rt, service, groups, basis);
        self.nat_acls(&mut b, subnet, nat, service);
        b
    }

    /// The NAT gateway's subnet sends the traffic on through `route`.
    #[allow(clippy::too_many_arguments)]
    fn beyond_nat(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        nat: &NatGateway,
        nat_subnet: &Subnet,
        nat_rt: &RouteTable,
        route: &Route,
        service: &Service,
        mut path: Vec<String>,
    ) -> PathBuild {
        let peer = self.service_peer(service);
        match (&route.target, route.state, nat.connectivity) {
            (RouteTarget::InternetGateway(igw), RouteState::Active, NatConnectivity::Public) => {
                let vpc_id = &nat_subnet.vpc_id;
                let attached = !self.input.internet_gateways.given
                    || self
                        .igws
                        .get(igw.as_str())
                        .is_some_and(|i| i.attached_vpc_ids.iter().any(|v| v == vpc_id));
                path.push(igw.clone());
                if !attached {
                    return self.nat_without_igw(
                        nat,
                        nat_subnet,
                        nat_rt,
                        Some(igw),
                        Some(route),
                        path,
                    );
                }
                let mut b = PathBuild::new(Some(AccessType::NatGateway), path);
                self.bpa_check(&mut b, nat_subnet, Traffic::NatGateway);
                self.nat_task_side(&mut b, vf, subnet, &peer);
                b
            }
            (RouteTarget::InternetGateway(igw), RouteState::Active, NatConnectivity::Private) => {
                path.push(igw.clone());
                let fix = match self.usable_nat(&subnet.vpc_id, subnet.availability_zone.as_deref())
                {
                    Some(n) => self.comment(format!(
                        "route the task's 0.0.0.0/0 to the public NAT gateway {} instead of {}",
                        n.id, nat.id
                    )),
                    None => self.fix(&Fix::CreatePublicNatGateway),
                };
                PathBuild::no_route(
                    Some(AccessType::NatGateway),
                    path,
                    Finding {
                        code: FindingCode::NatGatewayNotPublic,
                        severity: Severity::Error,
                        resource: nat.id.clone(),
                        message: format!(
                            "NAT gateway {} is private (ConnectivityType private) and its subnet {} routes {} to internet gateway {igw}: a private NAT gateway's traffic to an internet gateway is dropped.",
                            nat.id,
                            nat.subnet_id,
                            destination_text(route)
                        ),
                        fix,
                        remedies: alloc::vec::Vec::new(),
                    },
                )
            }
            (
                RouteTarget::Transit(t) | RouteTarget::VpcEndpoint(t),
                RouteState::Active,
                connectivity,
            ) => {
                path.push(t.clone());
                let access = match connectivity {
                    NatConnectivity::Public => AccessType::NatGateway,
                    NatConnectivity::Private => AccessType::Transit,
                };
                let mut b = PathBuild::new(Some(access), path);
                self.nat_task_side(&mut b, vf, subnet, &peer);
                b.unknown_because(Finding {
                    code: FindingCode::TransitUnverified,
                    severity: Severity::Warning,
                    resource: t.clone(),
                    message: format!(
                        "NAT gateway {} ({}) sits in {}, whose route table {} sends {} to {t}: what lies behind it (a hub VPC, VPN or appliance) cannot be seen from this VPC.",
                        nat.id,
                        match connectivity {
                            NatConnectivity::Public => "public",
                            NatConnectivity::Private => "private",
                        },
                        nat.subnet_id,
                        nat_rt.id,
                        destination_text(route)
                    ),
                    fix: None, remedies: Vec::new(), });
                b
            }
            (RouteTarget::NatGateway(n), RouteState::Active, NatConnectivity::Private)
                if *n != nat.id =>
            {
                path.push(n.clone());
                let mut b = PathBuild::new(Some(AccessType::Transit), path);
                self.nat_task_side(&mut b, vf, subnet, &peer);
                b.unknown_because(Finding {
                    code: FindingCode::TransitUnverified,
                    severity: Severity::Warning,
                    resource: nat_rt.id.clone(),
                    message: format!(
                        "Private NAT gateway {}'s subnet routes {} to another NAT gateway, {n}: a chain of NAT gateways is not followed.",
                        nat.id,
                        destination_text(route)
                    ),
                    fix: None, remedies: Vec::new(), });
                b
            }
            _ => match nat.connectivity {
                NatConnectivity::Public => {
                    path.push(target_id(&route.target));
                    self.nat_without_igw(nat, nat_subnet, nat_rt, None, Some(route), path)
                }
                NatConnectivity::Private => {
                    path.push(target_id(&route.target));
                    PathBuild::no_route(
                        Some(AccessType::NatGateway),
                        path,
                        Finding {
                            code: FindingCode::NatGatewayNotPublic,
                            severity: Severity::Error,
                            resource: nat.id.clone(),
                            message: format!(
                                "NAT gateway {} is private and its subnet's route for {} in {} leads nowhere ({}).",
                                nat.id,
                                destination_text(route),
                                nat_rt.id,
                                target_id(&route.target)
                            ),
                            fix: self.fix(&Fix::CreatePublicNatGateway),
                            remedies: Vec::new(),
                        },
                    )
                }
            },
        }
    }

    /// A public NAT gateway whose subnet has no working route to an
    /// attached internet gateway.
    /// `route` is the route of the NAT gateway's table that carries (some
    /// of) the service's traffic elsewhere, when there is one: the fix
    /// points that one at the internet gateway.
    #[allow(clippy::too_many_arguments)]
    fn nat_without_igw(
        &self,
        nat: &NatGateway,
        nat_subnet: &Subnet,
        nat_rt: &RouteTable,
        detached: Option<&String>,
        route: Option<&Route>,
        path: Vec<String>,
    ) -> PathBuild {
        let (dest, replace) = match route.map(|r| &r.destination) {
            Some(RouteDestination::Cidr(c)) => (c.to_string(), true),
            _ => (
                "0.0.0.0/0".to_owned(),
                nat_rt.routes.iter().any(|r| {
                    matches!(&r.destination, RouteDestination::Cidr(c) if c.prefix_len() == 0 && !c.is_v6())
                }),
            ),
        };
        // The finding is the NAT gateway's, the same for every path through
        // it: built once per NAT gateway and destination.
        let key = (nat.id.clone(), dest.clone());
        if let Some((_, f)) = self.nat_findings.borrow().iter().find(|(k, _)| *k == key) {
            return PathBuild::no_route(Some(AccessType::NatGateway), path, f.clone());
        }
        let b =
            self.nat_without_igw_uncached(nat, nat_subnet, nat_rt, detached, dest, replace, path);
        if let Some(f) = b.findings.first() {
            self.nat_findings.borrow_mut().push((key, f.clone()));
        }
        b
    }

    #[allow(clippy::too_many_arguments)]
    fn nat_without_igw_uncached(
        &self,
        nat: &NatGateway,
        nat_subnet: &Subnet,
        nat_rt: &RouteTable,
        detached: Option<&String>,
        dest: String,
        replace: bool,
        path: Vec<String>,
    ) -> PathBuild {
        let vpc_id = &nat_subnet.vpc_id;
        if nat.connectivity == NatConnectivity::Private {
            return PathBuild::no_route(
                Some(AccessType::NatGateway),
                path,
                Finding {
                    code: FindingCode::NatGatewayNotPublic,
                    severity: Severity::Error,
                    resource: nat.id.clone(),
                    message: format!(
                        "NAT gateway {} is private and its subnet's route table {} has no route towards the service.",
                        nat.id, nat_rt.id
                    ),
                    fix: self.fix(&Fix::CreatePublicNatGateway),
                    remedies: Vec::new(),
                },
            );
        }
        let (message, steps) = match detached {
            Some(igw) => (
                format!(
                    "NAT gateway {}'s subnet {} routes to {igw}, which is not attached to {vpc_id}: the NAT gateway cannot reach the internet.",
                    nat.id, nat.subnet_id
                ),
                alloc::vec![Fix::AttachInternetGateway {
                    igw_id: igw.clone(),
                    vpc_id: vpc_id.clone(),
                }],
            ),
            None => (
                format!(
                    "NAT gateway {} lives in {}, whose route table {} has no active route to an internet gateway for the service's addresses: the NAT gateway cannot reach the internet.",
                    nat.id, nat.subnet_id, nat_rt.id
                ),
                match self.attached_igw(vpc_id) {
                    // Other subnets use the NAT gateway's table (often the
                    // task's own, routing 0.0.0.0/0 to this NAT gateway):
                    // the NAT gateway's subnet gets a table of its own.
                    Some(i) if self.shared_beyond(nat_rt, &[nat_subnet.id.as_str()]) => self
                        .own_route_table(
                            nat_subnet,
                            nat_rt,
                            &[dest],
                            RouteTo::InternetGateway(i.id.clone()),
                        ),
                    Some(i) => alloc::vec![Fix::Route {
                        route_table_id: nat_rt.id.clone(),
                        destination: dest,
                        to: RouteTo::InternetGateway(i.id.clone()),
                        replace,
                    }],
                    None => alloc::vec![Fix::Comment(format!(
                        "{vpc_id} has no internet gateway: create and attach one (aws ec2 create-internet-gateway; aws ec2 attach-internet-gateway), then route 0.0.0.0/0 of {} to it",
                        nat_rt.id
                    ))],
                },
            ),
        };
        PathBuild::no_route(
            Some(AccessType::NatGateway),
            path,
            Finding {
                code: FindingCode::NatGatewayNoIgw,
                severity: Severity::Error,
                resource: nat_rt.id.clone(),
                message,
                fix: self.fixes(&steps),
                remedies: Vec::new(),
            },
        )
    }

    /// The task's side of a NAT path: its security group lets 443 out and
    /// its ACL lets it out and the replies in.
    fn nat_task_side(
        &self,
        b: &mut PathBuild,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        peer: &Peer<'_>,
    ) {
        let to_internet = if subnet.cidr.is_none() {
            Peer::Range(nat64())
        } else {
            *peer
        };
        self.task_egress(b, vf, &to_internet, &[], None);
    }

    /// The ACLs on the way through the NAT gateway's subnet: the task's
    /// subnet out and back, the NAT subnet in and out, both ways.
    fn nat_acls(&self, b: &mut PathBuild, subnet: &Subnet, nat: &NatGateway, service: &Service) {
        let peer = self.service_peer(service);
        let v6_only = subnet.cidr.is_none();
        let to_internet = if v6_only { Peer::Range(nat64()) } else { peer };
        let task_range = subnet.cidr.or_else(|| subnet.ipv6_cidrs.first().copied());
        let task_acl = self.acl_at(&subnet.id);
        let nat_acl = self.acl_at(&nat.subnet_id);
        if nat.subnet_id != subnet.id {
            self.acl(
                b,
                &task_acl,
                Direction::Egress,
                HTTPS,
                &to_internet,
                "HTTPS towards the NAT gateway",
            );
            self.acl(
                b,
                &task_acl,
                Direction::Ingress,
                TASK_EPHEMERAL,
                &to_internet,
                "the return traffic",
            );
            if let Some(tr) = task_range {
                let task = Peer::Range(tr);
                self.acl(
                    b,
                    &nat_acl,
                    Direction::Ingress,
                    HTTPS,
                    &task,
                    "the task's HTTPS into the NAT subnet",
                );
                self.acl(
                    b,
                    &nat_acl,
                    Direction::Egress,
                    TASK_EPHEMERAL,
                    &task,
                    "the return traffic to the task",
                );
            }
        }
        self.acl(
            b,
            &nat_acl,
            Direction::Egress,
            HTTPS,
            &peer,
            "HTTPS from the NAT gateway to the internet",
        );
        self.acl(
            b,
            &nat_acl,
            Direction::Ingress,
            NAT_EPHEMERAL,
            &peer,
            "the return traffic to the NAT gateway",
        );
    }
}
