//! The VPC model the validator evaluates: what the describe-* documents say,
//! reduced to the fields that decide a path, with typed values.
//!
//! Guarantees: every CIDR is canonical, every state and protocol is an enum,
//! and each collection remembers whether its document was given at all
//! ([`Collection::given`]), so the evaluation can say *unknown* (and which
//! command to run) instead of guessing from an absent document.
//!
//! Not done here: parsing (see [`super::input`]) or deciding anything (see
//! [`super::evaluate`]).

use crate::net::Cidr;
use alloc::string::String;
use alloc::vec::Vec;

/// One collection of resources and whether its document was given.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection<T> {
    /// Whether any input document held this collection's key.
    pub given: bool,
    /// The resources, in input order, first occurrence of each id kept.
    pub items: Vec<T>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            given: false,
            items: Vec::new(),
        }
    }
}

/// A VPC (`describe-vpcs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    /// `vpc-…`
    pub id: String,
    /// The associated IPv4 and IPv6 CIDRs.
    pub cidrs: Vec<Cidr>,
    /// The DHCP options set, when any.
    pub dhcp_options_id: Option<String>,
    /// The owning account.
    pub owner_id: Option<String>,
    /// `BlockPublicAccessStates.InternetGatewayBlockMode`, when printed.
    pub block_public_access: Option<BpaMode>,
}

/// VPC Block Public Access mode (`InternetGatewayBlockMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum BpaMode {
    /// `off`: internet gateways and egress-only internet gateways work.
    Off,
    /// `block-bidirectional`: all traffic to and from internet gateways and
    /// egress-only internet gateways is dropped, NAT gateways' included,
    /// except for excluded VPCs and subnets.
    BlockBidirectional,
    /// `block-ingress`: only traffic through NAT gateways and egress-only
    /// internet gateways (connections made from inside) is allowed, except
    /// for excluded VPCs and subnets.
    BlockIngress,
}

/// What a VPC Block Public Access exclusion lets through
/// (`InternetGatewayExclusionMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum BpaExclusionMode {
    /// `allow-bidirectional`: all internet traffic.
    AllowBidirectional,
    /// `allow-egress`: connections made from inside; applies only when the
    /// account's mode is `block-bidirectional`.
    AllowEgress,
}

/// What an exclusion applies to (from its `ResourceArn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BpaExclusionScope {
    /// A whole VPC: `…:vpc/vpc-…`.
    Vpc(String),
    /// One subnet: `…:subnet/subnet-…`.
    Subnet(String),
}

/// Whether an exclusion is in effect (from its `State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ExclusionState {
    /// `create-complete`, `update-in-progress`, `update-complete`,
    /// `update-failed` (the previous settings stay in effect).
    Active,
    /// `create-in-progress`, `create-failed`, `delete-in-progress`,
    /// `delete-complete`, `disable-in-progress`, `disable-complete` (the ten
    /// states the EC2 API reference lists, with the four above), and any
    /// state AWS adds later.
    Inactive,
}

/// A VPC Block Public Access exclusion
/// (`describe-vpc-block-public-access-exclusions`).
#[derive(Debug, Clone, PartialEq)]
pub struct BpaExclusion {
    /// `vpcbpa-exclude-…`
    pub id: String,
    /// What it lets through.
    pub mode: BpaExclusionMode,
    /// The VPC or subnet it applies to.
    pub scope: BpaExclusionScope,
    /// Whether it is in effect.
    pub state: ExclusionState,
}

/// A managed prefix list (`describe-managed-prefix-lists`), with its
/// entries when a document gave them.
#[derive(Debug, Clone, PartialEq)]
pub struct PrefixList {
    /// `pl-…`
    pub id: String,
    /// `PrefixListName`, e.g. `com.amazonaws.eu-west-1.s3` for an AWS-managed list.
    pub name: Option<String>,
    /// The entries' CIDRs; `None` when no entries document named this list.
    pub entries: Option<Vec<Cidr>>,
}

/// One prefix of AWS's published `ip-ranges.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct IpRange {
    /// `ip_prefix` / `ipv6_prefix`.
    pub cidr: Cidr,
    /// `region`, e.g. `eu-west-1` or `GLOBAL`.
    pub region: String,
    /// `service`, e.g. `AMAZON`, `EC2`, `S3`.
    pub service: String,
}

/// `enableDnsSupport`: whether the VPC resolver (AmazonProvidedDNS)
/// answers at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum VpcResolver {
    /// `true`: it answers.
    Answers,
    /// `false`: it answers nothing; no name resolves through it.
    Off,
}

