//! Network ACLs: stateless, so each direction of a connection is checked
//! on its own; entries are evaluated in increasing rule number and the
//! first that matches decides; the default rules (`*`, printed as 32767 for
//! IPv4 and 32768 for IPv6) deny (vpc/latest/userguide/nacl-basics.html).
//!
//! Guarantees: a verdict for TCP over a whole port range (the ephemeral
//! ports of the return traffic), three-valued: when an entry's CIDR covers
//! only part of the peer, which rule decides depends on the address, and
//! the verdict is unknown unless every candidate agrees. The rule number a
//! fix must go below, and a free one, are computed here. ACLs do not filter
//! traffic between two addresses of the same subnet; the callers skip those
//! checks.
//!
//! Not done here: which ACL a subnet has (the evaluation's index).

use super::super::model::{Direction, NetworkAcl, PortRange, Protocol, RuleAction, Subnet};
use super::sg::{Peer, cidr_matches};
use super::{Ctx, PathBuild, Reachable, Unknown, Unreachable, and, dangling_finding};
use crate::commands::{AclDirection, Fix};
use crate::report::{Finding, FindingCode, Reachability, Severity};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::ToString;

/// TCP 443.
pub(super) const HTTPS: PortRange = PortRange { from: 443, to: 443 };

/// The ports a task's connections come from, and so the ports its return
/// traffic goes to. ECS tasks run on Linux (32768–60999), but AWS's guidance
/// for an ACL that admits return traffic from NAT gateways and mixed clients
/// is 1024–65535 (vpc/latest/userguide/nacl-ephemeral-ports.html): checking
/// the Linux range says whether *this* task works; fixes open the range
/// AWS recommends.
pub(super) const TASK_EPHEMERAL: PortRange = PortRange {
    from: 32768,
    to: 60999,
};
/// The source ports a NAT gateway uses towards the internet.
pub(super) const NAT_EPHEMERAL: PortRange = PortRange {
    from: 1024,
    to: 65535,
};
/// The highest rule number an entry can have (the IPv4 default is 32767,
/// the IPv6 default 32768).
const DEFAULT_RULE: u32 = 32767;

/// The outcome of a network ACL check.
pub(super) struct AclOutcome {
    /// Allowed, denied, or unknown.
    pub(super) verdict: Reachability,
    /// When it blocks: the rule number below which an allow entry must go.
    pub(super) blocking_rule: u32,
    /// When unknown: the first entry that matches only part of the peer.
    pub(super) partial_rule: Option<u32>,
}

fn ports_overlap(a: PortRange, b: PortRange) -> bool {
    a.from <= b.to && b.from <= a.to
}

