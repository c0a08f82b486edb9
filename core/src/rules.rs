//! The probe's rules: from what DNS and TCP did to a verdict.
//!
//! The probe calls [`plan_dials`] on each DNS answer *before* dialling (so a
//! sinkhole answer such as 0.0.0.0 or 127.0.0.1 is never dialled: something
//! listening locally would make it look ready), dials what the plan says, and
//! hands the outcomes to [`assess_endpoint`]. [`overall_status`] folds the
//! endpoints into `ready` / `degraded` / `unknown`.
//!
//! Guarantees:
//! * an endpoint is reachable if and only if at least one dialled address
//!   connected; a reachable endpoint has no failure code and an unreachable
//!   one always has one;
//! * the status is `degraded` if and only if some endpoint is unreachable,
//!   `unknown` if nothing is unreachable but something is unknown, and unknown
//!   is never counted as reachable;
//! * the access type is the path the traffic takes even when it is then
//!   blocked, and `None` only when there is no path (DNS failed or answered
//!   nothing real);
//! * every failure code carries the troubleshooting hint of the operators'
//!   guide.
//!
//! Not done here: resolving, dialling, timing (the caller measures and passes
//! milliseconds in).

use crate::classify::{AddressClass, Classified, Translation, classify};
use crate::net::Cidr;
use crate::report::{
    AccessType, AddressReport, EndpointReport, FailureCode, Finding, FindingCode, Reachability,
    Severity, Status, TcpOutcome, TlsOutcome, TlsReport,
};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::net::IpAddr;
use core::str::FromStr;

/// Whether the task has a public IP.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum PublicIp {
    /// It has one (`yes`): public answers go through an internet gateway.
    #[serde(rename = "yes")]
    Assigned,
    /// It has none (`no`): public answers go through a NAT gateway.
    #[serde(rename = "no")]
    NotAssigned,
    /// Not known (`unknown`): public answers are reported as `public`, not
    /// guessed.
    #[default]
    #[serde(rename = "unknown")]
    Unknown,
}

impl PublicIp {
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PublicIp::Assigned => "yes",
            PublicIp::NotAssigned => "no",
            PublicIp::Unknown => "unknown",
        }
    }
}

impl fmt::Display for PublicIp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a public-IP setting did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicIpError {
    /// Not `yes`, `no` or `unknown`.
    Unknown,
}

impl fmt::Display for PublicIpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected yes, no or unknown")
    }
}

impl core::error::Error for PublicIpError {}

impl FromStr for PublicIp {
    type Err = PublicIpError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "yes" | "true" => Ok(PublicIp::Assigned),
            "no" | "false" => Ok(PublicIp::NotAssigned),
            "unknown" => Ok(PublicIp::Unknown),
            _ => Err(PublicIpError::Unknown),
        }
    }
}

/// What the probe knows about the task it runs in.
#[derive(Debug, Clone, Copy)]
pub struct TaskContext<'a> {
    /// Whether the task has a public IP.
    pub public_ip: PublicIp,
    /// The VPC's CIDRs (addresses inside count as private).
    pub vpc_cidrs: &'a [Cidr],
}

/// How a DNS lookup failed. The system resolver hides these distinctions;
/// each points at a different fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum DnsFailure {
    /// NXDOMAIN: the name does not exist for this resolver.
    NxDomain,
    /// NOERROR with no A or AAAA record.
    NoData,
    /// SERVFAIL (or FORMERR to a query without EDNS): from every resolver
    /// asked.
    ServFail,
    /// REFUSED, from every resolver asked.
    Refused,
    /// A query was sent, and no resolver answered before the deadline.
    Timeout,
    /// The deadline passed before any query for the name was sent (every
    /// query slot was taken by other names, or no socket could be opened):
    /// no resolver was asked. Reported as `dns_timeout` (no answer came in
    /// time), but with a hint that points at the probe's budget, not at the
    /// VPC's DNS.
    NotAsked,
    /// No query for the name could leave this host: it has no route to the
    /// resolver, or a local firewall rejected the datagram. No resolver was
    /// asked. Reported as `dns_unreachable`.
    NoRoute,
    /// Every resolver asked was down: its port answered ICMP port
    /// unreachable (nothing listens there), or ICMP host unreachable came
    /// back. Reported as `dns_unreachable`.
    Unreachable,
}

impl DnsFailure {
    /// The report's failure code.
    pub const fn code(self) -> FailureCode {
        match self {
            DnsFailure::NxDomain => FailureCode::DnsNxdomain,
            DnsFailure::NoData => FailureCode::DnsNoRecords,
            DnsFailure::ServFail => FailureCode::DnsServfail,
            DnsFailure::Refused => FailureCode::DnsRefused,
            DnsFailure::Timeout | DnsFailure::NotAsked => FailureCode::DnsTimeout,
            DnsFailure::NoRoute | DnsFailure::Unreachable => FailureCode::DnsUnreachable,
        }
    }

