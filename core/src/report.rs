//! The `netready.report/v1` JSON report, one schema for probe and validator.
//!
//! Guarantees: serialising a [`Report`] and deserialising it gives back an
//! equal report (property- and fuzz-tested); every enum serialises to the
//! stable strings DESIGN.md lists; `reachable` is `true`, `false` or `null`
//! (unknown), never anything else; both `endpoints` and `subnets` are always
//! present (empty when the other command produced the report), so consumers
//! need no special cases.
//!
//! Not done here: deciding any value (see [`crate::rules`]).

use crate::classify::{AddressClass, PrivateRange, Translation};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::net::IpAddr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The schema id written into every report.
pub const SCHEMA: &str = "netready.report/v1";

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Status {
    /// Every endpoint is reachable.
    Ready,
    /// At least one endpoint is unreachable.
    Degraded,
    /// Nothing is unreachable, but something could not be verified.
    Unknown,
}

impl Status {
    /// Every status (keep in step with the enum; `docs/report.md` is
    /// checked against these lists).
    pub const ALL: [Status; 3] = [Status::Ready, Status::Degraded, Status::Unknown];
    /// The process exit code for this status: 0 ready, 1 degraded, 3 unknown.
    pub const fn exit_code(self) -> u8 {
        match self {
            Status::Ready => 0,
            Status::Degraded => 1,
            Status::Unknown => 3,
        }
    }
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Ready => "ready",
            Status::Degraded => "degraded",
            Status::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which command produced the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ReportKind {
    /// `netready probe`: really resolved and dialled.
    Probe,
    /// `netready validate`: evaluated from the VPC's configuration.
    Validate,
}

/// The path the traffic to an endpoint takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum AccessType {
    /// Private addresses: an interface endpoint inside the VPC.
    VpcEndpoint,
    /// Public addresses, the task has no public IP (or NAT64).
    NatGateway,
    /// Public addresses, the task has a public IP.
    InternetGateway,
    /// A gateway endpoint route (validator only).
    GatewayEndpoint,
    /// A transit gateway, peering, VPN or appliance (validator only).
    Transit,
    /// Public addresses while it is unknown whether the task has a public IP.
    Public,
}

impl AccessType {
    /// Every access type.
    pub const ALL: [AccessType; 6] = [
        AccessType::VpcEndpoint,
        AccessType::NatGateway,
        AccessType::InternetGateway,
        AccessType::GatewayEndpoint,
        AccessType::Transit,
        AccessType::Public,
    ];
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessType::VpcEndpoint => "vpc_endpoint",
            AccessType::NatGateway => "nat_gateway",
            AccessType::InternetGateway => "internet_gateway",
            AccessType::GatewayEndpoint => "gateway_endpoint",
            AccessType::Transit => "transit",
            AccessType::Public => "public",
        }
    }
}

impl fmt::Display for AccessType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of addresses a name resolves to: the validator's prediction
/// (from the path's access type, [`AnswerClass::predicted`]) and the
/// probe's observation ([`AnswerClass::observed`]) in the same terms, so
/// `explain` can set them side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum AnswerClass {
    /// Private addresses inside the VPC: an interface endpoint.
    Private,
    /// Public addresses: a NAT gateway, an internet gateway, a gateway
    /// endpoint (S3 and DynamoDB names stay public), a transit path.
    Public,
    /// Only addresses that are never a real endpoint (observed only: a DNS
    /// Firewall or sinkhole answer).
    Sinkhole,
}

impl AnswerClass {
    /// Every class.
    pub const ALL: [AnswerClass; 3] = [
        AnswerClass::Private,
        AnswerClass::Public,
        AnswerClass::Sinkhole,
    ];

    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AnswerClass::Private => "private",
            AnswerClass::Public => "public",
            AnswerClass::Sinkhole => "sinkhole",
        }
    }

    /// The validator's prediction for a path of this access type: private
    /// for an interface endpoint, public for every other path, none
    /// without a path. The one place the rule lives.
    pub const fn predicted(access: Option<AccessType>) -> Option<AnswerClass> {
        match access {
            Some(AccessType::VpcEndpoint) => Some(AnswerClass::Private),
            Some(
                AccessType::NatGateway
                | AccessType::InternetGateway
                | AccessType::GatewayEndpoint
                | AccessType::Transit
                | AccessType::Public,
            ) => Some(AnswerClass::Public),
            None => None,
        }
    }

    /// What the probe saw: the class its access type stands for, `sinkhole`
    /// when every answer was never a real endpoint, none when the name did
    /// not resolve (or the endpoint was not checked).
    pub fn observed(endpoint: &EndpointReport) -> Option<AnswerClass> {
        match (endpoint.access_type, endpoint.failure) {
            (Some(a), _) => AnswerClass::predicted(Some(a)),
            (None, Some(FailureCode::DnsSinkhole)) => Some(AnswerClass::Sinkhole),
            (None, _) => None,
        }
    }
}

