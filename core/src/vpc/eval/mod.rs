//! The evaluation: each task subnet × each catalog entry of the profile,
//! following the traffic as AWS routes it.
//!
//! Order of decisions for one path (the module of each step in brackets):
//! 1. DNS ([`dns`]): `enableDnsSupport` off with AmazonProvidedDNS → nothing
//!    resolves. Unknown DNS attributes make the verdict unknown, never
//!    hiding a failure the rest decides (unknown ∧ unreachable =
//!    unreachable).
//! 2. An interface endpoint of this region whose private DNS takes the name
//!    (private DNS on, available, both DNS attributes on, AmazonProvidedDNS,
//!    a record type the task can use, not inbound-resolver-only) →
//!    `vpc_endpoint` ([`endpoints`]), decided per endpoint address: the
//!    route from the task to the endpoint's subnet and back (a route more
//!    specific than `local` through an appliance makes it unknown), security
//!    groups ([`sg`]) and network ACLs ([`acl`]) on every endpoint subnet;
//!    reachable if one address works.
//! 3. Otherwise the service's public addresses, routed by longest prefix
//!    ([`route`]) over every route of the subnet's table: a gateway
//!    endpoint's prefix-list route (`gateway_endpoint`), a NAT gateway
//!    ([`nat`]: public, or private and then whatever its subnet routes to),
//!    an internet gateway (only with a public IP), a transit target
//!    (unknown), a blackhole, or nothing ([`public`]). When several routes
//!    share the service's addresses, each is followed: the verdict is
//!    reachable only if all are, unreachable only if none is, else unknown,
//!    with a finding naming the route. `--ip-ranges` (AWS's published
//!    ranges) decides which routes take the service's addresses; without
//!    it any route into public space counts.
//! 4. VPC Block Public Access ([`bpa`]) on every hop through an internet
//!    gateway or egress-only gateway, the NAT gateway's included.
//!
//! Every check is three-valued ([`Reachability`]) and every unknown carries
//! a finding saying what could not be seen and what would settle it.

mod acl;
mod bpa;
mod cost;
mod dns;
mod endpoints;
mod findings;
mod footprint;
mod nat;
mod policy;
mod public;
mod remedies;
mod route;
mod sg;

use super::index::{self, IdIndex, Lookup};
use super::model::*;
use super::{AssignPublicIp, InputError, ValidateOptions, input};
use crate::catalog::{self, Region, Service, ServiceName};
use crate::commands::{EndpointPlacement, FixFormat};
use crate::net::Cidr;
use crate::report::{
    AccessType, FailureCode, Finding, PathReport, PolicyVerdict, Reachability, Report, ReportKind,
    Status, SubnetReport,
};
use crate::rules::overall_status;
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::RefCell;

pub(crate) use findings::dangling_finding;
pub(crate) use remedies::var_for;

use Reachability::{Reachable, Unknown, Unreachable};

/// Three-valued conjunction: unreachable wins over unknown.
fn and(a: Reachability, b: Reachability) -> Reachability {
    match (a, b) {
        (Unreachable, _) | (_, Unreachable) => Unreachable,
        (Unknown, _) | (_, Unknown) => Unknown,
        _ => Reachable,
    }
}

/// Three-valued disjunction: reachable wins over unknown.
fn or(a: Reachability, b: Reachability) -> Reachability {
    match (a, b) {
        (Reachable, _) | (_, Reachable) => Reachable,
        (Unknown, _) | (_, Unknown) => Unknown,
        _ => Unreachable,
    }
}

