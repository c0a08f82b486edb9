//! MEASUREMENT ONLY (issue 17): the describe-* documents read the library
//! way, typed `#[derive(Deserialize)]` structs with `serde_json::from_slice`
//! and `serde_path_to_error` for the JSON path, into the same model. Kept in
//! one commit to measure page size, V8 and native parse time, then reverted.
#![allow(missing_docs, unreachable_pub, dead_code)]

use super::super::InputError;
use super::super::model::*;
use super::{
    BPA_MODES, EXPECTED_DOCUMENT, Kind, Seen, bpa_exclusion_mode, bpa_exclusion_scope, bpa_mode,
    dns_record_ip_type, exclusion_state, route_origin, sorted_by_rule,
};
use crate::net::{Cidr, CidrError};
use alloc::borrow::{Cow, ToOwned};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

type S<'a> = Cow<'a, str>;

/// A CIDR read from a string (host bits set: the network).
struct C(Cidr);

impl<'de> Deserialize<'de> for C {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: S<'de> = Deserialize::deserialize(d)?;
        match s.parse::<Cidr>() {
            Ok(c) => Ok(C(c)),
            Err(CidrError::HostBitsSet { canonical }) => Ok(C(canonical)),
            Err(e) => Err(de::Error::custom(format_args!(
                "expected a CIDR such as 10.0.0.0/16 ({e})"
            ))),
        }
    }
}

/// `-1`, `"tcp"`, `"6"`, …
struct Proto(Protocol);

impl<'de> Deserialize<'de> for Proto {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Proto;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a protocol such as \"-1\", \"tcp\" or \"6\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Proto, E> {
                Ok(Proto(if s == "-1" || s.eq_ignore_ascii_case("all") {
                    Protocol::All
                } else if s == "6" || s.eq_ignore_ascii_case("tcp") {
                    Protocol::Tcp
                } else {
                    Protocol::Other
                }))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Proto, E> {
                Ok(Proto(match n {
                    -1 => Protocol::All,
                    6 => Protocol::Tcp,
                    _ => Protocol::Other,
                }))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Proto, E> {
                Ok(Proto(if n == 6 {
                    Protocol::Tcp
                } else {
                    Protocol::Other
                }))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Proto, E> {
                Ok(Proto(Protocol::Other))
            }
        }
        d.deserialize_any(V)
    }
}

/// A port: negative means none (ICMP and "all" use -1).
struct Port(Option<u16>);

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        if n < 0 {
            return Ok(Port(None));
        }
        u16::try_from(n)
            .map(|p| Port(Some(p)))
            .map_err(|_| de::Error::custom("expected a port from 0 to 65535"))
    }
}

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(rename = "Vpcs", borrow, default)]
    vpcs: Option<Vec<VpcDe<'a>>>,
    #[serde(rename = "Subnets", borrow, default)]
    subnets: Option<Vec<SubnetDe<'a>>>,
    #[serde(rename = "RouteTables", borrow, default)]
    route_tables: Option<Vec<RouteTableDe<'a>>>,
    #[serde(rename = "VpcEndpoints", borrow, default)]
    endpoints: Option<Vec<EndpointDe<'a>>>,
    #[serde(rename = "SecurityGroups", borrow, default)]
    security_groups: Option<Vec<SecurityGroupDe<'a>>>,
    #[serde(rename = "NetworkAcls", borrow, default)]
    network_acls: Option<Vec<NetworkAclDe<'a>>>,
    #[serde(rename = "NatGateways", borrow, default)]
    nat_gateways: Option<Vec<NatGatewayDe<'a>>>,
    #[serde(rename = "InternetGateways", borrow, default)]
    internet_gateways: Option<Vec<InternetGatewayDe<'a>>>,
    #[serde(rename = "DhcpOptions", borrow, default)]
    dhcp_options: Option<Vec<DhcpOptionsDe<'a>>>,
    #[serde(rename = "PrefixLists", borrow, default)]
    prefix_lists: Option<Vec<PrefixListDe<'a>>>,
    #[serde(rename = "PrefixListId", borrow, default)]
    prefix_list_id: Option<S<'a>>,
    #[serde(rename = "Entries", default)]
    entries: Option<Vec<EntryDe>>,
    #[serde(rename = "VpcBlockPublicAccessOptions", borrow, default)]
    bpa_options: Option<BpaOptionsDe<'a>>,
    #[serde(rename = "VpcBlockPublicAccessExclusions", borrow, default)]
    bpa_exclusions: Option<Vec<BpaExclusionDe<'a>>>,
    #[serde(rename = "prefixes", borrow, default)]
    prefixes: Option<Vec<IpPrefixDe<'a>>>,
    #[serde(rename = "ipv6_prefixes", borrow, default)]
    ipv6_prefixes: Option<Vec<Ipv6PrefixDe<'a>>>,
    #[serde(rename = "VpcId", borrow, default)]
    vpc_id: Option<S<'a>>,
    #[serde(rename = "EnableDnsSupport", default)]
    enable_dns_support: Option<AttrDe>,
    #[serde(rename = "EnableDnsHostnames", default)]
    enable_dns_hostnames: Option<AttrDe>,
}