impl fmt::Display for AnswerClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an endpoint can be reached: three states, not two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Reachability {
    /// At least one address connected (probe), or every rule on the path
    /// admits the traffic (validator). JSON `true`.
    Reachable,
    /// Nothing connected, or a rule blocks the path. JSON `false`.
    Unreachable,
    /// Could not be verified (e.g. a transit path). JSON `null`. Never shown
    /// as a pass or a failure.
    Unknown,
}

impl Serialize for Reachability {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Reachability::Reachable => s.serialize_bool(true),
            Reachability::Unreachable => s.serialize_bool(false),
            Reachability::Unknown => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for Reachability {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<bool>::deserialize(d)? {
            Some(true) => Reachability::Reachable,
            Some(false) => Reachability::Unreachable,
            None => Reachability::Unknown,
        })
    }
}

/// Why an endpoint is unreachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum FailureCode {
    /// The name does not exist (NXDOMAIN).
    DnsNxdomain,
    /// The name exists but has no A or AAAA record (NODATA).
    DnsNoRecords,
    /// The resolver failed (SERVFAIL).
    DnsServfail,
    /// The resolver refused the query (REFUSED).
    DnsRefused,
    /// No resolver answered in time.
    DnsTimeout,
    /// Every answer was an address that is never a real endpoint.
    DnsSinkhole,
    /// Every dialled address refused the connection (RST).
    TcpRefused,
    /// Every dialled address timed out (dropped).
    TcpTimeout,
    /// Every dialled address was unreachable (ICMP unreachable, no route).
    TcpUnreachable,
    /// No route to the service (validator).
    NoRoute,
    /// A security group or network ACL blocks the path (validator).
    Blocked,
    /// The route leads to an internet gateway but the task has no public IP
    /// (validator): the path drops everything.
    NoPublicIp,
    /// No resolver could be reached: each one asked answered with ICMP
    /// port or host unreachable, or no query could leave this host (no
    /// route to the resolver). Added beside DESIGN's list: nothing timed
    /// out, so `dns_timeout` would point at the wrong fault.
    DnsUnreachable,
    /// The VPC endpoint's policy denies a call the runner makes (validator).
    PolicyDenies,
}

