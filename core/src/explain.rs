//! Predicted vs observed: the validator's report beside the probe's, per
//! endpoint, and for every difference the likeliest causes.
//!
//! The validator predicts each path from the VPC's configuration; the probe
//! observes it from inside the subnet. When they disagree, the difference
//! is the diagnosis: [`explain`] pairs the endpoints of one subnet of a
//! `validate` report with those of a `probe` report, gives each a
//! [`Verdict`], names what differs ([`Difference`]) and ranks the causes of
//! the [catalogue](CauseCode) that fit, each with the evidence from both
//! reports and the commands (AWS CLI, `dig`, `curl`, `openssl`) that would
//! confirm it, filled in with the ids the reports hold.
//!
//! Guarantees:
//! * inputs that cannot be compared are an [`ExplainError`], never a
//!   verdict: a report of the wrong kind, reports of different regions, a
//!   probe report from another subnet (or availability zone) than the one
//!   compared, a subnet the validate report lacks, several subnets and
//!   nothing that says which, no endpoint in common;
//! * the comparison reads only what both reports print: the predicted
//!   address class is [`AnswerClass::predicted`] of the path's access type,
//!   the observed one [`AnswerClass::observed`] of the probe's endpoint;
//!   the probe cannot tell a gateway endpoint or a transit path from a NAT
//!   gateway, so those agree with any public observation;
//! * an unknown prediction (`reachable: null`) never differs on
//!   reachability: the probe settles it, and the endpoint's note says how;
//! * every endpoint that differs has at least one cause (property-tested),
//!   ranked 1, 2, … by how well the evidence fits; ties keep catalogue
//!   order, so the ranking is deterministic;
//! * pure: no clock, no I/O; the same two reports always explain the same.
//!
//! Not done here: reading files or JSON (native and web hand in reports),
//! printing (native renders the table), or running the confirm commands.
//! It cannot see what neither report holds: endpoint policies, IAM, a
//! change made after both reports.

use crate::catalog::{self, Region};
use crate::classify::AddressClass;
use crate::commands::shell_quote;
use crate::net::Cidr;
use crate::report::{
    AccessType, AddressReport, AnswerClass, EndpointReport, FailureCode, Finding, FindingCode,
    PathReport, PolicyVerdict, ProbeContext, Reachability, Report, ReportKind, Status,
    SubnetReport, TcpOutcome, TlsOutcome,
};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use serde::{Deserialize, Serialize};

/// The schema id of the explain document.
pub const SCHEMA: &str = "netready.explain/v1";

/// How one endpoint (or the whole comparison) came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// What the probe saw is what the validator predicted.
    Agree,
    /// Something differs: see the differences and the causes.
    Differs,
    /// Nothing to compare: the endpoint is in one report only, or the probe
    /// could not check it (no account for ECR, its deadline passed).
    NotComparable,
}

impl Verdict {
    /// Every verdict.
    pub const ALL: [Verdict; 3] = [Verdict::Agree, Verdict::Differs, Verdict::NotComparable];
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Agree => "agree",
            Verdict::Differs => "differs",
            Verdict::NotComparable => "not-comparable",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What differs between prediction and observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Difference {
    /// The name resolved to another kind of address (private, public,
    /// sinkhole) or to none, than the path implies.
    AddressClass,
    /// The same kind of address, another path: NAT gateway against
    /// internet gateway (whether the task has a public IP).
    AccessType,
    /// Reachable against unreachable.
    Reachable,
    /// Reachable, but some of the answered addresses did not connect while
    /// the validator expected all of them to.
    SomeAddresses,
    /// TCP connects, but the TLS handshake failed or the certificate is not
    /// trusted (a middlebox the configuration does not show).
    Tls,
}

impl Difference {
    /// Every difference.
    pub const ALL: [Difference; 5] = [
        Difference::AddressClass,
        Difference::AccessType,
        Difference::Reachable,
        Difference::SomeAddresses,
        Difference::Tls,
    ];
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Difference::AddressClass => "address_class",
            Difference::AccessType => "access_type",
            Difference::Reachable => "reachable",
            Difference::SomeAddresses => "some_addresses",
            Difference::Tls => "tls",
        }
    }
}

/// Which report a piece of evidence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The `validate` report (the prediction).
    Validate,
    /// The `probe` report (the observation).
    Probe,
}

impl Side {
    /// Both sides.
    pub const ALL: [Side; 2] = [Side::Validate, Side::Probe];
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Side::Validate => "validate",
            Side::Probe => "probe",
        }
    }
}

/// How the subnet compared was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubnetChoice {
    /// `--subnet` (or the page's one ticked subnet).
    Flag,
    /// The probe report's context names it (instance metadata).
    ProbeContext,
    /// The validate report has this one subnet only.
    OnlySubnet,
    /// The only subnet of the validate report in the probe's availability
    /// zone.
    AvailabilityZone,
}

impl SubnetChoice {
    /// Every choice.
    pub const ALL: [SubnetChoice; 4] = [
        SubnetChoice::Flag,
        SubnetChoice::ProbeContext,
        SubnetChoice::OnlySubnet,
        SubnetChoice::AvailabilityZone,
    ];
    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            SubnetChoice::Flag => "flag",
            SubnetChoice::ProbeContext => "probe_context",
            SubnetChoice::OnlySubnet => "only_subnet",
            SubnetChoice::AvailabilityZone => "availability_zone",
        }
    }
}

/// The causes `explain` knows: each is a configuration fact one report
/// cannot see and the other betrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CauseCode {
    /// The task's DNS servers are not the VPC resolver and do not forward
    /// to it: they never see the endpoint's private hosted zone.
    CustomDnsNotForwarding,
    /// One endpoint's private DNS is no longer in effect: deleted, private
    /// DNS turned off, or not available since the snapshot.
    EndpointChanged,
    /// Private DNS is not in effect for any endpoint, with the VPC resolver
    /// answering: a Resolver forwarding rule for the names, or the VPC's
    /// DNS attributes changed since the snapshot.
    PrivateDnsBypassed,
    /// An interface endpoint with private DNS that the documents do not
    /// hold: created after the snapshot.
    EndpointAdded,
    /// A private hosted zone (an endpoint shared from a hub VPC) answers
    /// the name with addresses outside this VPC.
    PrivateHostedZone,
    /// A Route 53 Resolver DNS Firewall rule blocks the name (NXDOMAIN,
    /// NODATA, or an override to a sinkhole).
    DnsFirewall,
    /// The task's own DNS servers (not the VPC resolver) fail or filter the
    /// name.
    CustomDnsFails,
    /// The VPC resolver itself fails: DNS resolution turned off since the
    /// snapshot, or a forwarding rule whose target servers do not answer.
    VpcResolverFails,
    /// The interface endpoint's security group, a network ACL or its state
    /// changed since the snapshot.
    EndpointAccessChanged,
    /// The way out (route, NAT gateway, internet gateway, Block Public
    /// Access) changed since the snapshot.
    EgressChanged,
    /// Something on the path answers the connection with a reset: a
    /// firewall with a reject rule, a proxy, another host at the address.
    MiddleboxRejects,
    /// The S3 or DynamoDB gateway endpoint's route left the task's route
    /// table, or the endpoint changed.
    GatewayEndpointRouteChanged,
    /// What the validator found broken works now: fixed after the snapshot.
    FixedSinceSnapshot,
    /// The task does (or does not) have a public IP, unlike what `validate`
    /// was told (`--assign-public-ip`).
    PublicIpMismatch,
    /// Some of an endpoint's addresses do not connect: the security group
    /// or network ACL of one endpoint subnet (one AZ) blocks the task.
    OneAzBlocked,
    /// A TLS-intercepting proxy or firewall on the path.
    TlsInterception,
    /// The endpoint's policy denies the runner's calls: TCP works, and
    /// cannot show it (both reports are right).
    EndpointPolicy,
}