/// `enableDnsHostnames`: DNS hostnames for the VPC's addresses, which
/// interface endpoints' private DNS also needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum DnsHostnames {
    /// `true`.
    Assigned,
    /// `false`: interface endpoints' private DNS does not work either.
    NotAssigned,
}

/// A subnet's `EnableDns64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Dns64 {
    /// The VPC resolver synthesises `64:ff9b::/96` AAAA records for
    /// IPv4-only names.
    Synthesizes,
    /// It does not.
    Off,
}

/// An interface endpoint's `PrivateDnsEnabled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum PrivateDns {
    /// Its private hosted zone answers the service's own name.
    AnswersServiceName,
    /// The service's name keeps resolving to public addresses.
    Off,
}

/// An interface endpoint's `DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum PrivateDnsScope {
    /// `false` (or not printed): clients in the VPC get the endpoint's
    /// addresses.
    WholeVpc,
    /// `true`: only queries through inbound Resolver endpoints do; clients
    /// in the VPC resolve the service publicly (S3: to its gateway endpoint).
    InboundResolverOnly,
}

/// `true`/`false` as one of the attribute enums above.
pub trait FromFlag {
    /// The state `true` (or `false`) means.
    fn from_flag(flag: bool) -> Self;
}

macro_rules! from_flag {
    ($t:ty, $on:expr, $off:expr) => {
        impl FromFlag for $t {
            fn from_flag(flag: bool) -> Self {
                if flag { $on } else { $off }
            }
        }
    };
}
from_flag!(VpcResolver, VpcResolver::Answers, VpcResolver::Off);
from_flag!(
    DnsHostnames,
    DnsHostnames::Assigned,
    DnsHostnames::NotAssigned
);
from_flag!(Dns64, Dns64::Synthesizes, Dns64::Off);
from_flag!(PrivateDns, PrivateDns::AnswersServiceName, PrivateDns::Off);
from_flag!(
    PrivateDnsScope,
    PrivateDnsScope::InboundResolverOnly,
    PrivateDnsScope::WholeVpc
);

/// The DNS attributes of one VPC (`describe-vpc-attribute`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VpcDnsAttributes {
    /// `enableDnsSupport`, when its document was given.
    pub dns_support: Option<VpcResolver>,
    /// `enableDnsHostnames`, when its document was given.
    pub dns_hostnames: Option<DnsHostnames>,
}

/// The `describe-vpc-attribute` results by VPC id, kept in id order, with
/// the map operations the parser and the evaluation use. A sorted list, not
/// a `BTreeMap`: there are a handful of VPCs, and the tree's code weighed
/// about 1 KB gzipped in the browser page's module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsAttributesByVpc(Vec<(String, VpcDnsAttributes)>);

impl DnsAttributesByVpc {
    fn find(&self, vpc_id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(vpc_id))
    }

    /// The attributes of `vpc_id`, if any document named it.
    pub fn get(&self, vpc_id: &str) -> Option<&VpcDnsAttributes> {
        let i = self.find(vpc_id).ok()?;
        self.0.get(i).map(|(_, a)| a)
    }

    /// Sets the attributes of `vpc_id`; returns those it replaces.
    pub fn insert(
        &mut self,
        vpc_id: String,
        attributes: VpcDnsAttributes,
    ) -> Option<VpcDnsAttributes> {
        match self.find(&vpc_id) {
            Ok(i) => self
                .0
                .get_mut(i)
                .map(|(_, a)| core::mem::replace(a, attributes)),
            Err(i) => {
                self.0.insert(i, (vpc_id, attributes));
                None
            }
        }
    }

    /// The attributes of `vpc_id`, added empty if it has none yet.
    pub fn entry_or_default(&mut self, vpc_id: String) -> &mut VpcDnsAttributes {
        let i = match self.find(&vpc_id) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (vpc_id, VpcDnsAttributes::default()));
                i
            }
        };
        &mut self
            .0
            .get_mut(i)
            .expect("the index was just found or inserted")
            .1
    }

    /// Every VPC id with its attributes, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &VpcDnsAttributes)> {
        self.0.iter().map(|(k, a)| (k.as_str(), a))
    }

    /// How many VPCs have attributes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no VPC has attributes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A subnet (`describe-subnets`).
