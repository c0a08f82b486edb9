//! The evaluation: each task subnet × each catalog entry of the profile,
//! following the traffic as AWS does.
//!
//! Order of decisions for one path (see the module docs of [`super`] for the
//! guarantees):
//! 1. DNS: `enableDnsSupport` off with AmazonProvidedDNS → nothing resolves.
//! 2. An interface endpoint whose private DNS takes the name (private DNS on,
//!    endpoint available, both DNS attributes on, AmazonProvidedDNS) →
//!    `vpc_endpoint`, decided by security groups (stateful) and network ACLs
//!    (stateless, first match by rule number, not applied inside one subnet)
//!    on every endpoint subnet; reachable if one AZ works.
//! 3. S3 / DynamoDB: a prefix-list route to an available gateway endpoint in
//!    the subnet's route table (explicit association, else the main table)
//!    → `gateway_endpoint`.
//! 4. Otherwise the default route: NAT gateway, internet gateway (only with a
//!    public IP), a transit target (unknown), blackhole, or none.
//!
//! Every check is three-valued ([`Reachability`]): a rule whose CIDR only
//! partly covers the peer, a prefix list whose contents are not given, or a
//! missing document make it unknown rather than a guess.

mod route;

use super::index::{IdIndex, Lookup};
use super::model::*;
use super::{AssignPublicIp, InputError, ValidateOptions};
use crate::catalog::{
    self, Availability, EndpointType, EndpointUse, Profile, Region, Service, ServiceName,
};
use crate::commands::{
    AclDirection, DnsAttribute, EndpointPlacement, Fix, FixFormat, RouteTo, RulePeer,
    create_endpoint, fix_command, shell_quote,
};
use crate::net::{Cidr, Ipv4Cidr, Ipv6Cidr};
use crate::report::{
    AccessType, CostSummary, FailureCode, Finding, FindingCode, PathReport, Reachability, Report,
    ReportKind, Severity, Status, SubnetReport,
};
use crate::rules::{combine_statuses, overall_status};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::net::{Ipv4Addr, Ipv6Addr};

use Reachability::{Reachable as Yes, Unknown as Maybe, Unreachable as No};

/// The ephemeral ports a Fargate (Linux) task's connections come from.
const TASK_EPHEMERAL: PortRange = PortRange {
    from: 32768,
    to: 60999,
};
/// The source ports a NAT gateway uses towards the internet.
const NAT_EPHEMERAL: PortRange = PortRange {
    from: 1024,
    to: 65535,
};
const HTTPS: PortRange = PortRange { from: 443, to: 443 };
/// About $7.20 a month per interface endpoint per AZ (operators' guide).
const CENTS_PER_ENDPOINT_AZ_MONTH: u32 = 720;
/// The same, as text.
const USD_PER_ENDPOINT_AZ_MONTH: &str = "7.20";

/// Dollars from cents without float formatting (which would add ~20 KB of
/// `core::fmt` float code to the browser's wasm module).
fn usd(cents: u32) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn and(a: Reachability, b: Reachability) -> Reachability {
    match (a, b) {
        (No, _) | (_, No) => No,
        (Maybe, _) | (_, Maybe) => Maybe,
        _ => Yes,
    }
}

fn or(a: Reachability, b: Reachability) -> Reachability {
    match (a, b) {
        (Yes, _) | (_, Yes) => Yes,
        (Maybe, _) | (_, Maybe) => Maybe,
        _ => No,
    }
}

/// Who is on the other side of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Peer {
    /// Some address inside this range (a subnet).
    Range(Cidr),
    /// Some public address of an AWS service, IPv4.
    Internet,
}

impl Peer {
    fn cidr_text(&self) -> String {
        match self {
            Peer::Range(c) => c.to_string(),
            Peer::Internet => "0.0.0.0/0".to_owned(),
        }
    }
}

const NON_PUBLIC_V4: [(Ipv4Addr, u8); 7] = [
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(0, 0, 0, 0), 8),
];

/// Whether a rule's CIDR matches the peer: yes, no, or only for some of its
/// addresses (unknown).
fn cidr_matches(rule: &Cidr, peer: &Peer) -> Reachability {
    match peer {
        Peer::Range(r) => {
            if rule.covers(r) {
                Yes
            } else if r.covers(rule) {
                Maybe
            } else {
                No
            }
        }
        Peer::Internet => match rule {
            Cidr::V6(_) => No,
            Cidr::V4(c) if c.prefix_len() == 0 => Yes,
            Cidr::V4(_) => {
                let private = NON_PUBLIC_V4
                    .iter()
                    .any(|(a, l)| Cidr::V4(Ipv4Cidr::new_truncating(*a, *l)).covers(rule));
                if private { No } else { Maybe }
            }
        },
    }
}

fn ports_overlap(a: PortRange, b: PortRange) -> bool {
    a.from <= b.to && b.from <= a.to
}

/// Security groups (stateful): does any rule of `groups` in `dir` admit TCP
/// 443 to/from the peer?
fn sg_allows(
    groups: &[&SecurityGroup],
    dir: Direction,
    peer: &Peer,
    peer_groups: &[&str],
    peer_prefix_list: Option<&str>,
) -> Reachability {
    let mut result = No;
    for g in groups {
        let rules = match dir {
            Direction::Ingress => &g.ingress,
            Direction::Egress => &g.egress,
        };
        for rule in rules {
            let proto = match rule.protocol {
                Protocol::All => true,
                Protocol::Tcp => rule.ports.contains(443),
                Protocol::Other => false,
            };
            if !proto {
                continue;
            }
            if rule
                .group_ids
                .iter()
                .any(|id| peer_groups.contains(&id.as_str()))
            {
                return Yes;
            }
            for c in &rule.cidrs {
                match cidr_matches(c, peer) {
                    Yes => return Yes,
                    Maybe => result = Maybe,
                    No => {}
                }
            }
            for pl in &rule.prefix_list_ids {
                if Some(pl.as_str()) == peer_prefix_list {
                    return Yes;
                }
                // The list's contents are not among the inputs.
                result = Maybe;
            }
        }
    }
    result
}

/// The outcome of a network ACL check and, when it blocks, the rule number
/// below which an allow entry must go.
struct AclOutcome {
    verdict: Reachability,
    blocking_rule: u32,
}

/// A network ACL (stateless, first match by rule number) for TCP to the
/// given ports of the peer in `dir`.
fn acl_allows(acl: &NetworkAcl, dir: Direction, ports: PortRange, peer: &Peer) -> AclOutcome {
    let mut out = AclOutcome {
        verdict: Yes,
        blocking_rule: 32767,
    };
    // Cut the port range into segments on which every entry either applies
    // fully or not at all, walking from one cut to the next (no allocation:
    // this runs for every ACL check of every path; an ACL has at most a few
    // dozen entries, AWS's quota).
    let end = u32::from(ports.to) + 1;
    let mut start = u32::from(ports.from);
    while start < end {
        let mut next = end;
        if ports.from != ports.to {
            for e in &acl.entries {
                if e.direction == dir && e.protocol == Protocol::Tcp {
                    for c in [u32::from(e.ports.from), u32::from(e.ports.to) + 1] {
                        if c > start && c < next {
                            next = c;
                        }
                    }
                }
            }
        }
        let seg = PortRange {
            from: start as u16,
            to: (next - 1) as u16,
        };
        segment(acl, dir, seg, peer, &mut out);
        start = next;
    }
    out
}

/// Folds one port segment, on which every entry applies fully or not at
/// all, into `out`.
fn segment(acl: &NetworkAcl, dir: Direction, seg: PortRange, peer: &Peer, out: &mut AclOutcome) {
    let (mut allow, mut deny) = (false, false);
    let mut decided = false;
    for e in acl.entries.iter().filter(|e| e.direction == dir) {
        let applies = match e.protocol {
            Protocol::All => true,
            Protocol::Tcp => ports_overlap(e.ports, seg),
            Protocol::Other => false,
        };
        if !applies {
            continue;
        }
        let m = cidr_matches(&e.cidr, peer);
        if m == No {
            continue;
        }
        match e.action {
            RuleAction::Allow => allow = true,
            RuleAction::Deny => {
                if !deny {
                    out.blocking_rule = out.blocking_rule.min(e.rule_number);
                }
                deny = true;
            }
        }
        if m == Yes {
            decided = true;
            break;
        }
    }
    if !decided {
        deny = true;
    }
    let seg_verdict = match (allow, deny) {
        (true, false) => Yes,
        (false, _) => No,
        (true, true) => Maybe,
    };
    out.verdict = and(out.verdict, seg_verdict);
}