impl CauseCode {
    /// The whole catalogue, in the order ties are ranked.
    pub const ALL: [CauseCode; 17] = [
        CauseCode::CustomDnsNotForwarding,
        CauseCode::EndpointChanged,
        CauseCode::PrivateDnsBypassed,
        CauseCode::EndpointAdded,
        CauseCode::PrivateHostedZone,
        CauseCode::DnsFirewall,
        CauseCode::CustomDnsFails,
        CauseCode::VpcResolverFails,
        CauseCode::EndpointAccessChanged,
        CauseCode::EgressChanged,
        CauseCode::MiddleboxRejects,
        CauseCode::GatewayEndpointRouteChanged,
        CauseCode::FixedSinceSnapshot,
        CauseCode::PublicIpMismatch,
        CauseCode::OneAzBlocked,
        CauseCode::TlsInterception,
        CauseCode::EndpointPolicy,
    ];

    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            CauseCode::CustomDnsNotForwarding => "custom-dns-not-forwarding",
            CauseCode::EndpointChanged => "endpoint-changed",
            CauseCode::PrivateDnsBypassed => "private-dns-bypassed",
            CauseCode::EndpointAdded => "endpoint-added",
            CauseCode::PrivateHostedZone => "private-hosted-zone",
            CauseCode::DnsFirewall => "dns-firewall",
            CauseCode::CustomDnsFails => "custom-dns-fails",
            CauseCode::VpcResolverFails => "vpc-resolver-fails",
            CauseCode::EndpointAccessChanged => "endpoint-access-changed",
            CauseCode::EgressChanged => "egress-changed",
            CauseCode::MiddleboxRejects => "middlebox-rejects",
            CauseCode::GatewayEndpointRouteChanged => "gateway-endpoint-route-changed",
            CauseCode::FixedSinceSnapshot => "fixed-since-snapshot",
            CauseCode::PublicIpMismatch => "public-ip-mismatch",
            CauseCode::OneAzBlocked => "one-az-blocked",
            CauseCode::TlsInterception => "tls-interception",
            CauseCode::EndpointPolicy => "endpoint-policy",
        }
    }

    /// One line: what the cause is.
    pub const fn title(self) -> &'static str {
        match self {
            CauseCode::CustomDnsNotForwarding => {
                "The task's DNS servers do not forward to the VPC resolver, so they never see the endpoint's private DNS"
            }
            CauseCode::EndpointChanged => {
                "The interface endpoint's private DNS is no longer in effect (deleted, private DNS turned off, or not available)"
            }
            CauseCode::PrivateDnsBypassed => {
                "Private DNS is bypassed for every endpoint: a Route 53 Resolver forwarding rule, or the VPC's DNS attributes changed"
            }
            CauseCode::EndpointAdded => {
                "An interface endpoint with private DNS exists that the describe-* documents do not hold"
            }
            CauseCode::PrivateHostedZone => {
                "A private hosted zone answers the name with addresses outside this VPC (an endpoint shared from a hub VPC)"
            }
            CauseCode::DnsFirewall => "A Route 53 Resolver DNS Firewall rule blocks the name",
            CauseCode::CustomDnsFails => "The task's DNS servers fail or filter the name",
            CauseCode::VpcResolverFails => {
                "The VPC resolver fails: DNS resolution turned off, or a forwarding rule whose servers do not answer"
            }
            CauseCode::EndpointAccessChanged => {
                "The endpoint's security group, a network ACL or the endpoint itself changed since the snapshot"
            }
            CauseCode::EgressChanged => {
                "The way out changed since the snapshot: route, NAT gateway, internet gateway or Block Public Access"
            }
            CauseCode::MiddleboxRejects => {
                "Something on the path rejects the connection: a firewall, a proxy, or another host at that address"
            }
            CauseCode::GatewayEndpointRouteChanged => {
                "The gateway endpoint's route is no longer in the task's route table, or the endpoint changed"
            }
            CauseCode::FixedSinceSnapshot => {
                "What the validator found broken was fixed after the describe-* snapshot"
            }
            CauseCode::PublicIpMismatch => {
                "Whether the task has a public IP differs from what netready validate was told (--assign-public-ip)"
            }
            CauseCode::OneAzBlocked => {
                "One endpoint subnet's security group or network ACL blocks the task: some addresses (one AZ) do not connect"
            }
            CauseCode::TlsInterception => "A TLS-intercepting proxy or firewall sits on the path",
            CauseCode::EndpointPolicy => {
                "The endpoint's policy denies the runner's calls: TCP connects, and cannot show it (both reports are right)"
            }
        }
    }

    /// Why this cause produces what was seen, in plain words.
    pub const fn explanation(self) -> &'static str {
        match self {
            CauseCode::CustomDnsNotForwarding => {
                "Interface endpoints answer their service's name through a private hosted zone that only the VPC resolver (the VPC CIDR's base address + 2, or 169.254.169.253) sees. DNS servers named in the DHCP options that resolve on their own get the public answer, and the traffic leaves through the NAT or internet gateway instead of the endpoint, or nowhere if there is none. Make them forward amazonaws.com to the VPC resolver (a conditional forwarder, or a Route 53 Resolver inbound endpoint)."
            }
            CauseCode::EndpointChanged => {
                "The VPC resolver answered this name with public addresses although the describe-* documents show an available interface endpoint with private DNS for it, while other endpoints' names still resolve privately: this endpoint changed after the snapshot (deleted, private DNS turned off, or pending, rejected or failed)."
            }
            CauseCode::PrivateDnsBypassed => {
                "Every name the validator expects on an interface endpoint came back public, from the VPC resolver itself. Something VPC-wide bypasses the endpoints' private hosted zones: a Route 53 Resolver forwarding rule for amazonaws.com (or the service's domain) associated with the VPC takes precedence over them, or enableDnsHostnames / enableDnsSupport was turned off since the snapshot."
            }
            CauseCode::EndpointAdded => {
                "The name resolved to a private address inside the VPC where the validator expects the public path: an interface endpoint with private DNS takes the traffic. It is not in the describe-* documents given: created after the snapshot, or describe-vpc-endpoints was filtered or not given. Its security group must admit the task on 443, or this path fails where the old one worked."
            }
            CauseCode::PrivateHostedZone => {
                "The name resolved to a private address outside this VPC's CIDRs: a Route 53 private hosted zone associated with the VPC (the centralised endpoints of a hub VPC, shared through a private hosted zone) answers it. The traffic then goes to the hub over a transit gateway or peering, which the validator does not model for this name."
            }
            CauseCode::DnsFirewall => {
                "The VPC resolver answered NXDOMAIN, NODATA or an address that is never a real endpoint for a public AWS name that exists: the answers a Route 53 Resolver DNS Firewall BLOCK rule gives (NXDOMAIN, NODATA, or OVERRIDE to a sinkhole name). The validator cannot see DNS Firewall rules."
            }
            CauseCode::CustomDnsFails => {
                "The answer came from a DNS server that is not the VPC resolver: the DHCP options (or the task's /etc/resolv.conf) name it. It failed, refused or filtered the name; the validator assumes the server resolves like AmazonProvidedDNS."
            }
            CauseCode::VpcResolverFails => {
                "The VPC resolver itself did not answer or failed. It stops answering when enableDnsSupport is turned off; it answers SERVFAIL when a Resolver forwarding rule for the name sends it to servers that do not answer."
            }
            CauseCode::EndpointAccessChanged => {
                "The name resolves to the interface endpoint as predicted, but the connections fail: the endpoint's security group no longer admits the task on TCP 443, a network ACL of the task's or the endpoint's subnets now blocks it, or the endpoint is being deleted. The describe-* documents are older than the change."
            }
            CauseCode::EgressChanged => {
                "The name resolves to public addresses as predicted, but the connections fail on the way out: the subnet's route changed, the NAT gateway was deleted or failed, the internet gateway was detached, a network ACL changed, or VPC Block Public Access was switched on after the snapshot."
            }
            CauseCode::MiddleboxRejects => {
                "The connection was refused (RST). AWS's own paths (NAT gateway, internet gateway, interface endpoints) drop rather than reset, so something else answers: a firewall appliance or AWS Network Firewall with a reject rule, a proxy, or another host at that address."
            }
            CauseCode::GatewayEndpointRouteChanged => {
                "S3 and DynamoDB names resolve to public addresses even with a gateway endpoint; the route to its prefix list sends them to it. The connections fail, so that route is gone from the task's route table (the endpoint deleted or its route tables changed), or the endpoint's subnets' ACLs now block the service's ranges."
            }
            CauseCode::FixedSinceSnapshot => {
                "The probe reached what the validator predicted unreachable: the configuration that made the validator say so changed after the describe-* documents were collected. Collect them again and re-run netready validate to see the new state."
            }
            CauseCode::PublicIpMismatch => {
                "The probe's path shows whether the task has a public IP (internet gateway: yes; NAT gateway: no), and it is not what netready validate assumed from --assign-public-ip. The runner's ECS service's AssignPublicIp decides; validate again with the right value."
            }
            CauseCode::OneAzBlocked => {
                "An interface endpoint has one address per AZ; the task reached some of them and not others. The security group or network ACL of the endpoint subnet that holds the failing address (its AZ) blocks the task, or its route differs. Clients that pick that address fail now and then."
            }
            CauseCode::TlsInterception => {
                "TCP reaches the service, but TLS does not complete with a certificate the public web roots vouch for: a TLS-inspecting proxy or firewall on the path (often in a hub VPC's egress). The runner's AWS SDK calls verify certificates and fail. Exempt *.amazonaws.com from inspection."
            }
            CauseCode::EndpointPolicy => {
                "The validator read the VPC endpoint's policy and found that it denies a call the runner makes through it; a TCP connect proves the path, not the permission, so the probe reaches the endpoint all the same. The runner's calls fail with AccessDenied. Add the statement the validator's finding gives (or remove the denying one), unless the policy was changed since the snapshot."
            }
        }
    }
}

/// One fact behind a cause, and which report it is from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The report it comes from.
    pub side: Side,
    /// The fact, in words, with the values the report holds.
    pub text: String,
}

/// One likely cause of a difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    /// The stable code.
    pub code: CauseCode,
    /// 1 for the likeliest.
    pub rank: u32,
    /// One line: what the cause is.
    pub title: String,
    /// Why it produces what was seen.
    pub explanation: String,
    /// The facts from both reports that point at it.
    pub evidence: Vec<Evidence>,
    /// Commands that would confirm it (AWS CLI, dig, curl, openssl), with
    /// the ids both reports hold filled in.
    pub confirm: Vec<String>,
}