#[derive(Deserialize)]
struct AttrDe {
    #[serde(rename = "Value")]
    value: bool,
}

#[derive(Deserialize)]
struct BpaStatesDe<'a> {
    #[serde(rename = "InternetGatewayBlockMode", borrow, default)]
    mode: Option<S<'a>>,
}

#[derive(Deserialize)]
struct CidrAssocDe {
    #[serde(rename = "CidrBlock", default)]
    cidr: Option<C>,
}

#[derive(Deserialize)]
struct Ipv6AssocDe {
    #[serde(rename = "Ipv6CidrBlock", default)]
    cidr: Option<C>,
}

#[derive(Deserialize)]
struct VpcDe<'a> {
    #[serde(rename = "VpcId", borrow)]
    id: S<'a>,
    #[serde(rename = "CidrBlock", default)]
    cidr: Option<C>,
    #[serde(rename = "CidrBlockAssociationSet", default)]
    cidr_set: Option<Vec<CidrAssocDe>>,
    #[serde(rename = "Ipv6CidrBlockAssociationSet", default)]
    ipv6_set: Option<Vec<Ipv6AssocDe>>,
    #[serde(rename = "DhcpOptionsId", borrow, default)]
    dhcp: Option<S<'a>>,
    #[serde(rename = "OwnerId", borrow, default)]
    owner: Option<S<'a>>,
    #[serde(rename = "BlockPublicAccessStates", borrow, default)]
    bpa: Option<BpaStatesDe<'a>>,
}

#[derive(Deserialize)]
struct SubnetDe<'a> {
    #[serde(rename = "SubnetId", borrow)]
    id: S<'a>,
    #[serde(rename = "VpcId", borrow)]
    vpc_id: S<'a>,
    #[serde(rename = "AvailabilityZone", borrow, default)]
    az: Option<S<'a>>,
    #[serde(rename = "CidrBlock", default)]
    cidr: Option<C>,
    #[serde(rename = "Ipv6CidrBlockAssociationSet", default)]
    ipv6_set: Option<Vec<Ipv6AssocDe>>,
    #[serde(rename = "EnableDns64", default)]
    dns64: Option<bool>,
    #[serde(rename = "SubnetArn", borrow, default)]
    arn: Option<S<'a>>,
    #[serde(rename = "OwnerId", borrow, default)]
    owner: Option<S<'a>>,
    #[serde(rename = "BlockPublicAccessStates", borrow, default)]
    bpa: Option<BpaStatesDe<'a>>,
}

#[derive(Deserialize)]
struct AssocStateDe<'a> {
    #[serde(rename = "State", borrow, default)]
    state: Option<S<'a>>,
}

#[derive(Deserialize)]
struct RtAssocDe<'a> {
    #[serde(rename = "AssociationState", borrow, default)]
    state: Option<AssocStateDe<'a>>,
    #[serde(rename = "Main", default)]
    main: Option<bool>,
    #[serde(rename = "SubnetId", borrow, default)]
    subnet: Option<S<'a>>,
}

#[derive(Deserialize)]
struct RouteDe<'a> {
    #[serde(rename = "DestinationCidrBlock", default)]
    dest4: Option<C>,
    #[serde(rename = "DestinationIpv6CidrBlock", default)]
    dest6: Option<C>,
    #[serde(rename = "DestinationPrefixListId", borrow, default)]
    dest_pl: Option<S<'a>>,
    #[serde(rename = "GatewayId", borrow, default)]
    gateway: Option<S<'a>>,
    #[serde(rename = "NatGatewayId", borrow, default)]
    nat: Option<S<'a>>,
    #[serde(rename = "EgressOnlyInternetGatewayId", borrow, default)]
    eigw: Option<S<'a>>,
    #[serde(rename = "TransitGatewayId", borrow, default)]
    tgw: Option<S<'a>>,
    #[serde(rename = "VpcPeeringConnectionId", borrow, default)]
    pcx: Option<S<'a>>,
    #[serde(rename = "NetworkInterfaceId", borrow, default)]
    eni: Option<S<'a>>,
    #[serde(rename = "InstanceId", borrow, default)]
    instance: Option<S<'a>>,
    #[serde(rename = "LocalGatewayId", borrow, default)]
    lgw: Option<S<'a>>,
    #[serde(rename = "CarrierGatewayId", borrow, default)]
    cagw: Option<S<'a>>,
    #[serde(rename = "CoreNetworkArn", borrow, default)]
    core: Option<S<'a>>,
    #[serde(rename = "State", borrow, default)]
    state: Option<S<'a>>,
    #[serde(rename = "Origin", borrow, default)]
    origin: Option<S<'a>>,
}

