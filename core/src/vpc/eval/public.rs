//! The service's public addresses and the routes that carry them: the path
//! of every name no interface endpoint takes.
//!
//! Guarantees:
//! * the destination is the service's public addresses: with `--ip-ranges`
//!   the prefixes AWS publishes for it in the region (`S3`, `DYNAMODB`, or
//!   for the other services the region's `AMAZON` prefixes that no other
//!   service key lists, AWS's own recipe for "AWS services"), otherwise all
//!   of public IPv4 space (private and special-purpose blocks and the VPCs'
//!   own CIDRs left out);
//! * every route that carries some of those addresses is followed to its
//!   end (longest prefix, [`super::route`]); a route to another service's
//!   gateway endpoint carries only that service's list; a prefix-list route
//!   with unknown entries may carry any of them;
//! * the verdict over several routes is reachable only if every one is,
//!   unreachable only if none is, else unknown, and every route that
//!   changes the verdict or the access type is named in a
//!   `route-captures-service` finding (which says whether `--ip-ranges`
//!   would decide it);
//! * an IPv6-only subnet reaches IPv4 services through DNS64 and the
//!   `64:ff9b::/96` route to a NAT gateway.
//!
//! Not done here: NAT gateways' own hop ([`super::nat`]), gateway
//! endpoints and interface endpoints ([`super::endpoints`]).

use super::super::model::*;
use super::acl::peer_words;
use super::bpa::Traffic;
use super::route::{self, View};
use super::sg::Peer;
use super::{Ctx, PathBuild, Reachable, Unknown, Unreachable, VpcFacts, dangling_finding};
use crate::catalog::{Availability, Region, Service};
use crate::commands::{Fix, RouteTo};
use crate::net::{Cidr, Ipv6Cidr};
use crate::report::{AccessType, FailureCode, Finding, FindingCode, Reachability, Severity};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::cell::OnceCell;
use core::net::Ipv6Addr;

/// Which published ranges stand for a service's public addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    /// `S3` in the region.
    S3,
    /// `DYNAMODB` in the region.
    DynamoDb,
    /// `AMAZON` in the region, without the prefixes other keys list.
    Amazon,
    /// The same in the control-plane region (IAM).
    AmazonControlPlane,
    /// Unknown: anywhere in public IPv4 space.
    Anywhere,
}

const KEYS: usize = 5;

impl Key {
    const fn slot(self) -> usize {
        match self {
            Key::S3 => 0,
            Key::DynamoDb => 1,
            Key::Amazon => 2,
            Key::AmazonControlPlane => 3,
            Key::Anywhere => 4,
        }
    }
}

/// How well the routes carrying a service's traffic are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Basis {
    /// From the service's published prefixes or a prefix list's entries:
    /// every route found carries some of the service's addresses.
    Published,
    /// From public space as a whole: a route found may carry none of them.
    PublicSpace,
}

/// Per route table: one slot per (service class, key, via its gateway
/// endpoint or not). The class matters because a gateway endpoint's route
/// carries its own service's traffic only.
const SLOTS: usize = 3 * KEYS * 2;

type Cache<'a> = Vec<[OnceCell<Vec<&'a Route>>; SLOTS]>;

/// The destinations and, per route table, the routes that carry them.
pub(super) struct Destinations<'a> {
    prefixes: [Option<Vec<Cidr>>; KEYS],
    /// Public IPv4 space: everything but private and special-purpose
    /// blocks and the VPCs' CIDRs, as CIDR blocks.
    public_space: Vec<Cidr>,
    /// Whether `ip-ranges.json` was given but held nothing for the region.
    empty_for_region: bool,
    cache: Cache<'a>,
}

