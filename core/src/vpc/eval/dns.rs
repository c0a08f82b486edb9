//! DNS: whether the task's names resolve at all, and whether an interface
//! endpoint's private DNS takes a service's name from the task's point of
//! view (vpc/latest/privatelink/privatelink-access-aws-services.html,
//! vpc/latest/userguide/DHCPOptionSetConcepts.html,
//! AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html).
//!
//! Guarantees:
//! * `enableDnsSupport` off with AmazonProvidedDNS fails every path; an
//!   unknown attribute makes the paths unknown without hiding what the rest
//!   decides;
//! * private DNS takes the name only when the endpoint is available, has
//!   private DNS on, both DNS attributes are on and the VPC uses
//!   AmazonProvidedDNS (custom servers: unknown, they see the private zones
//!   only if they forward to the VPC resolver), and, for S3, not with
//!   `PrivateDnsOnlyForInboundResolverEndpoint` (in-VPC clients then stay
//!   on the gateway endpoint);
//! * which address families the task gets from the endpoint's records
//!   (`DnsRecordIpType`, else its `IpAddressType`) against the families its
//!   subnet has.
//!
//! Not done here: reaching the addresses (see [`super::endpoints`]).

use super::super::model::{
    DnsHostnames, DnsRecordIpType, EndpointIpType, EndpointState, PrivateDns, Subnet, VpcEndpoint,
    VpcResolver,
};
use super::{Ctx, PathBuild, Reachable, Unknown, Unreachable, VpcFacts};
use crate::commands::{DnsAttribute, Fix, fix_command};
use crate::net::Cidr;
use crate::report::{FailureCode, Finding, FindingCode, Reachability, Severity};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::net::Ipv4Addr;

/// How a VPC resolves names.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Resolver {
    /// AmazonProvidedDNS (given, or assumed without describe-dhcp-options).
    Amazon,
    /// Custom servers: they see interface endpoints' private zones only if
    /// they forward to the VPC resolver.
    Custom(Vec<String>),
}

/// What the DNS step says about every path of a subnet.
pub(super) enum Step {
    /// Nothing resolves: the path fails here.
    Fails(PathBuild),
    /// Whether names resolve is unknown (a missing document).
    Unknown(Finding),
    /// Names resolve.
    Resolves,
}

/// The address families a task can use for a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Families {
    /// A records it can connect to.
    pub(super) v4: bool,
    /// AAAA records it can connect to.
    pub(super) v6: bool,
}

impl<'a> Ctx<'a> {
    /// The resolver of a VPC from its DHCP options (AmazonProvidedDNS when
    /// the set is `default`, absent, or not described).
    pub(super) fn resolver_of(&self, vpc_id: &str) -> Resolver {
        self.vpcs
            .get(vpc_id)
            .and_then(|v| v.dhcp_options_id.as_deref())
            .and_then(|d| self.dhcp.get(d))
            .map_or(Resolver::Amazon, |d| {
                let custom: Vec<String> = d
                    .domain_name_servers
                    .iter()
                    .filter(|s| !s.eq_ignore_ascii_case("AmazonProvidedDNS"))
                    .cloned()
                    .collect();
                if custom.is_empty() {
                    Resolver::Amazon
                } else {
                    Resolver::Custom(custom)
                }
            })
    }

    /// Step 1 of every path.
    pub(super) fn dns_step(&self, vf: &VpcFacts<'_, '_>, subnet: &Subnet) -> Step {
        if vf.resolver != Resolver::Amazon {
            return Step::Resolves;
        }
        match vf.dns_support {
            Some(VpcResolver::Off) => Step::Fails(PathBuild::fail(
                None,
                vec![subnet.id.clone()],
                FailureCode::DnsTimeout,
                Finding {
                    code: FindingCode::DnsSupportDisabled,
                    severity: Severity::Error,
                    resource: vf.vpc_id.to_owned(),
                    message: format!(
                        "DNS resolution (enableDnsSupport) is off in {}: the VPC resolver answers nothing, so no name resolves.",
                        vf.vpc_id
                    ),
                    fix: self.fix(&Fix::EnableDnsAttribute {
                        vpc_id: vf.vpc_id.to_owned(),
                        attribute: DnsAttribute::Support,
                    }),
                    remedies: Vec::new(),
                },
            )),
            None => Step::Unknown(self.missing_attribute("EnableDnsSupport", vf.vpc_id)),
            Some(VpcResolver::Answers) => Step::Resolves,
        }
    }