/// The indexes the evaluation looks things up in, built once.
struct Ctx<'a> {
    input: &'a VpcInput,
    region: Region,
    format: FixFormat,
    assign_public_ip: AssignPublicIp,
    account: Option<crate::catalog::AccountId>,
    subnets: Lookup<'a, Subnet>,
    rtb_by_subnet: Lookup<'a, RouteTable>,
    main_rtb: Lookup<'a, RouteTable>,
    acl_by_subnet: Lookup<'a, NetworkAcl>,
    sgs: Lookup<'a, SecurityGroup>,
    nats: Lookup<'a, NatGateway>,
    igws: Lookup<'a, InternetGateway>,
    vpcs: Lookup<'a, Vpc>,
    dhcp: Lookup<'a, DhcpOptions>,
    prefix_lists: Lookup<'a, PrefixList>,
    /// Route tables as route selection sees them, in input order, and the
    /// position of each by id.
    tables: Vec<route::Table<'a>>,
    table_ix: IdIndex<'a>,
    /// Every endpoint whose service name parses, in input order, with what
    /// its paths need resolved once.
    endpoints: Vec<Endpoint<'a>>,
    clean_legs: RefCell<CleanLegs>,
    /// The subnets the task may run in (a fix never builds on one: another
    /// fix may re-route it).
    task_subnet_ids: Vec<String>,
    /// Every fix rendered so far, with the change behind it.
    registry: RefCell<Vec<remedies::Registered>>,
    /// The route table of each subnet of the input, by position.
    rt_of_subnet: Vec<Option<&'a RouteTable>>,
    /// How many subnets of the input use each route table, by the table's
    /// position in `tables` (computed on first use, for the fixes).
    table_users: core::cell::OnceCell<Vec<u32>>,
    /// The subnets a new NAT gateway can go in, by id (computed on first
    /// use, for the fixes).
    public_subnets: core::cell::OnceCell<Vec<&'a Subnet>>,
    /// Whether each subnet of the input, by position, is among
    /// `public_subnets` (computed on first use, for the fixes).
    public_flags: core::cell::OnceCell<Vec<bool>>,
    /// The finding of each NAT gateway without a way out, by (NAT gateway,
    /// destination): the same for every path through it.
    nat_findings: RefCell<Vec<((String, String), Finding)>>,
    /// What [`Ctx::nat_steps`] answered, by VPC and AZ (and the subnet
    /// when a NAT gateway could go in it): a handful of keys.
    nat_steps_of: RefCell<Vec<(String, Option<NatSteps>)>>,
    /// The service's public addresses per destination, and the routes that
    /// carry them per route table (computed on first use).
    public: public::Destinations<'a>,
}

/// The steps that give a subnet a NAT path, and the NAT gateway they use.
type NatSteps = (Vec<crate::commands::Fix>, String);

/// A VPC endpoint, its catalog service and its security groups and subnets
/// looked up once (every path through it needs them).
struct Endpoint<'a> {
    ep: &'a VpcEndpoint,
    /// Whether its path works from every task subnet of its VPC (asked
    /// before a fix hands it a name; computed on first use).
    works_everywhere: core::cell::OnceCell<bool>,
    /// Its policy, read and evaluated for the runner's calls on first use.
    policy: core::cell::OnceCell<Result<crate::policy::Check, crate::policy::PolicyError>>,
    /// The service id of its service name (`logs`, `ecr.api`, …).
    service_id: String,
    /// The region whose names it answers (its service's region), when the
    /// name holds one.
    serves_region: Option<String>,
    /// Its security groups, or why they are unknown.
    sgs: Result<Vec<&'a SecurityGroup>, Finding>,
    group_ids: Vec<&'a str>,
    /// Its subnets (interface endpoints), each with its ACL when known.
    subnets: Vec<(&'a str, Option<&'a Subnet>, Option<&'a NetworkAcl>)>,
    /// The same number for endpoints with the same security groups.
    sg_class: u32,
    /// Its route tables (gateway endpoints).
    route_tables: IdIndex<'a>,
}

/// The legs (task subnet → one endpoint subnet) of the task subnet being
/// evaluated that were found open without a finding, by endpoint subnet and
/// [`Endpoint::sg_class`]: such a leg is the same for every endpoint in
/// those subnets with those groups (usually all of them), so each is
/// checked once per task subnet, not once per service. A leg with any
/// finding is always recomputed (its messages name the endpoint).
#[derive(Default)]
struct CleanLegs {
    task_subnet: Option<*const Subnet>,
    legs: Vec<(*const Subnet, u32)>,
}

impl CleanLegs {
    fn contains(&self, task_subnet: *const Subnet, leg: (*const Subnet, u32)) -> bool {
        self.task_subnet == Some(task_subnet) && self.legs.contains(&leg)
    }

    fn insert(&mut self, task_subnet: *const Subnet, leg: (*const Subnet, u32)) {
        if self.task_subnet != Some(task_subnet) {
            self.task_subnet = Some(task_subnet);
            self.legs.clear();
        }
        self.legs.push(leg);
    }
}

