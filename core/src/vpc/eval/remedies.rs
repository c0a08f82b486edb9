//! Fixes as data: every fix a finding prints is first a structured change
//! ([`Fix`]) that core can render for a shell and apply to the model; this
//! module turns the findings' fixes into [`Remedy`]s once every path has
//! been evaluated.
//!
//! Guarantees:
//! * every finding whose fix is a command carries the same as a remedy:
//!   steps (commands) and changes (for [`crate::vpc::apply`]), with what it
//!   adds to the monthly bill;
//! * network ACL rule numbers are allocated across all the fixes of a
//!   report: two fixes for one ACL and direction never take the same
//!   number (each stays below the rule it must precede, and clear of every
//!   existing entry), identical fixes share one;
//! * the finding's `fix` text is the recommended remedy's steps.
//!
//! Why a registry: the findings are built in many places as plain data
//! with their rendered command; the structured change behind each command
//! is recorded once when it is rendered ([`Ctx::fix`]) and looked up here,
//! so the finding sites stay simple.
//!
//! Not done here: deciding what to fix (the path modules do), applying.

use super::super::model::*;
use super::Ctx;
use super::index::IdIndex;
use crate::commands::{Fix, RouteTo, fix_command, is_placeholder};
use crate::report::{Finding, Remedy, RemedyChoice, Report};
use alloc::string::String;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

/// One registered fix: its commands as first rendered (one per line), and
/// the changes.
pub(super) struct Registered {
    hash: u64,
    command: String,
    changes: Vec<Fix>,
}

/// A hash eight bytes a step (commands run to hundreds of bytes); the
/// commands are the user's own ids, a collision costs a compare.
fn hash(s: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = s.len() as u64;
    let mut words = s.as_bytes().chunks_exact(8);
    for w in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    for &b in words.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h ^ (h >> 29) ^ (h >> 47)
}

/// Positions in a list of the caller's, found by a 64-bit hash of their
/// key; the caller compares the keys. Open addressing with linear probing,
/// at most half full. Not a `BTreeMap`: one small non-generic table, where
/// each map type cost the browser page's module a tree of its own.
#[derive(Default)]
struct HashPositions {
    slots: Vec<(u64, u32)>,
    len: usize,
}

impl HashPositions {
    const EMPTY: u32 = u32::MAX;

    /// The position of the key hashed to `h` that `is_key` accepts.
    fn find(&self, h: u64, mut is_key: impl FnMut(usize) -> bool) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let (sh, at) = self.slots[i];
            if at == Self::EMPTY {
                return None;
            }
            if sh == h && is_key(at as usize) {
                return Some(at as usize);
            }
            i = (i + 1) & mask;
        }
    }

    /// Records that the key hashed to `h` is at `at` (a key not found).
    fn insert(&mut self, h: u64, at: usize) {
        if (self.len + 1) * 2 > self.slots.len() {
            let old = core::mem::take(&mut self.slots);
            self.slots = vec![(0, Self::EMPTY); (old.len() * 2).max(16)];
            self.len = 0;
            for (sh, a) in old.into_iter().filter(|s| s.1 != Self::EMPTY) {
                self.put(sh, a);
            }
        }
        self.put(h, at as u32);
    }

    fn put(&mut self, h: u64, at: u32) {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        while self.slots[i].1 != Self::EMPTY {
            i = (i + 1) & mask;
        }
        self.slots[i] = (h, at);
        self.len += 1;
    }
}

