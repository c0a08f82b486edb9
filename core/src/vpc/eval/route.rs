//! Route selection, as AWS does it (vpc/latest/userguide/route-tables-priority.html).
//!
//! Guarantees:
//! * the route for a destination is the **longest prefix** that matches it,
//!   over every route of the table alike: static, propagated and the entries
//!   of prefix-list routes;
//! * on equal prefixes a static CIDR route beats a prefix-list route, which
//!   beats a propagated one ([`Rank`]); two prefix-list routes with the same
//!   entry are both returned, since AWS picks one of them at random;
//! * [`winners`] answers the question the evaluation really asks: which
//!   routes carry *some* of the traffic to a whole range of addresses (a
//!   service's public ranges, an endpoint's subnet), leaving out addresses
//!   the caller excludes (private space when the destination is "the
//!   service's public addresses"). `0.0.0.0/1` + `128.0.0.0/1` thus win for
//!   all of public space and shadow a `0.0.0.0/0` route completely.
//!
//! Pure functions of (table, destination): no knowledge of what a target is.
//! A property test checks both functions against a brute-force walk over
//! every address.
//!
//! Not done here: what the chosen route's target does with the traffic
//! (the evaluation's other modules), or routes whose prefix-list entries
//! are unknown (kept apart in [`Table::opaque`] for the caller to judge).

use super::super::model::{Route, RouteDestination, RouteOrigin, RouteTable};
use crate::net::Cidr;
use alloc::vec::Vec;

/// How a route ranks against another with the same prefix: the lower wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    /// A static route with a destination CIDR (`local` included).
    Static,
    /// An entry of a prefix-list route.
    PrefixList,
    /// A route propagated from a virtual private gateway.
    Propagated,
}

/// One destination CIDR of a route: a CIDR route has one, a prefix-list
/// route one per entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View<'r> {
    /// The destination.
    pub(crate) cidr: Cidr,
    /// How it ranks on equal prefixes.
    pub(crate) rank: Rank,
    /// The route it belongs to.
    pub(crate) route: &'r Route,
}

/// A route table as route selection sees it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table<'r> {
    /// Every destination CIDR with its route.
    pub(crate) views: Vec<View<'r>>,
    /// Prefix-list routes whose entries were not given: they may match any
    /// address of the list's family.
    pub(crate) opaque: Vec<&'r Route>,
    /// The active `local` routes' CIDRs.
    pub(crate) locals: Vec<Cidr>,
    /// No route is more specific than a `local` one: every address inside
    /// the VPC leaves by `local` (the usual table; lets the evaluation skip
    /// the walk for endpoint subnets).
    pub(crate) plain: bool,
}

impl<'r> Table<'r> {
    /// The table of `rt`, with `entries(pl)` the entries of a prefix list
    /// when known.
    pub(crate) fn new(rt: &'r RouteTable, entries: impl Fn(&str) -> Option<&'r [Cidr]>) -> Self {
        let mut t = Table::default();
        for route in &rt.routes {
            match &route.destination {
                RouteDestination::Cidr(cidr) => t.views.push(View {
                    cidr: *cidr,
                    rank: match route.origin {
                        RouteOrigin::EnableVgwRoutePropagation => Rank::Propagated,
                        RouteOrigin::CreateRoute | RouteOrigin::CreateRouteTable => Rank::Static,
                    },
                    route,
                }),
                RouteDestination::PrefixList(pl) => match entries(pl) {
                    Some(cidrs) => t.views.extend(cidrs.iter().map(|cidr| View {
                        cidr: *cidr,
                        rank: Rank::PrefixList,
                        route,
                    })),
                    None => t.opaque.push(route),
                },
            }
        }
        t.locals = t
            .views
            .iter()
            .filter(|v| {
                v.route.target == super::super::model::RouteTarget::Local
                    && v.route.state == super::super::model::RouteState::Active
            })
            .map(|v| v.cidr)
            .collect();
        t.plain = t
            .views
            .iter()
            .all(|v| t.locals.contains(&v.cidr) || !t.locals.iter().any(|l| l.covers(&v.cidr)));
        t
    }

    /// Whether every address of `range` surely leaves by `local`, without
    /// a walk.
    pub(crate) fn surely_local(&self, range: &Cidr) -> bool {
        self.plain && self.locals.iter().any(|l| l.covers(range))
    }
}