impl<'a> Destinations<'a> {
    pub(super) fn new(input: &'a VpcInput, region: &Region, tables: usize) -> Self {
        let mut excluded: Vec<Cidr> = crate::classify::non_public_v4().collect();
        for v in &input.vpcs.items {
            excluded.extend(v.cidrs.iter().copied().filter(|c| !c.is_v6()));
        }
        let mut prefixes: [Option<Vec<Cidr>>; KEYS] = Default::default();
        let mut empty_for_region = false;
        if let Some(ranges) = &input.ip_ranges {
            let v4 = |r: &&IpRange| !r.cidr.is_v6();
            let of = |service: &str, region: &str| -> Vec<Cidr> {
                ranges
                    .iter()
                    .filter(v4)
                    .filter(|r| r.service == service && r.region == region)
                    .map(|r| r.cidr)
                    .collect()
            };
            // AMAZON minus what another key lists (exact prefixes, as AWS's
            // own recipe subtracts EC2): the ranges only AMAZON holds.
            let mut others: Vec<Cidr> = ranges
                .iter()
                .filter(v4)
                .filter(|r| r.service != "AMAZON")
                .map(|r| r.cidr)
                .collect();
            others.sort_unstable();
            let amazon_only = |region: &str| -> Vec<Cidr> {
                of("AMAZON", region)
                    .into_iter()
                    .filter(|c| others.binary_search(c).is_err())
                    .collect()
            };
            let control = match crate::catalog::service_by_id("iam").map(|s| s.availability(region))
            {
                Some(Availability::ControlPlaneRegionOnly { region: home }) => home.to_owned(),
                _ => region.name().to_owned(),
            };
            let found = [
                of("S3", region.name()),
                of("DYNAMODB", region.name()),
                amazon_only(region.name()),
                amazon_only(&control),
            ];
            empty_for_region = found[2].is_empty();
            for (slot, list) in prefixes.iter_mut().zip(found) {
                *slot = (!list.is_empty()).then_some(list);
            }
        }
        let all = Cidr::V4(crate::net::Ipv4Cidr::new_truncating(
            core::net::Ipv4Addr::UNSPECIFIED,
            0,
        ));
        Destinations {
            prefixes,
            public_space: route::complement(all, &excluded),
            empty_for_region,
            cache: {
                let mut c: Cache<'a> = Vec::with_capacity(tables);
                c.resize_with(tables, Default::default);
                c
            },
        }
    }

    /// The report-level note when `ip-ranges.json` holds nothing for the
    /// region (so every service is taken as anywhere in public space).
    pub(super) fn assumption(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        if !self.empty_for_region {
            return Vec::new();
        }
        vec![Finding {
            code: FindingCode::MissingInput,
            severity: Severity::Warning,
            resource: "ip-ranges".to_owned(),
            message: format!(
                "The ip-ranges.json given lists no AMAZON prefixes for {}: which routes take the services' public addresses cannot be decided from it.",
                ctx.region
            ),
            fix: Some(super::input::IP_RANGES_DOWNLOAD.to_owned()),
            remedies: Vec::new(),
        }]
    }

    /// The service's published IPv4 prefixes under `key`, when known.
    pub(super) fn prefixes(&self, key: Key) -> Option<&[Cidr]> {
        self.prefixes[key.slot()].as_deref()
    }
}

/// A route's destination in words.
pub(super) fn destination_text(route: &Route) -> String {
    match &route.destination {
        RouteDestination::Cidr(c) => c.to_string(),
        RouteDestination::PrefixList(pl) => pl.clone(),
    }
}

/// The id a route sends traffic to.
pub(super) fn target_id(t: &RouteTarget) -> String {
    match t {
        RouteTarget::Local => "local".to_owned(),
        RouteTarget::InternetGateway(s)
        | RouteTarget::EgressOnlyInternetGateway(s)
        | RouteTarget::NatGateway(s)
        | RouteTarget::VpcEndpoint(s)
        | RouteTarget::Transit(s) => s.clone(),
        RouteTarget::Unknown => "an unknown target".to_owned(),
    }
}

/// How wide a route's destination is, for choosing the route that carries
/// most of the traffic (prefix-list routes count as narrow).
fn width(route: &Route) -> u8 {
    match &route.destination {
        RouteDestination::Cidr(c) => c.prefix_len(),
        RouteDestination::PrefixList(_) => 129,
    }
}

/// The `64:ff9b::/96` NAT64 prefix.
pub(super) fn nat64() -> Cidr {
    Cidr::V6(Ipv6Cidr::new_truncating(
        Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0),
        96,
    ))
}