impl Ctx<'_> {
    /// Renders `fix` for the report's shell and region, and remembers the
    /// change behind the command.
    pub(super) fn fix(&self, fix: &Fix) -> Option<String> {
        self.fixes(core::slice::from_ref(fix))
    }

    /// Renders several steps, one command per line, and remembers the
    /// changes behind them.
    pub(super) fn fixes(&self, steps: &[Fix]) -> Option<String> {
        let mut command = String::new();
        for f in steps {
            if !command.is_empty() {
                command.push('\n');
            }
            command.push_str(&fix_command(self.format, &self.region, f));
        }
        let h = hash(&command);
        let mut registry = self.registry.borrow_mut();
        if !registry.iter().any(|r| r.hash == h && r.command == command) {
            registry.push(Registered {
                hash: h,
                command: command.clone(),
                changes: steps.to_vec(),
            });
        }
        Some(command)
    }

    /// The changes behind a command (or script) this report rendered.
    fn registered(&self, command: &str) -> Option<Vec<Fix>> {
        let at = self.registered_at(command)?;
        self.registry.borrow().get(at).map(|r| r.changes.clone())
    }

    /// Where the registry holds a command (or script) this report rendered.
    fn registered_at(&self, command: &str) -> Option<usize> {
        let h = hash(command);
        self.registry
            .borrow()
            .iter()
            .position(|r| r.hash == h && r.command == command)
    }

    /// Gives every finding of the report its remedies, with ACL rule
    /// numbers allocated across the report, and returns the recommended
    /// remedies the model can apply, each once, in report order (the plan
    /// `--apply-fixes` applies).
    ///
    /// A path that fails for want of a route has two remedies: fix the
    /// route (the path's own finding says how) or create the service's
    /// endpoint. Per VPC, the route is recommended when it is cheaper than
    /// the interface endpoints it makes unnecessary (a route to an existing
    /// NAT gateway costs nothing, a new NAT gateway about $32.85 a month,
    /// each interface endpoint about $7.20 per AZ); a free gateway endpoint
    /// stays recommended either way, and so do the endpoints of the
    /// `private` profile, which is for VPCs meant to have no egress.
    pub(super) fn finish_remedies(
        &self,
        report: &mut Report,
        profile: crate::catalog::Profile,
    ) -> Vec<Planned> {
        let mut routes = self.route_alternatives(report);
        if profile == crate::catalog::Profile::Private {
            for r in &mut routes {
                r.recommended = false;
            }
        }
        let mut numbering = AclNumbering::default();
        let mut plan: Vec<Planned> = Vec::new();
        let mut remedy = |changes: &[Fix], choice: RemedyChoice| {
            let mut changes = changes.to_vec();
            for c in &mut changes {
                numbering.allocate(self, c);
            }
            let steps: Vec<String> = changes
                .iter()
                .map(|c| fix_command(self.format, &self.region, c))
                .collect();
            let remedy = Remedy {
                summary: summary(&changes),
                choice,
                monthly_usd: f64::from(changes.iter().map(|c| self.monthly_cents(c)).sum::<u32>())
                    / 100.0,
                steps,
            };
            (remedy, changes)
        };
        // Many findings share a fix (one per path through a resource):
        // each distinct one is built once.
        type MemoKey = (String, String, bool);
        let mut memo: Vec<(MemoKey, (String, Vec<Remedy>))> = Vec::new();
        let mut memo_ix = HashPositions::default();
        let memo_hash =
            |k: &MemoKey| hash(&k.0) ^ hash(&k.1).rotate_left(1) ^ u64::from(k.2).rotate_left(2);
        let mut each = |f: &mut Finding, route: Option<&RouteAlternative>| {
            let Some(command) = f.fix.clone() else { return };
            // A note's change (an endpoint in one more AZ) is an
            // improvement with a price, not a repair: it is offered, not
            // planned.
            let planned = f.severity != crate::report::Severity::Info;
            let route = route.filter(|_| f.code == crate::report::FindingCode::EndpointMissing);
            let key = (
                command,
                route.map_or_else(String::new, |r| {
                    alloc::format!("{}{}", u8::from(r.recommended), r.command)
                }),
                planned,
            );
            let key_hash = memo_hash(&key);
            if let Some((_, (fix, remedies))) = memo_ix
                .find(key_hash, |at| memo[at].0 == key)
                .map(|at| &memo[at])
            {
                f.fix = Some(fix.clone());
                f.remedies.clone_from(remedies);
                return;
            }
            let command = key.0.clone();
            let Some(changes) = self.registered(&command) else {
                return;
            };
            if changes.iter().all(|c| matches!(c, Fix::Comment(_))) {
                return;
            }
            let (own, own_changes) = remedy(&changes, RemedyChoice::Recommended);
            let (chosen, remedies) = match route {
                Some(r) => {
                    let (mut via_route, route_changes) =
                        remedy(&r.changes, RemedyChoice::Recommended);
                    let mut own = own;
                    let endpoint_costs = own.monthly_usd > 0.0;
                    if r.recommended && endpoint_costs {
                        own.choice = RemedyChoice::Alternative;
                        (route_changes, vec![via_route, own])
                    } else {
                        via_route.choice = RemedyChoice::Alternative;
                        (own_changes, vec![own, via_route])
                    }
                }
                _ => (own_changes, vec![own]),
            };
            let command = remedies[0].steps.join("\n");
            f.fix = Some(command.clone());
            memo_ix.insert(key_hash, memo.len());
            memo.push((key, (command.clone(), remedies.clone())));
            f.remedies = remedies;
            // Only what the model can apply goes into the plan: an
            // instruction with placeholders stays for a human.
            let changes: Vec<Fix> = chosen
                .into_iter()
                .filter(|c| !matches!(c, Fix::Comment(_) | Fix::CreatePublicNatGateway))
                .collect();
            if planned && !changes.is_empty() && !plan.iter().any(|p| p.command == command) {
                plan.push(Planned { command, changes });
            }
        };
        // The report's list repeats the paths' findings: a copy gets what
        // its first path's finding got.
        type DoneKey = (&'static str, String, String);
        let mut done: Vec<(DoneKey, Finding)> = Vec::new();
        let mut done_ix = HashPositions::default();
        let done_hash =
            |k: &DoneKey| hash(k.0) ^ hash(&k.1).rotate_left(1) ^ hash(&k.2).rotate_left(2);
        for (si, s) in report.subnets.iter_mut().enumerate() {
            for (ei, e) in s.endpoints.iter_mut().enumerate() {
                // `routes` is in report order (built walking it).
                let route = routes
                    .binary_search_by(|r| r.at.cmp(&(si, ei)))
                    .ok()
                    .and_then(|i| routes.get(i));
                for f in &mut e.findings {
                    let before = f.fix.clone();
                    each(f, route);
                    if let Some(before) = before {
                        let key = (f.code.as_str(), f.resource.clone(), before);
                        let h = done_hash(&key);
                        if done_ix.find(h, |at| done[at].0 == key).is_none() {
                            done_ix.insert(h, done.len());
                            done.push((key, f.clone()));
                        }
                    }
                }
            }
        }
        for f in &mut report.findings {
            let same = f.fix.as_ref().and_then(|before| {
                let key = (f.code.as_str(), f.resource.clone(), before.clone());
                done_ix
                    .find(done_hash(&key), |at| done[at].0 == key)
                    .map(|at| &done[at].1)
            });
            match same {
                Some(path_finding) => {
                    f.fix.clone_from(&path_finding.fix);
                    f.remedies.clone_from(&path_finding.remedies);
                }
                None => each(f, None),
            }
        }
        plan
    }

    /// For each path that fails for want of a route and offers the
    /// service's endpoint: the changes of the path's own route fix, and
    /// whether its VPC is better off fixing the route.
    fn route_alternatives(&self, report: &Report) -> Vec<RouteAlternative> {
        use crate::report::{FindingCode, Severity};
        let mut out: Vec<RouteAlternative> = Vec::new();
        // Per VPC: (id, the route fixes, the endpoint fixes (both as
        // registry positions, each once), whether every such path has a
        // route fix).
        let mut vpcs: Vec<(&str, Vec<usize>, Vec<usize>, bool)> = Vec::new();
        // A fix that changes something (not only comments), by position.
        let changing = |f: &Finding| {
            let at = self.registered_at(f.fix.as_deref()?)?;
            let registry = self.registry.borrow();
            let r = registry.get(at)?;
            r.changes
                .iter()
                .any(|c| !matches!(c, Fix::Comment(_)))
                .then_some(at)
        };
        for (si, s) in report.subnets.iter().enumerate() {
            let Some(vpc_id) = self.subnets.get(&s.subnet_id).map(|s| s.vpc_id.as_str()) else {
                continue;
            };
            for (ei, e) in s.endpoints.iter().enumerate() {
                let Some(endpoint) = e
                    .findings
                    .iter()
                    .find(|f| {
                        f.code == FindingCode::EndpointMissing && f.severity == Severity::Error
                    })
                    .and_then(changing)
                else {
                    continue;
                };
                let route = e
                    .findings
                    .iter()
                    .filter(|f| {
                        f.code != FindingCode::EndpointMissing && f.severity == Severity::Error
                    })
                    .find_map(|f| changing(f).map(|at| (f.fix.clone().unwrap_or_default(), at)));
                let at = match vpcs.iter().position(|v| v.0 == vpc_id) {
                    Some(i) => i,
                    None => {
                        vpcs.push((vpc_id, Vec::new(), Vec::new(), true));
                        vpcs.len() - 1
                    }
                };
                let v = &mut vpcs[at];
                if !v.2.contains(&endpoint) {
                    v.2.push(endpoint);
                }
                match route {
                    Some((command, fix_at)) => {
                        if !v.1.contains(&fix_at) {
                            v.1.push(fix_at);
                        }
                        let changes = self
                            .registry
                            .borrow()
                            .get(fix_at)
                            .map(|r| r.changes.clone())
                            .unwrap_or_default();
                        out.push(RouteAlternative {
                            at: (si, ei),
                            command,
                            vpc: at,
                            changes,
                            recommended: false,
                        });
                    }
                    None => v.3 = false,
                }
            }
        }
        // Each change counted once, however many fixes hold it.
        let cost = |fixes: &[usize]| {
            let registry = self.registry.borrow();
            let mut seen: Vec<&Fix> = Vec::new();
            for c in fixes
                .iter()
                .filter_map(|i| registry.get(*i))
                .flat_map(|r| &r.changes)
            {
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
            seen.iter().map(|c| self.monthly_cents(c)).sum::<u32>()
        };
        for r in &mut out {
            let (_, route, endpoints, all) = &vpcs[r.vpc];
            // A route fix that leaves some path to an endpoint anyway saves
            // nothing: the endpoints are needed.
            r.recommended = *all && cost(route) < cost(endpoints);
        }
        out
    }

    /// What a change adds to the monthly bill, in cents.
    fn monthly_cents(&self, fix: &Fix) -> u32 {
        match fix {
            Fix::CreateEndpoint { service, placement } => match service.endpoint_type {
                crate::catalog::EndpointType::Interface => {
                    super::endpoints::CENTS_PER_ENDPOINT_AZ_MONTH
                        * (placement.subnet_ids.len().max(1) as u32)
                }
                crate::catalog::EndpointType::Gateway => 0,
            },
            Fix::AddEndpointSubnet { .. } => super::endpoints::CENTS_PER_ENDPOINT_AZ_MONTH,
            Fix::CreateNatGatewayIn { .. } | Fix::CreatePublicNatGateway => {
                super::endpoints::CENTS_PER_NAT_GATEWAY_MONTH
            }
            _ => 0,
        }
    }
}

/// A remedy's summary: its steps' summaries, the creating steps left out
/// when something else says what they are for.
fn summary(changes: &[Fix]) -> String {
    let main: Vec<String> = changes
        .iter()
        .filter(|c| {
            !matches!(
                c,
                Fix::CreateSecurityGroup { .. }
                    | Fix::CreateRouteTable { .. }
                    | Fix::AuthorizeIngress443 { .. }
            ) || changes.len() == 1
        })
        .map(Fix::summary)
        .collect();
    if main.is_empty() {
        changes
            .iter()
            .map(Fix::summary)
            .collect::<Vec<_>>()
            .join(", then ")
    } else {
        main.join(", then ")
    }
}

/// Network ACL rule numbers handed out so far: (ACL, egress?, number, the
/// fix that took it without its number).
#[derive(Default)]
struct AclNumbering {
    taken: Vec<(String, bool, u32, Fix)>,
}

impl AclNumbering {
    /// Gives an ACL fix a number no other fix of the report and no
    /// existing entry uses, at most the one it was given (which is below
    /// the rule it must precede); identical fixes share their number.
    fn allocate(&mut self, ctx: &Ctx<'_>, fix: &mut Fix) {
        let key = with_number(fix, 0);
        let Fix::AllowAclEntry {
            acl_id,
            direction,
            rule_number,
            ..
        } = fix
        else {
            return;
        };
        if let Some((_, _, n, _)) = self.taken.iter().find(|(.., k)| *k == key) {
            *rule_number = *n;
            return;
        }
        let egress = matches!(direction, crate::commands::AclDirection::Egress);
        let used = |n: u32| {
            self.taken
                .iter()
                .any(|(a, e, m, _)| a == acl_id && *e == egress && *m == n)
                || ctx.acl_entry_exists(acl_id, egress, n)
        };
        let mut n = *rule_number;
        while n > 1 && used(n) {
            n -= 1;
        }
        *rule_number = n;
        self.taken.push((acl_id.clone(), egress, n, key));
    }
}

/// `fix` with its rule number set to `n` (ACL fixes; others unchanged).
fn with_number(fix: &Fix, n: u32) -> Fix {
    let mut f = fix.clone();
    if let Fix::AllowAclEntry { rule_number, .. } = &mut f {
        *rule_number = n;
    }
    f
}

/// The destinations of a table's active CIDR routes to `target` (a /1 pair
/// is two), which a fix re-points together.
pub(super) fn routes_to(rt: &RouteTable, target: &RouteTarget) -> Vec<String> {
    rt.routes
        .iter()
        .filter(|r| r.target == *target && r.origin != RouteOrigin::EnableVgwRoutePropagation)
        .filter_map(|r| match &r.destination {
            RouteDestination::Cidr(c) if !c.is_v6() => Some(c.to_string()),
            _ => None,
        })
        .collect()
}

/// A shell variable name for a new resource made for `id`
/// (`NEW_RTB_0B0B…` for the table of `subnet-0b0b…`). An id that is itself
/// a placeholder (`$NEW_…`, from an earlier round of applied fixes) keeps
/// all its letters, so two resources never share a variable.
pub(crate) fn var_for(prefix: &str, id: &str) -> String {
    let mut v = String::from(prefix);
    let tail = match id.find('-') {
        Some(i) if !is_placeholder(id) => &id[i + 1..],
        _ => id,
    };
    for c in tail.chars() {
        if c.is_ascii_alphanumeric() {
            v.push(c.to_ascii_uppercase());
        } else if c == '_' && !v.ends_with('_') {
            v.push('_');
        }
    }
    v
}

impl<'a> Ctx<'a> {
    /// A public subnet of `vpc_id` for a new NAT gateway: its route table
    /// sends 0.0.0.0/0 to an internet gateway attached to the VPC; in `az`
    /// when one is, else the lowest id.
    pub(super) fn public_subnet(
        &self,
        vpc_id: &str,
        az: Option<&str>,
        not: &str,
    ) -> Option<&'a Subnet> {
        let candidates = self.public_subnets.get_or_init(|| {
            let mut v: Vec<&'a Subnet> = self
                .input
                .subnets
                .items
                .iter()
                .filter(|s| self.is_public_subnet(s))
                .collect();
            v.sort_by(|a, b| a.id.cmp(&b.id));
            v
        });
        let mut in_vpc = candidates
            .iter()
            .copied()
            .filter(|s| s.vpc_id == vpc_id && s.id != not);
        let first = in_vpc.next()?;
        if first.availability_zone.as_deref() == az {
            return Some(first);
        }
        Some(
            in_vpc
                .find(|s| s.availability_zone.as_deref() == az)
                .unwrap_or(first),
        )
    }

    /// [`Self::is_public_subnet`], answered from the list of candidates for
    /// a subnet of the input (without comparing it with every task subnet).
    fn is_public_at(&self, s: &Subnet) -> bool {
        match self.subnet_position(s) {
            Some(at) => self
                .public_flags
                .get_or_init(|| {
                    let items = &self.input.subnets.items;
                    let mut flags = alloc::vec![false; items.len()];
                    for c in self.public_subnets.get().into_iter().flatten() {
                        if let Some(i) = self.subnet_position(c) {
                            flags[i] = true;
                        }
                    }
                    // Candidates are computed on first use of
                    // `public_subnet`; without them, ask each subnet.
                    if self.public_subnets.get().is_none() {
                        for (i, x) in items.iter().enumerate() {
                            flags[i] = self.is_public_subnet(x);
                        }
                    }
                    flags
                })
                .get(at)
                .copied()
                .unwrap_or(false),
            None => self.is_public_subnet(s),
        }
    }

    /// Whether a new NAT gateway can go in `s`: its route table sends
    /// 0.0.0.0/0 to an internet gateway attached to its VPC, and it is not a
    /// task subnet (another fix may re-route one).
    fn is_public_subnet(&self, s: &Subnet) -> bool {
        // The task subnets last: comparing ids is the dear part.
        s.cidr.is_some()
            && self.route_table_of(s).is_some_and(|rt| {
                rt.routes.iter().any(|r| {
                    r.state == RouteState::Active
                        && matches!(&r.destination, RouteDestination::Cidr(c) if c.prefix_len() == 0 && !c.is_v6())
                        && match &r.target {
                            RouteTarget::InternetGateway(igw) => {
                                !self.input.internet_gateways.given
                                    || self.igws.get(igw).is_some_and(|i| {
                                        i.attached_vpc_ids.contains(&s.vpc_id)
                                    })
                            }
                            _ => false,
                        }
                })
            })
            && !self.task_subnet_ids.contains(&s.id)
    }

    /// A NAT gateway `subnet` can route to: a usable one, or the steps that
    /// create one in a public subnet. `None` when the VPC has no public
    /// subnet either.
    /// (A NAT gateway in `subnet` itself would need the subnet's default
    /// route for its own way out: it cannot serve it.)
    pub(super) fn nat_steps(&self, subnet: &Subnet) -> Option<(Vec<Fix>, String)> {
        // Asked once per path: answered once per VPC and AZ (the subnet
        // itself matters only when a NAT gateway could go in it).
        let candidate = self
            .public_subnet(&subnet.vpc_id, subnet.availability_zone.as_deref(), "")
            .is_some_and(|_| self.is_public_at(subnet));
        let key = alloc::format!(
            "{}/{}/{}",
            subnet.vpc_id,
            subnet.availability_zone.as_deref().unwrap_or_default(),
            if candidate { subnet.id.as_str() } else { "" }
        );
        if let Some((_, known)) = self.nat_steps_of.borrow().iter().find(|(k, _)| *k == key) {
            return known.clone();
        }
        let answer = self.nat_steps_uncached(subnet);
        self.nat_steps_of.borrow_mut().push((key, answer.clone()));
        answer
    }

    fn nat_steps_uncached(&self, subnet: &Subnet) -> Option<(Vec<Fix>, String)> {
        if let Some(n) = self
            .usable_nat(&subnet.vpc_id, subnet.availability_zone.as_deref())
            .filter(|n| !self.task_subnet_ids.contains(&n.subnet_id))
        {
            return Some((Vec::new(), n.id.clone()));
        }
        let public = self.public_subnet(
            &subnet.vpc_id,
            subnet.availability_zone.as_deref(),
            &subnet.id,
        )?;
        let var = var_for("NEW_NAT_", &public.id);
        Some((
            alloc::vec![Fix::CreateNatGatewayIn {
                var: var.clone(),
                subnet_id: public.id.clone(),
            }],
            alloc::format!("${var}"),
        ))
    }

    /// Whether route table `rt` serves subnets other than `these`
    /// (explicitly associated ones, and for the main table every subnet of
    /// the VPC without an explicit association), or a NAT gateway's subnet
    /// outside them.
    pub(super) fn shared_beyond(&self, rt: &RouteTable, these: &[&str]) -> bool {
        let users = self.table_users.get_or_init(|| {
            let mut n = alloc::vec![0u32; self.tables.len()];
            for s in &self.input.subnets.items {
                if let Some(t) = self.route_table_of(s)
                    && let Some(i) = self.table_ix.get(&t.id)
                    && let Some(c) = n.get_mut(i as usize)
                {
                    *c += 1;
                }
            }
            n
        });
        let all = self
            .table_ix
            .get(&rt.id)
            .and_then(|i| users.get(i as usize).copied())
            .unwrap_or(0) as usize;
        let mine = these
            .iter()
            .filter_map(|id| self.subnets.get(id))
            .filter(|s| self.route_table_of(s).is_some_and(|t| t.id == rt.id))
            .count();
        all > mine
    }

    /// The steps that give `subnet` a route table of its own: a copy of
    /// `current` (its routes, gateway endpoint associations and route
    /// propagation) with `dest` sent to `to`, then the subnet moved to it.
    /// A shared table stays as it is: the subnets that rely on it keep
    /// working.
    pub(super) fn own_route_table(
        &self,
        subnet: &Subnet,
        current: &RouteTable,
        dests: &[String],
        to: RouteTo,
    ) -> Vec<Fix> {
        // One new table per subnet: two subnets leaving the same table get
        // two tables.
        let var = var_for("NEW_RTB_", &subnet.id);
        let new = alloc::format!("${var}");
        let mut steps = alloc::vec![Fix::CreateRouteTable {
            var,
            vpc_id: current.vpc_id.clone(),
        }];
        let mut propagating: Vec<&str> = Vec::new();
        for r in &current.routes {
            let d = match &r.destination {
                RouteDestination::Cidr(c) => c.to_string(),
                RouteDestination::PrefixList(pl) => pl.clone(),
            };
            if dests.contains(&d)
                || r.target == RouteTarget::Local
                || r.state == RouteState::Blackhole
            {
                continue;
            }
            if r.origin == RouteOrigin::EnableVgwRoutePropagation {
                if let RouteTarget::Transit(g) = &r.target
                    && !propagating.contains(&g.as_str())
                {
                    propagating.push(g);
                    steps.push(Fix::EnableRoutePropagation {
                        route_table_id: new.clone(),
                        gateway_id: g.clone(),
                    });
                }
                continue;
            }
            let to = match (&r.target, &r.destination) {
                (RouteTarget::VpcEndpoint(e), RouteDestination::PrefixList(_)) => {
                    steps.push(Fix::AddEndpointRouteTable {
                        endpoint_id: e.clone(),
                        route_table_id: new.clone(),
                    });
                    continue;
                }
                (RouteTarget::VpcEndpoint(e), _) => RouteTo::GatewayLoadBalancerEndpoint(e.clone()),
                (RouteTarget::NatGateway(n), _) => RouteTo::NatGateway(n.clone()),
                (RouteTarget::InternetGateway(i), _) => RouteTo::InternetGateway(i.clone()),
                (RouteTarget::Transit(t), _) if t.starts_with("tgw-") => {
                    RouteTo::TransitGateway(t.clone())
                }
                (RouteTarget::Transit(t), _) if t.starts_with("pcx-") => {
                    RouteTo::PeeringConnection(t.clone())
                }
                (RouteTarget::Transit(t), _) if t.starts_with("vgw-") => {
                    RouteTo::VirtualPrivateGateway(t.clone())
                }
                (RouteTarget::Transit(t), _) if t.starts_with("eni-") => {
                    RouteTo::NetworkInterface(t.clone())
                }
                (t, _) => {
                    steps.push(Fix::Comment(alloc::format!(
                        "also add to the new table the route {d} → {} that {} has",
                        super::public::target_id(t),
                        current.id
                    )));
                    continue;
                }
            };
            steps.push(Fix::Route {
                route_table_id: new.clone(),
                destination: d,
                to,
                replace: false,
            });
        }
        // Gateway endpoints that list the table without a route printed in it.
        for e in self.endpoints.iter().filter(|e| {
            e.ep.kind == VpcEndpointKind::Gateway && e.route_tables.get(&current.id).is_some()
        }) {
            let add = Fix::AddEndpointRouteTable {
                endpoint_id: e.ep.id.clone(),
                route_table_id: new.clone(),
            };
            if !steps.contains(&add) {
                steps.push(add);
            }
        }
        for d in dests {
            steps.push(Fix::Route {
                route_table_id: new.clone(),
                destination: d.clone(),
                to: to.clone(),
                replace: false,
            });
        }
        let explicit = current
            .subnet_ids
            .iter()
            .position(|s| *s == subnet.id)
            .map(|i| current.association_ids.get(i).cloned().unwrap_or_default());
        steps.push(match explicit {
            Some(assoc) if !assoc.is_empty() => Fix::ReplaceRouteTableAssociation {
                association_id: assoc,
                subnet_id: subnet.id.clone(),
                route_table_id: new,
            },
            Some(_) => Fix::Comment(alloc::format!(
                "move {} from {} to the new route table: aws ec2 replace-route-table-association --association-id <its rtbassoc-…> --route-table-id \"{new}\"",
                subnet.id, current.id
            )),
            None => Fix::AssociateRouteTable {
                route_table_id: new,
                subnet_id: subnet.id.clone(),
            },
        });
        steps
    }

    /// The security group a new interface endpoint of `vf`'s VPC gets: one
    /// an existing interface endpoint already uses that admits TCP 443 from
    /// every task subnet, else a new one admitting it from the task's
    /// security group (or, when that is unknown, the VPC's range). The
    /// steps that create it, and its id.
    pub(super) fn endpoint_group(&self, vf: &super::VpcFacts<'_, '_>) -> (Vec<Fix>, String) {
        let task_ranges: Vec<crate::net::Cidr> = vf
            .placement
            .subnet_ids
            .iter()
            .filter_map(|id| self.subnets.get(id))
            .filter_map(|s| s.cidr)
            .collect();
        for e in self
            .endpoints
            .iter()
            .filter(|e| e.ep.vpc_id == vf.vpc_id && e.ep.kind == VpcEndpointKind::Interface)
        {
            let Ok(groups) = &e.sgs else { continue };
            for g in groups
                .iter()
                .filter(|g| !vf.task_group_ids.contains(&g.id.as_str()))
            {
                let admits = !task_ranges.is_empty()
                    && task_ranges.iter().all(|r| {
                        super::sg::sg_allows(
                            core::slice::from_ref(g),
                            Direction::Ingress,
                            &super::sg::Peer::Range(*r),
                            &vf.task_group_ids,
                            None,
                            |pl| self.entries(pl),
                        )
                        .verdict
                            == crate::report::Reachability::Reachable
                    });
                if admits {
                    return (Vec::new(), g.id.clone());
                }
            }
        }
        let var = var_for("NEW_ENDPOINT_SG_", vf.vpc_id);
        let id = alloc::format!("${var}");
        let from = match vf.task_group_ids.first() {
            Some(g) => crate::commands::RulePeer::Group((*g).into()),
            None => crate::commands::RulePeer::Cidr(
                self.vpcs
                    .get(vf.vpc_id)
                    .and_then(|v| v.cidrs.iter().find(|c| !c.is_v6()))
                    .map_or_else(|| "10.0.0.0/8".into(), |c| c.to_string()),
            ),
        };
        (
            alloc::vec![
                Fix::CreateSecurityGroup {
                    var,
                    vpc_id: vf.vpc_id.into(),
                    name: "netready-vpc-endpoints".into(),
                    description: "TCP 443 from the runner's tasks to the VPC's interface endpoints"
                        .into(),
                },
                Fix::AuthorizeIngress443 {
                    group_id: id.clone(),
                    from,
                },
            ],
            id,
        )
    }
}