#[derive(Deserialize)]
struct RouteTableDe<'a> {
    #[serde(rename = "RouteTableId", borrow)]
    id: S<'a>,
    #[serde(rename = "VpcId", borrow)]
    vpc_id: S<'a>,
    #[serde(rename = "Associations", borrow, default)]
    associations: Option<Vec<RtAssocDe<'a>>>,
    #[serde(rename = "Routes", borrow, default)]
    routes: Option<Vec<RouteDe<'a>>>,
}

#[derive(Deserialize)]
struct GroupRefDe<'a> {
    #[serde(rename = "GroupId", borrow)]
    id: S<'a>,
}

#[derive(Deserialize)]
struct DnsOptionsDe<'a> {
    #[serde(rename = "DnsRecordIpType", borrow, default)]
    record: Option<S<'a>>,
    #[serde(rename = "PrivateDnsOnlyForInboundResolverEndpoint", default)]
    inbound_only: Option<bool>,
}

#[derive(Deserialize)]
struct EndpointDe<'a> {
    #[serde(rename = "VpcEndpointId", borrow)]
    id: S<'a>,
    #[serde(rename = "VpcEndpointType", borrow)]
    kind: S<'a>,
    #[serde(rename = "State", borrow, default)]
    state: Option<S<'a>>,
    #[serde(rename = "Groups", borrow, default)]
    groups: Option<Vec<GroupRefDe<'a>>>,
    #[serde(rename = "IpAddressType", borrow, default)]
    ip_type: Option<S<'a>>,
    #[serde(rename = "VpcId", borrow)]
    vpc_id: S<'a>,
    #[serde(rename = "ServiceName", borrow)]
    service_name: S<'a>,
    #[serde(rename = "PrivateDnsEnabled", default)]
    private_dns: Option<bool>,
    #[serde(rename = "SubnetIds", borrow, default)]
    subnet_ids: Option<Vec<S<'a>>>,
    #[serde(rename = "RouteTableIds", borrow, default)]
    route_table_ids: Option<Vec<S<'a>>>,
    #[serde(rename = "ServiceRegion", borrow, default)]
    service_region: Option<S<'a>>,
    #[serde(rename = "DnsOptions", borrow, default)]
    dns_options: Option<DnsOptionsDe<'a>>,
    #[serde(rename = "PolicyDocument", borrow, default)]
    policy: Option<S<'a>>,
}

#[derive(Deserialize)]
struct IpRangeDe {
    #[serde(rename = "CidrIp")]
    cidr: C,
}

#[derive(Deserialize)]
struct Ipv6RangeDe {
    #[serde(rename = "CidrIpv6")]
    cidr: C,
}

#[derive(Deserialize)]
struct PlRefDe<'a> {
    #[serde(rename = "PrefixListId", borrow)]
    id: S<'a>,
}

#[derive(Deserialize)]
struct SgRuleDe<'a> {
    #[serde(rename = "IpProtocol")]
    protocol: Proto,
    #[serde(rename = "FromPort", default)]
    from: Option<Port>,
    #[serde(rename = "ToPort", default)]
    to: Option<Port>,
    #[serde(rename = "IpRanges", default)]
    ip_ranges: Option<Vec<IpRangeDe>>,
    #[serde(rename = "Ipv6Ranges", default)]
    ipv6_ranges: Option<Vec<Ipv6RangeDe>>,
    #[serde(rename = "UserIdGroupPairs", borrow, default)]
    groups: Option<Vec<GroupRefDe<'a>>>,
    #[serde(rename = "PrefixListIds", borrow, default)]
    prefix_lists: Option<Vec<PlRefDe<'a>>>,
}

#[derive(Deserialize)]
struct SecurityGroupDe<'a> {
    #[serde(rename = "GroupId", borrow)]
    id: S<'a>,
    #[serde(rename = "IpPermissions", borrow, default)]
    ingress: Option<Vec<SgRuleDe<'a>>>,
    #[serde(rename = "IpPermissionsEgress", borrow, default)]
    egress: Option<Vec<SgRuleDe<'a>>>,
    #[serde(rename = "GroupName", borrow, default)]
    name: Option<S<'a>>,
    #[serde(rename = "VpcId", borrow, default)]
    vpc_id: Option<S<'a>>,
}

#[derive(Deserialize)]
struct PortRangeDe {
    #[serde(rename = "From", default)]
    from: Option<Port>,
    #[serde(rename = "To", default)]
    to: Option<Port>,
}