impl FailureCode {
    /// Every failure code.
    pub const ALL: [FailureCode; 14] = [
        FailureCode::DnsNxdomain,
        FailureCode::DnsNoRecords,
        FailureCode::DnsServfail,
        FailureCode::DnsRefused,
        FailureCode::DnsTimeout,
        FailureCode::DnsSinkhole,
        FailureCode::TcpRefused,
        FailureCode::TcpTimeout,
        FailureCode::TcpUnreachable,
        FailureCode::NoRoute,
        FailureCode::Blocked,
        FailureCode::NoPublicIp,
        FailureCode::DnsUnreachable,
        FailureCode::PolicyDenies,
    ];

    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            FailureCode::DnsNxdomain => "dns_nxdomain",
            FailureCode::DnsNoRecords => "dns_no_records",
            FailureCode::DnsServfail => "dns_servfail",
            FailureCode::DnsRefused => "dns_refused",
            FailureCode::DnsTimeout => "dns_timeout",
            FailureCode::DnsSinkhole => "dns_sinkhole",
            FailureCode::TcpRefused => "tcp_refused",
            FailureCode::TcpTimeout => "tcp_timeout",
            FailureCode::TcpUnreachable => "tcp_unreachable",
            FailureCode::NoRoute => "no_route",
            FailureCode::Blocked => "blocked",
            FailureCode::NoPublicIp => "no_public_ip",
            FailureCode::PolicyDenies => "policy_denies",
            FailureCode::DnsUnreachable => "dns_unreachable",
        }
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Severity {
    /// Breaks a path.
    Error,
    /// Works, but partly or by luck.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// Every severity.
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The stable finding codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum FindingCode {
    /// `enableDnsSupport` is off: nothing resolves.
    DnsSupportDisabled,
    /// `enableDnsHostnames` is off: private DNS of interface endpoints fails.
    DnsHostnamesDisabled,
    /// An interface endpoint without private DNS.
    EndpointPrivateDnsDisabled,
    /// An endpoint that is not `available`.
    EndpointNotAvailable,
    /// A needed endpoint does not exist.
    EndpointMissing,
    /// The endpoint's security groups do not admit TCP 443 from the task.
    // serde's kebab-case does not split digits off a word.
    #[serde(rename = "endpoint-sg-ingress-443")]
    EndpointSgIngress443,
    /// The task's security groups do not let TCP 443 out.
    // serde's kebab-case does not split digits off a word.
    #[serde(rename = "task-sg-egress-443")]
    TaskSgEgress443,
    /// A network ACL blocks TCP 443.
    // serde's kebab-case does not split digits off a word.
    #[serde(rename = "nacl-blocks-443")]
    NaclBlocks443,
    /// A network ACL blocks the return traffic (ephemeral ports).
    NaclBlocksReturn,
    /// Internet gateway route without a public IP: no connectivity at all.
    IgwWithoutPublicIp,
    /// No default route.
    NoDefaultRoute,
    /// The route's target is gone.
    BlackholeRoute,
    /// The NAT gateway is private.
    NatGatewayNotPublic,
    /// The NAT gateway's subnet does not route to an internet gateway.
    NatGatewayNoIgw,
    /// A gateway endpoint is not associated with the task's route table.
    GatewayEndpointNotAssociated,
    /// A transit path the validator cannot see past.
    TransitUnverified,
    /// The endpoint has no subnet in the task's AZ.
    EndpointNotInAz,
    /// Private and public (or sinkhole) answers for one name.
    MixedAnswers,
    /// Some addresses connected, others did not.
    PartialReachability,
    /// DHCP options name DNS servers other than AmazonProvidedDNS.
    CustomDnsServers,
    /// A describe-* document needed for the verdict was not given.
    MissingInput,
    /// The NAT gateway a route uses is not `available` (added by the validator).
    NatGatewayNotAvailable,
    /// A route other than the one carrying most of the traffic takes (or may
    /// take) part of the service's public addresses somewhere else.
    RouteCapturesService,
    /// VPC Block Public Access drops the path's internet traffic.
    VpcBlockPublicAccess,
    /// An endpoint for another region's service: it does not answer this
    /// region's names.
    EndpointOtherRegion,
    /// An interface endpoint's private DNS has no record type the task can use.
    EndpointDnsRecordType,
    /// Probe with `--tls`: the handshake completed, but the certificate does
    /// not chain to the public web roots or does not match the host (a
    /// TLS-intercepting middlebox). Makes the status degraded.
    TlsUntrusted,
    /// Probe with `--tls`: TCP connected but the TLS handshake failed or did
    /// not finish in time. Makes the status degraded.
    TlsFailed,
    /// A VPC endpoint's policy denies a call the runner makes (validator).
    EndpointPolicyDenies,
    /// Whether a VPC endpoint's policy allows the runner's calls depends on
    /// something the input does not say (validator).
    EndpointPolicyUnverified,
    /// A document given holds nothing the validator reads (the output of
    /// another AWS command): it was skipped.
    DocumentIgnored,
    /// Validator with a Terraform plan: a value the verdict depends on is
    /// known only after `terraform apply` (the message names the attribute
    /// and the resource's address); the verdicts that depend on it are
    /// unknown.
    UnknownUntilApply,
    /// Validator with a Terraform plan: a reference to a resource with
    /// `count` or `for_each` does not say which instance; the message names
    /// the one taken (info).
    PlanReferenceGuessed,
}

impl FindingCode {
    /// Every finding code.
    pub const ALL: [FindingCode; 33] = [
        FindingCode::DnsSupportDisabled,
        FindingCode::DnsHostnamesDisabled,
        FindingCode::EndpointPrivateDnsDisabled,
        FindingCode::EndpointNotAvailable,
        FindingCode::EndpointMissing,
        FindingCode::EndpointSgIngress443,
        FindingCode::TaskSgEgress443,
        FindingCode::NaclBlocks443,
        FindingCode::NaclBlocksReturn,
        FindingCode::IgwWithoutPublicIp,
        FindingCode::NoDefaultRoute,
        FindingCode::BlackholeRoute,
        FindingCode::NatGatewayNotPublic,
        FindingCode::NatGatewayNoIgw,
        FindingCode::GatewayEndpointNotAssociated,
        FindingCode::TransitUnverified,
        FindingCode::EndpointNotInAz,
        FindingCode::MixedAnswers,
        FindingCode::PartialReachability,
        FindingCode::CustomDnsServers,
        FindingCode::MissingInput,
        FindingCode::NatGatewayNotAvailable,
        FindingCode::RouteCapturesService,
        FindingCode::VpcBlockPublicAccess,
        FindingCode::EndpointOtherRegion,
        FindingCode::EndpointDnsRecordType,
        FindingCode::TlsUntrusted,
        FindingCode::TlsFailed,
        FindingCode::EndpointPolicyDenies,
        FindingCode::EndpointPolicyUnverified,
        FindingCode::DocumentIgnored,
        FindingCode::UnknownUntilApply,
        FindingCode::PlanReferenceGuessed,
    ];
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::DnsSupportDisabled => "dns-support-disabled",
            FindingCode::DnsHostnamesDisabled => "dns-hostnames-disabled",
            FindingCode::EndpointPrivateDnsDisabled => "endpoint-private-dns-disabled",
            FindingCode::EndpointNotAvailable => "endpoint-not-available",
            FindingCode::EndpointMissing => "endpoint-missing",
            FindingCode::EndpointSgIngress443 => "endpoint-sg-ingress-443",
            FindingCode::TaskSgEgress443 => "task-sg-egress-443",
            FindingCode::NaclBlocks443 => "nacl-blocks-443",
            FindingCode::NaclBlocksReturn => "nacl-blocks-return",
            FindingCode::IgwWithoutPublicIp => "igw-without-public-ip",
            FindingCode::NoDefaultRoute => "no-default-route",
            FindingCode::BlackholeRoute => "blackhole-route",
            FindingCode::NatGatewayNotPublic => "nat-gateway-not-public",
            FindingCode::NatGatewayNoIgw => "nat-gateway-no-igw",
            FindingCode::GatewayEndpointNotAssociated => "gateway-endpoint-not-associated",
            FindingCode::TransitUnverified => "transit-unverified",
            FindingCode::EndpointNotInAz => "endpoint-not-in-az",
            FindingCode::MixedAnswers => "mixed-answers",
            FindingCode::PartialReachability => "partial-reachability",
            FindingCode::CustomDnsServers => "custom-dns-servers",
            FindingCode::MissingInput => "missing-input",
            FindingCode::NatGatewayNotAvailable => "nat-gateway-not-available",
            FindingCode::RouteCapturesService => "route-captures-service",
            FindingCode::VpcBlockPublicAccess => "vpc-block-public-access",
            FindingCode::EndpointOtherRegion => "endpoint-other-region",
            FindingCode::EndpointDnsRecordType => "endpoint-dns-record-type",
            FindingCode::TlsUntrusted => "tls-untrusted",
            FindingCode::TlsFailed => "tls-failed",
            FindingCode::EndpointPolicyDenies => "endpoint-policy-denies",
            FindingCode::EndpointPolicyUnverified => "endpoint-policy-unverified",
            FindingCode::DocumentIgnored => "document-ignored",
            FindingCode::UnknownUntilApply => "unknown-until-apply",
            FindingCode::PlanReferenceGuessed => "plan-reference-guessed",
        }
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finding: data about the configuration or the answers, with a fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Finding {
    /// The stable code.
    pub code: FindingCode,
    /// How it weighs.
    pub severity: Severity,
    /// What it is about: a resource id, a host name.
    pub resource: String,
    /// A plain sentence.
    pub message: String,
    /// A ready-to-run command (or a short script of them, one per line),
    /// when there is one: the recommended remedy's steps.
    pub fix: Option<String>,
    /// Every way to fix it the validator knows, the recommended one first,
    /// each with its steps and what it costs (validate; empty for the probe
    /// and where there is no command).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remedies: Vec<Remedy>,
}

/// One way to fix a finding: ordered steps and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Remedy {
    /// What it does, in a few words.
    pub summary: String,
    /// Whether the validator recommends it (the cheapest that works).
    pub choice: RemedyChoice,
    /// About how much it adds to the monthly bill, in USD (0 for
    /// configuration changes; NAT gateways and interface endpoints cost).
    pub monthly_usd: f64,
    /// The commands, in order; a step may use an id an earlier one created
    /// (`"$NEW_ENDPOINT_SG"`).
    pub steps: Vec<String>,
}