/// What the validator predicted for one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predicted {
    /// The path's access type.
    pub access_type: Option<AccessType>,
    /// The addresses that path implies.
    pub address_class: Option<AnswerClass>,
    /// Reachable, unreachable, unknown.
    pub reachable: Reachability,
    /// Why it is unreachable.
    pub failure: Option<FailureCode>,
    /// The resources the path crosses.
    pub path: Vec<String>,
    /// What the endpoint's policy does to the runner's calls, when the
    /// path goes through an endpoint that has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyVerdict>,
    /// The codes of the path's findings.
    pub findings: Vec<FindingCode>,
}

/// What the probe observed for one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    /// The access type of the addresses that answered.
    pub access_type: Option<AccessType>,
    /// Their class.
    pub address_class: Option<AnswerClass>,
    /// Reachable, unreachable, unknown.
    pub reachable: Reachability,
    /// Why it is unreachable.
    pub failure: Option<FailureCode>,
    /// The resolver that answered, `IP:PORT`.
    pub resolver: Option<String>,
    /// Every answered address and what dialling it did.
    pub addresses: Vec<AddressReport>,
    /// The TLS outcome, with `--tls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsOutcome>,
}

/// One endpoint, predicted beside observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointComparison {
    /// The endpoint service suffix (or `custom`).
    pub service: String,
    /// The host (the probe's when both have it: the validator writes
    /// `<account>` for ECR's).
    pub host: String,
    /// The prediction, when the validate report has the endpoint.
    pub predicted: Option<Predicted>,
    /// The observation, when the probe report has it.
    pub observed: Option<Observed>,
    /// How it came out.
    pub verdict: Verdict,
    /// What differs (empty unless the verdict is `differs`).
    pub differences: Vec<Difference>,
    /// Why it is not comparable, or what the probe settles that the
    /// validator could not see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The likely causes, best first (empty unless it differs).
    pub causes: Vec<Cause>,
}

/// The whole comparison: the `netready explain` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// `differs` if any endpoint differs, else `agree` if any agrees, else
    /// `not-comparable`.
    pub verdict: Verdict,
    /// The region of both reports.
    pub region: Option<String>,
    /// The subnet compared.
    pub subnet_id: String,
    /// Its availability zone, when the validate report says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// How that subnet was chosen.
    pub subnet_choice: SubnetChoice,
    /// The validate report's status for that subnet.
    pub predicted_status: Status,
    /// The probe report's status.
    pub observed_status: Status,
    /// Each endpoint: the subnet's paths in the validate report's order,
    /// then what only the probe checked.
    pub endpoints: Vec<EndpointComparison>,
}

impl Explanation {
    /// How many endpoints came out with this verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.endpoints
            .iter()
            .filter(|e| e.verdict == verdict)
            .count()
    }
}

/// Why two reports cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExplainError {
    /// A report given as one side is of the other kind.
    WrongKind {
        /// The side it was given as.
        side: Side,
        /// What it is.
        found: ReportKind,
    },
    /// The two reports are of different regions.
    RegionsDiffer {
        /// The validate report's.
        validate: String,
        /// The probe report's.
        probe: String,
    },
    /// The validate report has no subnet.
    NoSubnets,
    /// The subnet asked for is not in the validate report.
    UnknownSubnet {
        /// The subnet asked for.
        subnet: String,
        /// The subnets the validate report has (the first few).
        known: Vec<String>,
    },
    /// The probe report says it ran in another subnet than the one asked
    /// for.
    ProbeFromOtherSubnet {
        /// The subnet asked for.
        subnet: String,
        /// The probe's.
        probe: String,
    },
    /// The probe's subnet is not among the validate report's subnets.
    ProbeSubnetNotValidated {
        /// The probe's subnet.
        probe: String,
    },
    /// The probe ran in another availability zone than the subnet's.
    ProbeFromOtherZone {
        /// The subnet compared.
        subnet: String,
        /// Its zone.
        subnet_zone: String,
        /// The probe's.
        probe_zone: String,
    },
    /// Several subnets, and nothing says which the probe ran in.
    SubnetAmbiguous {
        /// How many subnets the validate report has.
        count: usize,
    },
    /// The reports share no endpoint.
    NothingShared {
        /// The subnet compared.
        subnet: String,
    },
}

impl fmt::Display for ExplainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExplainError::WrongKind { side, found } => {
                let (want, cmd) = match side {
                    Side::Validate => ("validate", "netready validate --format json"),
                    Side::Probe => ("probe", "netready probe --format json"),
                };
                let found = match found {
                    ReportKind::Probe => "probe",
                    ReportKind::Validate => "validate",
                };
                write!(
                    f,
                    "kind is {found}, expected {want}: give the output of {cmd}"
                )
            }
            ExplainError::RegionsDiffer { validate, probe } => write!(
                f,
                "the reports are of different regions: the validate report is of {validate}, the probe report of {probe}"
            ),
            ExplainError::NoSubnets => {
                f.write_str("the validate report has no subnet to compare with")
            }
            ExplainError::UnknownSubnet { subnet, known } => write!(
                f,
                "subnet {subnet} is not in the validate report (it has {})",
                known.join(", ")
            ),
            ExplainError::ProbeFromOtherSubnet { subnet, probe } => write!(
                f,
                "the probe report is from subnet {probe} (instance metadata), not from {subnet}: compare it with --subnet {probe}, or probe from {subnet}"
            ),
            ExplainError::ProbeSubnetNotValidated { probe } => write!(
                f,
                "the probe report is from subnet {probe}, which the validate report does not evaluate: validate with --subnet {probe}"
            ),
            ExplainError::ProbeFromOtherZone {
                subnet,
                subnet_zone,
                probe_zone,
            } => write!(
                f,
                "the probe ran in {probe_zone}, but subnet {subnet} is in {subnet_zone}: it cannot be from that subnet"
            ),
            ExplainError::SubnetAmbiguous { count } => write!(
                f,
                "the validate report has {count} subnets and the probe report does not say which it ran in: give --subnet ID"
            ),
            ExplainError::NothingShared { subnet } => write!(
                f,
                "the reports share no endpoint for subnet {subnet}: were they made with the same --profile and region?"
            ),
        }
    }
}

impl core::error::Error for ExplainError {}

/// The subnet a comparison is made for, chosen once ([`expect`]) and used
/// for every probe report ([`Expectation::compare`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// The subnet compared.
    pub subnet_id: String,
    /// How it was chosen.
    pub choice: SubnetChoice,
}

/// Checks that `validate` and `probe` can be compared (kinds, regions) and
/// chooses the subnet: `subnet` (the flag) when given, which the probe's
/// context must not contradict; else the probe's own subnet; else the
/// validate report's only subnet; else the only one in the probe's
/// availability zone. `probe` only needs its kind, region and context
/// (watch mode checks a skeleton report once, before the first check).
pub fn expect(
    validate: &Report,
    probe: &Report,
    subnet: Option<&str>,
) -> Result<Expectation, ExplainError> {
    if validate.kind != ReportKind::Validate {
        return Err(ExplainError::WrongKind {
            side: Side::Validate,
            found: validate.kind,
        });
    }
    if probe.kind != ReportKind::Probe {
        return Err(ExplainError::WrongKind {
            side: Side::Probe,
            found: probe.kind,
        });
    }
    if let (Some(v), Some(p)) = (&validate.region, &probe.region)
        && v != p
    {
        return Err(ExplainError::RegionsDiffer {
            validate: v.clone(),
            probe: p.clone(),
        });
    }
    if validate.subnets.is_empty() {
        return Err(ExplainError::NoSubnets);
    }
    let ctx = probe.context.as_ref();
    let probe_subnet = ctx.and_then(|c| c.subnet_id.value.as_deref());
    let probe_zone = ctx.and_then(|c| c.availability_zone.value.as_deref());
    let find = |id: &str| validate.subnets.iter().find(|s| s.subnet_id == id);
    let (chosen, choice) = match (subnet.map(str::trim), probe_subnet) {
        (Some(flag), _) => {
            let s = find(flag).ok_or_else(|| ExplainError::UnknownSubnet {
                subnet: flag.to_owned(),
                known: validate
                    .subnets
                    .iter()
                    .take(8)
                    .map(|s| s.subnet_id.clone())
                    .collect(),
            })?;
            if let Some(p) = probe_subnet
                && p != flag
            {
                return Err(ExplainError::ProbeFromOtherSubnet {
                    subnet: flag.to_owned(),
                    probe: p.to_owned(),
                });
            }
            (s, SubnetChoice::Flag)
        }
        (None, Some(p)) => (
            find(p).ok_or_else(|| ExplainError::ProbeSubnetNotValidated {
                probe: p.to_owned(),
            })?,
            SubnetChoice::ProbeContext,
        ),
        (None, None) => match (&validate.subnets[..], probe_zone) {
            ([only], _) => (only, SubnetChoice::OnlySubnet),
            (all, Some(zone)) => {
                let mut in_zone = all
                    .iter()
                    .filter(|s| s.availability_zone.as_deref() == Some(zone));
                match (in_zone.next(), in_zone.next()) {
                    (Some(s), None) => (s, SubnetChoice::AvailabilityZone),
                    _ => return Err(ExplainError::SubnetAmbiguous { count: all.len() }),
                }
            }
            (all, None) => return Err(ExplainError::SubnetAmbiguous { count: all.len() }),
        },
    };
    if let (Some(subnet_zone), Some(probe_zone)) = (&chosen.availability_zone, probe_zone)
        && subnet_zone != probe_zone
    {
        return Err(ExplainError::ProbeFromOtherZone {
            subnet: chosen.subnet_id.clone(),
            subnet_zone: subnet_zone.clone(),
            probe_zone: probe_zone.to_owned(),
        });
    }
    Ok(Expectation {
        subnet_id: chosen.subnet_id.clone(),
        choice,
    })
}