#[derive(Deserialize)]
struct AclEntryDe<'a> {
    #[serde(rename = "RuleNumber")]
    rule_number: u32,
    #[serde(rename = "Egress")]
    egress: bool,
    #[serde(rename = "Protocol")]
    protocol: Proto,
    #[serde(rename = "RuleAction", borrow)]
    action: S<'a>,
    #[serde(rename = "CidrBlock", default)]
    cidr: Option<C>,
    #[serde(rename = "Ipv6CidrBlock", default)]
    ipv6_cidr: Option<C>,
    #[serde(rename = "PortRange", default)]
    ports: Option<PortRangeDe>,
}

#[derive(Deserialize)]
struct AclAssocDe<'a> {
    #[serde(rename = "SubnetId", borrow)]
    subnet: S<'a>,
}

#[derive(Deserialize)]
struct NetworkAclDe<'a> {
    #[serde(rename = "NetworkAclId", borrow)]
    id: S<'a>,
    #[serde(rename = "Associations", borrow, default)]
    associations: Option<Vec<AclAssocDe<'a>>>,
    #[serde(rename = "Entries", borrow, default)]
    entries: Option<Vec<AclEntryDe<'a>>>,
    #[serde(rename = "VpcId", borrow)]
    vpc_id: S<'a>,
    #[serde(rename = "IsDefault", default)]
    is_default: Option<bool>,
}

#[derive(Deserialize)]
struct NatGatewayDe<'a> {
    #[serde(rename = "NatGatewayId", borrow)]
    id: S<'a>,
    #[serde(rename = "State", borrow, default)]
    state: Option<S<'a>>,
    #[serde(rename = "ConnectivityType", borrow, default)]
    connectivity: Option<S<'a>>,
    #[serde(rename = "VpcId", borrow, default)]
    vpc_id: Option<S<'a>>,
    #[serde(rename = "SubnetId", borrow)]
    subnet_id: S<'a>,
}

#[derive(Deserialize)]
struct IgwAttachmentDe<'a> {
    #[serde(rename = "State", borrow, default)]
    state: Option<S<'a>>,
    #[serde(rename = "VpcId", borrow)]
    vpc_id: S<'a>,
}

#[derive(Deserialize)]
struct InternetGatewayDe<'a> {
    #[serde(rename = "InternetGatewayId", borrow)]
    id: S<'a>,
    #[serde(rename = "Attachments", borrow, default)]
    attachments: Option<Vec<IgwAttachmentDe<'a>>>,
}

#[derive(Deserialize)]
struct DhcpValueDe<'a> {
    #[serde(rename = "Value", borrow)]
    value: S<'a>,
}

#[derive(Deserialize)]
struct DhcpConfigDe<'a> {
    #[serde(rename = "Key", borrow)]
    key: S<'a>,
    #[serde(rename = "Values", borrow, default)]
    values: Option<Vec<DhcpValueDe<'a>>>,
}

#[derive(Deserialize)]
struct DhcpOptionsDe<'a> {
    #[serde(rename = "DhcpOptionsId", borrow)]
    id: S<'a>,
    #[serde(rename = "DhcpConfigurations", borrow, default)]
    configurations: Option<Vec<DhcpConfigDe<'a>>>,
}

#[derive(Deserialize)]
struct PrefixListDe<'a> {
    #[serde(rename = "PrefixListId", borrow)]
    id: S<'a>,
    #[serde(rename = "PrefixListName", borrow, default)]
    name: Option<S<'a>>,
}

#[derive(Deserialize)]
struct EntryDe {
    #[serde(rename = "Cidr")]
    cidr: C,
}

#[derive(Deserialize)]
struct BpaOptionsDe<'a> {
    #[serde(rename = "InternetGatewayBlockMode", borrow)]
    mode: S<'a>,
}

#[derive(Deserialize)]
struct BpaExclusionDe<'a> {
    #[serde(rename = "ExclusionId", borrow)]
    id: S<'a>,
    #[serde(rename = "InternetGatewayExclusionMode", borrow)]
    mode: S<'a>,
    #[serde(rename = "ResourceArn", borrow)]
    arn: S<'a>,
    #[serde(rename = "State", borrow)]
    state: S<'a>,
}

#[derive(Deserialize)]
struct IpPrefixDe<'a> {
    ip_prefix: C,
    #[serde(borrow)]
    region: S<'a>,
    #[serde(borrow)]
    service: S<'a>,
}

#[derive(Deserialize)]
struct Ipv6PrefixDe<'a> {
    ipv6_prefix: C,
    #[serde(borrow)]
    region: S<'a>,
    #[serde(borrow)]
    service: S<'a>,
}

fn own(s: Option<S<'_>>) -> Option<String> {
    s.map(Cow::into_owned)
}

fn shape(document: &str, path: String, expected: &str, found: &str) -> InputError {
    InputError::Shape {
        document: document.to_owned(),
        path,
        expected: expected.to_owned(),
        found: found.to_owned(),
    }
}