#[derive(Debug, Clone, PartialEq)]
pub struct Subnet {
    /// `subnet-…`
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// e.g. `eu-west-1a`.
    pub availability_zone: Option<String>,
    /// The IPv4 CIDR; `None` for an IPv6-only subnet.
    pub cidr: Option<Cidr>,
    /// The associated IPv6 CIDRs.
    pub ipv6_cidrs: Vec<Cidr>,
    /// `EnableDns64`.
    pub dns64: Dns64,
    /// The subnet's ARN (holds the region).
    pub arn: Option<String>,
    /// The owning account.
    pub owner_id: Option<String>,
    /// `BlockPublicAccessStates.InternetGatewayBlockMode`, when printed.
    pub block_public_access: Option<BpaMode>,
}

/// What a route sends traffic to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    /// `local`: inside the VPC.
    Local,
    /// `igw-…`
    InternetGateway(String),
    /// `eigw-…` (IPv6 only).
    EgressOnlyInternetGateway(String),
    /// `nat-…`
    NatGateway(String),
    /// `vpce-…`: a gateway endpoint (prefix-list routes) or a Gateway Load
    /// Balancer endpoint (CIDR routes).
    VpcEndpoint(String),
    /// A transit gateway, peering connection, virtual private gateway,
    /// network interface, instance, local gateway, carrier gateway or core
    /// network: a path the validator cannot see past.
    Transit(String),
    /// No target field the validator knows.
    Unknown,
}

/// A route's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteDestination {
    /// `DestinationCidrBlock` or `DestinationIpv6CidrBlock`.
    Cidr(Cidr),
    /// `DestinationPrefixListId` (gateway endpoints, managed prefix lists).
    PrefixList(String),
}

/// A route's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum RouteState {
    /// The target exists.
    Active,
    /// The target is gone: traffic is dropped.
    Blackhole,
}

/// How a route got into its table (`Origin`): on equal prefixes a static
/// route beats a prefix-list route, which beats a propagated one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum RouteOrigin {
    /// `CreateRouteTable`: the `local` route.
    CreateRouteTable,
    /// `CreateRoute` (or no `Origin` printed): a static route.
    CreateRoute,
    /// `EnableVgwRoutePropagation`: propagated from a virtual private gateway.
    EnableVgwRoutePropagation,
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Where it matches.
    pub destination: RouteDestination,
    /// Where it sends traffic.
    pub target: RouteTarget,
    /// Active or blackhole.
    pub state: RouteState,
    /// Static or propagated.
    pub origin: RouteOrigin,
}

/// A route table (`describe-route-tables`).
#[derive(Debug, Clone, PartialEq)]
pub struct RouteTable {
    /// `rtb-…`
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// Whether it is the VPC's main route table.
    pub main: bool,
    /// Subnets explicitly associated.
    pub subnet_ids: Vec<String>,
    /// The association id (`rtbassoc-…`) of each of `subnet_ids`, at the
    /// same position (empty when not printed): a fix that moves a subnet to
    /// another table needs it.
    pub association_ids: Vec<String>,
    /// The routes.
    pub routes: Vec<Route>,
}

/// The kind of a VPC endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum VpcEndpointKind {
    /// Interface (PrivateLink).
    Interface,
    /// Gateway (S3, DynamoDB).
    Gateway,
    /// Gateway Load Balancer, or anything else.
    Other,
}

/// A VPC endpoint's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum EndpointState {
    /// `available`
    Available,
    /// Anything else: pending, pendingAcceptance, failed, rejected, …
    NotAvailable,
}

/// The IP address type of an interface endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum EndpointIpType {
    /// IPv4 addresses only (the default).
    Ipv4,
    /// IPv4 and IPv6.
    Dualstack,
    /// IPv6 only.
    Ipv6,
}

/// A VPC endpoint (`describe-vpc-endpoints`).
#[derive(Debug, Clone, PartialEq)]
pub struct VpcEndpoint {
    /// `vpce-…`
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// e.g. `com.amazonaws.eu-west-1.logs`.
    pub service_name: String,
    /// Interface, gateway or other.
    pub kind: VpcEndpointKind,
    /// Available or not.
    pub state: EndpointState,
    /// `PrivateDnsEnabled`.
    pub private_dns: PrivateDns,
    /// Interface endpoints: one subnet per AZ.
    pub subnet_ids: Vec<String>,
    /// Interface endpoints: security groups.
    pub security_group_ids: Vec<String>,
    /// Gateway endpoints: associated route tables.
    pub route_table_ids: Vec<String>,
    /// `IpAddressType`.
    pub ip_type: EndpointIpType,
    /// `ServiceRegion`, for cross-region endpoints.
    pub service_region: Option<String>,
    /// `DnsOptions.DnsRecordIpType`: which record types its private DNS
    /// holds; `None` when not printed.
    pub dns_record_ip_type: Option<DnsRecordIpType>,
    /// `DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint`.
    pub private_dns_scope: PrivateDnsScope,
    /// `PolicyDocument`, the endpoint policy as JSON text, when printed.
    pub policy_document: Option<String>,
}