    /// How much the failure says about the resolvers, to keep the most
    /// telling one when every resolver failed: an answer (SERVFAIL,
    /// REFUSED) says more than silence after a query, silence more than an
    /// ICMP error, an ICMP error more than a query that never left, and
    /// that more than a query never sent for want of time.
    pub const fn weight(self) -> u8 {
        match self {
            DnsFailure::NotAsked => 0,
            DnsFailure::NoRoute => 1,
            DnsFailure::Unreachable => 2,
            DnsFailure::Timeout => 3,
            DnsFailure::ServFail
            | DnsFailure::Refused
            | DnsFailure::NxDomain
            | DnsFailure::NoData => 4,
        }
    }
}

/// What one DNS query (one record type, A or AAAA, to one server) came
/// back with: the input of [`combine_answers`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryOutcome {
    /// NOERROR: the addresses of the asked type (maybe none: NODATA) and
    /// the CNAME chain.
    Answer {
        /// The addresses of the type asked for.
        addresses: Vec<IpAddr>,
        /// The CNAMEs followed to them.
        cnames: Vec<String>,
    },
    /// NXDOMAIN, with the CNAMEs followed to the name that does not exist.
    NxDomain {
        /// The CNAMEs followed.
        cnames: Vec<String>,
    },
    /// SERVFAIL, NOTIMP, a FORMERR to a query without EDNS, any other rcode.
    ServFail,
    /// REFUSED.
    Refused,
    /// Sent, and no usable reply before the attempt's deadline.
    Timeout,
    /// The server is down: an ICMP port or host unreachable came back (or
    /// another name found so before this one asked).
    ServerDown,
    /// Never sent: no query slot came free, or no socket could be opened,
    /// before the attempt's deadline.
    NotSent,
    /// Never left this host: no route to the server, or a local error on
    /// every send.
    NoRoute,
}

/// What one server's A and AAAA outcomes together mean for the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Combined {
    /// The answer (addresses, NXDOMAIN or NODATA) and the CNAME chain: no
    /// other server is asked.
    Final(DnsAnswer, Vec<String>),
    /// This server gave no answer: the name goes to the next server, with
    /// this failure if none answers.
    TryNext(DnsFailure),
}

/// One server's A and AAAA outcomes, combined the way the C library
/// combines them: addresses of either type answer the name (A first), and
/// win over the other type's failure; NXDOMAIN, and NODATA for both types,
/// are final; SERVFAIL, REFUSED, a dead server or silence send the name on
/// to the next server, with the most telling of them.
pub fn combine_answers(a: QueryOutcome, aaaa: QueryOutcome) -> Combined {
    use QueryOutcome as Q;
    let mut addresses = Vec::new();
    let mut cnames: Vec<String> = Vec::new();
    for q in [&a, &aaaa] {
        if let Q::Answer {
            addresses: found,
            cnames: c,
        } = q
        {
            addresses.extend_from_slice(found);
            if cnames.is_empty() {
                cnames.clone_from(c);
            }
        }
    }
    if !addresses.is_empty() {
        return Combined::Final(DnsAnswer::Addresses(addresses), cnames);
    }
    for q in [&a, &aaaa] {
        if let Q::NxDomain { cnames: c } = q {
            return Combined::Final(DnsAnswer::Failed(DnsFailure::NxDomain), c.clone());
        }
    }
    if matches!((&a, &aaaa), (Q::Answer { .. }, Q::Answer { .. })) {
        return Combined::Final(DnsAnswer::Failed(DnsFailure::NoData), cnames);
    }
    let any = |f: fn(&Q) -> bool| f(&a) || f(&aaaa);
    Combined::TryNext(if any(|q| matches!(q, Q::ServerDown)) {
        DnsFailure::Unreachable
    } else if any(|q| matches!(q, Q::Refused)) {
        DnsFailure::Refused
    } else if any(|q| matches!(q, Q::ServFail)) {
        DnsFailure::ServFail
    } else if any(|q| matches!(q, Q::Timeout | Q::Answer { .. })) {
        // One answered NODATA, the other stayed silent: no answer yet.
        DnsFailure::Timeout
    } else if any(|q| matches!(q, Q::NoRoute)) {
        DnsFailure::NoRoute
    } else {
        DnsFailure::NotAsked
    })
}