/// [`expect`], then [`Expectation::compare`]; an error too when the reports
/// share no endpoint.
pub fn explain(
    validate: &Report,
    probe: &Report,
    subnet: Option<&str>,
) -> Result<Explanation, ExplainError> {
    let expectation = expect(validate, probe, subnet)?;
    let explanation = expectation.compare(validate, probe);
    if explanation
        .endpoints
        .iter()
        .all(|e| e.predicted.is_none() || e.observed.is_none())
    {
        return Err(ExplainError::NothingShared {
            subnet: expectation.subnet_id,
        });
    }
    Ok(explanation)
}

impl Expectation {
    /// Compares `probe` with the chosen subnet of `validate` (which must be
    /// the report [`expect`] chose it from).
    pub fn compare(&self, validate: &Report, probe: &Report) -> Explanation {
        let subnet = validate
            .subnets
            .iter()
            .find(|s| s.subnet_id == self.subnet_id);
        let empty = SubnetReport {
            subnet_id: self.subnet_id.clone(),
            availability_zone: None,
            status: Status::Unknown,
            endpoints: Vec::new(),
        };
        let subnet = subnet.unwrap_or(&empty);
        compare_subnet(validate, subnet, probe, self.choice)
    }
}

// ---------------------------------------------------------------------------
// The comparison

/// The facts a comparison reads beyond the two endpoints.
struct Scene<'a> {
    region: Option<&'a str>,
    subnet: &'a SubnetReport,
    validate: &'a Report,
    ctx: Option<&'a ProbeContext>,
    vpc_cidrs: &'a [Cidr],
    /// Every name the validator expects on an interface endpoint came back
    /// public (and there are at least two): the hosts.
    all_private_public: Option<Vec<&'a str>>,
}

fn compare_subnet(
    validate: &Report,
    subnet: &SubnetReport,
    probe: &Report,
    choice: SubnetChoice,
) -> Explanation {
    let mut used = alloc::vec![false; probe.endpoints.len()];
    let mut pairs: Vec<(Option<&PathReport>, Option<&EndpointReport>)> = Vec::new();
    for p in &subnet.endpoints {
        let found = probe
            .endpoints
            .iter()
            .enumerate()
            .find(|(i, o)| !used[*i] && o.service == p.service && same_host(&p.host, &o.host));
        match found {
            Some((i, o)) => {
                used[i] = true;
                pairs.push((Some(p), Some(o)));
            }
            None => pairs.push((Some(p), None)),
        }
    }
    for (o, _) in probe.endpoints.iter().zip(&used).filter(|(_, u)| !**u) {
        pairs.push((None, Some(o)));
    }

    let ctx = probe.context.as_ref();
    let private_pairs: Vec<(&PathReport, &EndpointReport)> = pairs
        .iter()
        .filter_map(|(p, o)| Some(((*p)?, (*o)?)))
        .filter(|(p, o)| {
            AnswerClass::predicted(p.access_type) == Some(AnswerClass::Private)
                && not_comparable(o).is_none()
        })
        .collect();
    let all_private_public = (private_pairs.len() >= 2
        && private_pairs
            .iter()
            .all(|(_, o)| AnswerClass::observed(o) == Some(AnswerClass::Public)))
    .then(|| private_pairs.iter().map(|(_, o)| o.host.as_str()).collect());
    let scene = Scene {
        region: validate.region.as_deref().or(probe.region.as_deref()),
        subnet,
        validate,
        ctx,
        vpc_cidrs: ctx.map_or(&[][..], |c| &c.vpc_cidrs.value[..]),
        all_private_public,
    };

    let endpoints: Vec<EndpointComparison> = pairs
        .iter()
        .map(|(p, o)| compare_one(&scene, *p, *o))
        .collect();
    let any = |v: Verdict| endpoints.iter().any(|e| e.verdict == v);
    let verdict = if any(Verdict::Differs) {
        Verdict::Differs
    } else if any(Verdict::Agree) {
        Verdict::Agree
    } else {
        Verdict::NotComparable
    };
    Explanation {
        schema: SCHEMA.to_owned(),
        verdict,
        region: scene.region.map(str::to_owned),
        subnet_id: subnet.subnet_id.clone(),
        availability_zone: subnet.availability_zone.clone(),
        subnet_choice: choice,
        predicted_status: subnet.status,
        observed_status: probe.status,
        endpoints,
    }
}

/// Whether two hosts name the same endpoint: equal (case and a final dot
/// aside), or equal after the validator's `<account>` placeholder stands
/// for the probe's account label.
fn same_host(predicted: &str, observed: &str) -> bool {
    let norm = |h: &str| h.trim_end_matches('.').to_ascii_lowercase();
    let (p, o) = (norm(predicted), norm(observed));
    if p == o {
        return true;
    }
    let rest = |h: &str| h.split_once('.').map(|(_, r)| r.to_owned());
    (p.starts_with("<account>.") || o.starts_with("<account>.")) && rest(&p) == rest(&o)
}

/// Why an observation says nothing about the path, if so.
fn not_comparable(o: &EndpointReport) -> Option<String> {
    if o.reachable == Reachability::Unknown {
        return Some(format!(
            "The probe did not check it: {}",
            o.hints.first().map_or("no reason given", String::as_str)
        ));
    }
    if o.failure == Some(FailureCode::DnsTimeout)
        && o.dns.as_ref().and_then(|d| d.queries) == Some(0)
    {
        return Some(
            "The probe never asked DNS for it (its --timeout passed first): nothing to compare."
                .into(),
        );
    }
    if !o.addresses.is_empty()
        && o.addresses.iter().all(|a| {
            matches!(
                a.outcome,
                TcpOutcome::SkippedDeadline | TcpOutcome::SkippedCap | TcpOutcome::SkippedSinkhole
            )
        })
        && o.access_type.is_some()
    {
        return Some(
            "The probe dialled none of its addresses (its --timeout passed first): nothing to compare.".into(),
        );
    }
    None
}

fn predicted_of(p: &PathReport) -> Predicted {
    Predicted {
        access_type: p.access_type,
        address_class: AnswerClass::predicted(p.access_type),
        reachable: p.reachable,
        failure: p.failure,
        path: p.path.clone(),
        policy: p.policy,
        findings: p.findings.iter().map(|f| f.code).collect(),
    }
}

fn observed_of(o: &EndpointReport) -> Observed {
    Observed {
        access_type: o.access_type,
        address_class: AnswerClass::observed(o),
        reachable: o.reachable,
        failure: o.failure,
        resolver: o.dns.as_ref().and_then(|d| d.resolver.clone()),
        addresses: o.addresses.clone(),
        tls: o.tls.as_ref().map(|t| t.outcome),
    }
}

/// Whether the probe's access type is one the predicted one allows: the
/// probe sees addresses, not routes, so any public observation fits a
/// gateway endpoint or transit path, and `public` (public IP unknown) fits
/// either gateway.
fn access_fits(predicted: AccessType, observed: AccessType) -> bool {
    use AccessType::*;
    matches!(
        (predicted, observed),
        (VpcEndpoint, VpcEndpoint)
            | (
                GatewayEndpoint | Transit | Public,
                NatGateway | InternetGateway | Public
            )
            | (NatGateway, NatGateway | Public)
            | (InternetGateway, InternetGateway | Public)
    )
}

fn dialled_failures(o: &EndpointReport) -> Vec<&AddressReport> {
    o.addresses
        .iter()
        .filter(|a| {
            matches!(
                a.outcome,
                TcpOutcome::Refused | TcpOutcome::Timeout | TcpOutcome::Unreachable
            )
        })
        .collect()
}