/// A network ACL for TCP to the given ports of the peer in `dir`.
pub(super) fn acl_allows(
    acl: &NetworkAcl,
    dir: Direction,
    ports: PortRange,
    peer: &Peer<'_>,
) -> AclOutcome {
    let mut out = AclOutcome {
        verdict: Reachable,
        blocking_rule: DEFAULT_RULE,
        partial_rule: None,
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
fn segment(
    acl: &NetworkAcl,
    dir: Direction,
    seg: PortRange,
    peer: &Peer<'_>,
    out: &mut AclOutcome,
) {
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
        if m == Unreachable {
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
        if m == Reachable {
            decided = true;
            break;
        }
        out.partial_rule.get_or_insert(e.rule_number);
    }
    if !decided {
        deny = true;
    }
    let seg_verdict = match (allow, deny) {
        (true, false) => Reachable,
        (false, _) => Unreachable,
        (true, true) => Unknown,
    };
    if seg_verdict != Unknown && out.verdict != Unknown {
        // A partial match that did not change the outcome explains nothing.
        out.partial_rule = out.partial_rule.filter(|_| false);
    }
    out.verdict = and(out.verdict, seg_verdict);
}

/// A free rule number below `below` in the ACL's `dir` entries (only asked
/// when an ACL blocks): the highest number not used, stepping down from
/// `below - 1`. No sort: an ACL holds at most a few dozen entries, and a
/// `sort_unstable` of `u32` put the standard library's quicksort (about
/// 4 KB) into the browser page's module for this one call.
pub(super) fn free_rule_number(acl: &NetworkAcl, dir: Direction, below: u32) -> Option<u32> {
    let used = |n: u32| {
        acl.entries
            .iter()
            .any(|e| e.direction == dir && e.rule_number == n)
    };
    let mut candidate = below.min(DEFAULT_RULE).checked_sub(1)?;
    while used(candidate) {
        if candidate <= 1 {
            return None;
        }
        candidate -= 1;
    }
    (candidate >= 1).then_some(candidate)
}

/// A subnet and its network ACL, looked up once per path (the lookups
/// dominated the evaluation's profile).
pub(super) struct AclOf<'a> {
    pub(super) subnet_id: &'a str,
    pub(super) acl: Option<&'a NetworkAcl>,
}

impl<'a> Ctx<'a> {
    pub(super) fn acl_of(&self, subnet_id: &str) -> Option<&'a NetworkAcl> {
        self.acl_by_subnet.get(subnet_id)
    }

    pub(super) fn acl_at<'s>(&self, subnet_id: &'s str) -> AclOf<'s>
    where
        'a: 's,
    {
        AclOf {
            subnet_id,
            acl: self.acl_of(subnet_id),
        }
    }

    /// One network ACL check folded into `b`, with its finding.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn acl(
        &self,
        b: &mut PathBuild,
        at: &AclOf<'_>,
        dir: Direction,
        ports: PortRange,
        peer: &Peer<'_>,
        what: &str,
    ) {
        let subnet_id = at.subnet_id;
        if !self.input.network_acls.given {
            let f = self.missing("NetworkAcls");
            b.check(Unknown, || f.clone(), || Some(f.clone()));
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
            b.check(Unknown, || f.clone(), || Some(f.clone()));
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
        // The return traffic's fix opens AWS's recommended range.
        let fix_ports = if ports == HTTPS { HTTPS } else { NAT_EPHEMERAL };
        let port_text = |p: PortRange| {
            if p.from == p.to {
                p.from.to_string()
            } else {
                format!("{}-{}", p.from, p.to)
            }
        };
        let towards = if dir == Direction::Ingress {
            "in from"
        } else {
            "out to"
        };
        // Built only when the ACL blocks: most checks pass.
        let fix = || match free_rule_number(acl, dir, out.blocking_rule) {
            Some(n) => Fix::AllowAclEntry {
                acl_id: acl.id.clone(),
                direction,
                rule_number: n,
                from_port: fix_ports.from,
                to_port: fix_ports.to,
                cidr: peer.cidr_text(),
            },
            None => Fix::Comment(format!(
                "no free rule number below {} in {}: renumber its entries, then allow TCP {} {} {}",
                out.blocking_rule,
                acl.id,
                port_text(fix_ports),
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
                    "Network ACL {} of {subnet_id} blocks {what} (TCP {} {towards} {}); rule {} decides.",
                    acl.id,
                    port_text(ports),
                    peer.cidr_text(),
                    if out.blocking_rule >= DEFAULT_RULE {
                        "* (the default deny)".to_owned()
                    } else {
                        out.blocking_rule.to_string()
                    },
                ),
                fix: self.fix(&fix()), remedies: alloc::vec::Vec::new(), },
            || {
                Some(Finding {
                    code,
                    severity: Severity::Warning,
                    resource: acl.id.clone(),
                    message: format!(
                        "Network ACL {} of {subnet_id}: rule {} matches only part of {} for {what} (TCP {} {towards}), so whether it is allowed depends on the address. {}",
                        acl.id,
                        out.partial_rule.map_or_else(|| "*".to_owned(), |n| n.to_string()),
                        peer_words(peer),
                        port_text(ports),
                        unsure_advice(peer),
                    ),
                    fix: self.fix(&fix()), remedies: alloc::vec::Vec::new(), })
            },
        );
    }

    /// ACLs of the task subnet towards a public peer: 443 out, return in.
    pub(super) fn task_acls_public(&self, b: &mut PathBuild, subnet: &Subnet, peer: &Peer<'_>) {
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
}

/// The peer in words, for messages.
pub(super) fn peer_words(peer: &Peer<'_>) -> alloc::string::String {
    match peer {
        Peer::Range(c) => format!("subnet range {c}"),
        Peer::Service(Some(_)) => "the service's published address ranges".to_owned(),
        Peer::Service(None) => "the service's public addresses".to_owned(),
    }
}

/// What would settle a partial match.
pub(super) fn unsure_advice(peer: &Peer<'_>) -> &'static str {
    match peer {
        Peer::Range(_) => "Make the rule cover the whole subnet.",
        Peer::Service(Some(_)) => {
            "Make the rule cover all of them (or 0.0.0.0/0): the service may answer from any."
        }
        Peer::Service(None) => {
            "Give --ip-ranges ip-ranges.json (AWS's published ranges) to decide, or make the rule cover 0.0.0.0/0."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::model::{AclEntry, NetworkAcl};
    use super::*;
    use crate::net::{Cidr, Ipv4Cidr};
    use alloc::collections::BTreeSet;
    use alloc::vec;
    use alloc::vec::Vec;
    use core::net::Ipv4Addr;
    use proptest::prelude::*;

    /// The ACL evaluation as first written (sorted cut points in a Vec, a
    /// BTreeSet of used rule numbers): the reference for the allocation-free
    /// walk.
    fn acl_reference(
        acl: &NetworkAcl,
        dir: Direction,
        ports: PortRange,
        peer: &Peer<'_>,
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
            verdict: Reachable,
            blocking_rule: DEFAULT_RULE,
            partial_rule: None,
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
        (1..below.min(DEFAULT_RULE))
            .rev()
            .find(|n| !used.contains(n))
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
            prop_oneof![1u32..200, Just(32767u32), Just(32768u32)],
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

    #[test]
    fn the_ipv6_default_rule_denies_ipv6_and_leaves_ipv4_alone() {
        let any4: Cidr = "0.0.0.0/0".parse().unwrap();
        let any6: Cidr = "::/0".parse().unwrap();
        let e = |n, cidr, action| AclEntry {
            rule_number: n,
            direction: Direction::Egress,
            protocol: Protocol::All,
            action,
            cidr,
            ports: PortRange::ALL,
        };
        let acl = NetworkAcl {
            id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            is_default: true,
            subnet_ids: vec![],
            entries: vec![
                e(100, any4, RuleAction::Allow),
                e(32767, any4, RuleAction::Deny),
                e(32768, any6, RuleAction::Deny),
            ],
        };
        let v6: Cidr = "2a05:d018::/64".parse().unwrap();
        let out = acl_allows(&acl, Direction::Egress, HTTPS, &Peer::Range(v6));
        assert_eq!(out.verdict, Unreachable);
        let v4: Cidr = "10.0.1.0/24".parse().unwrap();
        assert_eq!(
            acl_allows(&acl, Direction::Egress, HTTPS, &Peer::Range(v4)).verdict,
            Reachable
        );
        // A fix never takes a default rule's number.
        assert_eq!(
            free_rule_number(&acl, Direction::Egress, 32768),
            Some(32766)
        );
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
                Peer::Service(None)
            } else {
                Peer::Range(Cidr::V4(Ipv4Cidr::new_truncating(Ipv4Addr::new(10, 0, 1, 0), 24)))
            };
            let got = acl_allows(&acl, dir, ports, &peer);
            prop_assert_eq!((got.verdict, got.blocking_rule), acl_reference(&acl, dir, ports, &peer));
            if got.verdict == Unknown {
                prop_assert!(got.partial_rule.is_some(), "an unknown verdict names the rule");
            }
            for below in [0, 1, 2, 100, got.blocking_rule, 32767, 32768] {
                prop_assert_eq!(free_rule_number(&acl, dir, below), free_reference(&acl, dir, below));
            }
        }
    }
}