    /// The report-level DNS findings of one VPC: missing attributes, and the
    /// resolver assumed or found.
    pub(super) fn dns_global_findings(&self, vf: &VpcFacts<'_, '_>) -> Vec<Finding> {
        let mut out = Vec::new();
        if vf.dns_support.is_none() {
            out.push(self.missing_attribute("EnableDnsSupport", vf.vpc_id));
        }
        if vf.dns_hostnames.is_none() {
            out.push(self.missing_attribute("EnableDnsHostnames", vf.vpc_id));
        }
        let dhcp_id = self
            .vpcs
            .get(vf.vpc_id)
            .and_then(|v| v.dhcp_options_id.as_deref());
        // `default` is "no DHCP options set": AmazonProvidedDNS, and no
        // document to ask for.
        let needs_dhcp = !matches!(dhcp_id, Some("default"));
        if needs_dhcp && (!self.input.dhcp_options.given || !self.input.vpcs.given) {
            let region = &self.region;
            out.push(Finding {
                code: FindingCode::MissingInput,
                severity: Severity::Info,
                resource: "DhcpOptions".to_owned(),
                message: format!(
                    "describe-vpcs and describe-dhcp-options were not both given: {} is assumed to use AmazonProvidedDNS.",
                    vf.vpc_id
                ),
                fix: Some(format!(
                    "aws ec2 describe-vpcs --region {region} > vpcs.json; aws ec2 describe-dhcp-options --region {region} > dhcp.json"
                )), remedies: Vec::new(), });
        } else if let Resolver::Custom(servers) = &vf.resolver {
            out.push(self.custom_dns_finding(vf, servers));
        }
        out
    }

    /// The families the task can use from `ep`'s private DNS records.
    pub(super) fn usable_families(&self, ep: &VpcEndpoint, subnet: &Subnet) -> Families {
        let (a, aaaa) = match ep.dns_record_ip_type {
            Some(DnsRecordIpType::Ipv4) => (true, false),
            Some(DnsRecordIpType::Dualstack) => (true, true),
            Some(DnsRecordIpType::Ipv6) => (false, true),
            // Not printed, or "service-defined": the endpoint's addresses.
            Some(DnsRecordIpType::ServiceDefined) | None => match ep.ip_type {
                EndpointIpType::Ipv4 => (true, false),
                EndpointIpType::Dualstack => (true, true),
                EndpointIpType::Ipv6 => (false, true),
            },
        };
        Families {
            v4: a && subnet.cidr.is_some(),
            v6: aaaa && !subnet.ipv6_cidrs.is_empty(),
        }
    }