fn differences(p: &PathReport, o: &EndpointReport) -> Vec<Difference> {
    let mut out = Vec::new();
    let (pc, oc) = (
        AnswerClass::predicted(p.access_type),
        AnswerClass::observed(o),
    );
    // Without a predicted path (no route, no DNS) only reachability compares:
    // the name may still resolve, and then go nowhere.
    if let Some(pa) = p.access_type {
        if pc != oc {
            out.push(Difference::AddressClass);
        } else if let Some(oa) = o.access_type
            && !access_fits(pa, oa)
        {
            out.push(Difference::AccessType);
        }
    }
    match (p.reachable, o.reachable) {
        (Reachability::Reachable, Reachability::Unreachable)
        | (Reachability::Unreachable, Reachability::Reachable) => out.push(Difference::Reachable),
        _ => {}
    }
    if p.reachable == Reachability::Reachable
        && o.reachable == Reachability::Reachable
        && !dialled_failures(o).is_empty()
        && !p
            .findings
            .iter()
            .any(|f| f.code == FindingCode::PartialReachability)
    {
        out.push(Difference::SomeAddresses);
    }
    if p.reachable != Reachability::Unreachable
        && o.tls
            .as_ref()
            .is_some_and(|t| matches!(t.outcome, TlsOutcome::Untrusted | TlsOutcome::Failed))
    {
        out.push(Difference::Tls);
    }
    out
}

fn compare_one(
    scene: &Scene<'_>,
    p: Option<&PathReport>,
    o: Option<&EndpointReport>,
) -> EndpointComparison {
    let service = match (p, o) {
        (Some(p), _) => p.service.clone(),
        (None, Some(o)) => o.service.clone(),
        (None, None) => String::new(),
    };
    let host = o.map_or_else(
        || p.map_or_else(String::new, |p| p.host.clone()),
        |o| o.host.clone(),
    );
    let mut out = EndpointComparison {
        service,
        host,
        predicted: p.map(predicted_of),
        observed: o.map(observed_of),
        verdict: Verdict::NotComparable,
        differences: Vec::new(),
        note: None,
        causes: Vec::new(),
    };
    let (p, o) = match (p, o) {
        (Some(p), Some(o)) => (p, o),
        (Some(_), None) => {
            out.note = Some(
                "The probe report does not have this endpoint (another --profile, or no account for ECR).".into(),
            );
            return out;
        }
        (None, _) => {
            out.note = Some(if out.service == "custom" {
                "Not in the validate report: a --endpoint of the probe.".into()
            } else {
                "Not in the validate report (another --profile).".into()
            });
            return out;
        }
    };
    if let Some(why) = not_comparable(o) {
        out.note = Some(why);
        return out;
    }
    out.differences = differences(p, o);
    if out.differences.is_empty() {
        out.verdict = Verdict::Agree;
        if p.reachable == Reachability::Unknown {
            out.note = Some(format!(
                "The validator could not decide this path ({}); the probe settles it: {}.",
                p.findings.first().map_or("no finding", |f| f.code.as_str()),
                match o.reachable {
                    Reachability::Reachable => "reachable",
                    Reachability::Unreachable => "unreachable",
                    Reachability::Unknown => "unknown",
                }
            ));
        }
        return out;
    }
    out.verdict = Verdict::Differs;
    out.causes = causes(scene, p, o, &out.differences);
    out
}

// ---------------------------------------------------------------------------
// The catalogue

/// What one cause needs to know about one endpoint.
struct Facts<'a> {
    scene: &'a Scene<'a>,
    p: &'a PathReport,
    o: &'a EndpointReport,
    diffs: &'a [Difference],
    pc: Option<AnswerClass>,
    oc: Option<AnswerClass>,
    resolver: Option<IpAddr>,
    /// Whether the resolver that answered is the VPC resolver (`None`:
    /// cannot tell, e.g. no VPC CIDR known).
    vpc_resolver: Option<bool>,
    /// The validator's `custom-dns-servers` finding, on the path or the
    /// report.
    custom_dns: Option<&'a Finding>,
}

/// The VPC resolver's addresses: 169.254.169.253, fd00:ec2::253, and the
/// base of each IPv4 VPC CIDR plus two (AWS documents the primary CIDR's;
/// the probe's context does not say which CIDR is primary).
pub fn is_vpc_resolver(ip: IpAddr, vpc_cidrs: &[Cidr]) -> Option<bool> {
    let link_local_v4 = Ipv4Addr::new(169, 254, 169, 253);
    let link_local_v6 = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x253);
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    if ip == IpAddr::V4(link_local_v4) || ip == IpAddr::V6(link_local_v6) {
        return Some(true);
    }
    let v4_cidrs: Vec<&Cidr> = vpc_cidrs.iter().filter(|c| !c.is_v6()).collect();
    if v4_cidrs.is_empty() {
        return None;
    }
    Some(v4_cidrs.iter().any(|c| Some(ip) == plus_two(c)))
}

fn plus_two(c: &Cidr) -> Option<IpAddr> {
    match c.network() {
        IpAddr::V4(n) => u32::from(n)
            .checked_add(2)
            .map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        IpAddr::V6(_) => None,
    }
}

fn resolver_ip(o: &EndpointReport) -> Option<IpAddr> {
    resolver_addr(o).map(|s| s.ip())
}

/// The resolver that answered, with its port (53 when the report gives an
/// address alone).
fn resolver_addr(o: &EndpointReport) -> Option<SocketAddr> {
    let text = o.dns.as_ref()?.resolver.as_deref()?;
    text.parse::<SocketAddr>().ok().or_else(|| {
        text.parse::<IpAddr>()
            .ok()
            .map(|ip| SocketAddr::new(ip, 53))
    })
}