/// Whether `failure`, from a later server, replaces `so_far` as the one a
/// name that no server answered is reported with: the most telling
/// ([`DnsFailure::weight`]), the later one on a tie.
pub fn more_telling(failure: DnsFailure, so_far: Option<DnsFailure>) -> bool {
    so_far.is_none_or(|f| failure.weight() >= f.weight())
}

/// What DNS said for one host.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum DnsAnswer {
    /// The A and AAAA addresses, in answer order (A first). Never empty: an
    /// empty answer is [`DnsFailure::NoData`].
    Addresses(Vec<IpAddr>),
    /// The lookup failed.
    Failed(DnsFailure),
}

impl DnsAnswer {
    /// Builds an answer, turning an empty address list into NODATA.
    pub fn from_addresses(addresses: Vec<IpAddr>) -> DnsAnswer {
        if addresses.is_empty() {
            DnsAnswer::Failed(DnsFailure::NoData)
        } else {
            DnsAnswer::Addresses(addresses)
        }
    }
}

/// What to do with one resolved address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialAction {
    /// Dial it.
    Dial,
    /// Never dial it: it cannot be a real endpoint.
    SkipSinkhole,
    /// Do not dial it: the per-host cap is reached.
    SkipCap,
}

/// One address of a dial plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedAddress {
    /// The address as resolved.
    pub ip: IpAddr,
    /// What it is.
    pub classified: Classified,
    /// What to do with it.
    pub action: DialAction,
}

/// Classifies every answered address, drops duplicates (keeping answer
/// order) and decides which to dial: every real address, up to
/// `max_dials_per_host` (at least one).
pub fn plan_dials(
    addresses: &[IpAddr],
    ctx: &TaskContext<'_>,
    max_dials_per_host: usize,
) -> Vec<PlannedAddress> {
    let cap = max_dials_per_host.max(1);
    let mut plan: Vec<PlannedAddress> = Vec::with_capacity(addresses.len());
    let mut dials = 0usize;
    for &ip in addresses {
        if plan.iter().any(|p| p.ip == ip) {
            continue;
        }
        let classified = classify(ip, ctx.vpc_cidrs);
        let action = if classified.class.is_special() {
            DialAction::SkipSinkhole
        } else if dials < cap {
            dials += 1;
            DialAction::Dial
        } else {
            DialAction::SkipCap
        };
        plan.push(PlannedAddress {
            ip,
            classified,
            action,
        });
    }
    plan
}

/// The access type of traffic to one address.
pub fn access_type_of(classified: &Classified, public_ip: PublicIp) -> Option<AccessType> {
    match (classified.class, classified.translation) {
        (AddressClass::Special(_), _) => None,
        (_, Translation::Nat64) => Some(AccessType::NatGateway),
        (AddressClass::Private(_), _) => Some(AccessType::VpcEndpoint),
        (AddressClass::Public, _) => Some(match public_ip {
            PublicIp::Assigned => AccessType::InternetGateway,
            PublicIp::NotAssigned => AccessType::NatGateway,
            PublicIp::Unknown => AccessType::Public,
        }),
    }
}

/// What the probe observed for one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The endpoint service suffix, or `custom`.
    pub service: String,
    /// The host resolved.
    pub host: String,
    /// The port dialled.
    pub port: u16,
    /// The DNS answer.
    pub dns: DnsAnswer,
    /// For each address of the answer, in answer order, what dialling it did
    /// and how long the connect took. Addresses missing here count as
    /// [`TcpOutcome::SkippedDeadline`]; extra ones are ignored.
    pub dials: Vec<(IpAddr, TcpOutcome, Option<f64>)>,
}

/// The verdict on one endpoint: its report entry and the warnings it raises.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The endpoint's report entry (without `dns`/`tls` details, which the
    /// caller adds).
    pub endpoint: EndpointReport,
    /// `mixed-answers`, `partial-reachability`.
    pub findings: Vec<Finding>,
}