/// Per-VPC facts shared by all its subnets' paths.
struct VpcFacts<'a, 'c> {
    vpc_id: &'a str,
    dns_support: Option<VpcResolver>,
    dns_hostnames: Option<DnsHostnames>,
    resolver: dns::Resolver,
    /// The task's security groups, or why they are unknown.
    task_sgs: Result<Vec<&'a SecurityGroup>, Finding>,
    /// Their ids (empty when unknown).
    task_group_ids: Vec<&'a str>,
    /// For each service of the profile, the VPC's endpoints for it, in
    /// input order (those of other regions included: the path says why
    /// they do not count).
    endpoints: Vec<(&'static Service, Vec<&'c Endpoint<'a>>)>,
    /// The plain endpoint-missing finding of each service, once built.
    missing: RefCell<Vec<(*const Service, Finding)>>,
    /// Where a missing interface endpoint should go.
    placement: EndpointPlacement,
}

impl<'a, 'c> VpcFacts<'a, 'c> {
    /// The VPC's endpoints of `kind` for `service`, in input order, every
    /// region's.
    fn endpoints_for(
        &self,
        service: &Service,
        kind: VpcEndpointKind,
    ) -> impl Iterator<Item = &'c Endpoint<'a>> + '_ {
        let service: *const Service = service;
        self.endpoints
            .iter()
            .filter(move |(s, _)| core::ptr::eq(*s, service))
            .flat_map(|(_, eps)| eps.iter().copied())
            .filter(move |e| e.ep.kind == kind)
    }
}

/// One path being built.
#[derive(Debug, Clone)]
struct PathBuild {
    access: Option<AccessType>,
    reachable: Reachability,
    failure: Option<FailureCode>,
    path: Vec<String>,
    findings: Vec<Finding>,
    policy: Option<PolicyVerdict>,
}

impl PathBuild {
    fn new(access: Option<AccessType>, path: Vec<String>) -> Self {
        PathBuild {
            access,
            reachable: Reachable,
            failure: None,
            path,
            findings: Vec::new(),
            policy: None,
        }
    }
    fn unknown(finding: Finding) -> Self {
        PathBuild {
            access: None,
            reachable: Unknown,
            failure: None,
            path: Vec::new(),
            findings: vec![finding],
            policy: None,
        }
    }
    /// A path that has nowhere to go (`no_route`), with the finding saying why.
    fn no_route(access: Option<AccessType>, path: Vec<String>, finding: Finding) -> Self {
        Self::fail(access, path, FailureCode::NoRoute, finding)
    }
    /// An unknown verdict part-way along a known path.
    fn unknown_on(access: Option<AccessType>, path: Vec<String>, finding: Finding) -> Self {
        PathBuild {
            access,
            path,
            ..Self::unknown(finding)
        }
    }
    fn fail(
        access: Option<AccessType>,
        path: Vec<String>,
        failure: FailureCode,
        finding: Finding,
    ) -> Self {
        PathBuild {
            access,
            reachable: Unreachable,
            failure: Some(failure),
            path,
            findings: vec![finding],
            policy: None,
        }
    }
    fn push(&mut self, f: Finding) {
        if !self
            .findings
            .iter()
            .any(|g| g.code == f.code && g.resource == f.resource && g.fix == f.fix)
        {
            self.findings.push(f);
        }
    }
    /// Folds one check in; a blocking check adds its finding, an unknown
    /// one the finding that explains it.
    fn check(
        &mut self,
        verdict: Reachability,
        on_block: impl FnOnce() -> Finding,
        on_unknown: impl FnOnce() -> Option<Finding>,
    ) {
        match verdict {
            Reachable => {}
            Unreachable => {
                self.push(on_block());
                self.failure.get_or_insert(FailureCode::Blocked);
            }
            Unknown => {
                if let Some(f) = on_unknown() {
                    self.push(f);
                }
            }
        }
        self.reachable = and(self.reachable, verdict);
    }
    /// Folds an unknown that lies outside the path's own checks (a missing
    /// document) in: it cannot hide a failure the path already has.
    fn unknown_because(&mut self, finding: Finding) {
        self.check(Unknown, || finding.clone(), || Some(finding.clone()));
    }
    fn finish(mut self, service: &Service, host: &str) -> PathReport {
        if self.reachable != Unreachable {
            self.failure = None;
        }
        PathReport {
            service: service.id.to_owned(),
            host: host.to_owned(),
            access_type: self.access,
            address_class: crate::report::AnswerClass::predicted(self.access),
            reachable: self.reachable,
            failure: self.failure,
            path: self.path,
            policy: self.policy,
            findings: self.findings,
        }
    }
}