/// The record types of an interface endpoint's private DNS
/// (`DnsRecordIpType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum DnsRecordIpType {
    /// `ipv4`: A records only.
    Ipv4,
    /// `dualstack`: A and AAAA records.
    Dualstack,
    /// `ipv6`: AAAA records only.
    Ipv6,
    /// `service-defined`: the service decides (taken as its addresses' type).
    ServiceDefined,
}

/// An IP protocol as security groups and network ACLs name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Protocol {
    /// `-1`: every protocol.
    All,
    /// `tcp` / `6`.
    Tcp,
    /// Any other protocol.
    Other,
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct PortRange {
    /// First port.
    pub from: u16,
    /// Last port.
    pub to: u16,
}

impl PortRange {
    /// Every port.
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };
    /// Whether `port` is inside.
    pub const fn contains(&self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }
}

/// One security group rule (`IpPermissions[]` / `IpPermissionsEgress[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct SgRule {
    /// Which protocol.
    pub protocol: Protocol,
    /// Which ports (all for protocol `-1`).
    pub ports: PortRange,
    /// IPv4 and IPv6 CIDRs.
    pub cidrs: Vec<Cidr>,
    /// Referenced security groups.
    pub group_ids: Vec<String>,
    /// Referenced prefix lists.
    pub prefix_list_ids: Vec<String>,
}

/// A security group (`describe-security-groups`).
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    /// `sg-…`
    pub id: String,
    /// e.g. `default`.
    pub name: String,
    /// Its VPC.
    pub vpc_id: Option<String>,
    /// Inbound rules.
    pub ingress: Vec<SgRule>,
    /// Outbound rules.
    pub egress: Vec<SgRule>,
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum RuleAction {
    /// `allow`
    Allow,
    /// `deny`
    Deny,
}

/// Inbound or outbound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Direction {
    /// Into the subnet.
    Ingress,
    /// Out of the subnet.
    Egress,
}

/// One network ACL entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AclEntry {
    /// Evaluated in increasing order; first match wins.
    pub rule_number: u32,
    /// Inbound or outbound.
    pub direction: Direction,
    /// Which protocol.
    pub protocol: Protocol,
    /// Allow or deny.
    pub action: RuleAction,
    /// The IPv4 or IPv6 CIDR it matches.
    pub cidr: Cidr,
    /// The ports it matches (all when absent or not TCP/UDP).
    pub ports: PortRange,
}

/// A network ACL (`describe-network-acls`).
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkAcl {
    /// `acl-…`
    pub id: String,
    /// Its VPC.
    pub vpc_id: String,
    /// Whether it is the VPC's default ACL.
    pub is_default: bool,
    /// Associated subnets.
    pub subnet_ids: Vec<String>,
    /// The entries, sorted by rule number.
    pub entries: Vec<AclEntry>,
}

/// A NAT gateway's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum NatState {
    /// `available`
    Available,
    /// pending, failed, deleting, deleted.
    NotAvailable,
}

/// A NAT gateway's connectivity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum NatConnectivity {
    /// `public` (the default).
    Public,
    /// `private`: no internet.
    Private,
}

/// A NAT gateway (`describe-nat-gateways`).
#[derive(Debug, Clone, PartialEq)]
pub struct NatGateway {
    /// `nat-…`
    pub id: String,
    /// Its VPC.
    pub vpc_id: Option<String>,
    /// The subnet it lives in.
    pub subnet_id: String,
    /// Available or not.
    pub state: NatState,
    /// Public or private.
    pub connectivity: NatConnectivity,
}

/// An internet gateway (`describe-internet-gateways`).
#[derive(Debug, Clone, PartialEq)]
pub struct InternetGateway {
    /// `igw-…`
    pub id: String,
    /// VPCs it is attached to (state `available` or `attached`).
    pub attached_vpc_ids: Vec<String>,
}