    /// Whether the endpoint's private DNS takes the service's name for this
    /// task, and the findings saying why not.
    pub(super) fn private_dns_takes(
        &self,
        vf: &VpcFacts<'_, '_>,
        ep: &VpcEndpoint,
    ) -> (Reachability, Vec<Finding>) {
        let mut verdict = Reachable;
        let mut why = Vec::new();
        if ep.state != EndpointState::Available {
            verdict = Unreachable;
            why.push(Finding {
                code: FindingCode::EndpointNotAvailable,
                severity: Severity::Error,
                resource: ep.id.clone(),
                message: format!("Endpoint {} ({}) is not available: it serves no traffic.", ep.id, ep.service_name),
                fix: Some(fix_command(
                    self.format,
                    &self.region,
                    &Fix::Comment(format!(
                        "wait for {} to become available, or accept it / recreate it (aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {})",
                        ep.id, ep.id
                    )),
                )), remedies: Vec::new(), });
        }
        if ep.private_dns == PrivateDns::Off {
            verdict = Unreachable;
            why.push(Finding {
                code: FindingCode::EndpointPrivateDnsDisabled,
                severity: Severity::Error,
                resource: ep.id.clone(),
                message: format!(
                    "Endpoint {} ({}) has private DNS disabled: the service's name still resolves to public addresses.",
                    ep.id, ep.service_name
                ),
                fix: self.fix(&Fix::EnableEndpointPrivateDns { endpoint_id: ep.id.clone() }), remedies: Vec::new(), });
        }
        match vf.dns_hostnames {
            Some(DnsHostnames::NotAssigned) => {
                verdict = Unreachable;
                why.push(Finding {
                    code: FindingCode::DnsHostnamesDisabled,
                    severity: Severity::Error,
                    resource: vf.vpc_id.to_owned(),
                    message: format!(
                        "DNS hostnames (enableDnsHostnames) is off in {}: private DNS of interface endpoints does not work.",
                        vf.vpc_id
                    ),
                    fix: self.fix(&Fix::EnableDnsAttribute {
                        vpc_id: vf.vpc_id.to_owned(),
                        attribute: DnsAttribute::Hostnames,
                    }), remedies: Vec::new(), });
            }
            None => {
                if verdict == Reachable {
                    verdict = Unknown;
                }
                why.push(self.missing_attribute("EnableDnsHostnames", vf.vpc_id));
            }
            Some(DnsHostnames::Assigned) => {}
        }
        if vf.dns_support == Some(VpcResolver::Off) {
            verdict = Unreachable;
            why.push(Finding {
                code: FindingCode::DnsSupportDisabled,
                severity: Severity::Error,
                resource: vf.vpc_id.to_owned(),
                message: format!(
                    "DNS resolution (enableDnsSupport) is off in {}: the custom DNS servers cannot forward to the VPC resolver, so interface endpoints' private DNS does not work.",
                    vf.vpc_id
                ),
                fix: self.fix(&Fix::EnableDnsAttribute { vpc_id: vf.vpc_id.to_owned(), attribute: DnsAttribute::Support }), remedies: Vec::new(), });
        }
        if let Resolver::Custom(servers) = &vf.resolver {
            if verdict == Reachable {
                verdict = Unknown;
            }
            why.push(self.custom_dns_finding(vf, servers));
        }
        (verdict, why)
    }

    pub(super) fn custom_dns_finding(&self, vf: &VpcFacts<'_, '_>, servers: &[String]) -> Finding {
        let resolver = self
            .vpcs
            .get(vf.vpc_id)
            .and_then(|v| {
                v.cidrs.iter().find_map(|c| match c {
                    Cidr::V4(c) => {
                        Some(Ipv4Addr::from_bits(c.network().to_bits().wrapping_add(2)).to_string())
                    }
                    Cidr::V6(_) => None,
                })
            })
            .unwrap_or_else(|| "the VPC CIDR base + 2".to_owned());
        Finding {
            code: FindingCode::CustomDnsServers,
            severity: Severity::Warning,
            resource: self
                .vpcs
                .get(vf.vpc_id)
                .and_then(|v| v.dhcp_options_id.clone())
                .unwrap_or_else(|| vf.vpc_id.to_owned()),
            message: format!(
                "{} uses custom DNS servers ({}): they see interface endpoints' private DNS only if they forward amazonaws.com to the VPC resolver ({resolver}); otherwise the names resolve to public addresses. Whether they do is unknown here.",
                vf.vpc_id,
                servers.join(", ")
            ),
            fix: self.comment(format!(
                "make the DNS servers {} forward amazonaws.com (and app.gitpod.io) to {resolver}",
                servers.join(", ")
            )),
            remedies: Vec::new(),
        }
    }
}