impl<'a> Ctx<'a> {
    fn new(input: &'a VpcInput, region: Region, options: &ValidateOptions) -> Self {
        let route_tables = &input.route_tables.items[..];
        let prefix_lists = Lookup::by_key(&input.prefix_lists.items, |p| &p.id);
        let entries = |pl: &str| -> Option<&'a [Cidr]> {
            prefix_lists.get(pl).and_then(|p| p.entries.as_deref())
        };
        let tables: Vec<route::Table<'a>> = route_tables
            .iter()
            .map(|rt| route::Table::new(rt, entries))
            .collect();
        let mut table_ix = IdIndex::with_capacity(route_tables.len());
        for (i, rt) in route_tables.iter().enumerate() {
            table_ix.insert_first(&rt.id, i as u32);
        }
        let public = public::Destinations::new(input, &region, tables.len());
        let mut ctx = Ctx {
            input,
            region,
            format: options.fix_format,
            assign_public_ip: options.assign_public_ip,
            account: options.account.clone(),
            subnets: Lookup::by_key(&input.subnets.items, |s| &s.id),
            rtb_by_subnet: Lookup::by_keys(route_tables, |rt| {
                rt.subnet_ids.iter().map(String::as_str)
            }),
            main_rtb: Lookup::by_keys(route_tables, |rt| rt.main.then_some(rt.vpc_id.as_str())),
            acl_by_subnet: Lookup::by_keys(&input.network_acls.items, |acl| {
                acl.subnet_ids.iter().map(String::as_str)
            }),
            sgs: Lookup::by_key(&input.security_groups.items, |g| &g.id),
            nats: Lookup::by_key(&input.nat_gateways.items, |n| &n.id),
            igws: Lookup::by_key(&input.internet_gateways.items, |i| &i.id),
            vpcs: Lookup::by_key(&input.vpcs.items, |v| &v.id),
            dhcp: Lookup::by_key(&input.dhcp_options.items, |d| &d.id),
            prefix_lists,
            tables,
            table_ix,
            endpoints: Vec::new(),
            clean_legs: RefCell::default(),
            rt_of_subnet: Vec::new(),
            table_users: core::cell::OnceCell::new(),
            public_subnets: core::cell::OnceCell::new(),
            public_flags: core::cell::OnceCell::new(),
            nat_findings: RefCell::default(),
            nat_steps_of: RefCell::default(),
            registry: RefCell::default(),
            task_subnet_ids: Vec::new(),
            public,
        };
        ctx.rt_of_subnet = input
            .subnets
            .items
            .iter()
            .map(|s| ctx.lookup_route_table(s))
            .collect();
        ctx.endpoints = input
            .endpoints
            .items
            .iter()
            .filter_map(|ep| {
                let name = ep.service_name.parse::<ServiceName>().ok()?;
                Some(ctx.endpoint(ep, &name))
            })
            .collect();
        // Number the distinct lists of security group ids (length-prefixed,
        // so no id can run into the next).
        let keys: Vec<String> = ctx
            .endpoints
            .iter()
            .map(|e| {
                let mut k = String::new();
                for id in &e.ep.security_group_ids {
                    k.push_str(&format!("{}:{id}", id.len()));
                }
                k
            })
            .collect();
        let mut classes = IdIndex::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            classes.insert_first(k, i as u32);
        }
        for (e, k) in ctx.endpoints.iter_mut().zip(&keys) {
            e.sg_class = classes.get(k).expect("every key was inserted above");
        }
        ctx
    }

    fn endpoint(&self, ep: &'a VpcEndpoint, name: &ServiceName) -> Endpoint<'a> {
        let sgs = if !self.input.security_groups.given {
            Err(self.missing("SecurityGroups"))
        } else {
            let mut v = Vec::new();
            let mut missing = None;
            for id in &ep.security_group_ids {
                match self.sgs.get(id) {
                    Some(g) => v.push(g),
                    None => {
                        missing = Some(dangling_finding(
                            id,
                            &ep.id,
                            &format!(
                                "aws ec2 describe-security-groups --region {} --group-ids {id}",
                                self.region
                            ),
                        ))
                    }
                }
            }
            match missing {
                Some(f) if v.is_empty() => Err(f),
                _ => Ok(v),
            }
        };
        // `ServiceRegion` is printed for cross-region endpoints; otherwise
        // the service name's region is the service's.
        let serves_region = ep.service_region.clone().or_else(|| match name {
            ServiceName::Regional { region, .. } | ServiceName::EndpointService { region, .. } => {
                Some(region.name().to_owned())
            }
            ServiceName::Global { .. } => None,
        });
        Endpoint {
            ep,
            policy: core::cell::OnceCell::new(),
            works_everywhere: core::cell::OnceCell::new(),
            service_id: name.service_id().to_owned(),
            serves_region,
            sgs,
            group_ids: ep.security_group_ids.iter().map(String::as_str).collect(),
            subnets: ep
                .subnet_ids
                .iter()
                .map(|id| (id.as_str(), self.subnets.get(id), self.acl_of(id)))
                .collect(),
            sg_class: 0,
            route_tables: {
                let mut ix = IdIndex::with_capacity(ep.route_table_ids.len());
                for id in &ep.route_table_ids {
                    ix.insert_first(id, 0);
                }
                ix
            },
        }
    }

    /// The position of `subnet` in the input's list, when it is one of its
    /// elements (found from its address, without hashing).
    fn subnet_position(&self, subnet: &Subnet) -> Option<usize> {
        let items = &self.input.subnets.items;
        let at = (subnet as *const Subnet as usize).wrapping_sub(items.as_ptr() as usize)
            / core::mem::size_of::<Subnet>().max(1);
        items
            .get(at)
            .is_some_and(|x| core::ptr::eq(x, subnet))
            .then_some(at)
    }

    fn route_table_of(&self, subnet: &Subnet) -> Option<&'a RouteTable> {
        // Every subnet the evaluation holds is an element of the input's
        // list: its answer was computed once, at its position.
        if let Some(at) = self.subnet_position(subnet) {
            return self.rt_of_subnet.get(at).copied().flatten();
        }
        self.lookup_route_table(subnet)
    }

    /// The route table of a subnet: its explicit association, else its
    /// VPC's main table.
    fn lookup_route_table(&self, subnet: &Subnet) -> Option<&'a RouteTable> {
        self.rtb_by_subnet
            .get(&subnet.id)
            .or_else(|| self.main_rtb.get(&subnet.vpc_id))
    }

    /// The route table as route selection sees it, and its position.
    fn table(&self, rt: &RouteTable) -> (usize, &route::Table<'a>) {
        // Every table the evaluation holds is an element of the input's
        // list: its position follows from its address, without hashing.
        let items = &self.input.route_tables.items;
        let at = (rt as *const RouteTable as usize).wrapping_sub(items.as_ptr() as usize)
            / core::mem::size_of::<RouteTable>().max(1);
        if items.get(at).is_some_and(|x| core::ptr::eq(x, rt)) {
            return (at, &self.tables[at]);
        }
        let i = self
            .table_ix
            .get(&rt.id)
            .expect("every route table of the input is indexed") as usize;
        (i, &self.tables[i])
    }

    /// The entries of a prefix list, when given.
    fn entries(&self, pl: &str) -> Option<&'a [Cidr]> {
        self.prefix_lists.get(pl).and_then(|p| p.entries.as_deref())
    }

    /// An available public NAT gateway in the VPC, preferring the AZ, then
    /// the lowest id (a stable choice whatever the input order).
    fn usable_nat(&self, vpc_id: &str, az: Option<&str>) -> Option<&'a NatGateway> {
        let mut best: Option<(bool, &'a NatGateway)> = None;
        for n in &self.input.nat_gateways.items {
            let Some(s) = self.subnets.get(&n.subnet_id) else {
                continue;
            };
            if n.state != NatState::Available
                || n.connectivity != NatConnectivity::Public
                || s.vpc_id != vpc_id
            {
                continue;
            }
            let key = (s.availability_zone.as_deref() != az, n);
            if best.is_none_or(|(far, b)| (key.0, &key.1.id) < (far, &b.id)) {
                best = Some(key);
            }
        }
        best.map(|(_, n)| n)
    }

    /// The internet gateway attached to the VPC (the lowest id if several).
    fn attached_igw(&self, vpc_id: &str) -> Option<&'a InternetGateway> {
        lowest_id(
            self.input
                .internet_gateways
                .items
                .iter()
                .filter(|i| i.attached_vpc_ids.iter().any(|v| v == vpc_id)),
            |i| &i.id,
        )
    }

    fn vpc_facts<'c>(
        &'c self,
        vpc_id: &'a str,
        options: &ValidateOptions,
        task_subnets: &[&'a Subnet],
        services: &[&'static Service],
    ) -> VpcFacts<'a, 'c> {
        let attrs = self.input.dns_attributes.get(vpc_id);
        let task_sgs = if !self.input.security_groups.given {
            Err(self.missing("SecurityGroups"))
        } else if options.security_groups.is_empty() {
            match lowest_id(
                self.input
                    .security_groups
                    .items
                    .iter()
                    .filter(|g| g.name == "default" && g.vpc_id.as_deref() == Some(vpc_id)),
                |g| &g.id,
            ) {
                Some(g) => Ok(vec![g]),
                None => Err(dangling_finding(
                    &format!("default security group of {vpc_id}"),
                    "the task (no --security-group given, so ECS uses the VPC's default group)",
                    &format!(
                        "aws ec2 describe-security-groups --region {} --filters Name=vpc-id,Values={vpc_id} Name=group-name,Values=default",
                        self.region
                    ),
                )),
            }
        } else {
            Ok(options
                .security_groups
                .iter()
                .filter_map(|id| self.sgs.get(id))
                .collect())
        };
        let mut azs = IdIndex::with_capacity(4);
        let mut rtbs = IdIndex::with_capacity(16);
        let mut subnet_ids = Vec::new();
        let mut route_table_ids = Vec::new();
        for s in task_subnets.iter().filter(|s| s.vpc_id == vpc_id) {
            let az = s.availability_zone.as_deref().unwrap_or(&s.id);
            if azs.get(az).is_none() {
                azs.insert_first(az, 0);
                subnet_ids.push(s.id.clone());
            }
            if let Some(rt) = self.route_table_of(s)
                && rtbs.get(&rt.id).is_none()
            {
                rtbs.insert_first(&rt.id, 0);
                route_table_ids.push(rt.id.clone());
            }
        }
        let security_group_ids = match &task_sgs {
            Ok(g) => g.iter().map(|g| g.id.clone()).collect(),
            Err(_) => options.security_groups.clone(),
        };
        let task_group_ids = match &task_sgs {
            Ok(g) => g.iter().map(|g| g.id.as_str()).collect(),
            Err(_) => Vec::new(),
        };
        VpcFacts {
            vpc_id,
            dns_support: attrs.and_then(|a| a.dns_support),
            dns_hostnames: attrs.and_then(|a| a.dns_hostnames),
            resolver: self.resolver_of(vpc_id),
            task_sgs,
            task_group_ids,
            endpoints: services
                .iter()
                .map(|s| {
                    let eps = self
                        .endpoints
                        .iter()
                        .filter(|e| e.ep.vpc_id == vpc_id && e.service_id == s.id)
                        .collect();
                    (*s, eps)
                })
                .collect(),
            missing: RefCell::default(),
            placement: EndpointPlacement {
                vpc_id: Some(vpc_id.to_owned()),
                subnet_ids,
                security_group_ids,
                route_table_ids,
            },
        }
    }

    /// One path: task subnet → service.
    fn path(&self, vf: &VpcFacts<'_, '_>, subnet: &Subnet, service: &Service) -> PathBuild {
        let unknown_dns = match self.dns_step(vf, subnet) {
            dns::Step::Fails(b) => return b,
            dns::Step::Unknown(f) => Some(f),
            dns::Step::Resolves => None,
        };
        let mut b = self.endpoint_or_route_path(vf, subnet, service);
        if let Some(f) = unknown_dns {
            b.unknown_because(f);
        }
        b
    }
}