/// Assesses one endpoint. `max_dials_per_host` must be the cap the plan was
/// made with, so that skipped addresses are reported as such.
pub fn assess_endpoint(
    obs: &Observation,
    ctx: &TaskContext<'_>,
    max_dials_per_host: usize,
) -> Assessment {
    let mut endpoint = EndpointReport {
        service: obs.service.clone(),
        host: obs.host.clone(),
        port: obs.port,
        access_type: None,
        reachable: Reachability::Unreachable,
        failure: None,
        addresses: Vec::new(),
        hints: Vec::new(),
        dns: None,
        tls: None,
    };
    let mut findings = Vec::new();
    let answered = match &obs.dns {
        DnsAnswer::Failed(f) => {
            endpoint.failure = Some(f.code());
            let text = match f {
                DnsFailure::NotAsked => NOT_ASKED_HINT,
                DnsFailure::NoRoute => NO_ROUTE_TO_RESOLVER_HINT,
                _ => hint(f.code(), None, &obs.service),
            };
            endpoint.hints.push(text.to_owned());
            return Assessment { endpoint, findings };
        }
        DnsAnswer::Addresses(a) => a,
    };
    let plan = plan_dials(answered, ctx, max_dials_per_host);
    for p in &plan {
        let outcome = match p.action {
            DialAction::SkipSinkhole => (TcpOutcome::SkippedSinkhole, None),
            DialAction::SkipCap => (TcpOutcome::SkippedCap, None),
            DialAction::Dial => obs
                .dials
                .iter()
                .find(|(ip, _, _)| *ip == p.ip)
                // A "skipped" outcome for a planned dial is not something the
                // dialler can claim; only a real dial or the deadline.
                .map(|(_, o, ms)| {
                    if o.was_dialled() {
                        (*o, *ms)
                    } else {
                        (TcpOutcome::SkippedDeadline, None)
                    }
                })
                .unwrap_or((TcpOutcome::SkippedDeadline, None)),
        };
        endpoint.addresses.push(AddressReport {
            ip: p.ip,
            class: p.classified.class,
            via: p.classified.translation,
            outcome: outcome.0,
            ms: outcome.1,
        });
    }

    let real: Vec<(&PlannedAddress, &AddressReport)> = plan
        .iter()
        .zip(&endpoint.addresses)
        .filter(|(p, _)| p.action != DialAction::SkipSinkhole)
        .collect();
    let sinkholes = plan.len() - real.len();
    if real.is_empty() {
        endpoint.failure = Some(FailureCode::DnsSinkhole);
        endpoint
            .hints
            .push(hint(FailureCode::DnsSinkhole, None, &obs.service).to_owned());
        return Assessment { endpoint, findings };
    }

    let connected = real
        .iter()
        .find(|(_, a)| a.outcome == TcpOutcome::Connected);
    let lead = connected.unwrap_or(&real[0]).0;
    endpoint.access_type = access_type_of(&lead.classified, ctx.public_ip);

    // Addresses this host cannot route to are not part of its answer's mix
    // (a dual-stack endpoint's AAAA in a subnet without IPv6).
    let routed = || {
        real.iter()
            .filter(|(_, a)| a.outcome != TcpOutcome::NoLocalRoute)
    };
    let has_private = routed().any(|(p, _)| matches!(p.classified.class, AddressClass::Private(_)));
    let has_public = routed().any(|(p, _)| p.classified.class == AddressClass::Public);
    if (has_private && has_public) || sinkholes > 0 {
        let what = if sinkholes > 0 {
            "real addresses and addresses that are never a real endpoint (a sinkhole or firewall answer)"
        } else {
            "both private and public addresses (split-horizon DNS, or private DNS only partly in effect)"
        };
        findings.push(Finding {
            code: FindingCode::MixedAnswers,
            severity: Severity::Warning,
            resource: obs.host.clone(),
            message: format!(
                "{} resolved to {what}: {}",
                obs.host,
                address_list(&endpoint.addresses)
            ),
            fix: None,
            remedies: Vec::new(),
        });
    }

    let dialled: Vec<TcpOutcome> = real
        .iter()
        .map(|(_, a)| a.outcome)
        .filter(|o| o.was_dialled())
        .collect();
    // Addresses this host has no route to (AAAA answers in a subnet without
    // IPv6) say nothing about the endpoint's path while another address
    // works: clients fall back to it. They are a hint, not a warning.
    let failed = dialled
        .iter()
        .filter(|o| !matches!(o, TcpOutcome::Connected | TcpOutcome::NoLocalRoute))
        .count();
    let no_local_route = dialled
        .iter()
        .filter(|o| **o == TcpOutcome::NoLocalRoute)
        .count();
    if connected.is_some() {
        endpoint.reachable = Reachability::Reachable;
        if no_local_route > 0 {
            endpoint.hints.push(format!(
                "{no_local_route} of the addresses answered have no route from this host (no_local_route: nothing was sent), typically AAAA answers in a subnet without IPv6; clients use the addresses that connected. Give the subnet IPv6 and a route if the runner should use IPv6."
            ));
        }
        if failed > 0 {
            let bad: Vec<String> = endpoint
                .addresses
                .iter()
                .filter(|a| {
                    a.outcome.was_dialled()
                        && !matches!(a.outcome, TcpOutcome::Connected | TcpOutcome::NoLocalRoute)
                })
                .map(|a| format!("{} ({})", a.ip, a.outcome.as_str()))
                .collect();
            findings.push(Finding {
                code: FindingCode::PartialReachability,
                severity: Severity::Warning,
                resource: obs.host.clone(),
                message: format!(
                    "{}: {} of {} addresses connected; not: {}. An interface endpoint has one address per AZ: check the security group and network ACLs of the endpoint's subnet in that AZ.",
                    obs.host,
                    dialled.len() - failed - no_local_route,
                    dialled.len() - no_local_route,
                    bad.join(", ")
                ),
                fix: None, remedies: Vec::new(), });
        }
    } else {
        let code = tcp_failure(&dialled);
        endpoint.failure = Some(code);
        // Nothing dialled: the budget ran out first, which says nothing about
        // security groups or routes; the troubleshooting hint would mislead.
        let text = if dialled.is_empty() {
            NOT_DIALLED_HINT
        } else {
            hint(code, endpoint.access_type, &obs.service)
        };
        endpoint.hints.push(text.to_owned());
    }
    if let Some(extra) = access_hint(endpoint.access_type, &obs.service) {
        endpoint.hints.push(extra.to_owned());
    }
    Assessment { endpoint, findings }
}