/// Whether a remedy is the one the validator recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum RemedyChoice {
    /// The cheapest remedy that makes the path work.
    Recommended,
    /// Another way.
    Alternative,
}

impl RemedyChoice {
    /// Every choice.
    pub const ALL: [RemedyChoice; 2] = [RemedyChoice::Recommended, RemedyChoice::Alternative];

    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            RemedyChoice::Recommended => "recommended",
            RemedyChoice::Alternative => "alternative",
        }
    }
}

/// The outcome of dialling one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum TcpOutcome {
    /// The TCP handshake completed.
    Connected,
    /// The peer answered with RST.
    Refused,
    /// No answer before the deadline (dropped).
    Timeout,
    /// ICMP unreachable, or a local firewall's reject.
    Unreachable,
    /// This host has no route to the address, so nothing was sent: e.g. an
    /// AAAA answer in a subnet without IPv6. Counts as unreachable when no
    /// address connects, but is no sign of a broken path when another does.
    NoLocalRoute,
    /// Not dialled: the address is never a real endpoint (sinkhole).
    SkippedSinkhole,
    /// Not dialled: more addresses than the per-host cap.
    SkippedCap,
    /// Not dialled: the probe's overall deadline passed first.
    SkippedDeadline,
}

impl TcpOutcome {
    /// Every outcome.
    pub const ALL: [TcpOutcome; 8] = [
        TcpOutcome::Connected,
        TcpOutcome::Refused,
        TcpOutcome::Timeout,
        TcpOutcome::Unreachable,
        TcpOutcome::NoLocalRoute,
        TcpOutcome::SkippedSinkhole,
        TcpOutcome::SkippedCap,
        TcpOutcome::SkippedDeadline,
    ];
    /// Whether the address was dialled at all.
    pub const fn was_dialled(self) -> bool {
        matches!(
            self,
            TcpOutcome::Connected
                | TcpOutcome::Refused
                | TcpOutcome::Timeout
                | TcpOutcome::Unreachable
                | TcpOutcome::NoLocalRoute
        )
    }
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            TcpOutcome::Connected => "connected",
            TcpOutcome::Refused => "refused",
            TcpOutcome::Timeout => "timeout",
            TcpOutcome::Unreachable => "unreachable",
            TcpOutcome::NoLocalRoute => "no_local_route",
            TcpOutcome::SkippedSinkhole => "skipped_sinkhole",
            TcpOutcome::SkippedCap => "skipped_cap",
            TcpOutcome::SkippedDeadline => "skipped_deadline",
        }
    }
}