/// The item with the lowest id (a choice that does not depend on input order).
fn lowest_id<'t, T: 't>(
    items: impl Iterator<Item = &'t T>,
    id: impl Fn(&T) -> &str,
) -> Option<&'t T> {
    items.min_by(|a, b| id(a).cmp(id(b)))
}

/// `items` in increasing order of `id` (each id once; a selection, since
/// there are only a few VPCs and the sort code would weigh on the wasm module).
fn by_id_order<T>(items: &[T], id: impl Fn(&T) -> &str) -> impl Iterator<Item = &T> {
    let mut last: Option<&str> = None;
    core::iter::from_fn(move || {
        let next = items
            .iter()
            .filter(|t| last.is_none_or(|l| id(t) > l))
            .min_by(|a, b| id(a).cmp(id(b)))?;
        last = Some(id(next));
        Some(next)
    })
}

/// The region the documents are about: the subnets' (ARN, else AZ name:
/// [`crate::vpc::input::subnet_region`]), else endpoint service names.
pub(crate) fn infer_region(input: &VpcInput) -> Option<Region> {
    // The reader refuses subnets of two regions, so the first subnet that
    // names one names the VPC's.
    if let Some(r) = input
        .subnets
        .items
        .iter()
        .find_map(crate::vpc::input::subnet_region)
        .and_then(|r| Region::parse(&r).ok())
    {
        return Some(r);
    }
    for e in &input.endpoints.items {
        if let Ok(ServiceName::Regional { region, .. }) = e.service_name.parse::<ServiceName>() {
            return Some(region);
        }
    }
    None
}