/// Whether a change can take traffic away from a path that works: it hands
/// names to endpoints, or routes to a gateway endpoint (rules that only
/// allow more, and routes that fill a gap, cannot).
fn can_take_traffic(fix: &Fix) -> bool {
    matches!(
        fix,
        Fix::EnableDnsAttribute { .. }
            | Fix::EnableEndpointPrivateDns { .. }
            | Fix::CreateEndpoint { .. }
            | Fix::AddEndpointRouteTable { .. }
            | Fix::EndpointDnsRecordType { .. }
            | Fix::EndpointDualstack { .. }
            | Fix::Route { replace: true, .. }
            | Fix::ReplaceRouteTableAssociation { .. }
            | Fix::AssociateRouteTable { .. }
    )
}

/// The paths of a report that work: by subnet (an index into the list),
/// whether each service's path (by its position in the profile) does.
fn working(report: &Report) -> (IdIndex<'_>, Vec<Vec<bool>>) {
    let mut ix = IdIndex::with_capacity(report.subnets.len());
    let mut works = Vec::with_capacity(report.subnets.len());
    for s in &report.subnets {
        ix.insert_first(&s.subnet_id, works.len() as u32);
        works.push(
            s.endpoints
                .iter()
                .map(|e| e.reachable == crate::report::Reachability::Reachable)
                .collect(),
        );
    }
    (ix, works)
}