/// One resolved address of an endpoint and what dialling it did.
///
/// In JSON: `{"ip", "class", "range"?, "via"?, "outcome", "ms"}`; `range`
/// (`rfc1918`, `shared_address_space`, `unique_local`, `vpc_cidr`) appears
/// only for private addresses, `via` only for mapped or NAT64 addresses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "AddressWire", try_from = "AddressWire")]
pub struct AddressReport {
    /// The address as resolved.
    pub ip: IpAddr,
    /// Its class.
    pub class: AddressClass,
    /// How the address stands for another.
    pub via: Translation,
    /// What dialling it did.
    pub outcome: TcpOutcome,
    /// Connect time in milliseconds, when dialled.
    pub ms: Option<f64>,
}

#[derive(Serialize, Deserialize)]
struct AddressWire {
    ip: IpAddr,
    class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    range: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    via: Option<String>,
    outcome: TcpOutcome,
    ms: Option<f64>,
}

const PRIVATE_RANGES: [PrivateRange; 4] = [
    PrivateRange::Rfc1918,
    PrivateRange::SharedAddressSpace,
    PrivateRange::UniqueLocal,
    PrivateRange::VpcCidr,
];

fn range_name(r: PrivateRange) -> &'static str {
    r.as_str()
}

impl From<AddressReport> for AddressWire {
    fn from(a: AddressReport) -> Self {
        AddressWire {
            ip: a.ip,
            class: a.class.as_str().into(),
            range: match a.class {
                AddressClass::Private(r) => Some(range_name(r).into()),
                _ => None,
            },
            via: match a.via {
                Translation::Native => None,
                other => Some(other.as_str().into()),
            },
            outcome: a.outcome,
            ms: a.ms,
        }
    }
}

impl TryFrom<AddressWire> for AddressReport {
    type Error = &'static str;
    fn try_from(w: AddressWire) -> Result<Self, Self::Error> {
        AddressReport::from_parts(
            w.ip,
            &w.class,
            w.range.as_deref(),
            w.via.as_deref(),
            w.outcome,
            w.ms,
        )
    }
}

impl AddressReport {
    /// An address entry from its JSON fields (`class`, `range`, `via` as
    /// the report spells them): what reading a report does, also for
    /// callers that read a report without serde (the browser page).
    pub fn from_parts(
        ip: IpAddr,
        class: &str,
        range: Option<&str>,
        via: Option<&str>,
        outcome: TcpOutcome,
        ms: Option<f64>,
    ) -> Result<AddressReport, &'static str> {
        let w = AddressWire {
            ip,
            class: class.into(),
            range: range.map(Into::into),
            via: via.map(Into::into),
            outcome,
            ms,
        };
        let class = match (AddressClass::from_name(&w.class), w.range.as_deref()) {
            (Some(AddressClass::Private(_)), range) => AddressClass::Private(
                PRIVATE_RANGES.into_iter().find(|r| Some(range_name(*r)) == range).ok_or(
                    "a private address needs a range: rfc1918, shared_address_space, unique_local or vpc_cidr",
                )?,
            ),
            (Some(_), Some(_)) => return Err("only private addresses have a range"),
            (Some(c), None) => c,
            (None, _) => return Err("unknown address class"),
        };
        let via = match w.via.as_deref() {
            None | Some("native") => Translation::Native,
            Some("ipv4_mapped") => Translation::Ipv4Mapped,
            Some("nat64") => Translation::Nat64,
            Some(_) => return Err("via must be ipv4_mapped or nat64"),
        };
        Ok(AddressReport {
            ip: w.ip,
            class,
            via,
            outcome: w.outcome,
            ms: w.ms,
        })
    }
}

/// What the DNS step did (probe).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DnsReport {
    /// The resolver that gave the final answer, `IP:PORT`.
    pub resolver: Option<String>,
    /// The CNAME chain from the queried name, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cnames: Vec<String>,
    /// Time for the A and AAAA queries (in parallel), in milliseconds.
    pub ms: f64,
    /// Queries sent for the name: A and AAAA, to every resolver asked,
    /// retransmissions and TCP retries included; 2 on a clean path, 0 when
    /// none could be sent before the deadline. Absent when not counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queries: Option<u32>,
    /// How many of `queries` were UDP retransmissions (no reply came in
    /// time). Absent when not counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resent: Option<u32>,
}