fn address_list(addresses: &[AddressReport]) -> String {
    let parts: Vec<String> = addresses
        .iter()
        .map(|a| format!("{} ({})", a.ip, a.class))
        .collect();
    parts.join(", ")
}

/// The hint of [`DnsFailure::NotAsked`].
pub const NOT_ASKED_HINT: &str = "No query for this name was sent: the probe's deadline (--timeout) passed before a DNS query slot came free (other names' queries held them), or no socket could be opened (the open-files limit). The resolver was never asked, so this says nothing about the VPC's DNS. Raise --timeout, or probe fewer endpoints at once.";

/// The hint of [`DnsFailure::NoRoute`].
pub const NO_ROUTE_TO_RESOLVER_HINT: &str = "No query for this name left this host: it has no route to the resolver (or a local firewall rejected the datagram), so the resolver was never asked. Check the task's routes to the nameserver addresses in /etc/resolv.conf (the VPC resolver is the VPC CIDR's base address + 2, or 169.254.169.253), and local firewall rules for UDP 53.";

/// The hint of an endpoint whose every planned address was
/// [`TcpOutcome::SkippedDeadline`].
pub const NOT_DIALLED_HINT: &str = "No address was dialled: the probe's deadline (--timeout) passed before a connection could be started (DNS used the budget, or every connection slot was taken). Nothing was sent, so this says nothing about routes or security groups. Raise --timeout, or probe fewer endpoints at once.";

/// The hint for a name whose DNS answer came only after `resent` query
/// retransmissions to the resolver that gave it (retransmissions to
/// resolvers that failed say nothing about the path to this one), or `None`
/// when there were none or no resolver answered (that failure's own hint
/// covers it).
pub fn dns_resent_hint(resent: u32, answer: &DnsAnswer) -> Option<String> {
    if resent == 0
        || matches!(
            answer,
            DnsAnswer::Failed(
                DnsFailure::Timeout
                    | DnsFailure::NotAsked
                    | DnsFailure::NoRoute
                    | DnsFailure::Unreachable
            )
        )
    {
        return None;
    }
    let queries = if resent == 1 { "query" } else { "queries" };
    Some(format!(
        "DNS answered only after {resent} retransmitted {queries}: datagrams to or from the resolver were lost, or it answered slowly. The VPC resolver drops queries above 1,024 packets per second per network interface; a loaded or lossy path makes applications with short DNS timeouts fail now and then."
    ))
}

/// The failure code for an endpoint none of whose addresses connected: the
/// outcome most addresses share; ties go to refused, then unreachable, then
/// timeout (the most specific first). No dial at all means the overall
/// deadline passed first: a timeout.
fn tcp_failure(dialled: &[TcpOutcome]) -> FailureCode {
    let count = |o: TcpOutcome| dialled.iter().filter(|d| **d == o).count();
    let candidates = [
        (count(TcpOutcome::Refused), FailureCode::TcpRefused),
        (
            count(TcpOutcome::Unreachable) + count(TcpOutcome::NoLocalRoute),
            FailureCode::TcpUnreachable,
        ),
        (count(TcpOutcome::Timeout), FailureCode::TcpTimeout),
    ];
    let mut best = (0, FailureCode::TcpTimeout);
    for c in candidates {
        if c.0 > best.0 {
            best = c;
        }
    }
    best.1
}

/// An endpoint the probe could not check, e.g. ECR Docker without an account.
pub fn unverified_endpoint(service: &str, host: String, port: u16, why: &str) -> EndpointReport {
    EndpointReport {
        service: service.to_owned(),
        host,
        port,
        access_type: None,
        reachable: Reachability::Unknown,
        failure: None,
        addresses: Vec::new(),
        hints: alloc::vec![why.to_owned()],
        dns: None,
        tls: None,
    }
}