/// The views of the routes that match all of `dest` with the longest
/// prefix (at most `dest`'s own), best rank first; several only when ranks
/// tie (prefix lists with the same entry).
pub(crate) fn longest_match<'t, 'r>(views: &'t [View<'r>], dest: &Cidr) -> Vec<&'t View<'r>> {
    let mut best: Vec<&'t View<'r>> = Vec::new();
    for v in views.iter().filter(|v| v.cidr.covers(dest)) {
        let better = match best.first() {
            None => true,
            Some(b) => {
                (v.cidr.prefix_len(), core::cmp::Reverse(v.rank))
                    > (b.cidr.prefix_len(), core::cmp::Reverse(b.rank))
            }
        };
        if better {
            best.clear();
            best.push(v);
        } else if best
            .first()
            .is_some_and(|b| b.cidr.prefix_len() == v.cidr.prefix_len() && b.rank == v.rank)
            && !best.iter().any(|b| core::ptr::eq(b.route, v.route))
        {
            best.push(v);
        }
    }
    best
}

/// Every route that carries the traffic to some address of `over` outside
/// `excluded`, each once, in order of first appearance in the walk (lowest
/// addresses first).
pub(crate) fn winners<'r>(views: &[View<'r>], over: Cidr, excluded: &[Cidr]) -> Vec<&'r Route> {
    let mut out: Vec<&'r Route> = Vec::new();
    winners_into(views, over, excluded, &mut out);
    out
}

/// [`winners`] adding to `out` (each route once).
pub(crate) fn winners_into<'r>(
    views: &[View<'r>],
    over: Cidr,
    excluded: &[Cidr],
    out: &mut Vec<&'r Route>,
) {
    if excluded.iter().any(|e| e.covers(&over)) {
        return;
    }
    let split = views.iter().any(|v| strictly_inside(&v.cidr, &over))
        || excluded.iter().any(|e| strictly_inside(e, &over));
    if !split {
        // The common case: one route (or a tie) carries all of `over`.
        best_into(views, &over, out);
        return;
    }
    let inherited: Vec<View<'r>> = longest_match(views, &over).into_iter().copied().collect();
    let inside: Vec<View<'r>> = views
        .iter()
        .filter(|v| strictly_inside(&v.cidr, &over))
        .copied()
        .collect();
    let excl: Vec<Cidr> = excluded
        .iter()
        .filter(|e| strictly_inside(e, &over))
        .copied()
        .collect();
    descend(&inside, &excl, over, &inherited, out);
}

/// The blocks of `all` outside every one of `excluded`, as few CIDRs as
/// the exclusions allow.
pub(crate) fn complement(all: Cidr, excluded: &[Cidr]) -> Vec<Cidr> {
    fn walk(at: Cidr, excluded: &[Cidr], out: &mut Vec<Cidr>) {
        if excluded.iter().any(|e| e.covers(&at)) {
            return;
        }
        match at.halves() {
            Some((low, high)) if excluded.iter().any(|e| strictly_inside(e, &at)) => {
                walk(low, excluded, out);
                walk(high, excluded, out);
            }
            _ => out.push(at),
        }
    }
    let mut out = Vec::new();
    walk(all, excluded, &mut out);
    out
}

/// The routes of [`longest_match`] added to `out` (each once), without
/// allocating.
fn best_into<'r>(views: &[View<'r>], dest: &Cidr, out: &mut Vec<&'r Route>) {
    let mut best: Option<(u8, Rank)> = None;
    for v in views.iter().filter(|v| v.cidr.covers(dest)) {
        let key = (v.cidr.prefix_len(), v.rank);
        if best.is_none_or(|(len, rank)| key.0 > len || (key.0 == len && key.1 < rank)) {
            best = Some(key);
        }
    }
    let Some((len, rank)) = best else { return };
    for v in views
        .iter()
        .filter(|v| v.cidr.prefix_len() == len && v.rank == rank && v.cidr.covers(dest))
    {
        if !out.iter().any(|r| core::ptr::eq(*r, v.route)) {
            out.push(v.route);
        }
    }
}

/// `c` lies in `at` and is smaller.
fn strictly_inside(c: &Cidr, at: &Cidr) -> bool {
    at.covers(c) && c != at
}