/// Routes, each once.
fn push_unique<'r>(out: &mut Vec<&'r Route>, r: &'r Route) {
    if !out.iter().any(|x| core::ptr::eq(*x, r)) {
        out.push(r);
    }
}

impl<'a> Ctx<'a> {
    /// Which published ranges stand for `service`.
    pub(super) fn key_of(&self, service: &Service) -> Key {
        let key = match service.id {
            "s3" => Key::S3,
            "dynamodb" => Key::DynamoDb,
            // The management plane is no AWS service: its addresses are in
            // no list.
            "management-plane" => Key::Anywhere,
            _ => match service.availability(&self.region) {
                Availability::ControlPlaneRegionOnly { .. } => Key::AmazonControlPlane,
                _ => Key::Amazon,
            },
        };
        if self.public.prefixes(key).is_some() {
            key
        } else {
            Key::Anywhere
        }
    }

    /// The peer a rule must admit for `service`'s public addresses.
    pub(super) fn service_peer(&self, service: &Service) -> Peer<'_> {
        Peer::Service(self.public.prefixes(self.key_of(service)))
    }

    /// Whether `route` sends to a gateway endpoint of another service than
    /// `service` (its prefix list then holds only that service's ranges).
    fn other_services_gateway(&self, route: &Route, service: &Service) -> bool {
        let (RouteDestination::PrefixList(_), RouteTarget::VpcEndpoint(id)) =
            (&route.destination, &route.target)
        else {
            return false;
        };
        self.endpoints
            .iter()
            .find(|e| e.ep.id == *id)
            .is_some_and(|e| e.ep.kind == VpcEndpointKind::Gateway && e.service_id != service.id)
    }

    /// The routes of `rt` that carry the traffic to `service`'s public
    /// addresses, and how well that is known. With `gateway` (the route of
    /// the service's own gateway endpoint, whose prefix list *is* the
    /// service's addresses) that route covers them all and only more
    /// specific routes can take some away.
    pub(super) fn public_parts(
        &self,
        rt: &RouteTable,
        service: &Service,
        gateway: Option<&'a Route>,
    ) -> (&[&'a Route], Basis) {
        let key = self.key_of(service);
        let (ix, table) = self.table(rt);
        let class = match service.id {
            "s3" => 0,
            "dynamodb" => 1,
            _ => 2,
        };
        let slot = (class * KEYS + key.slot()) * 2 + usize::from(gateway.is_some());
        let gateway_entries = gateway.and_then(|g| match &g.destination {
            RouteDestination::PrefixList(pl) => self.entries(pl),
            RouteDestination::Cidr(_) => None,
        });
        let basis = if gateway_entries.is_some() || self.public.prefixes(key).is_some() {
            Basis::Published
        } else {
            Basis::PublicSpace
        };
        let cell = &self.public.cache[ix][slot];
        let routes = cell.get_or_init(|| {
            self.compute_public_parts(table, service, key, gateway, gateway_entries)
        });
        (routes, basis)
    }

    /// [`Self::public_parts`] on a cache miss.
    fn compute_public_parts(
        &self,
        table: &route::Table<'a>,
        service: &Service,
        key: Key,
        gateway: Option<&'a Route>,
        gateway_entries: Option<&'a [Cidr]>,
    ) -> Vec<&'a Route> {
        let views: Vec<View<'a>> = table
            .views
            .iter()
            .filter(|v| !self.other_services_gateway(v.route, service))
            .copied()
            .collect();
        // Another service's gateway list holds that service's addresses,
        // none of this one's.
        let excluded: Vec<Cidr> = table
            .views
            .iter()
            .filter(|v| self.other_services_gateway(v.route, service))
            .map(|v| v.cidr)
            .collect();
        let excluded = &excluded[..];
        let mut routes: Vec<&'a Route> = Vec::new();
        match (gateway, gateway_entries, self.public.prefixes(key)) {
            // The list's entries are the service's addresses.
            (Some(_), Some(entries), _) => {
                for p in entries.iter().filter(|c| !c.is_v6()) {
                    route::winners_into(&views, *p, excluded, &mut routes);
                }
            }
            // The published prefixes stand for the list's entries.
            (Some(g), None, Some(prefixes)) => {
                let mut with_list = views.clone();
                with_list.extend(prefixes.iter().map(|p| View {
                    cidr: *p,
                    rank: route::Rank::PrefixList,
                    route: g,
                }));
                for p in prefixes {
                    route::winners_into(&with_list, *p, excluded, &mut routes);
                }
            }
            // The list covers the service's addresses, wherever they are; a
            // route into public space may still be more specific than one
            // of its entries (which AWS keeps at /8 or longer).
            (Some(g), None, None) => {
                push_unique(&mut routes, g);
                let mut found = Vec::new();
                for block in &self.public.public_space {
                    route::winners_into(&views, *block, excluded, &mut found);
                }
                for r in found {
                    if width(r) >= 8 && !core::ptr::eq(r, g) {
                        push_unique(&mut routes, r);
                    }
                }
            }
            (None, _, Some(prefixes)) => {
                for p in prefixes {
                    route::winners_into(&views, *p, excluded, &mut routes);
                }
            }
            (None, _, None) => {
                for block in &self.public.public_space {
                    route::winners_into(&views, *block, excluded, &mut routes);
                }
            }
        }
        // Prefix lists whose entries are unknown may take any address; a
        // gateway endpoint's list only its own service's.
        for r in &table.opaque {
            let own = gateway.is_some_and(|g| core::ptr::eq(g, *r));
            if !own
                && !self.other_services_gateway(r, service)
                && !matches!(r.target, RouteTarget::VpcEndpoint(_))
            {
                push_unique(&mut routes, r);
            }
        }
        routes
    }

    /// The path to the service's public addresses from `subnet`: every
    /// route of its table that carries them, each followed to its end.
    pub(super) fn route_path(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        service: &Service,
    ) -> PathBuild {
        let peer = self.service_peer(service);
        if !self.input.route_tables.given {
            let mut b = PathBuild::unknown(self.missing("RouteTables"));
            b.path.push(subnet.id.clone());
            self.public_checks(&mut b, vf, subnet, &peer);
            return b;
        }
        let Some(rt) = self.route_table_of(subnet) else {
            let mut b = PathBuild::unknown(dangling_finding(
                &format!("route table of {}", subnet.id),
                &subnet.id,
                &format!(
                    "aws ec2 describe-route-tables --region {} --filters Name=vpc-id,Values={}",
                    self.region, subnet.vpc_id
                ),
            ));
            b.path.push(subnet.id.clone());
            self.public_checks(&mut b, vf, subnet, &peer);
            return b;
        };
        let v6_only = subnet.cidr.is_none();
        let (routes, basis): (Vec<&Route>, Basis) = if v6_only {
            // IPv4-only services from an IPv6-only subnet: DNS64 + NAT64.
            let (_, table) = self.table(rt);
            let routes = route::winners(&table.views, nat64(), &[]);
            let to_nat = routes
                .iter()
                .all(|r| matches!(r.target, RouteTarget::NatGateway(_)));
            if subnet.dns64 == Dns64::Off || routes.is_empty() || !to_nat {
                return self.no_nat64(subnet, rt, !routes.is_empty());
            }
            (routes, Basis::Published)
        } else {
            let (parts, basis) = self.public_parts(rt, service, None);
            (parts.to_vec(), basis)
        };
        if routes.is_empty() {
            return self.no_public_route(subnet, rt);
        }
        // One path per target (a /1 pair to one NAT gateway is one path).
        let mut groups: Vec<(&Route, PathBuild)> = Vec::new();
        for r in routes {
            if groups
                .iter()
                .any(|(g, _)| g.target == r.target && g.state == r.state)
            {
                continue;
            }
            let path = vec![subnet.id.clone(), rt.id.clone()];
            groups.push((r, self.hop(vf, subnet, rt, r, service, path)));
        }
        self.combine(rt, service, groups, basis)
    }

    /// Where there is no route to the service at all: what would make one.
    fn no_public_route(&self, subnet: &Subnet, rt: &RouteTable) -> PathBuild {
        let steps: Vec<Fix> = match (
            self.assign_public_ip,
            self.attached_igw(&subnet.vpc_id),
            self.nat_steps(subnet),
        ) {
            (super::AssignPublicIp::Enabled, Some(igw), _) => vec![Fix::Route {
                route_table_id: rt.id.clone(),
                destination: "0.0.0.0/0".to_owned(),
                to: RouteTo::InternetGateway(igw.id.clone()),
                replace: false,
            }],
            // A table without a default route: adding one takes nothing
            // from the other subnets that use it.
            (_, _, Some((mut steps, nat))) => {
                steps.push(Fix::Route {
                    route_table_id: rt.id.clone(),
                    destination: "0.0.0.0/0".to_owned(),
                    to: RouteTo::NatGateway(nat),
                    replace: false,
                });
                steps
            }
            (_, _, None) => vec![Fix::Comment(format!(
                "{} has no NAT gateway and no public subnet to create one in: add an internet gateway and a public subnet, or create the VPC endpoints",
                subnet.vpc_id
            ))],
        };
        let fix = self.fixes(&steps);
        PathBuild::no_route(
            None,
            vec![subnet.id.clone(), rt.id.clone()],
            Finding {
                code: FindingCode::NoDefaultRoute,
                severity: Severity::Error,
                resource: rt.id.clone(),
                message: format!(
                    "Route table {} of {} has no route towards the service's public addresses (no 0.0.0.0/0 or other public route) and no endpoint serves this service: there is no path.",
                    rt.id, subnet.id
                ),
                fix,
                remedies: Vec::new(),
            },
        )
    }

    /// An IPv6-only subnet without a working DNS64 + NAT64 path.
    fn no_nat64(&self, subnet: &Subnet, rt: &RouteTable, has_route: bool) -> PathBuild {
        let nat = self.usable_nat(&subnet.vpc_id, subnet.availability_zone.as_deref());
        PathBuild::no_route(
            None,
            vec![subnet.id.clone(), rt.id.clone()],
            Finding {
                code: FindingCode::NoDefaultRoute,
                severity: Severity::Error,
                resource: rt.id.clone(),
                message: format!(
                    "{} is IPv6-only and the service answers IPv4 addresses: it needs DNS64 on the subnet (now {}) and a route for 64:ff9b::/96 to a NAT gateway in {}.",
                    subnet.id,
                    if subnet.dns64 == Dns64::Synthesizes {
                        "on"
                    } else {
                        "off"
                    },
                    rt.id
                ),
                fix: self.fix(&match nat {
                    Some(n) => Fix::Route {
                        route_table_id: rt.id.clone(),
                        destination: "64:ff9b::/96".to_owned(),
                        to: RouteTo::NatGateway(n.id.clone()),
                        replace: has_route,
                    },
                    None => Fix::CreatePublicNatGateway,
                }),
                remedies: Vec::new(),
            },
        )
    }

    /// The task-side checks of a path to public addresses: security group
    /// egress and the subnet's ACLs. They decide even where the route does
    /// not (an unknown route cannot make a blocked path work).
    pub(super) fn public_checks(
        &self,
        b: &mut PathBuild,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        peer: &Peer<'_>,
    ) {
        if subnet.cidr.is_some() {
            self.task_egress(b, vf, peer, &[], None);
            self.task_acls_public(b, subnet, peer);
        }
    }

    /// Follows one route to its end.
    pub(super) fn hop(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        rt: &RouteTable,
        route: &Route,
        service: &Service,
        mut path: Vec<String>,
    ) -> PathBuild {
        let dest = destination_text(route);
        let target = target_id(&route.target);
        if route.state == RouteState::Blackhole {
            path.push(target.clone());
            // The route is dead for every subnet of the table: pointing it
            // at a working NAT gateway cannot hurt any of them.
            let nat = match &route.destination {
                RouteDestination::Cidr(_) => self.nat_steps(subnet),
                RouteDestination::PrefixList(_) => None,
            };
            let steps = match nat {
                Some((mut steps, n)) => {
                    let mut dests = super::remedies::routes_to(rt, &route.target);
                    if dests.is_empty() {
                        dests.push(dest.clone());
                    }
                    for d in dests {
                        steps.push(Fix::Route {
                            route_table_id: rt.id.clone(),
                            destination: d,
                            to: RouteTo::NatGateway(n.clone()),
                            replace: true,
                        });
                    }
                    steps
                }
                None => vec![Fix::Comment(format!(
                    "{target} no longer exists: replace the route for {dest} in {} with a working target (aws ec2 replace-route), or delete it",
                    rt.id
                ))],
            };
            return PathBuild::no_route(
                None,
                path,
                Finding {
                    code: FindingCode::BlackholeRoute,
                    severity: Severity::Error,
                    resource: rt.id.clone(),
                    message: format!(
                        "The route for {dest} in {} points at {target}, which no longer exists (blackhole): traffic is dropped.",
                        rt.id
                    ),
                    fix: self.fixes(&steps),
                    remedies: Vec::new(),
                },
            );
        }
        match &route.target {
            RouteTarget::NatGateway(nat_id) => {
                self.nat_hop(vf, subnet, rt, route, nat_id, service, path)
            }
            RouteTarget::InternetGateway(igw_id) => {
                self.igw_hop(vf, subnet, rt, route, igw_id, service, path)
            }
            RouteTarget::EgressOnlyInternetGateway(id) => {
                path.push(id.clone());
                PathBuild::no_route(
                    None,
                    path,
                    Finding {
                        code: FindingCode::NoDefaultRoute,
                        severity: Severity::Error,
                        resource: rt.id.clone(),
                        message: format!(
                            "In {}, {dest} goes to egress-only internet gateway {id}, which carries IPv6 only: the service's IPv4 addresses are not reached.",
                            rt.id
                        ),
                        fix: None,
                        remedies: Vec::new(),
                    },
                )
            }
            RouteTarget::VpcEndpoint(id) | RouteTarget::Transit(id) => {
                path.push(id.clone());
                let mut b = PathBuild::new(Some(AccessType::Transit), path);
                self.public_checks(&mut b, vf, subnet, &self.service_peer(service));
                let behind = if id.starts_with("vpce-") {
                    "an appliance behind a Gateway Load Balancer endpoint"
                } else if id.starts_with("eni-") || id.starts_with("i-") {
                    "an appliance (network interface or instance)"
                } else {
                    "a hub VPC, VPN or other network"
                };
                b.unknown_because(Finding {
                    code: FindingCode::TransitUnverified,
                    severity: Severity::Warning,
                    resource: id.clone(),
                    message: format!(
                        "In {}, {dest} goes to {id} ({behind}): whether it reaches the service cannot be seen from this VPC. Check it there, or run netready probe from the subnet.",
                        rt.id
                    ),
                    fix: None, remedies: Vec::new(), });
                b
            }
            RouteTarget::Local | RouteTarget::Unknown => {
                let mut b = PathBuild::unknown_on(
                    None,
                    path,
                    Finding {
                        code: FindingCode::TransitUnverified,
                        severity: Severity::Warning,
                        resource: rt.id.clone(),
                        message: if route.target == RouteTarget::Local {
                            format!(
                                "In {}, {dest} is the local route: part of the service's public addresses lies inside the VPC's own range, and where that traffic goes cannot be seen.",
                                rt.id
                            )
                        } else {
                            format!(
                                "In {}, {dest} has a target the validator does not know.",
                                rt.id
                            )
                        },
                        fix: None,
                        remedies: Vec::new(),
                    },
                );
                self.public_checks(&mut b, vf, subnet, &self.service_peer(service));
                b
            }
        }
    }

    /// An internet gateway: the task's own public IP, or nothing.
    #[allow(clippy::too_many_arguments)]
    fn igw_hop(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        rt: &RouteTable,
        route: &Route,
        igw_id: &str,
        service: &Service,
        mut path: Vec<String>,
    ) -> PathBuild {
        let dest = destination_text(route);
        path.push(igw_id.to_owned());
        if self.input.internet_gateways.given {
            match self.igws.get(igw_id) {
                None => {
                    return PathBuild::unknown_on(
                        Some(AccessType::InternetGateway),
                        path,
                        dangling_finding(
                            igw_id,
                            &rt.id,
                            &format!(
                                "aws ec2 describe-internet-gateways --region {} --internet-gateway-ids {igw_id}",
                                self.region
                            ),
                        ),
                    );
                }
                Some(igw) if !igw.attached_vpc_ids.contains(&subnet.vpc_id) => {
                    let replace = self
                        .attached_igw(&subnet.vpc_id)
                        .map(|other| {
                            format!(
                                " or route it to the attached {}: aws ec2 replace-route --region {} --route-table-id {} --destination-cidr-block {dest} --gateway-id {}",
                                other.id, self.region, rt.id, other.id
                            )
                        })
                        .unwrap_or_default();
                    return PathBuild::no_route(
                        Some(AccessType::InternetGateway),
                        path,
                        Finding {
                            code: FindingCode::BlackholeRoute,
                            severity: Severity::Error,
                            resource: rt.id.clone(),
                            message: format!(
                                "The route for {dest} in {} points at {igw_id}, which is deleted or detached from {}: traffic is dropped. Attach it{}, or if it was deleted, replace the route.",
                                rt.id,
                                subnet.vpc_id,
                                if replace.is_empty() {
                                    String::new()
                                } else {
                                    format!(" ({replace})")
                                }
                            ),
                            fix: self.fix(&Fix::AttachInternetGateway {
                                igw_id: igw_id.to_owned(),
                                vpc_id: subnet.vpc_id.clone(),
                            }),
                            remedies: Vec::new(),
                        },
                    );
                }
                Some(_) => {}
            }
        }
        if subnet.cidr.is_none() {
            return PathBuild::no_route(
                None,
                path,
                Finding {
                    code: FindingCode::NoDefaultRoute,
                    severity: Severity::Error,
                    resource: subnet.id.clone(),
                    message: format!(
                        "{} is IPv6-only: it has no IPv4 address to send to {igw_id}.",
                        subnet.id
                    ),
                    fix: None,
                    remedies: Vec::new(),
                },
            );
        }
        if self.assign_public_ip == super::AssignPublicIp::Disabled {
            return self.igw_without_public_ip(subnet, rt, igw_id, &dest, path);
        }
        let mut b = PathBuild::new(Some(AccessType::InternetGateway), path);
        self.bpa_check(&mut b, subnet, Traffic::InternetGateway);
        self.public_checks(&mut b, vf, subnet, &self.service_peer(service));
        b
    }

    /// An internet-gateway route for a task without a public IP: a path
    /// that drops everything.
    fn igw_without_public_ip(
        &self,
        subnet: &Subnet,
        rt: &RouteTable,
        igw_id: &str,
        dest: &str,
        path: Vec<String>,
    ) -> PathBuild {
        // The task needs a route to a NAT gateway. Re-pointing this table's
        // route would also cut off the other subnets that use it (public
        // ones, and NAT gateways whose own way out it is): the subnet gets a
        // table of its own unless it is the table's only user.
        // Every route to the gateway goes (a /1 pair is two).
        let mut dests =
            super::remedies::routes_to(rt, &RouteTarget::InternetGateway(igw_id.to_owned()));
        if dests.is_empty() {
            dests.push(dest.to_owned());
        }
        let steps: Vec<Fix> = match self.nat_steps(subnet) {
            Some((mut steps, nat)) => {
                if self.shared_beyond(rt, &[subnet.id.as_str()]) {
                    steps.extend(self.own_route_table(
                        subnet,
                        rt,
                        &dests,
                        RouteTo::NatGateway(nat),
                    ));
                } else {
                    for d in dests {
                        steps.push(Fix::Route {
                            route_table_id: rt.id.clone(),
                            destination: d,
                            to: RouteTo::NatGateway(nat.clone()),
                            replace: true,
                        });
                    }
                }
                steps
            }
            None => vec![Fix::Comment(
                "deploy the runner with the AssignPublicIp parameter set to true, or give the VPC a public subnet with a NAT gateway".to_owned(),
            )],
        };
        let fix = self.fixes(&steps);
        PathBuild::fail(
            Some(AccessType::InternetGateway),
            path,
            FailureCode::NoPublicIp,
            Finding {
                code: FindingCode::IgwWithoutPublicIp,
                severity: Severity::Error,
                resource: subnet.id.clone(),
                message: format!(
                    "{} routes {dest} to internet gateway {igw_id}, but the task gets no public IP (AssignPublicIp is false): it has no outbound connectivity at all and the runner fails to start. Set AssignPublicIp to true (--assign-public-ip true), or route through a NAT gateway.",
                    subnet.id
                ),
                fix,
                remedies: Vec::new(),
            },
        )
    }

    /// Several routes share the service's addresses: one verdict, the route
    /// carrying most of the traffic as the path, and the others named.
    pub(super) fn combine(
        &self,
        rt: &RouteTable,
        service: &Service,
        mut groups: Vec<(&Route, PathBuild)>,
        basis: Basis,
    ) -> PathBuild {
        if let Some(widest) = (0..groups.len()).min_by_key(|i| width(groups[*i].0)) {
            groups.swap(0, widest);
        }
        self.combine_with_primary(rt, service, groups, basis)
    }

    /// [`Self::combine`] with the first group as the one carrying most of
    /// the traffic.
    pub(super) fn combine_with_primary(
        &self,
        rt: &RouteTable,
        service: &Service,
        groups: Vec<(&Route, PathBuild)>,
        basis: Basis,
    ) -> PathBuild {
        let primary = 0;
        if groups.len() == 1 {
            return groups
                .into_iter()
                .next()
                .map(|(_, b)| b)
                .expect("one group");
        }
        let Some((_, first)) = groups.first() else {
            return PathBuild::unknown(Finding {
                code: FindingCode::TransitUnverified,
                severity: Severity::Warning,
                resource: rt.id.clone(),
                message: format!("No route of {} could be followed.", rt.id),
                fix: None,
                remedies: Vec::new(),
            });
        };
        let mut out = first.clone();
        let all = |v: Reachability| groups.iter().all(|(_, b)| b.reachable == v);
        out.reachable = if all(Reachable) {
            Reachable
        } else if all(Unreachable) {
            Unreachable
        } else {
            // Some addresses work and others do not, or cannot be seen.
            Unknown
        };
        let host = service.host_template(&self.region);
        let (pr, pb) = (&groups[primary].0, &groups[primary].1);
        for (i, (r, b)) in groups.iter().enumerate() {
            if i == primary {
                continue;
            }
            for f in &b.findings {
                out.push(f.clone());
            }
            if b.reachable == pb.reachable && b.access == pb.access {
                continue;
            }
            let outcome = match (b.reachable, b.access) {
                (Reachable, Some(a)) => format!("works through {a}"),
                (Reachable, None) => "works".to_owned(),
                (Unreachable, _) => "is dropped".to_owned(),
                (Unknown, _) => "cannot be verified".to_owned(),
            };
            let (verb, advice) = match basis {
                Basis::Published => (
                    "takes some",
                    format!(
                        "Give {} the same target as {}, or narrow it so it does not overlap the service's ranges.",
                        destination_text(r),
                        destination_text(pr)
                    ),
                ),
                Basis::PublicSpace => (
                    "may take some",
                    "Give --ip-ranges ip-ranges.json (AWS's published ranges) to decide whether it does.".to_owned(),
                ),
            };
            out.push(Finding {
                code: FindingCode::RouteCapturesService,
                severity: Severity::Warning,
                resource: rt.id.clone(),
                message: format!(
                    "In {}, the route for {} (to {}) {verb} of the AWS services' {} (such as {host}'s): that traffic {outcome}, while the rest follows {} (to {}). {advice}",
                    rt.id,
                    destination_text(r),
                    target_id(&r.target),
                    peer_words(&self.service_peer(service)).trim_start_matches("the service's "),
                    destination_text(pr),
                    target_id(&pr.target),
                ),
                fix: match basis {
                    Basis::Published => None,
                    Basis::PublicSpace => self.comment(
                        format!("{}; then: netready validate --ip-ranges ip-ranges.json …", super::input::IP_RANGES_DOWNLOAD),
                    ),
                }, remedies: Vec::new(), });
        }
        if out.reachable != Unreachable {
            out.failure = None;
        } else {
            out.failure = pb.failure.or(Some(FailureCode::NoRoute));
        }
        out
    }
}