/// A free rule number below `below` in the ACL's `dir` entries (only asked
/// when an ACL blocks): the highest number not used, stepping down from
/// `below - 1`. No sort: an ACL holds at most a few dozen entries, and a
/// `sort_unstable` of `u32` put the standard library's quicksort (about
/// 4 KB) into the browser page's module for this one call.
fn free_rule_number(acl: &NetworkAcl, dir: Direction, below: u32) -> Option<u32> {
    let used = |n: u32| {
        acl.entries
            .iter()
            .any(|e| e.direction == dir && e.rule_number == n)
    };
    let mut candidate = below.checked_sub(1)?;
    while used(candidate) {
        if candidate <= 1 {
            return None;
        }
        candidate -= 1;
    }
    (candidate >= 1).then_some(candidate)
}

fn missing_doc_finding(key: &str, command: &str) -> Finding {
    Finding {
        code: FindingCode::MissingInput,
        severity: Severity::Warning,
        resource: key.to_owned(),
        message: format!(
            "The {command} output was not given: the verdicts that depend on it are unknown. Add the output of: {command}"
        ),
        fix: Some(format!("{command} > {}.json", key.to_ascii_lowercase())),
    }
}

fn dangling_finding(id: &str, referenced_by: &str, command: &str) -> Finding {
    Finding {
        code: FindingCode::MissingInput,
        severity: Severity::Warning,
        resource: id.to_owned(),
        message: format!(
            "{id} is referenced by {referenced_by} but is not in the input: the verdicts that depend on it are unknown. Describe it with: {command}"
        ),
        fix: Some(command.to_owned()),
    }
}

/// A subnet and its network ACL, looked up once per path (the lookups
/// dominated the evaluation's profile).
struct AclOf<'a> {
    subnet_id: &'a str,
    acl: Option<&'a NetworkAcl>,
}

/// The indexes the evaluation looks things up in, built once.
struct Ctx<'a> {
    input: &'a VpcInput,
    region: Region,
    format: FixFormat,
    assign_public_ip: AssignPublicIp,
    subnets: Lookup<'a, Subnet>,
    rtb_by_subnet: Lookup<'a, RouteTable>,
    main_rtb: Lookup<'a, RouteTable>,
    acl_by_subnet: Lookup<'a, NetworkAcl>,
    sgs: Lookup<'a, SecurityGroup>,
    nats: Lookup<'a, NatGateway>,
    igws: Lookup<'a, InternetGateway>,
    vpcs: Lookup<'a, Vpc>,
    dhcp: Lookup<'a, DhcpOptions>,
    /// Every endpoint whose service name parses, in input order, with what
    /// its paths need resolved once.
    endpoints: Vec<Endpoint<'a>>,
    clean_legs: RefCell<CleanLegs>,
}

/// A VPC endpoint, its catalog service and its security groups and subnets
/// looked up once (every path through it needs them).
struct Endpoint<'a> {
    ep: &'a VpcEndpoint,
    /// The service id of its service name (`logs`, `ecr.api`, …).
    service_id: String,
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

/// How a VPC resolves names.
#[derive(Debug, Clone, PartialEq)]
enum Resolver {
    /// AmazonProvidedDNS (given, or assumed without describe-dhcp-options).
    Amazon,
    /// Custom servers: they see interface endpoints' private zones only if
    /// they forward to the VPC resolver.
    Custom(Vec<String>),
}