/// The troubleshooting hint for a failure, from the operators' guide.
pub fn hint(code: FailureCode, access: Option<AccessType>, service: &str) -> &'static str {
    match code {
        FailureCode::DnsNxdomain => {
            "The name does not exist for this resolver. Check that the VPC has DNS resolution and DNS hostnames enabled, that interface endpoints have private DNS enabled, and that no Route 53 Resolver DNS Firewall rule answers NXDOMAIN. Custom DNS servers must forward amazonaws.com to the VPC resolver (VPC CIDR base + 2)."
        }
        FailureCode::DnsNoRecords => {
            "The name exists but has no A or AAAA record (NODATA). A private hosted zone or DNS Firewall rule may be shadowing it; check Route 53 private hosted zones associated with the VPC."
        }
        FailureCode::DnsServfail => {
            "The resolver failed (SERVFAIL). If the VPC uses custom DNS servers (DHCP options), they must forward to the VPC resolver; check Route 53 Resolver rules and DNS Firewall rules with a SERVFAIL response."
        }
        FailureCode::DnsRefused => {
            "The resolver refused the query (REFUSED): a DNS Firewall rule or a resolver that does not recurse for this client. Check DHCP options and Route 53 Resolver DNS Firewall rule groups."
        }
        FailureCode::DnsTimeout => {
            "No resolver answered in time. Check that the VPC has DNS resolution (enableDnsSupport) enabled, that security groups and network ACLs allow UDP and TCP 53 to the resolver, and that custom DNS servers are up."
        }
        FailureCode::DnsSinkhole => {
            "DNS answered only addresses that are never a real endpoint (0.0.0.0, 127.x, …): a DNS Firewall or sinkhole is blocking this name. Allow it in the DNS Firewall rule group."
        }
        FailureCode::TcpRefused => {
            "The connection was refused (RST): something at that address rejects port 443, such as a firewall appliance with a REJECT rule or a proxy. The runner needs direct TCP to the service, never through an HTTP proxy."
        }
        FailureCode::TcpTimeout => match access {
            Some(AccessType::VpcEndpoint) => {
                "Connections time out at the interface endpoint. Check that the endpoint's security group allows inbound TCP 443 from the task's subnets or security group, that the task's security group allows outbound 443, and that network ACLs allow 443 out and the ephemeral return ports in."
            }
            Some(AccessType::NatGateway) if service == "s3" => {
                "Connections time out. S3 resolves to public addresses even with a gateway endpoint: check that the S3 gateway endpoint is associated with the task subnets' route tables, or that they route 0.0.0.0/0 to an available public NAT gateway; check the task's security group allows outbound 443 and network ACLs allow the return traffic."
            }
            Some(AccessType::NatGateway) => {
                "Connections time out through the NAT gateway. Check that the task subnets' route table sends 0.0.0.0/0 to an available public NAT gateway whose own subnet routes to an internet gateway, that the task's security group allows outbound 443, and that network ACLs (on the task's and the NAT gateway's subnets) allow 443 and the return traffic."
            }
            Some(AccessType::InternetGateway) => {
                "Connections time out through the internet gateway. Check that the subnet's route table sends 0.0.0.0/0 to an attached internet gateway, that the task really has a public IP (AssignPublicIp=true), that the task's security group allows outbound 443, and that network ACLs allow the return traffic."
            }
            Some(AccessType::Public) => {
                "Connections to public addresses time out. With a NAT gateway, check the route 0.0.0.0/0 to an available public NAT gateway; with an internet gateway, the task needs a public IP (AssignPublicIp=true) or it has no outbound connectivity at all. Check security groups allow outbound 443 and network ACLs allow the return traffic."
            }
            _ => {
                "Connections time out. Check the task subnets' route tables (NAT gateway, internet gateway, transit gateway or VPC endpoints), the task's security group (outbound 443) and network ACLs (443 out, ephemeral ports back)."
            }
        },
        FailureCode::TcpUnreachable => {
            "The address is unreachable (no route, or ICMP unreachable). Check the task subnets' route tables: they need a route to the service via a NAT gateway, an internet gateway, a transit gateway or a VPC endpoint."
        }
        FailureCode::NoRoute => {
            "There is no route to the service. Add a default route to a NAT gateway or internet gateway, a transit gateway route, or create VPC endpoints."
        }
        FailureCode::Blocked => {
            "A security group or network ACL blocks TCP 443 or its return traffic on this path."
        }
        FailureCode::NoPublicIp => {
            "The route leads to an internet gateway but the task has no public IP: it has no outbound connectivity at all. Set AssignPublicIp to true, or route 0.0.0.0/0 to a NAT gateway."
        }
        FailureCode::PolicyDenies => {
            "The VPC endpoint's policy denies a call the runner makes: add the statement the finding gives to the endpoint's policy."
        }
        FailureCode::DnsUnreachable => {
            "No resolver could be reached: each one asked answered ICMP port unreachable (nothing listens on its DNS port) or host unreachable. Check the nameserver addresses in /etc/resolv.conf or the VPC's DHCP options (the VPC resolver is the VPC CIDR's base address + 2, or 169.254.169.253), and that custom DNS servers are running."
        }
    }
}