/// A path's other way than the endpoint: its route fix.
struct RouteAlternative {
    /// (subnet, path) in the report.
    at: (usize, usize),
    /// The route fix's command (what its own finding's `fix` says).
    command: String,
    /// Which VPC (an index of [`Ctx::route_alternatives`]'s own list).
    vpc: usize,
    changes: Vec<Fix>,
    /// Whether its VPC is better off fixing the route.
    recommended: bool,
}

/// One finding's recommended remedy as the plan holds it: its rendered
/// command (what the finding's `fix` says) and the changes behind it.
pub(super) struct Planned {
    pub(super) command: String,
    pub(super) changes: Vec<Fix>,
}

/// The changes of `remedies`, in order, each once.
fn changes_of<'p>(remedies: impl Iterator<Item = &'p Planned>) -> Vec<Fix> {
    let mut out: Vec<Fix> = Vec::new();
    for c in remedies.flat_map(|p| &p.changes) {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// Fixes never make things worse: the remedies that can take traffic away
/// are applied to the model, with everything else the plan does, and the
/// report evaluated again; a remedy that breaks a path that works is taken
/// out of the plan, whole, and the findings that offered it say which path
/// it would break instead. Costs one more evaluation when the plan holds
/// such remedies (and one per remedy when they break something). Returns
/// the plan's changes, in order, each once.
pub(super) fn keep_what_breaks_nothing(
    input: &VpcInput,
    options: &super::ValidateOptions,
    report: &mut Report,
    plan: Vec<Planned>,
) -> Result<Vec<Fix>, super::InputError> {
    let is_risky = |p: &Planned| p.changes.iter().any(can_take_traffic);
    if !plan.iter().any(is_risky) {
        return Ok(changes_of(plan.iter()));
    }
    let region = match &options.region {
        Some(r) => r.clone(),
        None => super::infer_region(input).ok_or(super::InputError::NoRegion)?,
    };
    let (ix, before) = working(report);
    let works = |subnet_id: &str, i: usize| {
        ix.get(subnet_id)
            .and_then(|at| before.get(at as usize))
            .and_then(|w| w.get(i).copied())
            .unwrap_or(false)
    };
    // The model as it is, to tell which paths the changes can reach.
    let (now, _) = super::prepare(input, options)?;
    // The working paths the changes break: only those they can reach are
    // evaluated again (`footprint`), which gives what a whole evaluation
    // of the changed model would.
    let harmful = |remedies: &[&Planned]| -> Result<Vec<String>, super::InputError> {
        let changes = changes_of(remedies.iter().copied());
        match crate::vpc::apply(input, &region, &changes) {
            Ok((model, _)) => {
                let broken = super::failing_paths(&model, options, |after| {
                    let reach = super::footprint::footprint(&now, after, options, &changes);
                    move |subnet: &Subnet,
                          at: Option<usize>,
                          i: usize,
                          service: &crate::catalog::Service| {
                        works(&subnet.id, i) && reach.covers(at, service)
                    }
                })?;
                // Debug builds (every test) check the footprint against a
                // whole evaluation of the changed model.
                #[cfg(debug_assertions)]
                {
                    let (after, _) = super::evaluate_once(&model, options)?;
                    let mut whole = Vec::new();
                    for s in &after.subnets {
                        for (i, e) in s.endpoints.iter().enumerate() {
                            let worked = works(&s.subnet_id, i);
                            if worked && e.reachable != crate::report::Reachability::Reachable {
                                whole.push(alloc::format!("{} → {}", s.subnet_id, e.host));
                            }
                        }
                    }
                    debug_assert_eq!(
                        broken, whole,
                        "the footprint of {changes:?} leaves out a path they break"
                    );
                }
                Ok(broken)
            }
            // A change the model cannot take is not offered either.
            Err(e) => Ok(alloc::vec![alloc::format!("{e}")]),
        }
    };
    let all: Vec<&Planned> = plan.iter().collect();
    if harmful(&all)?.is_empty() {
        return Ok(changes_of(plan.iter()));
    }
    // Each risky remedy with what cannot take traffic (an endpoint's new
    // group, a new NAT gateway it routes to).
    let safe: Vec<&Planned> = plan.iter().filter(|p| !is_risky(p)).collect();
    let mut dropped: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, p) in plan.iter().enumerate().filter(|(_, p)| is_risky(p)) {
        let mut with = safe.clone();
        with.push(p);
        let b = harmful(&with)?;
        if !b.is_empty() {
            dropped.push((i, b));
        }
    }
    let kept: Vec<&Planned> = plan
        .iter()
        .enumerate()
        .filter(|(i, _)| !dropped.iter().any(|(d, _)| d == i))
        .map(|(_, p)| p)
        .collect();
    // Harmless alone, harmful together: none of the risky ones this round.
    let together = harmful(&kept)?;
    if !together.is_empty() {
        for (i, p) in plan.iter().enumerate() {
            if is_risky(p) && !dropped.iter().any(|(d, _)| *d == i) {
                dropped.push((i, together.clone()));
            }
        }
    }
    let format = options.fix_format;
    let comments: Vec<(&str, String)> = dropped
        .iter()
        .map(|(i, b)| {
            let p = &plan[*i];
            let why = alloc::format!(
                "{} would break what works now ({}): fix the rest first, then check again",
                summary(&p.changes),
                b.join(", ")
            );
            (
                p.command.as_str(),
                fix_command(format, &region, &Fix::Comment(why)),
            )
        })
        .collect();
    let each = |f: &mut Finding| {
        let Some(fix) = &f.fix else { return };
        if let Some((_, comment)) = comments.iter().find(|(cmd, _)| fix == cmd) {
            f.fix = Some(comment.clone());
            f.remedies.clear();
        }
    };
    for s in &mut report.subnets {
        for e in &mut s.endpoints {
            for f in &mut e.findings {
                each(f);
            }
        }
    }
    for f in &mut report.findings {
        each(f);
    }
    Ok(changes_of(
        plan.iter()
            .enumerate()
            .filter(|(i, _)| !dropped.iter().any(|(d, _)| d == i))
            .map(|(_, p)| p),
    ))
}