/// The walk of [`winners`]: every address of `at` goes to `inherited`
/// unless one of `inside` (the views strictly inside `at`) or of `excl`
/// (the exclusions strictly inside it) splits it. Each level passes its
/// halves only what lies in them, so the walk is about (views +
/// exclusions) × prefix length.
fn descend<'r>(
    inside: &[View<'r>],
    excl: &[Cidr],
    at: Cidr,
    inherited: &[View<'r>],
    out: &mut Vec<&'r Route>,
) {
    let halves = match at.halves() {
        Some(h) if !inside.is_empty() || !excl.is_empty() => h,
        _ => {
            for v in inherited {
                if !out.iter().any(|r| core::ptr::eq(*r, v.route)) {
                    out.push(v.route);
                }
            }
            return;
        }
    };
    for half in [halves.0, halves.1] {
        if excl.iter().any(|e| e.covers(&half)) {
            continue;
        }
        // Views exactly at this half are more specific than anything above.
        let exact: Vec<View<'r>> = inside.iter().filter(|v| v.cidr == half).copied().collect();
        let here: Vec<View<'r>> = longest_match(&exact, &half).into_iter().copied().collect();
        let best: &[View<'r>] = if here.is_empty() { inherited } else { &here };
        let sub: Vec<View<'r>> = inside
            .iter()
            .filter(|v| strictly_inside(&v.cidr, &half))
            .copied()
            .collect();
        let sub_excl: Vec<Cidr> = excl
            .iter()
            .filter(|e| strictly_inside(e, &half))
            .copied()
            .collect();
        descend(&sub, &sub_excl, half, best, out);
    }
}

/// Whether every address of `range` leaves `views`' table by an active
/// `local` route, decided without allocating (the usual case for an
/// endpoint subnet); `false` means "look closer" ([`winners`]).
pub(crate) fn all_local(views: &[View<'_>], range: &Cidr) -> bool {
    let mut best: Option<&View<'_>> = None;
    for v in views {
        if strictly_inside(&v.cidr, range) {
            return false;
        }
        if v.cidr.covers(range)
            && best.is_none_or(|b| {
                (v.cidr.prefix_len(), core::cmp::Reverse(v.rank))
                    > (b.cidr.prefix_len(), core::cmp::Reverse(b.rank))
            })
        {
            best = Some(v);
        }
    }
    best.is_none_or(|b| {
        b.route.target == super::super::model::RouteTarget::Local
            && b.route.state == super::super::model::RouteState::Active
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Ipv4Cidr;
    use crate::vpc::model::{RouteState, RouteTarget};
    use alloc::format;
    use alloc::vec;
    use core::net::Ipv4Addr;
    use proptest::prelude::*;

    fn v4(a: u32, len: u8) -> Cidr {
        Cidr::V4(Ipv4Cidr::new_truncating(Ipv4Addr::from_bits(a), len))
    }

    fn route(target: &str, origin: RouteOrigin, cidr: Cidr) -> Route {
        Route {
            destination: RouteDestination::Cidr(cidr),
            target: RouteTarget::Transit(target.into()),
            state: RouteState::Active,
            origin,
        }
    }

    /// The brute-force oracle: for one address, the matching views with
    /// the longest prefix, then the best rank.
    fn oracle<'r>(views: &[View<'r>], addr: u32) -> Vec<*const Route> {
        let dest = v4(addr, 32);
        let matching: Vec<&View<'r>> = views.iter().filter(|v| v.cidr.covers(&dest)).collect();
        let Some(len) = matching.iter().map(|v| v.cidr.prefix_len()).max() else {
            return Vec::new();
        };
        let rank = matching
            .iter()
            .filter(|v| v.cidr.prefix_len() == len)
            .map(|v| v.rank)
            .min()
            .expect("a view has the longest prefix");
        let mut out: Vec<*const Route> = Vec::new();
        for v in matching
            .iter()
            .filter(|v| v.cidr.prefix_len() == len && v.rank == rank)
        {
            if !out.contains(&(v.route as *const Route)) {
                out.push(v.route);
            }
        }
        out
    }

    #[test]
    fn a_slash_one_pair_shadows_the_default_route() {
        let all = route("nat-1", RouteOrigin::CreateRoute, v4(0, 0));
        let low = route("vgw-1", RouteOrigin::EnableVgwRoutePropagation, v4(0, 1));
        let high = route(
            "vgw-1",
            RouteOrigin::EnableVgwRoutePropagation,
            v4(0x8000_0000, 1),
        );
        let rt = RouteTable {
            id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            main: false,
            subnet_ids: vec![],
            association_ids: vec![],
            routes: vec![all, low, high],
        };
        let t = Table::new(&rt, |_| None);
        let private: Vec<Cidr> = crate::classify::non_public_v4().collect();
        let w = winners(&t.views, v4(0, 0), &private);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w.iter()
                .all(|r| r.target == RouteTarget::Transit("vgw-1".into()))
        );
    }

    #[test]
    fn static_beats_prefix_list_beats_propagated_on_equal_prefixes() {
        let p = route("vgw-1", RouteOrigin::EnableVgwRoutePropagation, v4(0, 0));
        let s = route("nat-1", RouteOrigin::CreateRoute, v4(0, 0));
        for order in [vec![p.clone(), s.clone()], vec![s.clone(), p.clone()]] {
            let rt = RouteTable {
                id: "rtb-1".into(),
                vpc_id: "vpc-1".into(),
                main: false,
                subnet_ids: vec![],
                association_ids: vec![],
                routes: order,
            };
            let t = Table::new(&rt, |_| None);
            let m = longest_match(&t.views, &v4(0x3400_0000, 32));
            assert_eq!(m.len(), 1);
            assert_eq!(m[0].route.target, RouteTarget::Transit("nat-1".into()));
        }
        let entries = [v4(0, 0)];
        let pl = Route {
            destination: RouteDestination::PrefixList("pl-1".into()),
            target: RouteTarget::Transit("tgw-1".into()),
            state: RouteState::Active,
            origin: RouteOrigin::CreateRoute,
        };
        let rt = RouteTable {
            id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            main: false,
            subnet_ids: vec![],
            association_ids: vec![],
            routes: vec![p, pl],
        };
        let t = Table::new(&rt, |_| Some(&entries[..]));
        let m = longest_match(&t.views, &v4(0x3400_0000, 32));
        assert_eq!(m[0].route.target, RouteTarget::Transit("tgw-1".into()));
    }

    /// A random table inside 10.0.0.0/22 (so the brute force can walk every
    /// address), with overlapping prefixes, both origins and prefix lists.
    fn table_strategy() -> impl Strategy<Value = Vec<(u32, u8, u8, u8)>> {
        proptest::collection::vec((0u32..1024, 20u8..=32, 0u8..3, 0u8..4), 0..10)
    }

    fn build(spec: &[(u32, u8, u8, u8)]) -> (Vec<Route>, Vec<(usize, Rank)>) {
        let base = 0x0a00_0000u32;
        let mut routes = Vec::new();
        let mut ranks = Vec::new();
        for (i, (off, len, kind, target)) in spec.iter().enumerate() {
            let cidr = v4(base + off, *len);
            let (origin, rank) = match kind {
                0 => (RouteOrigin::CreateRoute, Rank::Static),
                1 => (RouteOrigin::EnableVgwRoutePropagation, Rank::Propagated),
                _ => (RouteOrigin::CreateRoute, Rank::PrefixList),
            };
            routes.push(route(&format!("t-{target}-{i}"), origin, cidr));
            ranks.push((i, rank));
        }
        (routes, ranks)
    }

    proptest! {
        #[test]
        fn longest_match_and_winners_equal_the_brute_force(
            spec in table_strategy(),
            over_off in 0u32..1024,
            over_len in 22u8..=30,
            excl in proptest::option::of((0u32..1024, 24u8..=32)),
        ) {
            let (routes, ranks) = build(&spec);
            let views: Vec<View<'_>> = ranks
                .iter()
                .map(|(i, rank)| {
                    let RouteDestination::Cidr(cidr) = routes[*i].destination else {
                        unreachable!("built as CIDR routes")
                    };
                    View { cidr, rank: *rank, route: &routes[*i] }
                })
                .collect();
            let over = v4(0x0a00_0000 + over_off, over_len);
            let excluded: Vec<Cidr> = excl.map(|(o, l)| v4(0x0a00_0000 + o, l)).into_iter().collect();
            let Cidr::V4(o) = over else { unreachable!("an IPv4 block") };
            let first = o.network().to_bits();
            let count = 1u32 << (32 - u32::from(o.prefix_len()));
            let mut expected: Vec<*const Route> = Vec::new();
            for a in first..first + count {
                let m = longest_match(&views, &v4(a, 32));
                let got: Vec<*const Route> = m.iter().map(|v| v.route as *const Route).collect();
                prop_assert_eq!(&got, &oracle(&views, a));
                if excluded.iter().any(|e| e.covers(&v4(a, 32))) {
                    continue;
                }
                for r in got {
                    if !expected.contains(&r) {
                        expected.push(r);
                    }
                }
            }
            let mut got: Vec<*const Route> =
                winners(&views, over, &excluded).into_iter().map(|r| r as *const Route).collect();
            got.sort();
            expected.sort();
            prop_assert_eq!(got, expected);
        }
    }
}