/// A DHCP options set (`describe-dhcp-options`).
#[derive(Debug, Clone, PartialEq)]
pub struct DhcpOptions {
    /// `dopt-…`
    pub id: String,
    /// `domain-name-servers` values.
    pub domain_name_servers: Vec<String>,
}

/// Everything the documents said.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VpcInput {
    /// `Vpcs`
    pub vpcs: Collection<Vpc>,
    /// `describe-vpc-attribute` results by VPC id.
    pub dns_attributes: DnsAttributesByVpc,
    /// `Subnets`
    pub subnets: Collection<Subnet>,
    /// `RouteTables`
    pub route_tables: Collection<RouteTable>,
    /// `VpcEndpoints`
    pub endpoints: Collection<VpcEndpoint>,
    /// `SecurityGroups`
    pub security_groups: Collection<SecurityGroup>,
    /// `NetworkAcls`
    pub network_acls: Collection<NetworkAcl>,
    /// `NatGateways`
    pub nat_gateways: Collection<NatGateway>,
    /// `InternetGateways`
    pub internet_gateways: Collection<InternetGateway>,
    /// `DhcpOptions`
    pub dhcp_options: Collection<DhcpOptions>,
    /// `PrefixLists` (describe-managed-prefix-lists), with the entries of
    /// every list an entries document named.
    pub prefix_lists: Collection<PrefixList>,
    /// The account's VPC Block Public Access mode
    /// (`describe-vpc-block-public-access-options`), when given.
    pub bpa_options: Option<BpaMode>,
    /// `VpcBlockPublicAccessExclusions`.
    pub bpa_exclusions: Collection<BpaExclusion>,
    /// AWS's `ip-ranges.json`, when given (`--ip-ranges`).
    pub ip_ranges: Option<Vec<IpRange>>,
    /// The documents given that hold nothing the validator reads, in order.
    pub skipped: Vec<SkippedDocument>,
    /// What a Terraform plan given among the documents left open: values
    /// known only after apply, and references whose instance was guessed
    /// (see [`super::input::plan`]). Empty without a plan.
    pub plan_notes: Vec<PlanNote>,
    /// Terraform resource addresses of the plan's subnets and security
    /// groups, with the id (or placeholder id) each has in this model: the
    /// `subnets` and `security_groups` options accept an address too.
    pub plan_addresses: Vec<(String, String)>,
}

impl VpcInput {
    /// The local routes a new route table of `vpc_id` starts with: one per
    /// CIDR of the VPC (a table the fixes create, or a plan's).
    pub(crate) fn local_routes(&self, vpc_id: &str) -> Vec<Route> {
        self.vpcs
            .items
            .iter()
            .filter(|v| v.id == vpc_id)
            .flat_map(|v| v.cidrs.iter())
            .map(|c| Route {
                destination: RouteDestination::Cidr(*c),
                target: RouteTarget::Local,
                state: RouteState::Active,
                origin: RouteOrigin::CreateRouteTable,
            })
            .collect()
    }
}

/// Something a Terraform plan does not settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNote {
    /// The id (or placeholder id) in this model of the resource whose
    /// verdicts depend on it.
    pub resource: String,
    /// The Terraform address of the resource instance the value belongs to.
    pub address: String,
    /// The attribute (`cidr_block`, `nat_gateway_id`, …).
    pub attribute: String,
    /// What is open about it.
    pub kind: PlanNoteKind,
}

/// What is open about a plan's value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanNoteKind {
    /// Terraform knows the value only after apply, and no reference in the
    /// configuration names the resource it comes from: the verdicts that
    /// depend on it are unknown.
    UnknownUntilApply,
    /// The value is a reference to a resource with several instances
    /// (`count`, `for_each`) whose instance the plan does not say: the one
    /// named here was taken (the one with the referring instance's index,
    /// else the only or first one).
    Guessed {
        /// The instance taken.
        target: String,
    },
}

/// A document the validator did not read, and why: the report says so
/// rather than refusing a folder of collected files for one of them.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedDocument {
    /// Its name (the file).
    pub name: String,
    /// Why it was not read.
    pub reason: SkipReason,
}

/// Why a document was not read.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SkipReason {
    /// It is empty (or only white space): what a collect command that
    /// failed leaves behind.
    Empty,
    /// It is the output of an AWS command the validator does not read
    /// (`describe-network-interfaces`): an object whose keys are all named
    /// as the AWS CLI names them, none of them one the validator reads.
    OtherOutput {
        /// Its first top-level key (`NetworkInterfaces`).
        key: String,
    },
}
