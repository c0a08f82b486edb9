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
//! subnet reaches that subnet's paths, the paths to the services of the
//! endpoints with an interface in it, and the paths of the subnets that
//! route to a NAT gateway in it (and on, through NAT gateways in theirs); a
//! change to the task's groups, or to anything VPC-wide, reaches every
//! path. Debug builds compare the result with a whole evaluation of the
//! changed model ([`super::remedies`]).
//!
//! Not done here: evaluating (the safety pass asks
//! [`super::failing_paths`]), deciding what is risky.

use super::super::model::*;
use super::Ctx;
use super::index::IdIndex;
use crate::catalog::{EndpointType, Service};
use crate::commands::Fix;
use crate::vpc::ValidateOptions;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

/// The paths some changes can reach: every path of the subnets marked
/// (by their position in the changed model), every path to the services
/// listed, or every path at all.
#[derive(Debug, Default)]
pub(super) struct Footprint {
    all: bool,
    subnets: Vec<bool>,
    services: Vec<String>,
}

impl Footprint {
    /// Whether the path from the changed model's subnet at position
    /// `subnet_at` (`None`: not one of its list) to `service` is within
    /// reach.
    pub(super) fn covers(&self, subnet_at: Option<usize>, service: &Service) -> bool {
        self.all
            || self.services.iter().any(|s| s == service.id)
            || subnet_at.is_none_or(|at| self.subnets.get(at).copied().unwrap_or(false))
    }

    fn service(&mut self, id: &str) {
        if !self.services.iter().any(|s| s == id) {
            self.services.push(id.into());
        }
    }
}

/// Ids grouped by a key id (one non-generic index, as the rest of the
/// evaluation does: the browser page's module carries no tree for it).
struct Groups<'a> {
    ix: IdIndex<'a>,
    lists: Vec<Vec<&'a str>>,
}

impl<'a> Groups<'a> {
    fn new(n: usize) -> Self {
        Groups {
            ix: IdIndex::with_capacity(n),
            lists: Vec::new(),
        }
    }

    fn push(&mut self, key: &'a str, id: &'a str) {
        let at = match self.ix.get(key) {
            Some(at) => at as usize,
            None => {
                self.ix.insert_first(key, self.lists.len() as u32);
                self.lists.push(Vec::new());
                self.lists.len() - 1
            }
        };
        self.lists[at].push(id);
    }

    fn of(&self, key: &str) -> &[&'a str] {
        self.ix
            .get(key)
            .and_then(|at| self.lists.get(at as usize))
            .map_or(&[], Vec::as_slice)
    }
}

/// What a path of one model may read, beyond its own subnet and service.
struct Model<'c, 'a, 'b> {
    ctx: &'c Ctx<'a>,
    /// The changed model's indexes (where the footprint marks subnets).
    after: &'c Ctx<'b>,
    /// The subnets of each route table.
    users: Groups<'a>,
    /// The endpoints with an interface in each subnet.
    endpoints_in: Groups<'a>,
    /// The route tables that route to a NAT gateway in each subnet.
    via_nat_in: Groups<'a>,
    /// The subnets, by position, whose paths and through-paths were added
    /// already.
    seen: RefCell<Vec<bool>>,
}

impl<'c, 'a, 'b> Model<'c, 'a, 'b> {
    fn new(ctx: &'c Ctx<'a>, after: &'c Ctx<'b>) -> Self {
        let input = ctx.input;
        let mut users = Groups::new(input.route_tables.items.len());
        for s in &input.subnets.items {
            if let Some(rt) = ctx.route_table_of(s) {
                users.push(&rt.id, &s.id);
            }
        }
        let mut endpoints_in = Groups::new(input.endpoints.items.len());
        for e in &input.endpoints.items {
            for s in &e.subnet_ids {
                endpoints_in.push(s, &e.id);
            }
        }
        let mut via_nat_in = Groups::new(input.nat_gateways.items.len());
        for rt in &input.route_tables.items {
            for r in &rt.routes {
                let RouteTarget::NatGateway(id) = &r.target else {
                    continue;
                };
                for n in input.nat_gateways.items.iter().filter(|n| n.id == *id) {
                    via_nat_in.push(&n.subnet_id, &rt.id);
                }
            }
        }
        Model {
            ctx,
            after,
            users,
            endpoints_in,
            via_nat_in,
            seen: RefCell::new(alloc::vec![false; input.subnets.items.len()]),
        }
    }

    /// Every path of `subnet_id`, and every path that goes through it: to
    /// the services of the endpoints with an interface in it (their way
    /// back), and through the NAT gateways in it (their way out), whose
    /// users' subnets may in turn hold a NAT gateway.
    fn subnet(&self, out: &mut Footprint, subnet_id: &str) {
        if let Some(at) = self
            .after
            .subnets
            .get(subnet_id)
            .and_then(|s| self.after.subnet_position(s))
            && let Some(mark) = out.subnets.get_mut(at)
        {
            *mark = true;
        }
        let Some(at) = self
            .ctx
            .subnets
            .get(subnet_id)
            .and_then(|s| self.ctx.subnet_position(s))
        else {
            // Not a subnet of this model: nothing of it is read here.
            return;
        };
        if core::mem::replace(&mut self.seen.borrow_mut()[at], true) {
            return;
        }
        for e in self.endpoints_in.of(subnet_id) {
            self.endpoint(out, e);
        }
        for rt in self.via_nat_in.of(subnet_id) {
            self.table(out, rt);
        }
    }

    /// Every path of the subnets whose route table is `rt_id`.
    fn table(&self, out: &mut Footprint, rt_id: &str) {
        for s in self.users.of(rt_id) {
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
    let mut out = Footprint {
        subnets: alloc::vec![false; after.input.subnets.items.len()],
        ..Footprint::default()
    };
    reach(&mut out, before, after, options, changes);
    if !out.all {
        reach(&mut out, after, after, options, changes);
    }
    out
}

/// What `changes` can reach in the model of `ctx`.
fn reach(
    out: &mut Footprint,
    ctx: &Ctx<'_>,
    after: &Ctx<'_>,
    options: &ValidateOptions,
    changes: &[Fix],
) {
    let model = Model::new(ctx, after);
    for fix in changes {
        model.change(out, options, fix);
        if out.all {
            return;
        }
    }
}