fn causes(
    scene: &Scene<'_>,
    p: &PathReport,
    o: &EndpointReport,
    diffs: &[Difference],
) -> Vec<Cause> {
    let resolver = resolver_ip(o);
    let custom_dns = p
        .findings
        .iter()
        .chain(&scene.validate.findings)
        .find(|f| f.code == FindingCode::CustomDnsServers);
    let facts = Facts {
        scene,
        p,
        o,
        diffs,
        pc: AnswerClass::predicted(p.access_type),
        oc: AnswerClass::observed(o),
        resolver,
        vpc_resolver: resolver.and_then(|r| is_vpc_resolver(r, scene.vpc_cidrs)),
        custom_dns,
    };
    let mut found: Vec<(u8, usize, Cause)> = CauseCode::ALL
        .iter()
        .enumerate()
        .filter_map(|(i, code)| {
            let score = score(*code, &facts)?;
            Some((
                score,
                i,
                Cause {
                    code: *code,
                    rank: 0,
                    title: code.title().to_owned(),
                    explanation: code.explanation().to_owned(),
                    evidence: evidence(*code, &facts),
                    confirm: confirm(*code, &facts),
                },
            ))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found
        .into_iter()
        .enumerate()
        .map(|(rank, (_, _, mut c))| {
            c.rank = rank as u32 + 1;
            c
        })
        .collect()
}

fn is_dns_failure(f: Option<FailureCode>) -> bool {
    matches!(
        f,
        Some(
            FailureCode::DnsNxdomain
                | FailureCode::DnsNoRecords
                | FailureCode::DnsServfail
                | FailureCode::DnsRefused
                | FailureCode::DnsTimeout
                | FailureCode::DnsSinkhole
                | FailureCode::DnsUnreachable
        )
    )
}

/// How well a cause fits (higher: likelier), or `None` when it does not
/// apply to what differs.
fn score(code: CauseCode, f: &Facts<'_>) -> Option<u8> {
    use AnswerClass::{Private, Public};
    let has = |d: Difference| f.diffs.contains(&d);
    let class_moved = |from: AnswerClass, to: AnswerClass| {
        has(Difference::AddressClass) && f.pc == Some(from) && f.oc == Some(to)
    };
    let dns_failed = f.p.access_type.is_some() && is_dns_failure(f.o.failure);
    // The probe's connect failures (and, in a report edited by hand, any
    // other failure once DNS answered).
    let tcp_failed = has(Difference::Reachable)
        && f.p.reachable == Reachability::Reachable
        && !is_dns_failure(f.o.failure);
    let custom_dns_seen = f.custom_dns.is_some() || f.vpc_resolver == Some(false);
    let vpc_wide = f.scene.all_private_public.is_some();
    let observed_inside_vpc = || -> Option<bool> {
        if f.scene.vpc_cidrs.is_empty() {
            return None;
        }
        let lead =
            f.o.addresses
                .iter()
                .find(|a| matches!(a.class, AddressClass::Private(_)))?;
        Some(f.scene.vpc_cidrs.iter().any(|c| c.contains(lead.ip)))
    };
    let failed = dialled_failures(f.o);
    let failed_private = !failed.is_empty()
        && failed
            .iter()
            .all(|a| matches!(a.class, AddressClass::Private(_)));
    Some(match code {
        CauseCode::CustomDnsNotForwarding if class_moved(Private, Public) => {
            if custom_dns_seen {
                90
            } else if f.vpc_resolver.is_none() {
                20
            } else {
                10
            }
        }
        CauseCode::EndpointChanged if class_moved(Private, Public) => {
            match (custom_dns_seen, vpc_wide) {
                (true, _) => 25,
                (false, true) => 40,
                (false, false) => 85,
            }
        }
        CauseCode::PrivateDnsBypassed if class_moved(Private, Public) => {
            match (custom_dns_seen, vpc_wide) {
                (false, true) => 80,
                _ => 30,
            }
        }
        CauseCode::EndpointAdded if class_moved(Public, Private) => match observed_inside_vpc() {
            Some(true) => 85,
            None => 60,
            Some(false) => 30,
        },
        CauseCode::PrivateHostedZone if class_moved(Public, Private) => {
            match observed_inside_vpc() {
                Some(false) => 90,
                None => 40,
                Some(true) => 20,
            }
        }
        CauseCode::DnsFirewall
            if dns_failed
                && matches!(
                    f.o.failure,
                    Some(
                        FailureCode::DnsNxdomain
                            | FailureCode::DnsNoRecords
                            | FailureCode::DnsSinkhole
                    )
                ) =>
        {
            match f.vpc_resolver {
                Some(true) => 90,
                None if !custom_dns_seen => 50,
                _ => 20,
            }
        }
        CauseCode::CustomDnsFails if dns_failed && f.vpc_resolver != Some(true) => {
            if custom_dns_seen {
                90
            } else {
                40
            }
        }
        CauseCode::VpcResolverFails
            if dns_failed
                && f.vpc_resolver != Some(false)
                && matches!(
                    f.o.failure,
                    Some(
                        FailureCode::DnsServfail
                            | FailureCode::DnsRefused
                            | FailureCode::DnsTimeout
                            | FailureCode::DnsUnreachable
                    )
                ) =>
        {
            if f.vpc_resolver == Some(true) {
                85
            } else {
                45
            }
        }
        CauseCode::EndpointAccessChanged
            if tcp_failed
                && f.p.access_type == Some(AccessType::VpcEndpoint)
                && f.o.failure != Some(FailureCode::TcpRefused) =>
        {
            85
        }
        CauseCode::EgressChanged
            if tcp_failed
                && matches!(
                    f.p.access_type,
                    Some(
                        AccessType::NatGateway
                            | AccessType::InternetGateway
                            | AccessType::Public
                            | AccessType::Transit
                    )
                )
                && f.o.failure != Some(FailureCode::TcpRefused) =>
        {
            85
        }
        CauseCode::EgressChanged
            if tcp_failed && f.p.access_type == Some(AccessType::GatewayEndpoint) =>
        {
            30
        }
        CauseCode::EgressChanged if has(Difference::SomeAddresses) && !failed_private => 70,
        CauseCode::MiddleboxRejects
            if tcp_failed && f.o.failure == Some(FailureCode::TcpRefused) =>
        {
            90
        }
        CauseCode::MiddleboxRejects
            if has(Difference::SomeAddresses)
                && failed.iter().any(|a| a.outcome == TcpOutcome::Refused) =>
        {
            60
        }
        CauseCode::GatewayEndpointRouteChanged
            if tcp_failed
                && f.p.access_type == Some(AccessType::GatewayEndpoint)
                && f.o.failure != Some(FailureCode::TcpRefused) =>
        {
            85
        }
        CauseCode::FixedSinceSnapshot
            if has(Difference::Reachable) && f.p.reachable == Reachability::Unreachable =>
        {
            70
        }
        CauseCode::PublicIpMismatch if has(Difference::AccessType) => 90,
        CauseCode::PublicIpMismatch
            if has(Difference::Reachable)
                && f.p.reachable == Reachability::Unreachable
                && (f.p.failure == Some(FailureCode::NoPublicIp)
                    || f.p.access_type == Some(AccessType::InternetGateway)) =>
        {
            match f.o.access_type {
                Some(AccessType::InternetGateway) => 90,
                Some(AccessType::Public) => 50,
                _ => return None,
            }
        }
        CauseCode::OneAzBlocked if has(Difference::SomeAddresses) && failed_private => 90,
        CauseCode::TlsInterception if has(Difference::Tls) => 95,
        CauseCode::EndpointPolicy
            if has(Difference::Reachable)
                && f.p.reachable == Reachability::Unreachable
                && (f.p.failure == Some(FailureCode::PolicyDenies)
                    || f.p.policy == Some(PolicyVerdict::Denies)) =>
        {
            95
        }
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Evidence

fn reach_word(r: Reachability) -> &'static str {
    match r {
        Reachability::Reachable => "reachable",
        Reachability::Unreachable => "unreachable",
        Reachability::Unknown => "unknown",
    }
}

fn access_word(a: Option<AccessType>) -> &'static str {
    a.map_or("no path", AccessType::as_str)
}

/// The validator's line for the path.
fn predicted_line(f: &Facts<'_>) -> Evidence {
    let p = f.p;
    let mut text = format!(
        "{} from {}: {}, {}",
        p.host,
        f.scene.subnet.subnet_id,
        access_word(p.access_type),
        reach_word(p.reachable)
    );
    if let Some(fail) = p.failure {
        text.push_str(&format!(" ({fail})"));
    }
    if !p.path.is_empty() {
        text.push_str(&format!(" via {}", p.path.join(" → ")));
    }
    if let Some(c) = AnswerClass::predicted(p.access_type) {
        text.push_str(&format!("; expects {c} addresses"));
    }
    Evidence {
        side: Side::Validate,
        text,
    }
}

fn address_words(a: &AddressReport) -> String {
    format!("{} ({}, {})", a.ip, a.class.as_str(), a.outcome.as_str())
}

/// The probe's line for the endpoint.
fn observed_line(f: &Facts<'_>) -> Evidence {
    let o = f.o;
    let mut text = o.host.clone();
    match o.dns.as_ref().and_then(|d| d.resolver.as_deref()) {
        Some(r) => text.push_str(&format!(" answered by {r}")),
        None => text.push_str(" (no resolver named)"),
    }
    if o.addresses.is_empty() {
        text.push_str(": no address");
    } else {
        let list: Vec<String> = o.addresses.iter().map(address_words).collect();
        text.push_str(&format!(": {}", list.join(", ")));
    }
    text.push_str(&format!(
        "; {}, {}",
        access_word(o.access_type),
        reach_word(o.reachable)
    ));
    if let Some(fail) = o.failure {
        text.push_str(&format!(" ({fail})"));
    }
    Evidence {
        side: Side::Probe,
        text,
    }
}

fn resolver_fact(f: &Facts<'_>) -> Option<Evidence> {
    let r = f.resolver?;
    let vpc = vpc_resolver_hint(f);
    let text = match f.vpc_resolver {
        Some(true) => format!("the answer came from the VPC resolver ({r})"),
        Some(false) => format!("the answer came from {r}, which is not the VPC resolver ({vpc})"),
        None => format!(
            "the answer came from {r}; whether that is the VPC resolver is unknown (the probe knew no VPC CIDR: give --vpc-cidr)"
        ),
    };
    Some(Evidence {
        side: Side::Probe,
        text,
    })
}

/// How to name the VPC resolver in words: its addresses when the VPC CIDRs
/// are known.
fn vpc_resolver_hint(f: &Facts<'_>) -> String {
    let mut names: Vec<String> = f
        .scene
        .vpc_cidrs
        .iter()
        .filter_map(plus_two)
        .map(|ip| ip.to_string())
        .collect();
    names.push("169.254.169.253".into());
    names.join(" or ")
}

fn finding_fact(finding: &Finding) -> Evidence {
    Evidence {
        side: Side::Validate,
        text: format!(
            "{} on {}: {}",
            finding.code, finding.resource, finding.message
        ),
    }
}

fn evidence(code: CauseCode, f: &Facts<'_>) -> Vec<Evidence> {
    let mut out = alloc::vec![predicted_line(f), observed_line(f)];
    let probe = |text: String| Evidence {
        side: Side::Probe,
        text,
    };
    match code {
        CauseCode::CustomDnsNotForwarding | CauseCode::CustomDnsFails => {
            if let Some(finding) = f.custom_dns {
                out.push(finding_fact(finding));
            } else {
                out.push(Evidence {
                    side: Side::Validate,
                    text: "no custom-dns-servers finding: describe-dhcp-options was not given, or names AmazonProvidedDNS (the task's /etc/resolv.conf may still name other servers)".into(),
                });
            }
            out.extend(resolver_fact(f));
        }
        CauseCode::EndpointChanged | CauseCode::PrivateDnsBypassed => {
            out.extend(resolver_fact(f));
            match &f.scene.all_private_public {
                Some(hosts) => out.push(probe(format!(
                    "every name the validator expects on an interface endpoint resolved to public addresses: {}",
                    hosts.join(", ")
                ))),
                None => out.push(probe(
                    "other names the validator expects on interface endpoints still resolved to private addresses: the change is this endpoint's".into(),
                )),
            }
        }
        CauseCode::EndpointAdded | CauseCode::PrivateHostedZone => {
            if f.scene.vpc_cidrs.is_empty() {
                out.push(probe(
                    "the probe knew no VPC CIDR, so whether the private address lies in this VPC is unknown".into(),
                ));
            } else {
                let cidrs: Vec<String> =
                    f.scene.vpc_cidrs.iter().map(ToString::to_string).collect();
                let inside = f.o.addresses.iter().any(|a| {
                    matches!(a.class, AddressClass::Private(_))
                        && f.scene.vpc_cidrs.iter().any(|c| c.contains(a.ip))
                });
                out.push(probe(format!(
                    "the private address lies {} the VPC's CIDRs ({})",
                    if inside { "inside" } else { "outside" },
                    cidrs.join(", ")
                )));
            }
            if f.p
                .findings
                .iter()
                .any(|x| x.code == FindingCode::EndpointMissing)
            {
                out.push(Evidence {
                    side: Side::Validate,
                    text: "the documents hold no interface endpoint for this service (endpoint-missing)".into(),
                });
            }
        }
        CauseCode::DnsFirewall | CauseCode::VpcResolverFails => {
            out.extend(resolver_fact(f));
        }
        CauseCode::OneAzBlocked | CauseCode::EgressChanged | CauseCode::MiddleboxRejects
            if f.diffs.contains(&Difference::SomeAddresses) =>
        {
            let failed: Vec<String> = dialled_failures(f.o)
                .into_iter()
                .map(address_words)
                .collect();
            let connected: Vec<String> =
                f.o.addresses
                    .iter()
                    .filter(|a| a.outcome == TcpOutcome::Connected)
                    .map(|a| a.ip.to_string())
                    .collect();
            out.push(probe(format!(
                "connected to {}; failed: {}",
                connected.join(", "),
                failed.join(", ")
            )));
            out.push(Evidence {
                side: Side::Validate,
                text: "no partial-reachability finding: every endpoint address was expected to connect".into(),
            });
        }
        CauseCode::EndpointPolicy => {
            for finding in
                f.p.findings
                    .iter()
                    .filter(|x| x.code == FindingCode::EndpointPolicyDenies)
            {
                out.push(finding_fact(finding));
            }
        }
        CauseCode::FixedSinceSnapshot => {
            for finding in
                f.p.findings
                    .iter()
                    .filter(|x| x.severity == crate::report::Severity::Error)
            {
                out.push(finding_fact(finding));
            }
        }
        CauseCode::PublicIpMismatch => {
            if let Some(ctx) = f.scene.ctx {
                let src = match ctx.public_ip.source {
                    crate::report::Source::Flag => "--public-ip",
                    crate::report::Source::InstanceMetadata => "instance metadata",
                    _ => "unknown source",
                };
                out.push(probe(format!("public IP: {} ({src})", ctx.public_ip.value)));
            }
        }
        CauseCode::TlsInterception => {
            if let Some(t) = &f.o.tls {
                out.push(probe(format!(
                    "TLS {}{}{}",
                    match t.outcome {
                        TlsOutcome::Untrusted => "untrusted",
                        TlsOutcome::Failed => "failed",
                        TlsOutcome::Trusted => "trusted",
                        TlsOutcome::NotAttempted => "not attempted",
                    },
                    t.issuer
                        .as_deref()
                        .map_or(String::new(), |i| format!(", certificate issued by {i}")),
                    t.detail
                        .as_deref()
                        .map_or(String::new(), |d| format!(": {d}"))
                )));
            }
        }
        _ => {}
    }
    out
}

// ---------------------------------------------------------------------------
// Commands

/// The ids and names the commands are filled in with.
struct Ids<'a> {
    region: String,
    subnet: String,
    /// The VPC id, or a command substitution that looks it up from the
    /// subnet.
    vpc: String,
    /// The VPC id when it is known literally.
    vpc_literal: Option<&'a str>,
    host: String,
    resolver: Option<String>,
    vpc_resolver: String,
}

fn ids<'a>(f: &'a Facts<'a>) -> Ids<'a> {
    let region = shell_quote(f.scene.region.unwrap_or("us-east-1"));
    let subnet = shell_quote(&f.scene.subnet.subnet_id);
    let vpc_literal = f
        .scene
        .ctx
        .and_then(|c| c.vpc_id.value.as_deref())
        .filter(|v| crate::commands::is_vpc_id(v));
    let vpc = vpc_literal.map_or_else(
        || {
            format!(
                "\"$(aws ec2 describe-subnets --region {region} --subnet-ids {subnet} --query 'Subnets[0].VpcId' --output text)\""
            )
        },
        |v| v.to_owned(),
    );
    Ids {
        vpc_resolver: f
            .scene
            .vpc_cidrs
            .iter()
            .find_map(plus_two)
            .map_or_else(|| "169.254.169.253".to_owned(), |ip| ip.to_string()),
        region,
        subnet,
        vpc,
        vpc_literal,
        host: shell_quote(&f.o.host),
        resolver: resolver_addr(f.o).map(|r| match r.port() {
            53 => r.ip().to_string(),
            port => format!("{} -p {port}", r.ip()),
        }),
    }
}

/// The first id on the path with this prefix.
fn path_id<'a>(p: &'a PathReport, prefix: &str) -> Option<&'a str> {
    p.path
        .iter()
        .map(String::as_str)
        .find(|id| id.starts_with(prefix))
}