fn bpa_states(name: &str, s: Option<BpaStatesDe<'_>>) -> Result<Option<BpaMode>, InputError> {
    match s.and_then(|s| s.mode) {
        None => Ok(None),
        Some(m) => bpa_mode(&m).map(Some).ok_or_else(|| {
            shape(
                name,
                "BlockPublicAccessStates.InternetGatewayBlockMode".to_string(),
                BPA_MODES,
                "another string",
            )
        }),
    }
}

fn one_of(s: Option<&str>, names: &[&str]) -> Option<usize> {
    let s = s?;
    names.iter().position(|n| s.eq_ignore_ascii_case(n))
}

fn ports(protocol: Protocol, from: Option<Port>, to: Option<Port>) -> PortRange {
    match (protocol, from.and_then(|p| p.0), to.and_then(|p| p.0)) {
        (Protocol::Tcp, Some(from), Some(to)) => PortRange { from, to },
        _ => PortRange::ALL,
    }
}

fn sg_rules(rules: Option<Vec<SgRuleDe<'_>>>) -> Vec<SgRule> {
    rules
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            let protocol = r.protocol.0;
            let mut cidrs: Vec<Cidr> = r
                .ip_ranges
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.cidr.0)
                .collect();
            cidrs.extend(r.ipv6_ranges.unwrap_or_default().into_iter().map(|c| c.cidr.0));
            SgRule {
                protocol,
                ports: ports(protocol, r.from, r.to),
                cidrs,
                group_ids: r
                    .groups
                    .unwrap_or_default()
                    .into_iter()
                    .map(|g| g.id.into_owned())
                    .collect(),
                prefix_list_ids: r
                    .prefix_lists
                    .unwrap_or_default()
                    .into_iter()
                    .map(|g| g.id.into_owned())
                    .collect(),
            }
        })
        .collect()
}

fn route(r: RouteDe<'_>) -> Option<Route> {
    let destination = if let Some(c) = r.dest4 {
        RouteDestination::Cidr(c.0)
    } else if let Some(c) = r.dest6 {
        RouteDestination::Cidr(c.0)
    } else if let Some(pl) = r.dest_pl {
        RouteDestination::PrefixList(pl.into_owned())
    } else {
        return None;
    };
    let target = if let Some(g) = r.gateway {
        if g == "local" {
            RouteTarget::Local
        } else if g.starts_with("igw-") {
            RouteTarget::InternetGateway(g.into_owned())
        } else if g.starts_with("vpce-") {
            RouteTarget::VpcEndpoint(g.into_owned())
        } else {
            RouteTarget::Transit(g.into_owned())
        }
    } else if let Some(n) = r.nat {
        RouteTarget::NatGateway(n.into_owned())
    } else if let Some(e) = r.eigw {
        RouteTarget::EgressOnlyInternetGateway(e.into_owned())
    } else {
        match r
            .tgw
            .or(r.pcx)
            .or(r.eni)
            .or(r.instance)
            .or(r.lgw)
            .or(r.cagw)
            .or(r.core)
        {
            Some(t) => RouteTarget::Transit(t.into_owned()),
            None => RouteTarget::Unknown,
        }
    };
    Some(Route {
        destination,
        target,
        state: match r.state.as_deref() {
            Some("blackhole") => RouteState::Blackhole,
            _ => RouteState::Active,
        },
        origin: route_origin(r.origin.as_deref()),
    })
}

/// Parses documents given as `(name, JSON text)` pairs into one model.
pub fn parse(docs: &[(&str, &str)]) -> Result<VpcInput, InputError> {
    if docs.is_empty() {
        return Err(InputError::NoDocuments);
    }
    let mut input = VpcInput::default();
    let mut seen = Seen::default();
    for (name, text) in docs {
        let de = &mut serde_json::Deserializer::from_slice(text.as_bytes());
        let doc: Document<'_> = match serde_path_to_error::deserialize(de) {
            Ok(d) => d,
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if inner.is_syntax() || inner.is_eof() {
                    return Err(InputError::Json {
                        document: (*name).to_owned(),
                        line: inner.line(),
                        column: inner.column(),
                        message: inner.to_string(),
                    });
                }
                return Err(shape(name, path, &inner.to_string(), "something else"));
            }
        };
        read(name, doc, &mut input, &mut seen)?;
    }
    for acl in &mut input.network_acls.items {
        acl.entries = sorted_by_rule(core::mem::take(&mut acl.entries));
    }
    Ok(input)
}

