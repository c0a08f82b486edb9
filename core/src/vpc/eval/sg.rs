//! Security groups: stateful, so only the rule in the direction of the
//! connection counts, and any rule of any group that admits the traffic
//! admits it (vpc/latest/userguide/security-group-rules.html).
//!
//! Guarantees: a verdict per (groups, direction, peer) that is three-valued
//! and says why it is unknown ([`Unsure`]): a rule whose CIDR covers only
//! part of the peer, or a prefix list whose entries were not given. A rule
//! that names the peer's own group or the peer's own prefix list (a gateway
//! endpoint's) admits it.
//!
//! Not done here: the findings and fixes (the callers in the path modules
//! word them), network ACLs ([`super::acl`]).

use super::super::model::{Direction, Protocol, SecurityGroup};
use super::{Reachable, Unknown, Unreachable};
use crate::net::Cidr;
use crate::report::Reachability;
use alloc::borrow::ToOwned;
use alloc::string::{String, ToString};

/// Who is on the other side of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Peer<'d> {
    /// Some address inside this range (a subnet).
    Range(Cidr),
    /// The service's public IPv4 addresses: these prefixes when known
    /// (`ip-ranges.json`, a prefix list's entries), else somewhere in public
    /// IPv4 space.
    Service(Option<&'d [Cidr]>),
}

impl Peer<'_> {
    /// The CIDR a rule admitting the whole peer names.
    pub(super) fn cidr_text(&self) -> String {
        match self {
            Peer::Range(c) => c.to_string(),
            Peer::Service(_) => "0.0.0.0/0".to_owned(),
        }
    }
}

/// Whether a rule's CIDR matches the peer: yes, no, or only for some of its
/// addresses (unknown).
pub(super) fn cidr_matches(rule: &Cidr, peer: &Peer<'_>) -> Reachability {
    match peer {
        Peer::Range(r) => {
            if rule.covers(r) {
                Reachable
            } else if r.covers(rule) {
                Unknown
            } else {
                Unreachable
            }
        }
        Peer::Service(Some(prefixes)) if !prefixes.is_empty() => {
            let covered = prefixes.iter().filter(|p| rule.covers(p)).count();
            if covered == prefixes.len() {
                Reachable
            } else if covered > 0 || prefixes.iter().any(|p| p.overlaps(rule)) {
                Unknown
            } else {
                Unreachable
            }
        }
        Peer::Service(_) => match rule {
            Cidr::V6(_) => Unreachable,
            Cidr::V4(c) if c.prefix_len() == 0 => Reachable,
            Cidr::V4(_) => {
                // Inside private or special space: no AWS service there.
                if crate::classify::non_public_v4().any(|np| np.covers(rule)) {
                    Unreachable
                } else {
                    Unknown
                }
            }
        },
    }
}

/// Why a security group verdict is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unsure {
    /// A rule's CIDR covers part of the peer.
    PartialCidr {
        /// The group.
        group: String,
        /// The rule's CIDR.
        cidr: Cidr,
    },
    /// A rule names a prefix list whose entries were not given.
    PrefixList {
        /// The group.
        group: String,
        /// The list.
        id: String,
    },
}

/// A security group verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SgVerdict {
    /// Admitted, not, or unknown.
    pub(super) verdict: Reachability,
    /// Why unknown, when it is.
    pub(super) unsure: Option<Unsure>,
}

/// Does any rule of `groups` in `dir` admit TCP 443 to/from the peer? The
/// peer may also be a member of `peer_groups`, or be the prefix list
/// `peer_prefix_list` itself; `entries(pl)` gives a prefix list's entries
/// when known.
pub(super) fn sg_allows<'e>(
    groups: &[&SecurityGroup],
    dir: Direction,
    peer: &Peer<'_>,
    peer_groups: &[&str],
    peer_prefix_list: Option<&str>,
    entries: impl Fn(&str) -> Option<&'e [Cidr]>,
) -> SgVerdict {
    let mut out = SgVerdict {
        verdict: Unreachable,
        unsure: None,
    };
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
                return SgVerdict {
                    verdict: Reachable,
                    unsure: None,
                };
            }
            for c in &rule.cidrs {
                match cidr_matches(c, peer) {
                    Reachable => {
                        return SgVerdict {
                            verdict: Reachable,
                            unsure: None,
                        };
                    }
                    Unknown => {
                        out.verdict = Unknown;
                        out.unsure.get_or_insert(Unsure::PartialCidr {
                            group: g.id.clone(),
                            cidr: *c,
                        });
                    }
                    Unreachable => {}
                }
            }
            for pl in &rule.prefix_list_ids {
                if Some(pl.as_str()) == peer_prefix_list {
                    return SgVerdict {
                        verdict: Reachable,
                        unsure: None,
                    };
                }
                match entries(pl) {
                    Some(cidrs) => {
                        for c in cidrs {
                            match cidr_matches(c, peer) {
                                Reachable => {
                                    return SgVerdict {
                                        verdict: Reachable,
                                        unsure: None,
                                    };
                                }
                                Unknown => {
                                    out.verdict = Unknown;
                                    out.unsure.get_or_insert(Unsure::PartialCidr {
                                        group: g.id.clone(),
                                        cidr: *c,
                                    });
                                }
                                Unreachable => {}
                            }
                        }
                    }
                    None => {
                        out.verdict = Unknown;
                        out.unsure = Some(Unsure::PrefixList {
                            group: g.id.clone(),
                            id: pl.clone(),
                        });
                    }
                }
            }
        }
    }
    out
}