fn confirm(code: CauseCode, f: &Facts<'_>) -> Vec<String> {
    let i = ids(f);
    let (region, subnet, vpc, host) = (&i.region, &i.subnet, &i.vpc, &i.host);
    let dig_resolver = i.resolver.as_ref().map(|r| format!("dig {host} @{r}"));
    let dig_vpc = format!("dig {host} @{}", i.vpc_resolver);
    let curl = format!("curl -sv --connect-timeout 5 -o /dev/null https://{host}/");
    let dhcp = match f.custom_dns.map(|x| x.resource.as_str()) {
        Some(dopt) if dopt.starts_with("dopt-") => format!(
            "aws ec2 describe-dhcp-options --region {region} --dhcp-options-ids {}",
            shell_quote(dopt)
        ),
        _ => format!(
            "aws ec2 describe-dhcp-options --region {region} --dhcp-options-ids \"$(aws ec2 describe-vpcs --region {region} --vpc-ids {vpc} --query 'Vpcs[0].DhcpOptionsId' --output text)\""
        ),
    };
    let vpce = path_id(f.p, "vpce-").map(shell_quote);
    let rule_associations = format!(
        "aws route53resolver list-resolver-rule-associations --region {region} --filters Name=VPCId,Values={vpc}"
    );
    let attribute = |a: &str| {
        format!("aws ec2 describe-vpc-attribute --region {region} --vpc-id {vpc} --attribute {a}")
    };
    let route_tables = match path_id(f.p, "rtb-") {
        Some(rtb) => format!(
            "aws ec2 describe-route-tables --region {region} --route-table-ids {}",
            shell_quote(rtb)
        ),
        None => format!(
            "aws ec2 describe-route-tables --region {region} --filters Name=association.subnet-id,Values={subnet}"
        ),
    };
    let acls = format!(
        "aws ec2 describe-network-acls --region {region} --filters Name=association.subnet-id,Values={subnet}"
    );
    let eni_of = |ip: &IpAddr| {
        format!(
            "aws ec2 describe-network-interfaces --region {region} --filters Name=addresses.private-ip-address,Values={ip} --query 'NetworkInterfaces[].[NetworkInterfaceId,SubnetId,AvailabilityZone,VpcId,Description]' --output text"
        )
    };
    let lead_private =
        f.o.addresses
            .iter()
            .find(|a| matches!(a.class, AddressClass::Private(_)))
            .map(|a| a.ip);
    let mut out: Vec<String> = Vec::new();
    match code {
        CauseCode::CustomDnsNotForwarding => {
            out.push(dhcp);
            out.extend(dig_resolver);
            out.push(dig_vpc);
        }
        CauseCode::EndpointChanged => {
            match &vpce {
                Some(v) => out.push(format!(
                    "aws ec2 describe-vpc-endpoints --region {region} --vpc-endpoint-ids {v} --query 'VpcEndpoints[].[VpcEndpointId,State,PrivateDnsEnabled]' --output text"
                )),
                None => out.push(format!(
                    "aws ec2 describe-vpc-endpoints --region {region} --filters Name=vpc-id,Values={vpc} --query 'VpcEndpoints[].[VpcEndpointId,ServiceName,State,PrivateDnsEnabled]' --output text"
                )),
            }
            out.extend(dig_resolver);
        }
        CauseCode::PrivateDnsBypassed => {
            out.push(rule_associations);
            out.push(format!(
                "aws route53resolver list-resolver-rules --region {region} --query 'ResolverRules[?RuleType==`FORWARD`].[Id,DomainName]' --output text"
            ));
            out.push(attribute("enableDnsHostnames"));
            out.push(attribute("enableDnsSupport"));
            out.extend(dig_resolver);
        }
        CauseCode::EndpointAdded => {
            let name = f
                .scene
                .region
                .and_then(|r| Region::parse(r).ok())
                .zip(catalog::service_by_id(&f.p.service))
                .map(|(r, s)| s.service_name(&r));
            match name {
                Some(n) => out.push(format!(
                    "aws ec2 describe-vpc-endpoints --region {region} --filters Name=vpc-id,Values={vpc} Name=service-name,Values={} --query 'VpcEndpoints[].[VpcEndpointId,State,PrivateDnsEnabled,CreationTimestamp]' --output text",
                    shell_quote(&n)
                )),
                None => out.push(format!(
                    "aws ec2 describe-vpc-endpoints --region {region} --filters Name=vpc-id,Values={vpc} --query 'VpcEndpoints[].[VpcEndpointId,ServiceName,State,PrivateDnsEnabled,CreationTimestamp]' --output text"
                )),
            }
            out.extend(lead_private.as_ref().map(eni_of));
            if let Some(v) = i.vpc_literal {
                out.push(format!("netready validate --collect {v} --region {region}"));
            }
        }
        CauseCode::PrivateHostedZone => {
            out.push(format!(
                "aws route53 list-hosted-zones-by-vpc --vpc-id {vpc} --vpc-region {region}"
            ));
            out.extend(dig_resolver);
            out.extend(lead_private.as_ref().map(eni_of));
        }
        CauseCode::DnsFirewall => {
            out.push(format!(
                "aws route53resolver list-firewall-rule-group-associations --region {region} --vpc-id {vpc}"
            ));
            out.push(dig_resolver.unwrap_or(dig_vpc));
        }
        CauseCode::CustomDnsFails => {
            out.push(dhcp);
            out.extend(dig_resolver);
            out.push(dig_vpc);
        }
        CauseCode::VpcResolverFails => {
            out.push(attribute("enableDnsSupport"));
            out.push(rule_associations);
            out.push(dig_resolver.unwrap_or(dig_vpc));
        }
        CauseCode::EndpointAccessChanged => {
            if let Some(v) = &vpce {
                out.push(format!(
                    "aws ec2 describe-vpc-endpoints --region {region} --vpc-endpoint-ids {v} --query 'VpcEndpoints[].[State,SubnetIds,Groups[].GroupId]' --output json"
                ));
                out.push(format!(
                    "aws ec2 describe-security-groups --region {region} --group-ids $(aws ec2 describe-vpc-endpoints --region {region} --vpc-endpoint-ids {v} --query 'VpcEndpoints[0].Groups[].GroupId' --output text)"
                ));
            }
            out.push(acls);
            out.push(curl);
        }
        CauseCode::EgressChanged => {
            out.push(route_tables);
            if let Some(nat) = path_id(f.p, "nat-") {
                out.push(format!(
                    "aws ec2 describe-nat-gateways --region {region} --nat-gateway-ids {}",
                    shell_quote(nat)
                ));
            }
            if let Some(igw) = path_id(f.p, "igw-") {
                out.push(format!(
                    "aws ec2 describe-internet-gateways --region {region} --internet-gateway-ids {}",
                    shell_quote(igw)
                ));
            }
            out.push(format!(
                "aws ec2 describe-vpc-block-public-access-options --region {region}"
            ));
            out.push(acls);
            out.push(curl);
        }
        CauseCode::MiddleboxRejects => {
            out.push(curl);
            out.push(route_tables);
            out.push(format!(
                "aws network-firewall list-firewalls --region {region} --vpc-ids {vpc}"
            ));
        }
        CauseCode::GatewayEndpointRouteChanged => {
            out.push(format!(
                "{route_tables} --query 'RouteTables[].Routes[?DestinationPrefixListId]'"
            ));
            if let Some(v) = &vpce {
                out.push(format!(
                    "aws ec2 describe-vpc-endpoints --region {region} --vpc-endpoint-ids {v} --query 'VpcEndpoints[].[State,RouteTableIds]' --output json"
                ));
            }
            out.push(curl);
        }
        CauseCode::FixedSinceSnapshot => {
            if let Some(v) = i.vpc_literal {
                out.push(format!("netready validate --collect {v} --region {region}"));
            }
            out.push(route_tables);
            out.push(curl);
        }
        CauseCode::PublicIpMismatch => {
            out.push(format!(
                "aws ecs describe-services --region {region} --cluster <cluster> --services <service> --query 'services[0].networkConfiguration.awsvpcConfiguration.assignPublicIp'"
            ));
            out.push(format!(
                "aws ec2 describe-subnets --region {region} --subnet-ids {subnet} --query 'Subnets[0].MapPublicIpOnLaunch'"
            ));
        }
        CauseCode::OneAzBlocked => {
            for a in dialled_failures(f.o) {
                out.push(eni_of(&a.ip));
                out.push(format!(
                    "aws ec2 describe-network-acls --region {region} --filters Name=association.subnet-id,Values=\"$(aws ec2 describe-network-interfaces --region {region} --filters Name=addresses.private-ip-address,Values={} --query 'NetworkInterfaces[0].SubnetId' --output text)\"",
                    a.ip
                ));
                out.push(format!(
                    "curl -sv --connect-timeout 5 --resolve {host}:443:{} -o /dev/null https://{host}/",
                    bracket(a.ip)
                ));
            }
        }
        CauseCode::EndpointPolicy => {
            if let Some(v) = &vpce {
                out.push(format!(
                    "aws ec2 describe-vpc-endpoints --region {region} --vpc-endpoint-ids {v} --query 'VpcEndpoints[0].PolicyDocument' --output text"
                ));
            }
            out.extend(policy_call(&f.p.service, region));
        }
        CauseCode::TlsInterception => {
            out.push(format!(
                "openssl s_client -connect {host}:443 -servername {host} </dev/null 2>/dev/null | openssl x509 -noout -issuer"
            ));
            out.push(curl);
        }
    }
    out
}