/// The outcome of the optional TLS handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum TlsOutcome {
    /// The certificate chains to the public web roots and matches the host.
    Trusted,
    /// The handshake completed but the certificate does not chain to the
    /// public web roots or does not match: a TLS-intercepting middlebox.
    Untrusted,
    /// The handshake failed or timed out.
    Failed,
    /// No address connected, so there was nothing to shake hands with.
    NotAttempted,
}

impl TlsOutcome {
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            TlsOutcome::Trusted => "trusted",
            TlsOutcome::Untrusted => "untrusted",
            TlsOutcome::Failed => "failed",
            TlsOutcome::NotAttempted => "not_attempted",
        }
    }

    /// Every outcome.
    pub const ALL: [TlsOutcome; 4] = [
        TlsOutcome::Trusted,
        TlsOutcome::Untrusted,
        TlsOutcome::Failed,
        TlsOutcome::NotAttempted,
    ];
}

/// What the TLS step did (probe with `--tls`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TlsReport {
    /// The outcome.
    pub outcome: TlsOutcome,
    /// The leaf certificate's issuer, as a distinguished name.
    pub issuer: Option<String>,
    /// Why it failed or is untrusted.
    pub detail: Option<String>,
    /// Handshake time in milliseconds.
    pub ms: Option<f64>,
}

/// One endpoint as the probe saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointReport {
    /// The endpoint service suffix (`secretsmanager`, `ecr.api`, …) or
    /// `custom` for `--endpoint` targets.
    pub service: String,
    /// The host resolved.
    pub host: String,
    /// The port dialled.
    pub port: u16,
    /// The path the traffic takes; `null` when there is no path at all.
    pub access_type: Option<AccessType>,
    /// Reachable, unreachable, or unknown (`null`).
    pub reachable: Reachability,
    /// Why it is unreachable.
    pub failure: Option<FailureCode>,
    /// Every resolved address and what dialling it did.
    pub addresses: Vec<AddressReport>,
    /// What to check, in plain words.
    pub hints: Vec<String>,
    /// The DNS step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<DnsReport>,
    /// The TLS step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsReport>,
}

/// One endpoint as the validator sees it from one subnet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathReport {
    /// The endpoint service suffix.
    pub service: String,
    /// The host.
    pub host: String,
    /// The path the traffic takes; `null` when there is none.
    pub access_type: Option<AccessType>,
    /// The addresses the name resolves to on that path: `private` for an
    /// interface endpoint, `public` otherwise; `null` without a path. Always
    /// [`AnswerClass::predicted`] of `access_type`, which `explain` reads
    /// instead, so reports written before this field compare the same.
    #[serde(default)]
    pub address_class: Option<AnswerClass>,
    /// Reachable, unreachable, or unknown (`null`).
    pub reachable: Reachability,
    /// Why it is unreachable.
    #[serde(default)]
    pub failure: Option<FailureCode>,
    /// The resources the traffic crosses: subnet, route table, NAT, IGW, endpoint.
    pub path: Vec<String>,
    /// What the VPC endpoint's policy does to the runner's calls, when the
    /// path goes through an endpoint that has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyVerdict>,
    /// What is wrong or worth knowing on this path.
    pub findings: Vec<Finding>,
}

/// What a VPC endpoint's policy does to the runner's calls through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PolicyVerdict {
    /// Every call is allowed.
    Allows,
    /// A call is denied.
    Denies,
    /// A call's fate depends on what the input does not say.
    Unknown,
}

impl PolicyVerdict {
    /// Every verdict.
    pub const ALL: [PolicyVerdict; 3] = [
        PolicyVerdict::Allows,
        PolicyVerdict::Denies,
        PolicyVerdict::Unknown,
    ];

    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyVerdict::Allows => "allows",
            PolicyVerdict::Denies => "denies",
            PolicyVerdict::Unknown => "unknown",
        }
    }
}

/// One subnet as the validator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubnetReport {
    /// The subnet id.
    pub subnet_id: String,
    /// Its availability zone, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// Whether the runner can run here.
    pub status: Status,
    /// Each endpoint of the profile.
    pub endpoints: Vec<PathReport>,
}

/// Where a piece of the probe's context came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An environment variable (`AWS_REGION`, `AWS_DEFAULT_REGION`).
    Environment,
    /// ECS task metadata v4.
    EcsMetadata,
    /// EC2 instance metadata (IMDSv2).
    InstanceMetadata,
    /// `/etc/resolv.conf`.
    ResolvConf,
    /// Nowhere: not known.
    Unknown,
}

impl Source {
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Environment => "environment",
            Source::EcsMetadata => "ecs_metadata",
            Source::InstanceMetadata => "instance_metadata",
            Source::ResolvConf => "resolv_conf",
            Source::Unknown => "unknown",
        }
    }

    /// Every source.
    pub const ALL: [Source; 6] = [
        Source::Flag,
        Source::Environment,
        Source::EcsMetadata,
        Source::InstanceMetadata,
        Source::ResolvConf,
        Source::Unknown,
    ];
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The value (`null` when unknown).
    pub value: T,
    /// Its source.
    pub source: Source,
}