/// Per-VPC facts shared by all its subnets' paths.
struct VpcFacts<'a, 'c> {
    vpc_id: &'a str,
    dns_support: Option<Switch>,
    dns_hostnames: Option<Switch>,
    resolver: Resolver,
    /// The task's security groups, or why they are unknown.
    task_sgs: Result<Vec<&'a SecurityGroup>, Finding>,
    /// Their ids (empty when unknown).
    task_group_ids: Vec<&'a str>,
    /// For each service of the profile, the VPC's endpoints for it, in
    /// input order.
    endpoints: Vec<(&'static Service, Vec<&'c Endpoint<'a>>)>,
    /// The plain endpoint-missing finding of each service, once built.
    missing: RefCell<Vec<(*const Service, Finding)>>,
    /// Where a missing interface endpoint should go.
    placement: EndpointPlacement,
}

impl<'a, 'c> VpcFacts<'a, 'c> {
    /// The VPC's endpoints of `kind` for `service`, in input order.
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
struct PathBuild {
    access: Option<AccessType>,
    reachable: Reachability,
    failure: Option<FailureCode>,
    path: Vec<String>,
    findings: Vec<Finding>,
}

impl PathBuild {
    fn new(access: Option<AccessType>, path: Vec<String>) -> Self {
        PathBuild {
            access,
            reachable: Yes,
            failure: None,
            path,
            findings: Vec::new(),
        }
    }
    fn unknown(finding: Finding) -> Self {
        PathBuild {
            access: None,
            reachable: Maybe,
            failure: None,
            path: Vec::new(),
            findings: vec![finding],
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
            reachable: No,
            failure: Some(failure),
            path,
            findings: vec![finding],
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
    /// Folds one check in; a blocking check adds its finding.
    fn check(
        &mut self,
        verdict: Reachability,
        on_block: impl FnOnce() -> Finding,
        on_unknown: impl FnOnce() -> Option<Finding>,
    ) {
        match verdict {
            Yes => {}
            No => {
                self.push(on_block());
                self.failure.get_or_insert(FailureCode::Blocked);
            }
            Maybe => {
                if let Some(f) = on_unknown() {
                    self.push(f);
                }
            }
        }
        self.reachable = and(self.reachable, verdict);
    }
    fn finish(mut self, service: &Service, host: &str) -> PathReport {
        if self.reachable != No {
            self.failure = None;
        }
        PathReport {
            service: service.id.to_owned(),
            host: host.to_owned(),
            access_type: self.access,
            reachable: self.reachable,
            failure: self.failure,
            path: self.path,
            findings: self.findings,
        }
    }
}

impl<'a> Ctx<'a> {
    fn new(input: &'a VpcInput, region: Region, options: &ValidateOptions) -> Self {
        let route_tables = &input.route_tables.items[..];
        let mut ctx = Ctx {
            input,
            region,
            format: options.fix_format,
            assign_public_ip: options.assign_public_ip,
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
            endpoints: Vec::new(),
            clean_legs: RefCell::default(),
        };
        ctx.endpoints = input
            .endpoints
            .items
            .iter()
            .filter_map(|ep| {
                let name = ep.service_name.parse::<ServiceName>().ok()?;
                Some(ctx.endpoint(ep, name.service_id().to_owned()))
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

    fn endpoint(&self, ep: &'a VpcEndpoint, service_id: String) -> Endpoint<'a> {
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
        Endpoint {
            ep,
            service_id,
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

    fn fix(&self, fix: &Fix) -> Option<String> {
        Some(fix_command(self.format, &self.region, fix))
    }

    fn route_table_of(&self, subnet: &Subnet) -> Option<&'a RouteTable> {
        self.rtb_by_subnet
            .get(&subnet.id)
            .or_else(|| self.main_rtb.get(&subnet.vpc_id))
    }

    fn acl_of(&self, subnet_id: &str) -> Option<&'a NetworkAcl> {
        self.acl_by_subnet.get(subnet_id)
    }

    fn acl_at<'s>(&self, subnet_id: &'s str) -> AclOf<'s>
    where
        'a: 's,
    {
        AclOf {
            subnet_id,
            acl: self.acl_of(subnet_id),
        }
    }

    fn missing(&self, key: &str) -> Finding {
        let command = super::input::KNOWN_KEYS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("aws ec2 describe-…", |(_, c)| c);
        missing_doc_finding(key, &format!("{command} --region {}", self.region))
    }

    /// A missing describe-vpc-attribute document of one VPC.
    fn missing_attribute(&self, key: &str, vpc_id: &str) -> Finding {
        let command = super::input::KNOWN_KEYS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("aws ec2 describe-…", |(_, c)| c);
        missing_doc_finding(
            key,
            &format!(
                "{command} --region {} --vpc-id {}",
                self.region,
                shell_quote(vpc_id)
            ),
        )
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
        let resolver = self
            .vpcs
            .get(vpc_id)
            .and_then(|v| v.dhcp_options_id.as_deref())
            .and_then(|d| self.dhcp.get(d))
            .map_or(Resolver::Amazon, |d| {
                let custom: Vec<String> = d
                    .domain_name_servers
                    .iter()
                    .filter(|s| !s.eq_ignore_ascii_case("AmazonProvidedDNS"))
                    .cloned()
                    .collect();
                if custom.is_empty() {
                    Resolver::Amazon
                } else {
                    Resolver::Custom(custom)
                }
            });
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
            resolver,
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

    // ----- checks shared by several paths --------------------------------

    /// The task's security groups let TCP 443 out to `peer`.
    fn task_egress(
        &self,
        b: &mut PathBuild,
        vf: &VpcFacts<'_, '_>,
        peer: &Peer,
        peer_groups: &[&str],
        pl: Option<&str>,
    ) {
        match &vf.task_sgs {
            Err(f) => b.check(Maybe, || f.clone(), || Some(f.clone())),
            Ok(groups) => {
                let verdict = sg_allows(groups, Direction::Egress, peer, peer_groups, pl);
                let group: &str = groups.first().map_or("<sg-id>", |g| g.id.as_str());
                let to = || match peer_groups.first() {
                    Some(g) => RulePeer::Group((*g).to_owned()),
                    None => RulePeer::Cidr(peer.cidr_text()),
                };
                b.check(
                    verdict,
                    || Finding {
                        code: FindingCode::TaskSgEgress443,
                        severity: Severity::Error,
                        resource: group.to_owned(),
                        message: format!(
                            "The task's security group {group} does not allow outbound TCP 443 to {}.",
                            peer_groups.first().map_or_else(|| peer.cidr_text(), |g| (*g).to_owned())
                        ),
                        fix: self.fix(&Fix::AuthorizeEgress443 { group_id: group.to_owned(), to: to() }),
                    },
                    || None,
                );
            }
        }
    }

    /// One network ACL check, with its finding.
    #[allow(clippy::too_many_arguments)]
    fn acl(
        &self,
        b: &mut PathBuild,
        at: &AclOf<'_>,
        dir: Direction,
        ports: PortRange,
        peer: &Peer,
        what: &str,
    ) {
        let subnet_id = at.subnet_id;
        if !self.input.network_acls.given {
            let f = self.missing("NetworkAcls");
            b.check(Maybe, || f.clone(), || Some(f.clone()));
            return;
        }
        let Some(acl) = at.acl else {
            let f = dangling_finding(
                &format!("network ACL of {subnet_id}"),
                "the path",
                &format!(
                    "aws ec2 describe-network-acls --region {} --filters Name=association.subnet-id,Values={subnet_id}",
                    self.region
                ),
            );
            b.check(Maybe, || f.clone(), || Some(f.clone()));
            return;
        };
        let out = acl_allows(acl, dir, ports, peer);
        let code = if ports == HTTPS {
            FindingCode::NaclBlocks443
        } else {
            FindingCode::NaclBlocksReturn
        };
        let direction = match dir {
            Direction::Ingress => AclDirection::Ingress,
            Direction::Egress => AclDirection::Egress,
        };
        // Built only when the ACL blocks: most checks pass.
        let fix = || match free_rule_number(acl, dir, out.blocking_rule) {
            Some(n) => Fix::AllowAclEntry {
                acl_id: acl.id.clone(),
                direction,
                rule_number: n,
                from_port: ports.from,
                to_port: ports.to,
                cidr: peer.cidr_text(),
            },
            None => Fix::Comment(format!(
                "no free rule number below {} in {}: renumber its entries, then allow TCP {}-{} {} {}",
                out.blocking_rule,
                acl.id,
                ports.from,
                ports.to,
                if dir == Direction::Ingress {
                    "from"
                } else {
                    "to"
                },
                peer.cidr_text()
            )),
        };
        b.check(
            out.verdict,
            || Finding {
                code,
                severity: Severity::Error,
                resource: acl.id.clone(),
                message: format!(
                    "Network ACL {} of {subnet_id} blocks {what} (TCP {} {} {}); rule {} decides.",
                    acl.id,
                    if ports.from == ports.to {
                        ports.from.to_string()
                    } else {
                        format!("{}-{}", ports.from, ports.to)
                    },
                    if dir == Direction::Ingress {
                        "in from"
                    } else {
                        "out to"
                    },
                    peer.cidr_text(),
                    if out.blocking_rule == 32767 {
                        "* (the default deny)".to_owned()
                    } else {
                        out.blocking_rule.to_string()
                    },
                ),
                fix: self.fix(&fix()),
            },
            || None,
        );
    }

    /// ACLs of the task subnet towards a public peer: 443 out, return in.
    fn task_acls_public(&self, b: &mut PathBuild, subnet: &Subnet, peer: &Peer) {
        let task_acl = self.acl_at(&subnet.id);
        self.acl(
            b,
            &task_acl,
            Direction::Egress,
            HTTPS,
            peer,
            "outbound HTTPS",
        );
        self.acl(
            b,
            &task_acl,
            Direction::Ingress,
            TASK_EPHEMERAL,
            peer,
            "the return traffic",
        );
    }

    // ----- the paths -----------------------------------------------------

    fn path(&self, vf: &VpcFacts<'_, '_>, subnet: &Subnet, service: &Service) -> PathBuild {
        // 1. DNS.
        let amazon = vf.resolver == Resolver::Amazon;
        match (vf.dns_support, amazon) {
            (Some(Switch::Off), true) => {
                return PathBuild::fail(
                    None,
                    vec![subnet.id.clone()],
                    FailureCode::DnsTimeout,
                    Finding {
                        code: FindingCode::DnsSupportDisabled,
                        severity: Severity::Error,
                        resource: vf.vpc_id.to_owned(),
                        message: format!(
                            "DNS resolution (enableDnsSupport) is off in {}: the VPC resolver answers nothing, so no name resolves.",
                            vf.vpc_id
                        ),
                        fix: self.fix(&Fix::EnableDnsAttribute {
                            vpc_id: vf.vpc_id.to_owned(),
                            attribute: DnsAttribute::Support,
                        }),
                    },
                );
            }
            (None, true) => {
                let mut b =
                    PathBuild::unknown(self.missing_attribute("EnableDnsSupport", vf.vpc_id));
                b.path.push(subnet.id.clone());
                return b;
            }
            _ => {}
        }
        let layer_bucket = service.endpoint_use == EndpointUse::Shared;
        // 2. Interface endpoints (S3's own host may also be served by an S3
        // interface endpoint; ECR's layer bucket must not be).
        let interface_candidate =
            service.endpoint_type == EndpointType::Interface || service.id == "s3";
        if interface_candidate {
            if !self.input.endpoints.given {
                let mut b = self.route_path(vf, subnet, service);
                b.reachable = Maybe;
                b.failure = None;
                b.push(self.missing("VpcEndpoints"));
                return b;
            }
            // The endpoint whose private DNS takes the name, else the first
            // one (whose findings say why it does not).
            let interface = || vf.endpoints_for(service, VpcEndpointKind::Interface);
            if let Some(ep) = interface()
                .find(|e| e.ep.state == EndpointState::Available && e.ep.private_dns == Switch::On)
                .or_else(|| interface().next())
            {
                return self.interface_or_fallback(vf, subnet, service, ep, layer_bucket);
            }
            if service.endpoint_type == EndpointType::Interface {
                let mut b = self.route_path(vf, subnet, service);
                self.endpoint_missing_if_no_path(&mut b, vf, service);
                return b;
            }
        }
        // 3. Gateway endpoints, else the default route.
        self.gateway_path(vf, subnet, service)
    }

    /// A path that fails for want of a route gets the endpoint that would
    /// serve it. Not when the task merely lacks a public IP (the fix is the
    /// public IP), nor when a rule blocks it (the fix is the rule).
    fn endpoint_missing_if_no_path(
        &self,
        b: &mut PathBuild,
        vf: &VpcFacts<'_, '_>,
        service: &Service,
    ) {
        if b.reachable == No
            && b.failure != Some(FailureCode::Blocked)
            && !b
                .findings
                .iter()
                .any(|f| f.code == FindingCode::IgwWithoutPublicIp)
        {
            b.push(self.endpoint_missing(vf, service, Severity::Error, None));
        }
    }

    fn endpoint_missing(
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

    /// Whether the endpoint's private DNS takes the service's name, and the
    /// findings saying why not.
    fn private_dns_takes(
        &self,
        vf: &VpcFacts<'_, '_>,
        ep: &VpcEndpoint,
    ) -> (Reachability, Vec<Finding>) {
        let mut verdict = Yes;
        let mut why = Vec::new();
        if ep.state != EndpointState::Available {
            verdict = No;
            why.push(Finding {
                code: FindingCode::EndpointNotAvailable,
                severity: Severity::Error,
                resource: ep.id.clone(),
                message: format!("Endpoint {} ({}) is not available: it serves no traffic.", ep.id, ep.service_name),
                fix: Some(fix_command(
                    self.format,
                    &self.region,
                    &Fix::Comment(format!(
                        "wait for {} to become available, or accept it / recreate it (aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {})",
                        ep.id, ep.id
                    )),
                )),
            });
        }
        if ep.private_dns == Switch::Off {
            verdict = No;
            why.push(Finding {
                code: FindingCode::EndpointPrivateDnsDisabled,
                severity: Severity::Error,
                resource: ep.id.clone(),
                message: format!(
                    "Endpoint {} ({}) has private DNS disabled: the service's name still resolves to public addresses.",
                    ep.id, ep.service_name
                ),
                fix: self.fix(&Fix::EnableEndpointPrivateDns { endpoint_id: ep.id.clone() }),
            });
        }
        match vf.dns_hostnames {
            Some(Switch::Off) => {
                verdict = No;
                why.push(Finding {
                    code: FindingCode::DnsHostnamesDisabled,
                    severity: Severity::Error,
                    resource: vf.vpc_id.to_owned(),
                    message: format!(
                        "DNS hostnames (enableDnsHostnames) is off in {}: private DNS of interface endpoints does not work.",
                        vf.vpc_id
                    ),
                    fix: self.fix(&Fix::EnableDnsAttribute {
                        vpc_id: vf.vpc_id.to_owned(),
                        attribute: DnsAttribute::Hostnames,
                    }),
                });
            }
            None => {
                if verdict == Yes {
                    verdict = Maybe;
                }
                why.push(self.missing_attribute("EnableDnsHostnames", vf.vpc_id));
            }
            Some(Switch::On) => {}
        }
        if vf.dns_support == Some(Switch::Off) {
            verdict = No;
            why.push(Finding {
                code: FindingCode::DnsSupportDisabled,
                severity: Severity::Error,
                resource: vf.vpc_id.to_owned(),
                message: format!(
                    "DNS resolution (enableDnsSupport) is off in {}: the custom DNS servers cannot forward to the VPC resolver, so interface endpoints' private DNS does not work.",
                    vf.vpc_id
                ),
                fix: self.fix(&Fix::EnableDnsAttribute { vpc_id: vf.vpc_id.to_owned(), attribute: DnsAttribute::Support }),
            });
        }
        if let Resolver::Custom(servers) = &vf.resolver {
            if verdict == Yes {
                verdict = Maybe;
            }
            why.push(self.custom_dns_finding(vf, servers));
        }
        (verdict, why)
    }

    fn custom_dns_finding(&self, vf: &VpcFacts<'_, '_>, servers: &[String]) -> Finding {
        let resolver = self
            .vpcs
            .get(vf.vpc_id)
            .and_then(|v| {
                v.cidrs.iter().find_map(|c| match c {
                    Cidr::V4(c) => {
                        Some(Ipv4Addr::from_bits(c.network().to_bits().wrapping_add(2)).to_string())
                    }
                    Cidr::V6(_) => None,
                })
            })
            .unwrap_or_else(|| "the VPC CIDR base + 2".to_owned());
        Finding {
            code: FindingCode::CustomDnsServers,
            severity: Severity::Warning,
            resource: self
                .vpcs
                .get(vf.vpc_id)
                .and_then(|v| v.dhcp_options_id.clone())
                .unwrap_or_else(|| vf.vpc_id.to_owned()),
            message: format!(
                "{} uses custom DNS servers ({}): they see interface endpoints' private DNS only if they forward amazonaws.com to the VPC resolver ({resolver}); otherwise the names resolve to public addresses. Whether they do is unknown here.",
                vf.vpc_id,
                servers.join(", ")
            ),
            fix: self.fix(&Fix::Comment(format!(
                "make the DNS servers {} forward amazonaws.com (and app.gitpod.io) to {resolver}",
                servers.join(", ")
            ))),
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
        if layer_bucket && takes != No {
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
            Yes => {
                let mut b = self.interface_path(vf, subnet, endpoint);
                if b.reachable == No {
                    // The endpoint's private DNS took the name away from a
                    // path that would work: say so, it is a classic surprise.
                    let fallback = self.route_path_or_gateway(vf, subnet, service);
                    if let (Yes, Some(access)) = (fallback.reachable, fallback.access) {
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
            No => {
                let mut b = self.route_path_or_gateway(vf, subnet, service);
                let severity = if b.reachable == Yes {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                for mut f in why {
                    if f.code != FindingCode::MissingInput {
                        f.severity = severity;
                        if b.reachable == Yes {
                            f.message
                                .push_str(" Traffic takes the route-table path instead.");
                        }
                    }
                    b.push(f);
                }
                b
            }
            Maybe => {
                let ep_path = self.interface_path(vf, subnet, endpoint);
                let fallback = self.route_path_or_gateway(vf, subnet, service);
                let mut b = ep_path;
                if b.reachable != fallback.reachable {
                    b.reachable = Maybe;
                }
                for f in why {
                    b.push(f);
                }
                b
            }
        }
    }

    fn route_path_or_gateway(
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

    fn interface_path(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        endpoint: &Endpoint<'_>,
    ) -> PathBuild {
        let ep = endpoint.ep;
        let mut b = PathBuild::new(
            Some(AccessType::VpcEndpoint),
            vec![subnet.id.clone(), ep.id.clone()],
        );
        let v6_only = subnet.cidr.is_none();
        let task_range = match (subnet.cidr, subnet.ipv6_cidrs.first()) {
            (Some(c), _) => Some(c),
            (None, Some(c)) => Some(*c),
            (None, None) => None,
        };
        if v6_only && ep.ip_type == EndpointIpType::Ipv4 {
            return PathBuild::no_route(
                Some(AccessType::VpcEndpoint),
                b.path,
                Finding {
                    code: FindingCode::EndpointMissing,
                    severity: Severity::Error,
                    resource: ep.id.clone(),
                    message: format!(
                        "{} is IPv6-only and endpoint {} has IPv4 addresses only (IpAddressType ipv4).",
                        subnet.id, ep.id
                    ),
                    fix: self.fix(&Fix::EndpointDualstack {
                        endpoint_id: ep.id.clone(),
                    }),
                },
            );
        }
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
        let ep_sgs = &endpoint.sgs;
        let task_group_ids = &vf.task_group_ids;
        let ep_group_ids = &endpoint.group_ids;
        let task_acl = self.acl_at(&subnet.id);
        let mut overall = No;
        let mut leg_findings: Vec<Finding> = Vec::new();
        let mut any_blocked = false;
        let mut in_az = false;
        for &(es_id, es, es_acl) in &endpoint.subnets {
            let mut leg = PathBuild::new(None, Vec::new());
            let Some(es) = es else {
                let f = dangling_finding(
                    es_id,
                    &ep.id,
                    &format!(
                        "aws ec2 describe-subnets --region {} --subnet-ids {es_id}",
                        self.region
                    ),
                );
                leg.check(Maybe, || f.clone(), || Some(f.clone()));
                overall = or(overall, leg.reachable);
                leg_findings.extend(leg.findings);
                continue;
            };
            if es.availability_zone.is_some() && es.availability_zone == subnet.availability_zone {
                in_az = true;
            }
            let es_range = if v6_only {
                es.ipv6_cidrs.first().copied()
            } else {
                es.cidr
            };
            let (Some(task_range), Some(es_range)) = (task_range, es_range) else {
                leg.check(Maybe, unreachable_finding, || None);
                overall = or(overall, leg.reachable);
                continue;
            };
            let to_ep = Peer::Range(es_range);
            let from_task = Peer::Range(task_range);
            let leg_key = (es as *const Subnet, endpoint.sg_class);
            if self.clean_legs.borrow().contains(subnet, leg_key) {
                overall = Yes;
                continue;
            }
            self.task_egress(&mut leg, vf, &to_ep, ep_group_ids, None);
            match &ep_sgs {
                Err(f) => leg.check(Maybe, || f.clone(), || Some(f.clone())),
                Ok(groups) => {
                    let verdict =
                        sg_allows(groups, Direction::Ingress, &from_task, task_group_ids, None);
                    let group: &str = groups.first().map_or("<sg-id>", |g| g.id.as_str());
                    let from = || match task_group_ids.first() {
                        Some(g) => RulePeer::Group((*g).to_owned()),
                        None => RulePeer::Cidr(task_range.to_string()),
                    };
                    leg.check(
                        verdict,
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
                            fix: self.fix(&Fix::AuthorizeIngress443 { group_id: group.to_owned(), from: from() }),
                        },
                        || None,
                    );
                }
            }
            // ACLs do not filter traffic between two addresses of one subnet.
            if es.id != subnet.id {
                let es_acl = AclOf {
                    subnet_id: &es.id,
                    acl: es_acl,
                };
                self.acl(
                    &mut leg,
                    &task_acl,
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
                    &task_acl,
                    Direction::Ingress,
                    TASK_EPHEMERAL,
                    &to_ep,
                    "the endpoint's replies",
                );
            }
            if leg.reachable == No {
                any_blocked = true;
            }
            if leg.reachable == Yes && leg.findings.is_empty() {
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
        for mut f in leg_findings {
            if overall == Yes && f.severity == Severity::Error {
                f.severity = Severity::Warning;
            }
            b.push(f);
        }
        b.reachable = overall;
        if overall == No {
            b.failure = Some(FailureCode::Blocked);
        }
        if overall == Yes && any_blocked {
            b.push(Finding {
                code: FindingCode::PartialReachability,
                severity: Severity::Warning,
                resource: ep.id.clone(),
                message: format!(
                    "Endpoint {} is reachable from {} in some AZs only: connections to its other addresses fail, so some attempts time out.",
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

    fn gateway_path(&self, vf: &VpcFacts<'_, '_>, subnet: &Subnet, service: &Service) -> PathBuild {
        if service.endpoint_type != EndpointType::Gateway {
            return self.route_path(vf, subnet, service);
        }
        if !self.input.route_tables.given {
            return PathBuild::unknown(self.missing("RouteTables"));
        }
        let Some(rt) = self.route_table_of(subnet) else {
            return PathBuild::unknown(dangling_finding(
                &format!("route table of {}", subnet.id),
                &subnet.id,
                &format!(
                    "aws ec2 describe-route-tables --region {} --filters Name=vpc-id,Values={}",
                    self.region, subnet.vpc_id
                ),
            ));
        };
        if !self.input.endpoints.given {
            let mut b = self.route_path(vf, subnet, service);
            b.reachable = Maybe;
            b.failure = None;
            b.push(self.missing("VpcEndpoints"));
            return b;
        }
        let gateways = || {
            vf.endpoints_for(service, VpcEndpointKind::Gateway)
                .map(|e| e.ep)
        };
        // The route the gateway endpoint installs (a prefix-list route), or
        // the endpoint's own record of the association.
        let route = rt.routes.iter().find(|r| {
            matches!(&r.destination, RouteDestination::PrefixList(_))
                && matches!(&r.target, RouteTarget::VpcEndpoint(id) if gateways().any(|g| &g.id == id))
        });
        let associated = vf
            .endpoints_for(service, VpcEndpointKind::Gateway)
            .find(|e| {
                e.route_tables.get(&rt.id).is_some()
                    || route.is_some_and(
                        |r| matches!(&r.target, RouteTarget::VpcEndpoint(id) if *id == e.ep.id),
                    )
            })
            .map(|e| e.ep);
        if let Some(gw) = associated {
            let path = vec![subnet.id.clone(), rt.id.clone(), gw.id.clone()];
            if route.is_some_and(|r| r.state == RouteState::Blackhole) {
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
                        fix: self.fix(&Fix::Comment(format!(
                            "wait for {} to become available, or recreate it",
                            gw.id
                        ))),
                    },
                );
            }
            let pl = route.and_then(|r| match &r.destination {
                RouteDestination::PrefixList(p) => Some(p.as_str()),
                RouteDestination::Cidr(_) => None,
            });
            let mut b = PathBuild::new(Some(AccessType::GatewayEndpoint), path);
            self.task_egress(&mut b, vf, &Peer::Internet, &[], pl);
            self.task_acls_public(&mut b, subnet, &Peer::Internet);
            return b;
        }
        let mut b = self.route_path(vf, subnet, service);
        if let Some(gw) = gateways().next() {
            let severity = if b.reachable == Yes {
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
                        (Yes, Some(AccessType::NatGateway)) => {
                            ": the traffic goes through the NAT gateway instead, which charges per GB; the gateway endpoint is free."
                        }
                        (Yes, _) => ": the traffic takes the default route instead of the free gateway endpoint.",
                        _ => ".",
                    }
                ),
                fix: self.fix(&Fix::AddEndpointRouteTable { endpoint_id: gw.id.clone(), route_table_id: rt.id.clone() }),
            });
        } else {
            self.endpoint_missing_if_no_path(&mut b, vf, service);
        }
        b
    }

    /// The default route: NAT gateway, internet gateway, transit, none.
    fn route_path(&self, vf: &VpcFacts<'_, '_>, subnet: &Subnet, service: &Service) -> PathBuild {
        let _ = service;
        if !self.input.route_tables.given {
            return PathBuild::unknown(self.missing("RouteTables"));
        }
        let Some(rt) = self.route_table_of(subnet) else {
            return PathBuild::unknown(dangling_finding(
                &format!("route table of {}", subnet.id),
                &subnet.id,
                &format!(
                    "aws ec2 describe-route-tables --region {} --filters Name=vpc-id,Values={}",
                    self.region, subnet.vpc_id
                ),
            ));
        };
        let v6_only = subnet.cidr.is_none();
        let default = if v6_only {
            // IPv4-only services from an IPv6-only subnet: DNS64 + NAT64.
            let nat64: Cidr = Cidr::V6(Ipv6Cidr::new_truncating(
                Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0),
                96,
            ));
            let r = longest_match(rt, &nat64);
            if subnet.dns64 == Switch::Off
                || !matches!(r.map(|r| &r.target), Some(RouteTarget::NatGateway(_)))
            {
                let nat = self.usable_nat(&subnet.vpc_id, subnet.availability_zone.as_deref());
                return PathBuild::no_route(
                    None,
                    vec![subnet.id.clone(), rt.id.clone()],
                    Finding {
                        code: FindingCode::NoDefaultRoute,
                        severity: Severity::Error,
                        resource: rt.id.clone(),
                        message: format!(
                            "{} is IPv6-only and the service answers IPv4 addresses: it needs DNS64 on the subnet (now {}) and a route for 64:ff9b::/96 to a NAT gateway in {}.",
                            subnet.id,
                            if subnet.dns64 == Switch::On {
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
                                replace: r.is_some(),
                            },
                            None => Fix::CreatePublicNatGateway,
                        }),
                    },
                );
            }
            r
        } else {
            rt.routes.iter().find(|r| matches!(&r.destination, RouteDestination::Cidr(Cidr::V4(c)) if c.prefix_len() == 0))
        };
        let mut path = vec![subnet.id.clone(), rt.id.clone()];
        let default_dest = if v6_only { "64:ff9b::/96" } else { "0.0.0.0/0" };
        let Some(route) = default else {
            let nat = self.usable_nat(&subnet.vpc_id, subnet.availability_zone.as_deref());
            let fix = match (
                nat,
                self.assign_public_ip,
                self.attached_igw(&subnet.vpc_id),
            ) {
                (_, AssignPublicIp::Enabled, Some(igw)) => Fix::Route {
                    route_table_id: rt.id.clone(),
                    destination: default_dest.to_owned(),
                    to: RouteTo::InternetGateway(igw.id.clone()),
                    replace: false,
                },
                (Some(n), _, _) => Fix::Route {
                    route_table_id: rt.id.clone(),
                    destination: default_dest.to_owned(),
                    to: RouteTo::NatGateway(n.id.clone()),
                    replace: false,
                },
                (None, _, _) => Fix::Comment(format!(
                    "{} has no NAT gateway to route to: create one in a public subnet (aws ec2 create-nat-gateway), or create the VPC endpoints below",
                    subnet.vpc_id
                )),
            };
            return PathBuild::no_route(
                None,
                path,
                Finding {
                    code: FindingCode::NoDefaultRoute,
                    severity: Severity::Error,
                    resource: rt.id.clone(),
                    message: format!(
                        "Route table {} of {} has no default route ({default_dest}) and no endpoint serves this service: there is no path.",
                        rt.id, subnet.id
                    ),
                    fix: self.fix(&fix),
                },
            );
        };
        if route.state == RouteState::Blackhole {
            let nat = self.usable_nat(&subnet.vpc_id, subnet.availability_zone.as_deref());
            let target = target_id(&route.target);
            path.push(target.clone());
            let fix = match nat {
                Some(n) if !matches!(&route.target, RouteTarget::NatGateway(id) if *id == n.id) => {
                    Fix::Route {
                        route_table_id: rt.id.clone(),
                        destination: default_dest.to_owned(),
                        to: RouteTo::NatGateway(n.id.clone()),
                        replace: true,
                    }
                }
                _ => Fix::Comment(format!(
                    "{target} no longer exists: replace the route with aws ec2 replace-route --route-table-id {} --destination-cidr-block {default_dest} and a working NAT gateway, or delete it",
                    rt.id
                )),
            };
            return PathBuild::no_route(
                None,
                path,
                Finding {
                    code: FindingCode::BlackholeRoute,
                    severity: Severity::Error,
                    resource: rt.id.clone(),
                    message: format!(
                        "The default route of {} points at {target}, which no longer exists (blackhole): traffic is dropped.",
                        rt.id
                    ),
                    fix: self.fix(&fix),
                },
            );
        }
        match &route.target {
            RouteTarget::NatGateway(nat_id) => self.nat_path(vf, subnet, rt, nat_id, path),
            RouteTarget::InternetGateway(igw_id) => {
                path.push(igw_id.clone());
                if self.input.internet_gateways.given {
                    match self.igws.get(igw_id) {
                        None => {
                            return PathBuild::unknown(dangling_finding(
                                igw_id,
                                &rt.id,
                                &format!(
                                    "aws ec2 describe-internet-gateways --region {} --internet-gateway-ids {igw_id}",
                                    self.region
                                ),
                            ));
                        }
                        Some(igw) if !igw.attached_vpc_ids.contains(&subnet.vpc_id) => {
                            return PathBuild::no_route(
                                None,
                                path,
                                Finding {
                                    code: FindingCode::BlackholeRoute,
                                    severity: Severity::Error,
                                    resource: rt.id.clone(),
                                    message: format!(
                                        "The default route of {} points at {igw_id}, which is not attached to {}.",
                                        rt.id, subnet.vpc_id
                                    ),
                                    fix: self.fix(&Fix::Comment(format!(
                                        "attach it: aws ec2 attach-internet-gateway --internet-gateway-id {igw_id} --vpc-id {}",
                                        subnet.vpc_id
                                    ))),
                                },
                            );
                        }
                        Some(_) => {}
                    }
                }
                if v6_only {
                    return PathBuild::no_route(None, path, unreachable_finding());
                }
                if self.assign_public_ip == AssignPublicIp::Disabled {
                    let nat = self.usable_nat(&subnet.vpc_id, subnet.availability_zone.as_deref());
                    // Re-pointing this table's default route at a NAT gateway
                    // would cut off every NAT gateway whose own subnet uses the
                    // same table: the NAT needs its internet-gateway route.
                    let serves_a_nat = self.input.nat_gateways.items.iter().any(|n| {
                        self.subnets
                            .get(&n.subnet_id)
                            .and_then(|s| self.route_table_of(s))
                            .is_some_and(|t| t.id == rt.id)
                    });
                    let fix = match nat {
                        Some(_) if serves_a_nat => Fix::Comment(format!(
                            "{} is a public route table that NAT gateways rely on: keep its internet-gateway route, and run the runner in a private subnet whose route table sends 0.0.0.0/0 to a NAT gateway, or deploy it with the AssignPublicIp parameter set to true",
                            rt.id
                        )),
                        Some(n) => Fix::Route {
                            route_table_id: rt.id.clone(),
                            destination: default_dest.to_owned(),
                            to: RouteTo::NatGateway(n.id.clone()),
                            replace: true,
                        },
                        None => Fix::Comment(
                            "deploy the runner with the AssignPublicIp parameter set to true, or route 0.0.0.0/0 to a NAT gateway"
                                .to_owned(),
                        ),
                    };
                    return PathBuild::no_route(
                        None,
                        path,
                        Finding {
                            code: FindingCode::IgwWithoutPublicIp,
                            severity: Severity::Error,
                            resource: subnet.id.clone(),
                            message: format!(
                                "{} routes 0.0.0.0/0 to internet gateway {igw_id}, but the task gets no public IP (AssignPublicIp is false): it has no outbound connectivity at all and the runner fails to start. Set AssignPublicIp to true (--assign-public-ip true), or route through a NAT gateway.",
                                subnet.id
                            ),
                            fix: self.fix(&fix),
                        },
                    );
                }
                let mut b = PathBuild::new(Some(AccessType::InternetGateway), path);
                self.task_egress(&mut b, vf, &Peer::Internet, &[], None);
                self.task_acls_public(&mut b, subnet, &Peer::Internet);
                b
            }
            RouteTarget::EgressOnlyInternetGateway(id) => {
                path.push(id.clone());
                PathBuild::no_route(None, path, unreachable_finding())
            }
            RouteTarget::VpcEndpoint(id) | RouteTarget::Transit(id) => {
                path.push(id.clone());
                let mut b = PathBuild::new(Some(AccessType::Transit), path);
                if !v6_only {
                    self.task_egress(&mut b, vf, &Peer::Internet, &[], None);
                    self.task_acls_public(&mut b, subnet, &Peer::Internet);
                }
                b.reachable = and(b.reachable, Maybe);
                b.push(Finding {
                    code: FindingCode::TransitUnverified,
                    severity: Severity::Warning,
                    resource: id.clone(),
                    message: format!(
                        "The default route of {} goes to {id}: whether the network behind it (a hub VPC, VPN or appliance) reaches the service cannot be seen from this VPC. Check it there, or run netready probe from the subnet.",
                        rt.id
                    ),
                    fix: None,
                });
                b
            }
            RouteTarget::Local | RouteTarget::Unknown => PathBuild::unknown(Finding {
                code: FindingCode::TransitUnverified,
                severity: Severity::Warning,
                resource: rt.id.clone(),
                message: format!(
                    "The default route of {} has a target the validator does not know.",
                    rt.id
                ),
                fix: None,
            }),
        }
    }

    fn nat_path(
        &self,
        vf: &VpcFacts<'_, '_>,
        subnet: &Subnet,
        rt: &RouteTable,
        nat_id: &str,
        mut path: Vec<String>,
    ) -> PathBuild {
        path.push(nat_id.to_owned());
        if !self.input.nat_gateways.given {
            return PathBuild::unknown_on(
                Some(AccessType::NatGateway),
                path,
                self.missing("NatGateways"),
            );
        }
        let Some(nat) = self.nats.get(nat_id) else {
            return PathBuild::unknown_on(
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
        };
        // Only failures need another NAT gateway to suggest.
        let other_nat = || {
            self.usable_nat(&subnet.vpc_id, subnet.availability_zone.as_deref())
                .filter(|n| n.id != nat.id)
        };
        let replace_fix = |why: &str| match other_nat() {
            Some(n) => Fix::Route {
                route_table_id: rt.id.clone(),
                destination: "0.0.0.0/0".to_owned(),
                to: RouteTo::NatGateway(n.id.clone()),
                replace: true,
            },
            None => Fix::Comment(why.to_owned()),
        };
        if nat.state != NatState::Available {
            return PathBuild::no_route(
                Some(AccessType::NatGateway),
                path,
                Finding {
                    code: FindingCode::NatGatewayNotAvailable,
                    severity: Severity::Error,
                    resource: nat.id.clone(),
                    message: format!("NAT gateway {} is not available (pending, failed or deleted).", nat.id),
                    fix: self.fix(&replace_fix(&format!(
                        "wait for {} to become available, or create a public NAT gateway and route 0.0.0.0/0 of {} to it",
                        nat.id, rt.id
                    ))),
                },
            );
        }
        if nat.connectivity == NatConnectivity::Private {
            return PathBuild::no_route(
                Some(AccessType::NatGateway),
                path,
                Finding {
                    code: FindingCode::NatGatewayNotPublic,
                    severity: Severity::Error,
                    resource: nat.id.clone(),
                    message: format!(
                        "NAT gateway {} is private (ConnectivityType private): it cannot reach the internet.",
                        nat.id
                    ),
                    fix: match other_nat() {
                        Some(_) => self.fix(&replace_fix("")),
                        None => self.fix(&Fix::CreatePublicNatGateway),
                    },
                },
            );
        }
        // The NAT gateway's own subnet must route to an attached IGW.
        let nat_subnet = self.subnets.get(&nat.subnet_id);
        let nat_rt = match nat_subnet {
            Some(s) => self.route_table_of(s),
            None => self.rtb_by_subnet.get(&nat.subnet_id),
        };
        let Some(nat_rt) = nat_rt else {
            return PathBuild::unknown_on(
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
        };
        path.push(nat_rt.id.clone());
        let nat_default =
            nat_rt.routes.iter().find(|r| matches!(&r.destination, RouteDestination::Cidr(Cidr::V4(c)) if c.prefix_len() == 0));
        let vpc_id = nat_subnet.map_or(subnet.vpc_id.as_str(), |s| s.vpc_id.as_str());
        let mut b = PathBuild::new(Some(AccessType::NatGateway), path);
        match nat_default {
            Some(Route {
                target: RouteTarget::InternetGateway(igw),
                state: RouteState::Active,
                ..
            }) => {
                let attached = !self.input.internet_gateways.given
                    || self
                        .igws
                        .get(igw.as_str())
                        .is_some_and(|i| i.attached_vpc_ids.iter().any(|v| v == vpc_id));
                b.path.push(igw.clone());
                if !attached {
                    return PathBuild::no_route(
                        Some(AccessType::NatGateway),
                        b.path,
                        Finding {
                            code: FindingCode::NatGatewayNoIgw,
                            severity: Severity::Error,
                            resource: nat_rt.id.clone(),
                            message: format!(
                                "NAT gateway {}'s subnet {} routes to {igw}, which is not attached to {vpc_id} (or not described).",
                                nat.id, nat.subnet_id
                            ),
                            fix: self.fix(&Fix::Comment(format!(
                                "attach an internet gateway: aws ec2 attach-internet-gateway --internet-gateway-id {igw} --vpc-id {vpc_id}"
                            ))),
                        },
                    );
                }
            }
            Some(Route {
                target: RouteTarget::Transit(t),
                state: RouteState::Active,
                ..
            }) => {
                b.path.push(t.clone());
                b.reachable = Maybe;
                b.push(Finding {
                    code: FindingCode::TransitUnverified,
                    severity: Severity::Warning,
                    resource: t.clone(),
                    message: format!(
                        "NAT gateway {}'s subnet routes 0.0.0.0/0 to {t}: what lies behind it cannot be seen from this VPC.",
                        nat.id
                    ),
                    fix: None,
                });
            }
            _ => {
                let igw = self.attached_igw(vpc_id);
                let fix = match igw {
                    Some(i) => Fix::Route {
                        route_table_id: nat_rt.id.clone(),
                        destination: "0.0.0.0/0".to_owned(),
                        to: RouteTo::InternetGateway(i.id.clone()),
                        replace: nat_default.is_some(),
                    },
                    None => Fix::Comment(format!(
                        "{vpc_id} has no internet gateway: create and attach one (aws ec2 create-internet-gateway; aws ec2 attach-internet-gateway), then route 0.0.0.0/0 of {} to it",
                        nat_rt.id
                    )),
                };
                return PathBuild::no_route(
                    Some(AccessType::NatGateway),
                    b.path,
                    Finding {
                        code: FindingCode::NatGatewayNoIgw,
                        severity: Severity::Error,
                        resource: nat_rt.id.clone(),
                        message: format!(
                            "NAT gateway {} lives in {}, whose route table {} has no active default route to an internet gateway: the NAT gateway cannot reach the internet.",
                            nat.id, nat.subnet_id, nat_rt.id
                        ),
                        fix: self.fix(&fix),
                    },
                );
            }
        }
        let v6_only = subnet.cidr.is_none();
        let task_range = subnet.cidr.or_else(|| subnet.ipv6_cidrs.first().copied());
        let to_internet = if v6_only {
            Peer::Range(Cidr::V6(Ipv6Cidr::new_truncating(
                Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0),
                96,
            )))
        } else {
            Peer::Internet
        };
        let task_acl = self.acl_at(&subnet.id);
        let nat_acl = self.acl_at(&nat.subnet_id);
        self.task_egress(&mut b, vf, &to_internet, &[], None);
        if nat.subnet_id != subnet.id {
            self.acl(
                &mut b,
                &task_acl,
                Direction::Egress,
                HTTPS,
                &to_internet,
                "HTTPS towards the NAT gateway",
            );
            self.acl(
                &mut b,
                &task_acl,
                Direction::Ingress,
                TASK_EPHEMERAL,
                &to_internet,
                "the return traffic",
            );
            if let Some(tr) = task_range {
                let task = Peer::Range(tr);
                self.acl(
                    &mut b,
                    &nat_acl,
                    Direction::Ingress,
                    HTTPS,
                    &task,
                    "the task's HTTPS into the NAT subnet",
                );
                self.acl(
                    &mut b,
                    &nat_acl,
                    Direction::Egress,
                    TASK_EPHEMERAL,
                    &task,
                    "the return traffic to the task",
                );
            }
        }
        self.acl(
            &mut b,
            &nat_acl,
            Direction::Egress,
            HTTPS,
            &Peer::Internet,
            "HTTPS from the NAT gateway to the internet",
        );
        self.acl(
            &mut b,
            &nat_acl,
            Direction::Ingress,
            NAT_EPHEMERAL,
            &Peer::Internet,
            "the return traffic to the NAT gateway",
        );
        b
    }
}

fn unreachable_finding() -> Finding {
    Finding {
        code: FindingCode::NoDefaultRoute,
        severity: Severity::Error,
        resource: String::new(),
        message: "The service answers IPv4 addresses and this subnet has no IPv4 path to it."
            .to_owned(),
        fix: None,
    }
}

fn target_id(t: &RouteTarget) -> String {
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

/// The most specific CIDR route covering `dest`.
fn longest_match<'r>(rt: &'r RouteTable, dest: &Cidr) -> Option<&'r Route> {
    rt.routes
        .iter()
        .filter(|r| matches!(&r.destination, RouteDestination::Cidr(c) if c.covers(dest)))
        .max_by_key(|r| match &r.destination {
            RouteDestination::Cidr(c) => c.prefix_len(),
            RouteDestination::PrefixList(_) => 0,
        })
}

/// The region the documents are about: subnet ARNs, then AZ names, then
/// endpoint service names.
pub(crate) fn infer_region(input: &VpcInput) -> Option<Region> {
    for s in &input.subnets.items {
        if let Some(r) = s
            .arn
            .as_deref()
            .and_then(|a| a.split(':').nth(3))
            .and_then(|r| Region::parse(r).ok())
        {
            return Some(r);
        }
    }
    for s in &input.subnets.items {
        if let Some(az) = &s.availability_zone {
            let trimmed = az.trim_end_matches(|c: char| c.is_ascii_lowercase());
            if let Ok(r) = Region::parse(trimmed) {
                return Some(r);
            }
        }
    }
    for e in &input.endpoints.items {
        if let Ok(ServiceName::Regional { region, .. }) = e.service_name.parse::<ServiceName>() {
            return Some(region);
        }
    }
    None
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

/// The item with the lowest id (a choice that does not depend on input order).
fn lowest_id<'t, T: 't>(
    items: impl Iterator<Item = &'t T>,
    id: impl Fn(&T) -> &str,
) -> Option<&'t T> {
    items.min_by(|a, b| id(a).cmp(id(b)))
}

/// Findings without repeats (same code, resource and fix: the most severe
/// kept, at the place of the first), errors first, then warnings, then
/// infos, each in order of first appearance.
fn dedup_by_severity(all: Vec<Finding>) -> Vec<Finding> {
    // Findings with the same resource are chained; thousands of paths stay
    // linear.
    let mut by_resource = IdIndex::with_capacity(all.len());
    for (i, f) in all.iter().enumerate() {
        by_resource.insert_first(&f.resource, i as u32);
    }
    let mut next_same_resource: Vec<u32> = vec![u32::MAX; all.len()];
    let mut last_of_chain: Vec<u32> = vec![u32::MAX; all.len()];
    let mut keep: Vec<Option<Severity>> = vec![None; all.len()];
    for (i, f) in all.iter().enumerate() {
        let head = by_resource
            .get(&f.resource)
            .expect("every resource was indexed above") as usize;
        // Walk the chain of earlier findings of this resource.
        let mut k = head;
        let mut dup = None;
        while k < i {
            if all[k].code == f.code && all[k].fix == f.fix && keep[k].is_some() {
                dup = Some(k);
                break;
            }
            k = next_same_resource[k] as usize;
        }
        match dup {
            Some(k) => keep[k] = keep[k].map(|s| s.min(f.severity)),
            None => {
                keep[i] = Some(f.severity);
                if i != head {
                    let tail = last_of_chain[head] as usize;
                    next_same_resource[tail] = i as u32;
                }
                last_of_chain[head] = i as u32;
            }
        }
    }
    let rank = |s: Severity| match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    };
    let mut kept: Vec<Finding> = Vec::new();
    for r in 0..3 {
        for (f, severity) in all.iter().zip(&keep) {
            if let Some(sev) = severity
                && rank(*sev) == r
            {
                kept.push(Finding {
                    severity: *sev,
                    ..f.clone()
                });
            }
        }
    }
    kept
}

/// Evaluates a parsed VPC. See the module docs of [`super`].
pub fn evaluate(input: &VpcInput, options: &ValidateOptions) -> Result<Report, InputError> {
    let region = match &options.region {
        Some(r) => r.clone(),
        None => infer_region(input).ok_or(InputError::NoRegion)?,
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
    let ctx = Ctx::new(input, region.clone(), options);
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

    let task_subnets: Vec<&Subnet> = if options.subnets.is_empty() {
        input.subnets.items.iter().collect()
    } else {
        options
            .subnets
            .iter()
            .filter_map(|id| ctx.subnets.get(id))
            .collect()
    };

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

    let mut vpc_ids: Vec<&str> = Vec::new();
    for s in &task_subnets {
        if !vpc_ids.contains(&s.vpc_id.as_str()) {
            vpc_ids.push(&s.vpc_id);
        }
    }
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
        let dns_given = input.dns_attributes.get(vf.vpc_id);
        if dns_given.is_none_or(|a| a.dns_support.is_none()) {
            global.push(ctx.missing_attribute("EnableDnsSupport", vf.vpc_id));
        }
        if dns_given.is_none_or(|a| a.dns_hostnames.is_none()) {
            global.push(ctx.missing_attribute("EnableDnsHostnames", vf.vpc_id));
        }
        if !input.dhcp_options.given || !input.vpcs.given {
            global.push(Finding {
                code: FindingCode::MissingInput,
                severity: Severity::Info,
                resource: "DhcpOptions".to_owned(),
                message: format!(
                    "describe-vpcs and describe-dhcp-options were not both given: {} is assumed to use AmazonProvidedDNS.",
                    vf.vpc_id
                ),
                fix: Some(format!(
                    "aws ec2 describe-vpcs --region {region} > vpcs.json; aws ec2 describe-dhcp-options --region {region} > dhcp.json"
                )),
            });
        } else if let Resolver::Custom(servers) = &vf.resolver {
            global.push(ctx.custom_dns_finding(vf, servers));
        }
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
    for s in &report.subnets {
        for e in &s.endpoints {
            all.extend(e.findings.iter().cloned());
        }
    }
    report.findings = dedup_by_severity(all);
    report.cost = Some(cost(&ctx, options.profile, &task_subnets, &vpc_ids));
    let statuses = report.subnets.iter().map(|s| s.status);
    report.status = if report.subnets.is_empty() {
        Status::Unknown
    } else if options.subnets.is_empty() {
        // Which subnets can host the runner: one ready subnet is enough.
        let all: Vec<Status> = statuses.collect();
        if all.contains(&Status::Ready) {
            Status::Ready
        } else if all.contains(&Status::Unknown) {
            Status::Unknown
        } else {
            Status::Degraded
        }
    } else {
        combine_statuses(statuses)
    };
    Ok(report)
}

fn cost(
    ctx: &Ctx<'_>,
    profile: Profile,
    task_subnets: &[&Subnet],
    vpc_ids: &[&str],
) -> CostSummary {
    let mut azs = IdIndex::with_capacity(4);
    for s in task_subnets {
        azs.insert_first(s.availability_zone.as_deref().unwrap_or(&s.id), 0);
    }
    let az_count = azs.len().max(1) as u32;
    // The interface endpoints that can be created in this region (the
    // others are reached some other way and cost nothing here).
    let interface: Vec<&Service> = catalog::endpoints(profile)
        .filter(|s| {
            s.endpoint_type == EndpointType::Interface
                && !matches!(
                    s.availability(&ctx.region),
                    Availability::ControlPlaneRegionOnly { .. } | Availability::NotInPartition
                )
        })
        .collect();
    let needed = interface.len() as u32 * az_count;
    let mut present = 0u32;
    for s in &interface {
        for e in &ctx.endpoints {
            if e.ep.kind == VpcEndpointKind::Interface
                && e.service_id == s.id
                && vpc_ids.contains(&e.ep.vpc_id.as_str())
            {
                present += e.ep.subnet_ids.len() as u32;
            }
        }
    }
    let monthly_cents = needed.saturating_mul(CENTS_PER_ENDPOINT_AZ_MONTH);
    let monthly = usd(monthly_cents);
    let s3_interface = usd(az_count.saturating_mul(CENTS_PER_ENDPOINT_AZ_MONTH));
    CostSummary {
        interface_endpoint_azs_present: present,
        interface_endpoint_azs_needed: needed,
        monthly_usd_needed: f64::from(monthly_cents) / 100.0,
        message: format!(
            "Without internet egress the {profile} profile needs {} interface endpoints in {az_count} AZ(s): {needed} endpoint-AZs at about ${USD_PER_ENDPOINT_AZ_MONTH} a month each = about ${monthly} a month plus data processing ({present} exist). The S3 gateway endpoint is free: it saves about ${s3_interface} a month against an S3 interface endpoint in the same AZs (which ECR cannot use for layers anyway), and NAT data-processing charges on image layers.",
            interface.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeSet;
    use proptest::prelude::*;

    /// The ACL evaluation as first written (sorted cut points in a Vec, a
    /// BTreeSet of used rule numbers): the reference for the allocation-free
    /// walk.
    fn acl_reference(
        acl: &NetworkAcl,
        dir: Direction,
        ports: PortRange,
        peer: &Peer,
    ) -> (Reachability, u32) {
        let mut cuts: Vec<u32> = vec![u32::from(ports.from), u32::from(ports.to) + 1];
        if ports.from != ports.to {
            for e in acl
                .entries
                .iter()
                .filter(|e| e.direction == dir && e.protocol == Protocol::Tcp)
            {
                for c in [u32::from(e.ports.from), u32::from(e.ports.to) + 1] {
                    if c > u32::from(ports.from) && c <= u32::from(ports.to) {
                        cuts.push(c);
                    }
                }
            }
            cuts.sort_unstable();
            cuts.dedup();
        }
        let mut out = AclOutcome {
            verdict: Yes,
            blocking_rule: 32767,
        };
        for w in cuts.windows(2) {
            let seg = PortRange {
                from: w[0] as u16,
                to: (w[1] - 1) as u16,
            };
            segment(acl, dir, seg, peer, &mut out);
        }
        (out.verdict, out.blocking_rule)
    }

    fn free_reference(acl: &NetworkAcl, dir: Direction, below: u32) -> Option<u32> {
        let used: BTreeSet<u32> = acl
            .entries
            .iter()
            .filter(|e| e.direction == dir)
            .map(|e| e.rule_number)
            .collect();
        (1..below).rev().find(|n| !used.contains(n))
    }

    fn port_range() -> impl Strategy<Value = PortRange> {
        prop_oneof![
            Just(HTTPS),
            Just(TASK_EPHEMERAL),
            Just(NAT_EPHEMERAL),
            Just(PortRange::ALL),
            (0u16..=65535, 0u16..=2000).prop_map(|(a, w)| PortRange {
                from: a,
                to: a.saturating_add(w),
            }),
        ]
    }

    fn entry() -> impl Strategy<Value = AclEntry> {
        (
            prop_oneof![1u32..200, Just(32767u32)],
            any::<bool>(),
            0u8..3,
            any::<bool>(),
            prop_oneof![Just(0u8), Just(8u8), Just(16u8), Just(24u8)],
            port_range(),
        )
            .prop_map(|(rule_number, egress, proto, allow, len, ports)| AclEntry {
                rule_number,
                direction: if egress {
                    Direction::Egress
                } else {
                    Direction::Ingress
                },
                protocol: [Protocol::Tcp, Protocol::All, Protocol::Other][usize::from(proto)],
                action: if allow {
                    RuleAction::Allow
                } else {
                    RuleAction::Deny
                },
                cidr: Cidr::V4(Ipv4Cidr::new_truncating(Ipv4Addr::new(10, 0, 1, 0), len)),
                ports,
            })
    }

    proptest! {
        #[test]
        fn acl_walk_matches_the_sorted_cuts(
            mut entries in proptest::collection::vec(entry(), 0..14),
            ports in port_range(),
            egress in any::<bool>(),
            internet in any::<bool>(),
        ) {
            entries.sort_by_key(|e| e.rule_number);
            let acl = NetworkAcl {
                id: "acl-1".into(),
                vpc_id: "vpc-1".into(),
                is_default: false,
                subnet_ids: Vec::new(),
                entries,
            };
            let dir = if egress { Direction::Egress } else { Direction::Ingress };
            let peer = if internet {
                Peer::Internet
            } else {
                Peer::Range(Cidr::V4(Ipv4Cidr::new_truncating(Ipv4Addr::new(10, 0, 1, 0), 24)))
            };
            let got = acl_allows(&acl, dir, ports, &peer);
            prop_assert_eq!((got.verdict, got.blocking_rule), acl_reference(&acl, dir, ports, &peer));
            for below in [0, 1, 2, 100, got.blocking_rule, 32767] {
                prop_assert_eq!(free_rule_number(&acl, dir, below), free_reference(&acl, dir, below));
            }
        }
    }
}