/// A call of the runner's through the endpoint that its policy decides,
/// to run from the task (an AccessDenied confirms the policy).
fn policy_call(service: &str, region: &str) -> Option<String> {
    Some(match service {
        "ecr.api" | "ecr.dkr" => format!(
            "aws ecr get-authorization-token --region {region} --query 'authorizationData[0].expiresAt'"
        ),
        "logs" => format!("aws logs describe-log-groups --region {region} --limit 1"),
        "secretsmanager" => {
            format!("aws secretsmanager list-secrets --region {region} --max-results 1")
        }
        _ => return None,
    })
}

/// An address as curl's `--resolve` takes it.
fn bracket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_through_the_account_placeholder() {
        assert!(same_host(
            "<account>.dkr.ecr.eu-west-1.amazonaws.com",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
        ));
        assert!(same_host(
            "logs.eu-west-1.amazonaws.com.",
            "LOGS.eu-west-1.amazonaws.com"
        ));
        assert!(!same_host(
            "<account>.dkr.ecr.eu-west-1.amazonaws.com",
            "123456789012.dkr.ecr.eu-west-2.amazonaws.com"
        ));
        assert!(!same_host(
            "s3.eu-west-1.amazonaws.com",
            "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com"
        ));
    }

    // Each match has no wildcard, so a new variant does not compile until
    // it gets a number here: a reminder to put it in its ALL list, which
    // this test then checks is in the same order.
    #[test]
    fn all_lists_match_their_variants() {
        for (i, c) in CauseCode::ALL.iter().enumerate() {
            let n = match c {
                CauseCode::CustomDnsNotForwarding => 0,
                CauseCode::EndpointChanged => 1,
                CauseCode::PrivateDnsBypassed => 2,
                CauseCode::EndpointAdded => 3,
                CauseCode::PrivateHostedZone => 4,
                CauseCode::DnsFirewall => 5,
                CauseCode::CustomDnsFails => 6,
                CauseCode::VpcResolverFails => 7,
                CauseCode::EndpointAccessChanged => 8,
                CauseCode::EgressChanged => 9,
                CauseCode::MiddleboxRejects => 10,
                CauseCode::GatewayEndpointRouteChanged => 11,
                CauseCode::FixedSinceSnapshot => 12,
                CauseCode::PublicIpMismatch => 13,
                CauseCode::OneAzBlocked => 14,
                CauseCode::TlsInterception => 15,
                CauseCode::EndpointPolicy => 16,
            };
            assert_eq!(n, i);
        }
        for (i, d) in Difference::ALL.iter().enumerate() {
            let n = match d {
                Difference::AddressClass => 0,
                Difference::AccessType => 1,
                Difference::Reachable => 2,
                Difference::SomeAddresses => 3,
                Difference::Tls => 4,
            };
            assert_eq!(n, i);
        }
        for (i, v) in Verdict::ALL.iter().enumerate() {
            let n = match v {
                Verdict::Agree => 0,
                Verdict::Differs => 1,
                Verdict::NotComparable => 2,
            };
            assert_eq!(n, i);
        }
        for (i, c) in SubnetChoice::ALL.iter().enumerate() {
            let n = match c {
                SubnetChoice::Flag => 0,
                SubnetChoice::ProbeContext => 1,
                SubnetChoice::OnlySubnet => 2,
                SubnetChoice::AvailabilityZone => 3,
            };
            assert_eq!(n, i);
        }
    }

    #[test]
    fn the_vpc_resolver_is_recognised() {
        let cidrs: Vec<Cidr> = alloc::vec![
            "10.0.0.0/16".parse().unwrap(),
            "100.64.0.0/16".parse().unwrap()
        ];
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(is_vpc_resolver(ip("10.0.0.2"), &cidrs), Some(true));
        assert_eq!(is_vpc_resolver(ip("100.64.0.2"), &cidrs), Some(true));
        assert_eq!(is_vpc_resolver(ip("169.254.169.253"), &[]), Some(true));
        assert_eq!(is_vpc_resolver(ip("fd00:ec2::253"), &[]), Some(true));
        assert_eq!(
            is_vpc_resolver(ip("::ffff:169.254.169.253"), &[]),
            Some(true)
        );
        assert_eq!(is_vpc_resolver(ip("10.20.0.10"), &cidrs), Some(false));
        assert_eq!(is_vpc_resolver(ip("10.0.0.2"), &[]), None);
    }
}