/// A hint about the access type itself, when there is something to know.
fn access_hint(access: Option<AccessType>, service: &str) -> Option<&'static str> {
    match access {
        Some(AccessType::NatGateway | AccessType::InternetGateway | AccessType::Public)
            if service == "s3" =>
        {
            Some(
                "S3 answers public addresses even when an S3 gateway endpoint routes the traffic: the probe cannot tell a gateway endpoint from a NAT gateway (netready validate can).",
            )
        }
        Some(AccessType::Public) => Some(
            "Public addresses, and whether the task has a public IP is unknown: pass --public-ip yes or no to tell a NAT gateway path from an internet gateway path.",
        ),
        _ => None,
    }
}

/// The overall status: `degraded` if any endpoint is unreachable, else
/// `unknown` if any is unknown, else `ready` (also for no endpoints at all).
pub fn overall_status(reachability: impl IntoIterator<Item = Reachability>) -> Status {
    let mut status = Status::Ready;
    for r in reachability {
        match r {
            Reachability::Unreachable => return Status::Degraded,
            Reachability::Unknown => status = Status::Unknown,
            Reachability::Reachable => {}
        }
    }
    status
}

/// The probe's status: [`overall_status`] of the endpoints, but `degraded`
/// also when a finding says a path that connects does not work for the
/// runner: `tls-untrusted` or `tls-failed` (only raised with `--tls`). An
/// intercepting proxy or a failed handshake breaks the runner's AWS calls
/// as surely as a dropped SYN.
pub fn probe_status(endpoints: &[EndpointReport], findings: &[Finding]) -> Status {
    let breaks_path = findings
        .iter()
        .any(|f| matches!(f.code, FindingCode::TlsUntrusted | FindingCode::TlsFailed));
    if breaks_path {
        Status::Degraded
    } else {
        overall_status(endpoints.iter().map(|e| e.reachable))
    }
}

/// The finding of a `--tls` step: `tls-untrusted` when the handshake
/// completed with a certificate the public web roots do not vouch for (or
/// that does not match the host), `tls-failed` when it did not complete;
/// `None` when trusted, or not attempted (no address connected: the
/// endpoint is unreachable already and says why).
pub fn tls_finding(host: &str, tls: &TlsReport) -> Option<Finding> {
    let detail = tls.detail.as_deref().unwrap_or("no detail");
    let issuer = tls.issuer.as_deref();
    let (code, message, fix) = match tls.outcome {
        TlsOutcome::Trusted | TlsOutcome::NotAttempted => return None,
        TlsOutcome::Untrusted => (
            FindingCode::TlsUntrusted,
            format!(
                "{host}: the TLS certificate is not trusted: {detail}{}. A TLS-intercepting proxy or firewall on the path breaks the runner's AWS SDK calls, which verify certificates.",
                issuer.map_or(String::new(), |i| format!(" (issuer {i})"))
            ),
            Some(format!(
                "Exempt {host} (all of *.amazonaws.com) from TLS inspection on the firewall or proxy, or route the runner's traffic around it."
            )),
        ),
        TlsOutcome::Failed => (
            FindingCode::TlsFailed,
            format!(
                "{host}: TCP connects, but the TLS handshake failed: {detail}{}. A firewall or proxy that inspects or blocks TLS, or something other than the AWS service at that address, breaks the runner's AWS SDK calls.",
                issuer.map_or(String::new(), |i| format!(" (certificate issuer {i})"))
            ),
            None,
        ),
    };
    Some(Finding {
        code,
        severity: Severity::Error,
        resource: host.to_owned(),
        message,
        fix,
        remedies: Vec::new(),
    })
}

/// Folds statuses the same way: any degraded wins, then unknown.
pub fn combine_statuses(statuses: impl IntoIterator<Item = Status>) -> Status {
    overall_status(statuses.into_iter().map(|s| match s {
        Status::Ready => Reachability::Reachable,
        Status::Degraded => Reachability::Unreachable,
        Status::Unknown => Reachability::Unknown,
    }))
}

