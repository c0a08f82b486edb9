//! Which paths a set of changes can change the verdict of: what the safety
//! pass of the fixes ([`super::remedies`]) evaluates again, instead of the
//! whole VPC.
//!
//! Guarantees: a path left out reads nothing the changes touch, in the
//! model before them or after them (so its verdict is the same in both).
//! What a path reads: its subnet's route table and network ACL; the route
//! tables and ACLs of every endpoint subnet it may connect to (the way
//! back) and of every NAT gateway's subnet (the NAT gateway's own way out);
//! its VPC's DNS attributes, DHCP options, internet gateways and Block
//! Public Access; the task's security groups; and, for its service only,
//! that service's endpoints (their private DNS, subnets, groups, routes and
//! policy). So a change to a route table, an ACL or an association of a
//! subnet that holds an endpoint's or a NAT gateway's network interface,
//! to the task's groups, or to anything VPC-wide, reaches every path.
//!
//! Not done here: evaluating (the safety pass asks
//! [`super::failing_paths`]), deciding what is risky.

use super::super::model::*;
use super::Ctx;
use crate::catalog::{EndpointType, Service};
use crate::commands::Fix;
use crate::vpc::ValidateOptions;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

/// The paths some changes can reach: every path of the subnets listed,
/// every path to the services listed, or every path at all.
#[derive(Debug, Default)]
pub(super) struct Footprint {
    all: bool,
    subnets: BTreeSet<String>,
    services: Vec<String>,
}

impl Footprint {
    /// Whether the path from `subnet` to `service` is within reach.
    pub(super) fn covers(&self, subnet: &Subnet, service: &Service) -> bool {
        self.all
            || self.services.iter().any(|s| s == service.id)
            || self.subnets.contains(&subnet.id)
    }

    fn subnet(&mut self, id: &str) {
        if !self.subnets.contains(id) {
            self.subnets.insert(id.into());
        }
    }

    fn service(&mut self, id: &str) {
        if !self.services.iter().any(|s| s == id) {
            self.services.push(id.into());
        }
    }
}

/// What a path of one model may read, beyond its own subnet and service.
struct Model<'c, 'a> {
    ctx: &'c Ctx<'a>,
    /// The subnets of each route table.
    users: BTreeMap<&'a str, Vec<&'a str>>,
    /// The endpoints with an interface in each subnet.
    endpoints_in: BTreeMap<&'a str, Vec<&'a str>>,
    /// The route tables that route to a NAT gateway in each subnet.
    via_nat_in: BTreeMap<&'a str, Vec<&'a str>>,
    /// The subnets whose paths and through-paths were added already.
    seen: RefCell<BTreeSet<&'a str>>,
}

impl<'c, 'a> Model<'c, 'a> {
    fn new(ctx: &'c Ctx<'a>) -> Self {
        let input = ctx.input;
        let mut users: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for s in &input.subnets.items {
            if let Some(rt) = ctx.route_table_of(s) {
                users.entry(rt.id.as_str()).or_default().push(&s.id);
            }
        }
        let mut endpoints_in: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for e in &input.endpoints.items {
            for s in &e.subnet_ids {
                endpoints_in.entry(s.as_str()).or_default().push(&e.id);
            }
        }
        let mut via_nat_in: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for rt in &input.route_tables.items {
            for r in &rt.routes {
                let RouteTarget::NatGateway(id) = &r.target else {
                    continue;
                };
                for n in input.nat_gateways.items.iter().filter(|n| n.id == *id) {
                    via_nat_in
                        .entry(n.subnet_id.as_str())
                        .or_default()
                        .push(&rt.id);
                }
            }
        }
        Model {
            ctx,
            users,
            endpoints_in,
            via_nat_in,
            seen: RefCell::default(),
        }
    }

    /// Every path of `subnet_id`, and every path that goes through it: to
    /// the services of the endpoints with an interface in it (their way
    /// back), and through the NAT gateways in it (their way out), whose
    /// users' subnets may in turn hold a NAT gateway.
    fn subnet(&self, out: &mut Footprint, subnet_id: &str) {
        let Some(id) = self.ctx.subnets.get(subnet_id).map(|s| s.id.as_str()) else {
            // Not a subnet of this model: nothing of it is read.
            out.subnet(subnet_id);
            return;
        };
        if !self.seen.borrow_mut().insert(id) {
            return;
        }
        out.subnet(id);
        for e in self.endpoints_in.get(id).into_iter().flatten() {
            self.endpoint(out, e);
        }
        for rt in self.via_nat_in.get(id).into_iter().flatten() {
            self.table(out, rt);
        }
    }