/// The task's context as the probe established it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeContext {
    /// The region.
    pub region: Sourced<Option<String>>,
    /// The account of the ECR registry.
    pub ecr_account: Sourced<Option<String>>,
    /// Whether the task has a public IP: `yes`, `no` or `unknown`.
    pub public_ip: Sourced<crate::rules::PublicIp>,
    /// The VPC's CIDRs.
    pub vpc_cidrs: Sourced<Vec<crate::net::Cidr>>,
    /// The resolvers queried, `IP:PORT`.
    pub resolvers: Sourced<Vec<String>>,
    /// The subnet the probe ran in: instance metadata
    /// (`network/interfaces/macs/<mac>/subnet-id`); ECS task metadata does
    /// not say. Reports written before this field read as unknown.
    #[serde(default = "unknown_text")]
    pub subnet_id: Sourced<Option<String>>,
    /// The VPC: instance metadata (`network/interfaces/macs/<mac>/vpc-id`),
    /// else ECS task metadata's `VPCID` (EC2 launch type only).
    #[serde(default = "unknown_text")]
    pub vpc_id: Sourced<Option<String>>,
    /// The availability zone: ECS task metadata's `AvailabilityZone`
    /// (Fargate), else instance metadata (`placement/availability-zone`).
    #[serde(default = "unknown_text")]
    pub availability_zone: Sourced<Option<String>>,
}

impl<T> Sourced<Option<T>> {
    /// A value nobody gave.
    pub const fn unknown() -> Self {
        Sourced {
            value: None,
            source: Source::Unknown,
        }
    }
}

fn unknown_text() -> Sourced<Option<String>> {
    Sourced::unknown()
}

/// A cost estimate for interface endpoints (validator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostSummary {
    /// Interface endpoint × AZ pairs that exist for the profile.
    pub interface_endpoint_azs_present: u32,
    /// Interface endpoint × AZ pairs the profile would need.
    pub interface_endpoint_azs_needed: u32,
    /// Approximate monthly cost in USD of what is needed.
    pub monthly_usd_needed: f64,
    /// A plain sentence, including what the free S3 gateway endpoint saves.
    pub message: String,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    #[serde(with = "schema_id")]
    pub schema: Schema,
    /// Which command produced it.
    pub kind: ReportKind,
    /// The verdict.
    pub status: Status,
    /// The region checked, when known.
    pub region: Option<String>,
    /// The profile checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The probe's context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ProbeContext>,
    /// Probe: one entry per endpoint.
    #[serde(default)]
    pub endpoints: Vec<EndpointReport>,
    /// Validator: one entry per subnet.
    #[serde(default)]
    pub subnets: Vec<SubnetReport>,
    /// Findings that are not tied to one subnet's path, and warnings.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Validator: interface endpoint cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostSummary>,
    /// Validator with `--apply-fixes`: the recommended fixes applied to the
    /// model before this evaluation, round by round (empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_fixes: Vec<AppliedRound>,
    /// Probe with `--expect`: this report beside the validator's prediction
    /// (see [`crate::explain`]). Not (de)serialised with the report's other
    /// fields: the binary writes it as the report's `prediction` member
    /// itself, so that the browser page's module, which serialises reports
    /// and never has a prediction, carries no code for it.
    #[serde(skip)]
    pub prediction: Option<crate::explain::Explanation>,
}

/// One round of `--apply-fixes`: the recommended fixes of a report,
/// applied to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedRound {
    /// The status before this round.
    pub status_before: Status,
    /// The commands, in order, each once.
    pub steps: Vec<String>,
    /// Instructions for a human the model cannot apply (comments).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual: Vec<String>,
}

/// The schema marker: serialises as [`SCHEMA`] and accepts nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Schema;

mod schema_id {
    use super::{SCHEMA, Schema};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(_: &Schema, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(SCHEMA)
    }
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Schema, D::Error> {
        let s = alloc::borrow::Cow::<'de, str>::deserialize(d)?;
        if s == SCHEMA {
            Ok(Schema)
        } else {
            Err(D::Error::custom("expected schema netready.report/v1"))
        }
    }
}

impl Report {
    /// An empty report of the given kind; callers fill it and then call
    /// [`Report::finish`].
    pub fn new(kind: ReportKind, region: Option<String>) -> Report {
        Report {
            schema: Schema,
            kind,
            status: Status::Unknown,
            region,
            profile: None,
            context: None,
            endpoints: Vec::new(),
            subnets: Vec::new(),
            findings: Vec::new(),
            cost: None,
            applied_fixes: Vec::new(),
            prediction: None,
        }
    }