/// Evaluates a parsed VPC. See the module docs of [`super`].
// Never inlined: core/benches/eval_instructions.sh counts the instructions
// inside this symbol.
#[inline(never)]
pub fn evaluate(input: &VpcInput, options: &ValidateOptions) -> Result<Report, InputError> {
    evaluate_with_plan(input, options).map(|(report, _)| report)
}

/// [`evaluate`], and the recommended fixes of every finding as changes, in
/// order, each once: what [`super::apply()`] applies to the model.
pub fn evaluate_with_plan(
    input: &VpcInput,
    options: &ValidateOptions,
) -> Result<(Report, Vec<crate::commands::Fix>), InputError> {
    let (mut report, plan) = evaluate_once(input, options)?;
    let plan = remedies::keep_what_breaks_nothing(input, options, &mut report, plan)?;
    Ok((report, plan))
}

/// The checks every evaluation of `input` makes before its first path, and
/// the indexes it looks things up in.
fn prepare<'a>(
    input: &'a VpcInput,
    options: &ValidateOptions,
) -> Result<(Ctx<'a>, Region), InputError> {
    let region = match (&options.region, infer_region(input)) {
        (Some(given), Some(theirs)) if *given != theirs => {
            // The fixes would name the wrong region.
            return Err(InputError::MixedRegions {
                first: (
                    alloc::string::ToString::to_string(&theirs),
                    "the subnets given".into(),
                ),
                second: (alloc::string::ToString::to_string(given), "--region".into()),
            });
        }
        (Some(given), _) => given.clone(),
        (None, theirs) => theirs.ok_or(InputError::NoRegion)?,
    };
    if input.subnets.given {
        for id in &options.subnets {
            if !input.subnets.items.iter().any(|s| &s.id == id) {
                return Err(InputError::UnknownSubnet { id: id.clone() });
            }
        }
    }
    if input.security_groups.given {
        for id in &options.security_groups {
            if !input.security_groups.items.iter().any(|s| &s.id == id) {
                return Err(InputError::UnknownSecurityGroup { id: id.clone() });
            }
        }
    }
    let mut ctx = Ctx::new(input, region.clone(), options);
    ctx.task_subnet_ids = if options.subnets.is_empty() {
        input.subnets.items.iter().map(|s| s.id.clone()).collect()
    } else {
        options.subnets.clone()
    };
    // A policy that does not parse is bad input, whichever path needs it.
    for e in &ctx.endpoints {
        if let Err(error) = ctx.policy_check(e) {
            return Err(InputError::Policy {
                endpoint_id: e.ep.id.clone(),
                error: error.clone(),
            });
        }
    }
    Ok((ctx, region))
}