    /// Every path of the subnets whose route table is `rt_id`.
    fn table(&self, out: &mut Footprint, rt_id: &str) {
        for s in self.users.get(rt_id).into_iter().flatten() {
            self.subnet(out, s);
        }
    }

    /// Every path of the subnets whose network ACL is `acl_id`.
    fn acl(&self, out: &mut Footprint, acl_id: &str) {
        for s in &self.ctx.input.subnets.items {
            if self.ctx.acl_of(&s.id).is_some_and(|a| a.id == acl_id) {
                self.subnet(out, &s.id);
            }
        }
    }

    /// Every path to the service of endpoint `id` (every path when the
    /// endpoint is not one the evaluation knows).
    fn endpoint(&self, out: &mut Footprint, id: &str) {
        match self.ctx.endpoints.iter().find(|e| e.ep.id == id) {
            Some(e) => out.service(&e.service_id),
            None if self.ctx.input.endpoints.items.iter().any(|e| e.id == id) => out.all = true,
            // Not in this model (created by the changes, or gone): the
            // other model says.
            None => {}
        }
    }

    /// Every path that checks security group `group_id`: the task's (every
    /// path), or an endpoint's (the paths to its service).
    fn group(&self, out: &mut Footprint, options: &ValidateOptions, group_id: &str) {
        let task = if options.security_groups.is_empty() {
            self.ctx
                .input
                .security_groups
                .items
                .iter()
                .any(|g| g.id == group_id && g.name == "default")
        } else {
            options.security_groups.iter().any(|g| g == group_id)
        };
        if task {
            out.all = true;
        }
        for e in self
            .ctx
            .input
            .endpoints
            .items
            .iter()
            .filter(|e| e.security_group_ids.iter().any(|g| g == group_id))
        {
            self.endpoint(out, &e.id);
        }
    }

    /// What `fix` can reach in this model.
    fn change(&self, out: &mut Footprint, options: &ValidateOptions, fix: &Fix) {
        match fix {
            // Nothing refers to what they create but other changes, which
            // say what they reach.
            Fix::Comment(_)
            | Fix::CreatePublicNatGateway
            | Fix::CreateSecurityGroup { .. }
            | Fix::CreateRouteTable { .. }
            | Fix::CreateNatGatewayIn { .. } => {}
            Fix::EnableDnsAttribute { .. }
            | Fix::AttachInternetGateway { .. }
            | Fix::CreateBpaExclusion { .. } => out.all = true,
            Fix::AuthorizeIngress443 { group_id, .. }
            | Fix::AuthorizeEgress443 { group_id, .. } => {
                self.group(out, options, group_id);
            }
            Fix::AllowAclEntry { acl_id, .. } => self.acl(out, acl_id),
            Fix::EnableRoutePropagation { route_table_id, .. }
            | Fix::Route { route_table_id, .. } => self.table(out, route_table_id),
            Fix::AssociateRouteTable { subnet_id, .. }
            | Fix::ReplaceRouteTableAssociation { subnet_id, .. } => self.subnet(out, subnet_id),
            Fix::EnableEndpointPrivateDns { endpoint_id }
            | Fix::AddEndpointSecurityGroup { endpoint_id, .. }
            | Fix::AddEndpointSubnet { endpoint_id, .. }
            | Fix::EndpointDualstack { endpoint_id }
            | Fix::EndpointDnsRecordType { endpoint_id, .. }
            | Fix::EndpointPolicy { endpoint_id, .. } => self.endpoint(out, endpoint_id),
            Fix::AddEndpointRouteTable {
                endpoint_id,
                route_table_id,
            } => {
                self.endpoint(out, endpoint_id);
                self.table(out, route_table_id);
            }
            Fix::CreateEndpoint { service, placement } => {
                out.service(service.id);
                if service.endpoint_type == EndpointType::Gateway {
                    for rt in &placement.route_table_ids {
                        self.table(out, rt);
                    }
                }
            }
        }
    }
}

/// The paths `changes` can change the verdict of, read in the model before
/// them and in the model after them.
pub(super) fn footprint(
    before: &Ctx<'_>,
    after: &Ctx<'_>,
    options: &ValidateOptions,
    changes: &[Fix],
) -> Footprint {
    let mut out = Footprint::default();
    reach(&mut out, before, options, changes);
    if !out.all {
        reach(&mut out, after, options, changes);
    }
    out
}

/// What `changes` can reach in the model of `ctx`.
fn reach(out: &mut Footprint, ctx: &Ctx<'_>, options: &ValidateOptions, changes: &[Fix]) {
    let model = Model::new(ctx);
    for fix in changes {
        model.change(out, options, fix);
        if out.all {
            return;
        }
    }
}