/// Which subnets of a VPC can host the runner: with `SubnetChoice::Any`
/// (no subnet named), one ready subnet is enough, else unknown before
/// degraded; with `SubnetChoice::Named`, every named subnet counts
/// ([`combine_statuses`]). No subnet at all is unknown.
pub fn vpc_status(statuses: &[Status], choice: SubnetChoice) -> Status {
    if statuses.is_empty() {
        Status::Unknown
    } else if choice == SubnetChoice::Named {
        combine_statuses(statuses.iter().copied())
    } else if statuses.contains(&Status::Ready) {
        Status::Ready
    } else if statuses.contains(&Status::Unknown) {
        Status::Unknown
    } else {
        Status::Degraded
    }
}

/// Whether the user named the task's subnets or asked which can host it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubnetChoice {
    /// No subnet given: the question is which subnets could host it.
    Any,
    /// The task's subnets given: each must work.
    Named,
}

impl fmt::Display for DnsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combining_answers() {
        use QueryOutcome as Q;
        use alloc::vec;
        let ip = IpAddr::from([10, 0, 0, 1]);
        let ans = |v: Vec<IpAddr>| Q::Answer {
            addresses: v,
            cnames: Vec::new(),
        };
        let fin = |c: Combined| match c {
            Combined::Final(a, _) => Some(a),
            Combined::TryNext(_) => None,
        };
        let next = |c: Combined| match c {
            Combined::Final(..) => None,
            Combined::TryNext(f) => Some(f),
        };
        assert_eq!(
            fin(combine_answers(ans(vec![ip]), Q::Timeout)),
            Some(DnsAnswer::Addresses(vec![ip]))
        );
        assert_eq!(
            fin(combine_answers(Q::ServFail, ans(vec![ip]))),
            Some(DnsAnswer::Addresses(vec![ip])),
            "addresses win over the other type's failure"
        );
        assert_eq!(
            fin(combine_answers(ans(vec![]), ans(vec![]))),
            Some(DnsAnswer::Failed(DnsFailure::NoData))
        );
        assert_eq!(
            fin(combine_answers(Q::NxDomain { cnames: vec![] }, Q::Timeout)),
            Some(DnsAnswer::Failed(DnsFailure::NxDomain))
        );
        // REFUSED, SERVFAIL and a dead server send the name on, like the C
        // library.
        for (a, aaaa, f) in [
            (Q::Refused, Q::Refused, DnsFailure::Refused),
            (Q::ServFail, ans(vec![]), DnsFailure::ServFail),
            (Q::ServerDown, Q::ServerDown, DnsFailure::Unreachable),
            (Q::NotSent, Q::NotSent, DnsFailure::NotAsked),
            (Q::NoRoute, Q::NoRoute, DnsFailure::NoRoute),
            (Q::NoRoute, Q::NotSent, DnsFailure::NoRoute),
            (Q::Timeout, Q::Timeout, DnsFailure::Timeout),
            (ans(vec![]), Q::Timeout, DnsFailure::Timeout),
        ] {
            assert_eq!(
                next(combine_answers(a.clone(), aaaa.clone())),
                Some(f),
                "{a:?} {aaaa:?}"
            );
        }
    }

    #[test]
    fn the_most_telling_failure_is_kept() {
        assert!(more_telling(DnsFailure::Timeout, None));
        assert!(more_telling(
            DnsFailure::ServFail,
            Some(DnsFailure::Timeout)
        ));
        assert!(
            more_telling(DnsFailure::Refused, Some(DnsFailure::ServFail)),
            "a tie: the later"
        );
        assert!(!more_telling(
            DnsFailure::NotAsked,
            Some(DnsFailure::NoRoute)
        ));
    }

    #[test]
    fn retransmissions_get_a_hint_only_when_an_answer_came() {
        let answered = DnsAnswer::Addresses(alloc::vec![IpAddr::from([10, 0, 0, 1])]);
        assert_eq!(dns_resent_hint(0, &answered), None);
        let one = dns_resent_hint(1, &answered).expect("one retransmission is worth a hint");
        assert!(one.contains("after 1 retransmitted query:"), "{one}");
        let three = dns_resent_hint(3, &DnsAnswer::Failed(DnsFailure::NxDomain))
            .expect("a final NXDOMAIN after retransmissions still gets the hint");
        assert!(three.contains("3 retransmitted queries"), "{three}");
        for silent in [DnsFailure::Timeout, DnsFailure::NotAsked] {
            assert_eq!(dns_resent_hint(4, &DnsAnswer::Failed(silent)), None);
        }
    }
}