/// The task subnets of an evaluation, in report order.
fn task_subnets<'a>(ctx: &Ctx<'a>, options: &ValidateOptions) -> Vec<&'a Subnet> {
    if options.subnets.is_empty() {
        ctx.input.subnets.items.iter().collect()
    } else {
        options
            .subnets
            .iter()
            .filter_map(|id| ctx.subnets.get(id))
            .collect()
    }
}

/// The VPCs of `task_subnets`, in order of first appearance.
fn vpc_ids_of<'a>(task_subnets: &[&'a Subnet]) -> Vec<&'a str> {
    let mut vpc_ids: Vec<&str> = Vec::new();
    for s in task_subnets {
        if !vpc_ids.contains(&s.vpc_id.as_str()) {
            vpc_ids.push(&s.vpc_id);
        }
    }
    vpc_ids
}

/// The paths of `input` that `wanted` picks (task subnet, its position in
/// the input's list, position of the service in the profile, the service) and that do not work, in report
/// order, as `subnet → host`: what the safety pass of the fixes compares.
/// Evaluates the paths picked and nothing else (no report, no remedies);
/// the same checks as [`evaluate_once`] come first, with the same errors.
/// `pick` is asked once, with the indexes of `input`.
fn failing_paths<P, F>(
    input: &VpcInput,
    options: &ValidateOptions,
    pick: P,
) -> Result<Vec<String>, InputError>
where
    P: FnOnce(&Ctx<'_>) -> F,
    F: Fn(&Subnet, Option<usize>, usize, &Service) -> bool,
{
    let (ctx, region) = prepare(input, options)?;
    let wanted = pick(&ctx);
    let services: Vec<&'static Service> = catalog::services(options.profile).collect();
    let task_subnets = task_subnets(&ctx, options);
    let vpc_ids = vpc_ids_of(&task_subnets);
    let mut facts: Vec<Option<VpcFacts<'_, '_>>> = vpc_ids.iter().map(|_| None).collect();
    let mut out = Vec::new();
    for subnet in &task_subnets {
        let at = ctx.subnet_position(subnet);
        let vi = vpc_ids
            .iter()
            .position(|v| *v == subnet.vpc_id)
            .expect("vpc_ids holds the VPC of every task subnet");
        for (i, s) in services.iter().enumerate() {
            if !wanted(subnet, at, i, s) {
                continue;
            }
            let vf = facts[vi].get_or_insert_with(|| {
                ctx.vpc_facts(vpc_ids[vi], options, &task_subnets, &services)
            });
            if ctx.path(vf, subnet, s).reachable != Reachable {
                out.push(format!("{} → {}", subnet.id, s.host_template(&region)));
            }
        }
    }
    Ok(out)
}

/// One evaluation and its plan, before the plan's changes are checked
/// against the paths that work.
fn evaluate_once(
    input: &VpcInput,
    options: &ValidateOptions,
) -> Result<(Report, Vec<remedies::Planned>), InputError> {
    let (ctx, region) = prepare(input, options)?;
    let mut report = Report::new(ReportKind::Validate, Some(region.name().to_owned()));
    report.profile = Some(options.profile.as_str().to_owned());
    let services: Vec<&'static Service> = catalog::services(options.profile).collect();
    // The same host for every subnet: built once.
    let hosts: Vec<String> = services.iter().map(|s| s.host_template(&region)).collect();
    let mut global: Vec<Finding> = Vec::new();

    // Documents that were not given at all.
    for key in [
        "Subnets",
        "RouteTables",
        "VpcEndpoints",
        "SecurityGroups",
        "NetworkAcls",
    ] {
        let given = match key {
            "Subnets" => input.subnets.given,
            "RouteTables" => input.route_tables.given,
            "VpcEndpoints" => input.endpoints.given,
            "SecurityGroups" => input.security_groups.given,
            _ => input.network_acls.given,
        };
        if !given {
            global.push(ctx.missing(key));
        }
    }
    global.extend(ctx.bpa_assumption());
    global.extend(ctx.public.assumption(&ctx));

    let task_subnets = task_subnets(&ctx, options);

    if !input.subnets.given {
        // Nothing is known about the subnets: every verdict is unknown.
        for id in &options.subnets {
            report.subnets.push(SubnetReport {
                subnet_id: id.clone(),
                availability_zone: None,
                status: Status::Unknown,
                endpoints: services
                    .iter()
                    .zip(&hosts)
                    .map(|(s, host)| PathBuild::unknown(ctx.missing("Subnets")).finish(s, host))
                    .collect(),
            });
        }
    }

    let vpc_ids = vpc_ids_of(&task_subnets);
    let facts: Vec<VpcFacts<'_, '_>> = vpc_ids
        .iter()
        .map(|v| ctx.vpc_facts(v, options, &task_subnets, &services))
        .collect();
    let facts_of = |vpc_id: &str| {
        let i = vpc_ids
            .iter()
            .position(|v| *v == vpc_id)
            .expect("vpc_ids holds the VPC of every task subnet");
        &facts[i]
    };
    // In VPC id order, as the report always listed them.
    for vf in by_id_order(&facts, |f| f.vpc_id) {
        global.extend(ctx.dns_global_findings(vf));
        if let Err(f) = &vf.task_sgs {
            global.push(f.clone());
        }
    }

    for subnet in &task_subnets {
        let vf = facts_of(&subnet.vpc_id);
        let endpoints: Vec<PathReport> = services
            .iter()
            .zip(&hosts)
            .map(|(s, host)| ctx.path(vf, subnet, s).finish(s, host))
            .collect();
        let status = overall_status(endpoints.iter().map(|e| e.reachable));
        report.subnets.push(SubnetReport {
            subnet_id: subnet.id.clone(),
            availability_zone: subnet.availability_zone.clone(),
            status,
            endpoints,
        });
    }

    // Report-level findings: the global ones, then every path's, without
    // repeats (keeping the most severe).
    let mut all: Vec<Finding> = global;
    all.extend(input.skipped.iter().map(findings::skipped_finding));
    for s in &report.subnets {
        for e in &s.endpoints {
            all.extend(e.findings.iter().cloned());
        }
    }
    report.findings = findings::dedup_by_severity(all);
    let plan = ctx.finish_remedies(&mut report, options.profile);
    report.cost = Some(ctx.cost(options.profile, &task_subnets, &vpc_ids));
    report.status = crate::rules::vpc_status(
        &report.subnets.iter().map(|s| s.status).collect::<Vec<_>>(),
        options.subnet_choice(),
    );
    Ok((report, plan))
}

/// A finding's id list for messages.
fn ids_text(ids: &[String]) -> String {
    ids.join(", ")
}

#[cfg(test)]
mod tests;