    /// Sets the status from the endpoints or subnets (see
    /// [`crate::rules::probe_status`] and [`crate::rules::overall_status`]).
    pub fn finish(&mut self) {
        self.status = match self.kind {
            ReportKind::Probe => crate::rules::probe_status(&self.endpoints, &self.findings),
            ReportKind::Validate => {
                crate::rules::combine_statuses(self.subnets.iter().map(|s| s.status))
            }
        };
    }
}

#[cfg(test)]
mod all_lists {
    use super::*;

    // Each match below has no wildcard, so a new variant does not compile
    // until it gets a number here: a reminder to put it in its ALL list,
    // which this test then checks is in the same order.
    #[test]
    fn all_lists_match_their_variants() {
        for (i, o) in TcpOutcome::ALL.iter().enumerate() {
            let n = match o {
                TcpOutcome::Connected => 0,
                TcpOutcome::Refused => 1,
                TcpOutcome::Timeout => 2,
                TcpOutcome::Unreachable => 3,
                TcpOutcome::NoLocalRoute => 4,
                TcpOutcome::SkippedSinkhole => 5,
                TcpOutcome::SkippedCap => 6,
                TcpOutcome::SkippedDeadline => 7,
            };
            assert_eq!(n, i);
        }
        for (i, s) in Source::ALL.iter().enumerate() {
            let n = match s {
                Source::Flag => 0,
                Source::Environment => 1,
                Source::EcsMetadata => 2,
                Source::InstanceMetadata => 3,
                Source::ResolvConf => 4,
                Source::Unknown => 5,
            };
            assert_eq!(n, i);
        }
        for (i, t) in TlsOutcome::ALL.iter().enumerate() {
            let n = match t {
                TlsOutcome::Trusted => 0,
                TlsOutcome::Untrusted => 1,
                TlsOutcome::Failed => 2,
                TlsOutcome::NotAttempted => 3,
            };
            assert_eq!(n, i);
        }
        for (i, a) in AccessType::ALL.iter().enumerate() {
            let n = match a {
                AccessType::VpcEndpoint => 0,
                AccessType::NatGateway => 1,
                AccessType::InternetGateway => 2,
                AccessType::GatewayEndpoint => 3,
                AccessType::Transit => 4,
                AccessType::Public => 5,
            };
            assert_eq!(n, i);
        }
        for (i, c) in FindingCode::ALL.iter().enumerate() {
            let n = match c {
                FindingCode::DnsSupportDisabled => 0,
                FindingCode::DnsHostnamesDisabled => 1,
                FindingCode::EndpointPrivateDnsDisabled => 2,
                FindingCode::EndpointNotAvailable => 3,
                FindingCode::EndpointMissing => 4,
                FindingCode::EndpointSgIngress443 => 5,
                FindingCode::TaskSgEgress443 => 6,
                FindingCode::NaclBlocks443 => 7,
                FindingCode::NaclBlocksReturn => 8,
                FindingCode::IgwWithoutPublicIp => 9,
                FindingCode::NoDefaultRoute => 10,
                FindingCode::BlackholeRoute => 11,
                FindingCode::NatGatewayNotPublic => 12,
                FindingCode::NatGatewayNoIgw => 13,
                FindingCode::GatewayEndpointNotAssociated => 14,
                FindingCode::TransitUnverified => 15,
                FindingCode::EndpointNotInAz => 16,
                FindingCode::MixedAnswers => 17,
                FindingCode::PartialReachability => 18,
                FindingCode::CustomDnsServers => 19,
                FindingCode::MissingInput => 20,
                FindingCode::NatGatewayNotAvailable => 21,
                FindingCode::RouteCapturesService => 22,
                FindingCode::VpcBlockPublicAccess => 23,
                FindingCode::EndpointOtherRegion => 24,
                FindingCode::EndpointDnsRecordType => 25,
                FindingCode::TlsUntrusted => 26,
                FindingCode::TlsFailed => 27,
                FindingCode::EndpointPolicyDenies => 28,
                FindingCode::EndpointPolicyUnverified => 29,
                FindingCode::DocumentIgnored => 30,
                FindingCode::UnknownUntilApply => 31,
                FindingCode::PlanReferenceGuessed => 32,
            };
            assert_eq!(n, i);
        }
        for (i, c) in FailureCode::ALL.iter().enumerate() {
            let n = match c {
                FailureCode::DnsNxdomain => 0,
                FailureCode::DnsNoRecords => 1,
                FailureCode::DnsServfail => 2,
                FailureCode::DnsRefused => 3,
                FailureCode::DnsTimeout => 4,
                FailureCode::DnsSinkhole => 5,
                FailureCode::TcpRefused => 6,
                FailureCode::TcpTimeout => 7,
                FailureCode::TcpUnreachable => 8,
                FailureCode::NoRoute => 9,
                FailureCode::Blocked => 10,
                FailureCode::NoPublicIp => 11,
                FailureCode::DnsUnreachable => 12,
                FailureCode::PolicyDenies => 13,
            };
            assert_eq!(n, i);
        }
    }
}