fn read(
    name: &str,
    doc: Document<'_>,
    input: &mut VpcInput,
    seen: &mut Seen,
) -> Result<(), InputError> {
    let any = doc.vpcs.is_some()
        || doc.subnets.is_some()
        || doc.route_tables.is_some()
        || doc.endpoints.is_some()
        || doc.security_groups.is_some()
        || doc.network_acls.is_some()
        || doc.nat_gateways.is_some()
        || doc.internet_gateways.is_some()
        || doc.dhcp_options.is_some()
        || doc.prefix_lists.is_some()
        || doc.entries.is_some()
        || doc.bpa_options.is_some()
        || doc.bpa_exclusions.is_some()
        || doc.prefixes.is_some()
        || doc.ipv6_prefixes.is_some()
        || doc.enable_dns_support.is_some()
        || doc.enable_dns_hostnames.is_some();
    if !any {
        return Err(shape(
            name,
            "(top level)".to_owned(),
            EXPECTED_DOCUMENT,
            "none of their keys",
        ));
    }
    if let Some(v) = doc.dhcp_options {
        input.dhcp_options.given = true;
        for d in v {
            if !seen.first(Kind::DhcpOptions, &d.id) {
                continue;
            }
            let mut domain_name_servers = Vec::new();
            for c in d.configurations.unwrap_or_default() {
                if c.key == "domain-name-servers" {
                    domain_name_servers.extend(
                        c.values
                            .unwrap_or_default()
                            .into_iter()
                            .map(|v| v.value.into_owned()),
                    );
                }
            }
            input.dhcp_options.items.push(DhcpOptions {
                id: d.id.into_owned(),
                domain_name_servers,
            });
        }
    }
    if let Some(v) = doc.internet_gateways {
        input.internet_gateways.given = true;
        for g in v {
            if !seen.first(Kind::InternetGateway, &g.id) {
                continue;
            }
            let attached_vpc_ids = g
                .attachments
                .unwrap_or_default()
                .into_iter()
                .filter(|a| matches!(a.state.as_deref().unwrap_or("available"), "available" | "attached"))
                .map(|a| a.vpc_id.into_owned())
                .collect();
            input.internet_gateways.items.push(InternetGateway {
                id: g.id.into_owned(),
                attached_vpc_ids,
            });
        }
    }
    if let Some(v) = doc.nat_gateways {
        input.nat_gateways.given = true;
        for n in v {
            if !seen.first(Kind::NatGateway, &n.id) {
                continue;
            }
            input.nat_gateways.items.push(NatGateway {
                id: n.id.into_owned(),
                vpc_id: own(n.vpc_id),
                subnet_id: n.subnet_id.into_owned(),
                state: match one_of(n.state.as_deref(), &["available"]) {
                    Some(_) => NatState::Available,
                    None => NatState::NotAvailable,
                },
                connectivity: match one_of(n.connectivity.as_deref(), &["private"]) {
                    Some(_) => NatConnectivity::Private,
                    None => NatConnectivity::Public,
                },
            });
        }
    }
    if let Some(v) = doc.network_acls {
        input.network_acls.given = true;
        for (i, a) in v.into_iter().enumerate() {
            if !seen.first(Kind::NetworkAcl, &a.id) {
                continue;
            }
            let mut entries = Vec::new();
            for (j, e) in a.entries.unwrap_or_default().into_iter().enumerate() {
                if !(1..=32768).contains(&e.rule_number) {
                    return Err(shape(
                        name,
                        format!("NetworkAcls[{i}].Entries[{j}].RuleNumber"),
                        "a rule number from 1 to 32768 (32768: the IPv6 default rule)",
                        "a number outside it",
                    ));
                }
                let action = match one_of(Some(&e.action), &["allow", "deny"]) {
                    Some(0) => RuleAction::Allow,
                    Some(_) => RuleAction::Deny,
                    None => {
                        return Err(shape(
                            name,
                            format!("NetworkAcls[{i}].Entries[{j}].RuleAction"),
                            "\"allow\" or \"deny\"",
                            "another string",
                        ));
                    }
                };
                let Some(cidr) = e.cidr.or(e.ipv6_cidr) else {
                    return Err(shape(
                        name,
                        format!("NetworkAcls[{i}].Entries[{j}].CidrBlock"),
                        "a CIDR in CidrBlock or Ipv6CidrBlock",
                        "neither",
                    ));
                };
                let protocol = e.protocol.0;
                let ports = match e.ports {
                    Some(p) => ports(protocol, p.from, p.to),
                    None => PortRange::ALL,
                };
                entries.push(AclEntry {
                    rule_number: e.rule_number,
                    direction: if e.egress {
                        Direction::Egress
                    } else {
                        Direction::Ingress
                    },
                    protocol,
                    action,
                    cidr: cidr.0,
                    ports,
                });
            }
            input.network_acls.items.push(NetworkAcl {
                id: a.id.into_owned(),
                vpc_id: a.vpc_id.into_owned(),
                is_default: a.is_default.unwrap_or(false),
                subnet_ids: a
                    .associations
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| s.subnet.into_owned())
                    .collect(),
                entries,
            });
        }
    }
    if let Some(v) = doc.prefix_lists {
        input.prefix_lists.given = true;
        for l in v {
            if !seen.first(Kind::PrefixListDescribed, &l.id) {
                continue;
            }
            let at = prefix_list_at(seen, &mut input.prefix_lists.items, &l.id);
            if let Some(list) = input.prefix_lists.items.get_mut(at) {
                list.name = own(l.name);
            }
        }
    }
    if let Some(entries) = doc.entries {
        let Some(list) = doc.prefix_list_id else {
            return Err(shape(
                name,
                "PrefixListId".to_owned(),
                super::ENTRIES_NEED_THEIR_LIST,
                "nothing",
            ));
        };
        input.prefix_lists.given = true;
        if seen.first(Kind::PrefixListEntries, &list) {
            let cidrs = entries.into_iter().map(|e| e.cidr.0).collect();
            let at = prefix_list_at(seen, &mut input.prefix_lists.items, &list);
            if let Some(l) = input.prefix_lists.items.get_mut(at) {
                l.entries = Some(cidrs);
            }
        }
    }
    if let Some(v) = doc.route_tables {
        input.route_tables.given = true;
        for t in v {
            if !seen.first(Kind::RouteTable, &t.id) {
                continue;
            }
            let mut main = false;
            let mut subnet_ids = Vec::new();
            for a in t.associations.unwrap_or_default() {
                let state = a.state.and_then(|s| s.state);
                if state.as_deref().unwrap_or("associated") != "associated" {
                    continue;
                }
                if a.main.unwrap_or(false) {
                    main = true;
                }
                subnet_ids.extend(own(a.subnet));
            }
            input.route_tables.items.push(RouteTable {
                id: t.id.into_owned(),
                vpc_id: t.vpc_id.into_owned(),
                main,
                subnet_ids,
                routes: t
                    .routes
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(route)
                    .collect(),
            });
        }
    }
    if let Some(v) = doc.security_groups {
        input.security_groups.given = true;
        for g in v {
            if !seen.first(Kind::SecurityGroup, &g.id) {
                continue;
            }
            input.security_groups.items.push(SecurityGroup {
                id: g.id.into_owned(),
                name: g.name.map(Cow::into_owned).unwrap_or_default(),
                vpc_id: own(g.vpc_id),
                ingress: sg_rules(g.ingress),
                egress: sg_rules(g.egress),
            });
        }
    }
    if let Some(v) = doc.subnets {
        input.subnets.given = true;
        for s in v {
            if !seen.first(Kind::Subnet, &s.id) {
                continue;
            }
            input.subnets.items.push(Subnet {
                id: s.id.into_owned(),
                vpc_id: s.vpc_id.into_owned(),
                availability_zone: own(s.az),
                cidr: s.cidr.map(|c| c.0),
                ipv6_cidrs: s
                    .ipv6_set
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|a| a.cidr.map(|c| c.0))
                    .collect(),
                dns64: Dns64::from_flag(s.dns64.unwrap_or(false)),
                arn: own(s.arn),
                owner_id: own(s.owner),
                block_public_access: bpa_states(name, s.bpa)?,
            });
        }
    }
    if let Some(v) = doc.bpa_exclusions {
        input.bpa_exclusions.given = true;
        for e in v {
            if !seen.first(Kind::BpaExclusion, &e.id) {
                continue;
            }
            let mode = bpa_exclusion_mode(&e.mode).ok_or_else(|| {
                shape(
                    name,
                    "VpcBlockPublicAccessExclusions.InternetGatewayExclusionMode".into(),
                    super::BPA_EXCLUSION_MODES,
                    "another string",
                )
            })?;
            let scope = bpa_exclusion_scope(&e.arn).ok_or_else(|| {
                shape(
                    name,
                    "VpcBlockPublicAccessExclusions.ResourceArn".into(),
                    super::BPA_EXCLUSION_ARN,
                    "another string",
                )
            })?;
            input.bpa_exclusions.items.push(BpaExclusion {
                id: e.id.into_owned(),
                mode,
                scope,
                state: exclusion_state(&e.state),
            });
        }
    }
    if let Some(o) = doc.bpa_options {
        let mode = bpa_mode(&o.mode).ok_or_else(|| {
            shape(
                name,
                "VpcBlockPublicAccessOptions.InternetGatewayBlockMode".into(),
                BPA_MODES,
                "another string",
            )
        })?;
        input.bpa_options.get_or_insert(mode);
    }
    if let Some(v) = doc.endpoints {
        input.endpoints.given = true;
        for e in v {
            if !seen.first(Kind::Endpoint, &e.id) {
                continue;
            }
            let (record, inbound_only) = match e.dns_options {
                Some(o) => (
                    match o.record {
                        Some(r) => Some(dns_record_ip_type(&r).ok_or_else(|| {
                            shape(
                                name,
                                "VpcEndpoints.DnsOptions.DnsRecordIpType".into(),
                                "\"ipv4\", \"dualstack\", \"ipv6\" or \"service-defined\"",
                                "another string",
                            )
                        })?),
                        None => None,
                    },
                    o.inbound_only.unwrap_or(false),
                ),
                None => (None, false),
            };
            input.endpoints.items.push(VpcEndpoint {
                id: e.id.into_owned(),
                vpc_id: e.vpc_id.into_owned(),
                service_name: e.service_name.into_owned(),
                kind: match one_of(Some(&e.kind), &["interface", "gateway"]) {
                    Some(0) => VpcEndpointKind::Interface,
                    Some(_) => VpcEndpointKind::Gateway,
                    None => VpcEndpointKind::Other,
                },
                state: match one_of(e.state.as_deref(), &["available"]) {
                    Some(_) => EndpointState::Available,
                    None => EndpointState::NotAvailable,
                },
                private_dns: PrivateDns::from_flag(e.private_dns.unwrap_or(false)),
                subnet_ids: e
                    .subnet_ids
                    .unwrap_or_default()
                    .into_iter()
                    .map(Cow::into_owned)
                    .collect(),
                security_group_ids: e
                    .groups
                    .unwrap_or_default()
                    .into_iter()
                    .map(|g| g.id.into_owned())
                    .collect(),
                route_table_ids: e
                    .route_table_ids
                    .unwrap_or_default()
                    .into_iter()
                    .map(Cow::into_owned)
                    .collect(),
                ip_type: match one_of(e.ip_type.as_deref(), &["dualstack", "ipv6"]) {
                    Some(0) => EndpointIpType::Dualstack,
                    Some(_) => EndpointIpType::Ipv6,
                    None => EndpointIpType::Ipv4,
                },
                service_region: own(e.service_region),
                dns_record_ip_type: record,
                private_dns_scope: PrivateDnsScope::from_flag(inbound_only),
                policy_document: own(e.policy),
            });
        }
    }
    if let Some(v) = doc.vpcs {
        input.vpcs.given = true;
        for vpc in v {
            if !seen.first(Kind::Vpc, &vpc.id) {
                continue;
            }
            let mut cidrs = Vec::new();
            cidrs.extend(vpc.cidr.map(|c| c.0));
            for a in vpc.cidr_set.unwrap_or_default() {
                if let Some(c) = a.cidr
                    && !cidrs.contains(&c.0)
                {
                    cidrs.push(c.0);
                }
            }
            for a in vpc.ipv6_set.unwrap_or_default() {
                cidrs.extend(a.cidr.map(|c| c.0));
            }
            input.vpcs.items.push(Vpc {
                id: vpc.id.into_owned(),
                cidrs,
                dhcp_options_id: own(vpc.dhcp),
                owner_id: own(vpc.owner),
                block_public_access: bpa_states(name, vpc.bpa)?,
            });
        }
    }
    let keep_ip_ranges = input.ip_ranges.is_none();
    let mut ranges = Vec::new();
    for p in doc.ipv6_prefixes.iter().flatten() {
        if !matches!(p.ipv6_prefix.0, Cidr::V6(_)) {
            return Err(shape(name, "ipv6_prefixes.ipv6_prefix".into(), "an IPv6 CIDR", "an IPv4 CIDR"));
        }
        ranges.push(IpRange {
            cidr: p.ipv6_prefix.0,
            region: p.region.to_string(),
            service: p.service.to_string(),
        });
    }
    for p in doc.prefixes.iter().flatten() {
        if matches!(p.ip_prefix.0, Cidr::V6(_)) {
            return Err(shape(name, "prefixes.ip_prefix".into(), "an IPv4 CIDR", "an IPv6 CIDR"));
        }
        ranges.push(IpRange {
            cidr: p.ip_prefix.0,
            region: p.region.to_string(),
            service: p.service.to_string(),
        });
    }
    if keep_ip_ranges && (doc.prefixes.is_some() || doc.ipv6_prefixes.is_some()) {
        input.ip_ranges.get_or_insert_with(Vec::new).append(&mut ranges);
    }
    if doc.enable_dns_support.is_some() || doc.enable_dns_hostnames.is_some() {
        let Some(vpc_id) = doc.vpc_id else {
            return Err(shape(
                name,
                "VpcId".into(),
                "a string beside EnableDnsSupport/EnableDnsHostnames (the output of describe-vpc-attribute)",
                "nothing",
            ));
        };
        let attrs = input.dns_attributes.entry_or_default(vpc_id.into_owned());
        if let Some(a) = doc.enable_dns_support {
            attrs.dns_support = Some(VpcResolver::from_flag(a.value));
        }
        if let Some(a) = doc.enable_dns_hostnames {
            attrs.dns_hostnames = Some(DnsHostnames::from_flag(a.value));
        }
    }
    Ok(())
}

fn prefix_list_at(seen: &mut Seen, lists: &mut Vec<PrefixList>, id: &str) -> usize {
    super::prefix_list_at(seen, lists, id)
}
