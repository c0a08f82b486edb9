//! Ready-to-run fix commands, in AWS CLI or AWS Tools for PowerShell form.
//!
//! Guarantees: every value that comes from input (IDs, names) is quoted for
//! the target shell unless it consists only of characters that need no
//! quoting, so a hostile tag or ID pasted into the validator can never turn a
//! printed fix into a different command. Placeholders (`<vpc-id>`) are quoted
//! too, so a user who forgets to fill one gets an error from AWS, not from the
//! shell.
//!
//! Not done here: deciding that a fix is needed.

use crate::catalog::{Availability, EndpointType, Region, Service};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

/// The form fix commands are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum FixFormat {
    /// `aws ec2 …` for a POSIX shell.
    #[default]
    AwsCli,
    /// `New-EC2VpcEndpoint …` and friends for PowerShell.
    PowerShell,
}

impl core::str::FromStr for FixFormat {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "aws-cli" => Ok(FixFormat::AwsCli),
            "powershell" => Ok(FixFormat::PowerShell),
            _ => Err("expected aws-cli or powershell"),
        }
    }
}

/// Quotes `s` for a POSIX shell when it holds anything but `[A-Za-z0-9._:/=@,+-]`.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:/=@,+-".contains(&b));
    if safe {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Quotes `s` as a PowerShell single-quoted string (always quoted).
pub fn ps_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        // PowerShell also treats the typographic quotes as quote characters.
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn ps_array(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| ps_quote(s)).collect();
    format!("@({})", quoted.join(","))
}

fn sh_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| shell_quote(s)).collect();
    quoted.join(" ")
}

/// The resources a new endpoint goes into. Empty lists print placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointPlacement {
    /// The VPC id.
    pub vpc_id: Option<String>,
    /// Subnets for an interface endpoint (one per AZ).
    pub subnet_ids: Vec<String>,
    /// Security groups for an interface endpoint.
    pub security_group_ids: Vec<String>,
    /// Route tables for a gateway endpoint.
    pub route_table_ids: Vec<String>,
}

fn or_placeholder(ids: &[String], placeholder: &str) -> Vec<String> {
    if ids.is_empty() {
        alloc::vec![placeholder.into()]
    } else {
        ids.to_vec()
    }
}

/// The command that creates the VPC endpoint for `service` in `region`.
/// Services that cannot be created in `region` give a `#` comment saying why
/// and where.
pub fn create_endpoint(
    format: FixFormat,
    service: &Service,
    region: &Region,
    at: &EndpointPlacement,
) -> String {
    let service_name = service.service_name(region);
    let service_region = match service.availability(region) {
        Availability::InRegion => None,
        Availability::CrossRegion { service_region } => Some(service_region),
        Availability::ControlPlaneRegionOnly { region: home } => {
            return format!(
                "# {}: {service_name} can only be created in {home}; reach it from {} through a transit gateway or peering to a VPC in {home} that has the endpoint",
                service.name,
                region.name()
            );
        }
        Availability::NotInPartition => {
            return format!(
                "# {}: {service_name} is not offered in the {} partition",
                service.name,
                region.partition()
            );
        }
    };
    let vpc = at.vpc_id.clone().unwrap_or_else(|| "<vpc-id>".into());
    let subnets = or_placeholder(&at.subnet_ids, "<subnet-id>");
    let sgs = or_placeholder(&at.security_group_ids, "<sg-id>");
    let rtbs = or_placeholder(&at.route_table_ids, "<rtb-id>");
    let mut out = String::new();
    match format {
        FixFormat::AwsCli => {
            let _ = write!(
                out,
                "aws ec2 create-vpc-endpoint --region {} --vpc-id {} --vpc-endpoint-type {} --service-name {}",
                region.name(),
                shell_quote(&vpc),
                service.endpoint_type.aws_name(),
                shell_quote(&service_name)
            );
            match service.endpoint_type {
                EndpointType::Interface => {
                    let _ = write!(
                        out,
                        " --subnet-ids {} --security-group-ids {} --private-dns-enabled",
                        sh_list(&subnets),
                        sh_list(&sgs)
                    );
                }
                EndpointType::Gateway => {
                    let _ = write!(out, " --route-table-ids {}", sh_list(&rtbs));
                }
            }
            if let Some(sr) = service_region {
                let _ = write!(out, " --service-region {sr}");
            }
        }
        FixFormat::PowerShell => {
            let _ = write!(
                out,
                "New-EC2VpcEndpoint -Region {} -VpcId {} -VpcEndpointType {} -ServiceName {}",
                ps_quote(region.name()),
                ps_quote(&vpc),
                ps_quote(service.endpoint_type.aws_name()),
                ps_quote(&service_name)
            );
            match service.endpoint_type {
                EndpointType::Interface => {
                    let _ = write!(
                        out,
                        " -SubnetId {} -SecurityGroupId {} -PrivateDnsEnabled $true",
                        ps_array(&subnets),
                        ps_array(&sgs)
                    );
                }
                EndpointType::Gateway => {
                    let _ = write!(out, " -RouteTableId {}", ps_array(&rtbs));
                }
            }
            if let Some(sr) = service_region {
                let _ = write!(out, " -ServiceRegion {}", ps_quote(sr));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Fixes for the validator's findings (added with the validator).
// ---------------------------------------------------------------------------

/// Which DNS attribute of a VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsAttribute {
    /// `enableDnsSupport`
    Support,
    /// `enableDnsHostnames`
    Hostnames,
}

/// Who a TCP 443 security group rule admits or lets out to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulePeer {
    /// Another security group (`sg-…`).
    Group(String),
    /// A CIDR, e.g. `10.0.1.0/24` or `0.0.0.0/0`.
    Cidr(String),
}

/// Into or out of a subnet (network ACL entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclDirection {
    /// `--ingress`
    Ingress,
    /// `--egress`
    Egress,
}

/// The target of a new or replaced route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTo {
    /// `--nat-gateway-id`
    NatGateway(String),
    /// `--gateway-id igw-…`
    InternetGateway(String),
}

/// A fix the validator proposes, with the user's real IDs. Rendered by
/// [`fix_command`] in AWS CLI or PowerShell form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fix {
    /// `modify-vpc-attribute --enable-dns-support|--enable-dns-hostnames`.
    EnableDnsAttribute {
        /// The VPC.
        vpc_id: String,
        /// Which attribute.
        attribute: DnsAttribute,
    },
    /// Allow inbound TCP 443 on a security group.
    AuthorizeIngress443 {
        /// The group to change.
        group_id: String,
        /// Whom to admit.
        from: RulePeer,
    },
    /// Allow outbound TCP 443 on a security group.
    AuthorizeEgress443 {
        /// The group to change.
        group_id: String,
        /// Where to.
        to: RulePeer,
    },
    /// Add an allow entry to a network ACL.
    AllowAclEntry {
        /// The ACL.
        acl_id: String,
        /// Inbound or outbound.
        direction: AclDirection,
        /// A free rule number below the blocking rule.
        rule_number: u32,
        /// First port.
        from_port: u16,
        /// Last port.
        to_port: u16,
        /// The peer CIDR.
        cidr: String,
    },
    /// Add (or, with `replace`, replace) a route.
    Route {
        /// The route table.
        route_table_id: String,
        /// The destination CIDR (IPv4 or IPv6).
        destination: String,
        /// The target.
        to: RouteTo,
        /// Whether a route for the destination already exists (replace-route).
        replace: bool,
    },
    /// Associate a subnet with a route table.
    AssociateRouteTable {
        /// The route table.
        route_table_id: String,
        /// The subnet.
        subnet_id: String,
    },
    /// Turn on an interface endpoint's private DNS.
    EnableEndpointPrivateDns {
        /// The endpoint.
        endpoint_id: String,
    },
    /// Associate a gateway endpoint with a route table.
    AddEndpointRouteTable {
        /// The endpoint.
        endpoint_id: String,
        /// The route table.
        route_table_id: String,
    },
    /// Add a subnet (AZ) to an interface endpoint.
    AddEndpointSubnet {
        /// The endpoint.
        endpoint_id: String,
        /// The subnet.
        subnet_id: String,
    },
    /// Give an interface endpoint IPv6 addresses.
    EndpointDualstack {
        /// The endpoint.
        endpoint_id: String,
    },
    /// Create a public NAT gateway (placeholders for what the validator cannot know).
    CreatePublicNatGateway,
    /// Nothing to run: a comment telling what to do.
    Comment(String),
}

/// Whether `s` is safe to embed in AWS CLI shorthand (`Key=Value,…`) and
/// PowerShell hashtables: an AWS id or CIDR. Anything else is replaced by a
/// placeholder so a hostile id cannot change the meaning of the shorthand.
fn shorthand_safe(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-./:".contains(&b))
}

fn shorthand(s: &str, placeholder: &str) -> String {
    if shorthand_safe(s) {
        s.into()
    } else {
        placeholder.into()
    }
}

/// Renders a fix as one ready-to-run command for `region`. Every value is
/// quoted for the target shell.
pub fn fix_command(format: FixFormat, region: &Region, fix: &Fix) -> String {
    let r = region.name();
    let q = |s: &str| match format {
        FixFormat::AwsCli => shell_quote(s),
        FixFormat::PowerShell => ps_quote(s),
    };
    match (format, fix) {
        (_, Fix::Comment(text)) => {
            let mut out = String::from("# ");
            // A comment must stay one line: a newline would start a command.
            out.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
            out
        }
        (FixFormat::AwsCli, Fix::EnableDnsAttribute { vpc_id, attribute }) => format!(
            "aws ec2 modify-vpc-attribute --region {r} --vpc-id {} {} '{{\"Value\":true}}'",
            q(vpc_id),
            match attribute {
                DnsAttribute::Support => "--enable-dns-support",
                DnsAttribute::Hostnames => "--enable-dns-hostnames",
            }
        ),
        (FixFormat::PowerShell, Fix::EnableDnsAttribute { vpc_id, attribute }) => format!(
            "Edit-EC2VpcAttribute -Region {} -VpcId {} {} $true",
            q(r),
            q(vpc_id),
            match attribute {
                DnsAttribute::Support => "-EnableDnsSupport",
                DnsAttribute::Hostnames => "-EnableDnsHostnames",
            }
        ),
        (FixFormat::AwsCli, Fix::AuthorizeIngress443 { group_id, from }) => {
            let peer = match from {
                RulePeer::Group(g) => format!("--source-group {}", q(g)),
                RulePeer::Cidr(c) => format!("--cidr {}", q(c)),
            };
            format!(
                "aws ec2 authorize-security-group-ingress --region {r} --group-id {} --protocol tcp --port 443 {peer}",
                q(group_id)
            )
        }
        (FixFormat::AwsCli, Fix::AuthorizeEgress443 { group_id, to }) => {
            let peer = match to {
                RulePeer::Group(g) => {
                    format!("UserIdGroupPairs=[{{GroupId={}}}]", shorthand(g, "<sg-id>"))
                }
                RulePeer::Cidr(c) if c.contains(':') => {
                    format!("Ipv6Ranges=[{{CidrIpv6={}}}]", shorthand(c, "<cidr>"))
                }
                RulePeer::Cidr(c) => format!("IpRanges=[{{CidrIp={}}}]", shorthand(c, "<cidr>")),
            };
            format!(
                "aws ec2 authorize-security-group-egress --region {r} --group-id {} --ip-permissions {}",
                q(group_id),
                q(&format!("IpProtocol=tcp,FromPort=443,ToPort=443,{peer}"))
            )
        }
        (
            FixFormat::PowerShell,
            Fix::AuthorizeIngress443 {
                group_id,
                from: peer,
            },
        )
        | (FixFormat::PowerShell, Fix::AuthorizeEgress443 { group_id, to: peer }) => {
            let verb = if matches!(fix, Fix::AuthorizeIngress443 { .. }) {
                "Grant-EC2SecurityGroupIngress"
            } else {
                "Grant-EC2SecurityGroupEgress"
            };
            let peer = match peer {
                RulePeer::Group(g) => format!(
                    "UserIdGroupPairs=(New-Object Amazon.EC2.Model.UserIdGroupPair -Property @{{GroupId={}}})",
                    q(g)
                ),
                RulePeer::Cidr(c) if c.contains(':') => format!(
                    "Ipv6Ranges=(New-Object Amazon.EC2.Model.Ipv6Range -Property @{{CidrIpv6={}}})",
                    q(c)
                ),
                RulePeer::Cidr(c) => {
                    format!(
                        "Ipv4Ranges=(New-Object Amazon.EC2.Model.IpRange -Property @{{CidrIp={}}})",
                        q(c)
                    )
                }
            };
            format!(
                "{verb} -Region {} -GroupId {} -IpPermission @{{IpProtocol='tcp'; FromPort=443; ToPort=443; {peer}}}",
                q(r),
                q(group_id)
            )
        }
        (
            FixFormat::AwsCli,
            Fix::AllowAclEntry {
                acl_id,
                direction,
                rule_number,
                from_port,
                to_port,
                cidr,
            },
        ) => {
            let cidr_flag = if cidr.contains(':') {
                "--ipv6-cidr-block"
            } else {
                "--cidr-block"
            };
            format!(
                "aws ec2 create-network-acl-entry --region {r} --network-acl-id {} {} --rule-number {rule_number} --protocol tcp --port-range From={from_port},To={to_port} {cidr_flag} {} --rule-action allow",
                q(acl_id),
                match direction {
                    AclDirection::Ingress => "--ingress",
                    AclDirection::Egress => "--egress",
                },
                q(cidr)
            )
        }
        (
            FixFormat::PowerShell,
            Fix::AllowAclEntry {
                acl_id,
                direction,
                rule_number,
                from_port,
                to_port,
                cidr,
            },
        ) => {
            let cidr_flag = if cidr.contains(':') {
                "-Ipv6CidrBlock"
            } else {
                "-CidrBlock"
            };
            format!(
                "New-EC2NetworkAclEntry -Region {} -NetworkAclId {} -Egress {} -RuleNumber {rule_number} -Protocol '6' -PortRange_From {from_port} -PortRange_To {to_port} {cidr_flag} {} -RuleAction 'allow'",
                q(r),
                q(acl_id),
                match direction {
                    AclDirection::Ingress => "$false",
                    AclDirection::Egress => "$true",
                },
                q(cidr)
            )
        }
        (
            FixFormat::AwsCli,
            Fix::Route {
                route_table_id,
                destination,
                to,
                replace,
            },
        ) => {
            let dest_flag = if destination.contains(':') {
                "--destination-ipv6-cidr-block"
            } else {
                "--destination-cidr-block"
            };
            let target = match to {
                RouteTo::NatGateway(id) => format!("--nat-gateway-id {}", q(id)),
                RouteTo::InternetGateway(id) => format!("--gateway-id {}", q(id)),
            };
            format!(
                "aws ec2 {} --region {r} --route-table-id {} {dest_flag} {} {target}",
                if *replace {
                    "replace-route"
                } else {
                    "create-route"
                },
                q(route_table_id),
                q(destination)
            )
        }
        (
            FixFormat::PowerShell,
            Fix::Route {
                route_table_id,
                destination,
                to,
                replace,
            },
        ) => {
            let dest_flag = if destination.contains(':') {
                "-DestinationIpv6CidrBlock"
            } else {
                "-DestinationCidrBlock"
            };
            let target = match to {
                RouteTo::NatGateway(id) => format!("-NatGatewayId {}", q(id)),
                RouteTo::InternetGateway(id) => format!("-GatewayId {}", q(id)),
            };
            format!(
                "{} -Region {} -RouteTableId {} {dest_flag} {} {target}",
                if *replace {
                    "Set-EC2Route"
                } else {
                    "New-EC2Route"
                },
                q(r),
                q(route_table_id),
                q(destination)
            )
        }
        (
            FixFormat::AwsCli,
            Fix::AssociateRouteTable {
                route_table_id,
                subnet_id,
            },
        ) => format!(
            "aws ec2 associate-route-table --region {r} --route-table-id {} --subnet-id {}",
            q(route_table_id),
            q(subnet_id)
        ),
        (
            FixFormat::PowerShell,
            Fix::AssociateRouteTable {
                route_table_id,
                subnet_id,
            },
        ) => format!(
            "Register-EC2RouteTable -Region {} -RouteTableId {} -SubnetId {}",
            q(r),
            q(route_table_id),
            q(subnet_id)
        ),
        (FixFormat::AwsCli, Fix::EnableEndpointPrivateDns { endpoint_id }) => format!(
            "aws ec2 modify-vpc-endpoint --region {r} --vpc-endpoint-id {} --private-dns-enabled",
            q(endpoint_id)
        ),
        (FixFormat::PowerShell, Fix::EnableEndpointPrivateDns { endpoint_id }) => format!(
            "Edit-EC2VpcEndpoint -Region {} -VpcEndpointId {} -PrivateDnsEnabled $true",
            q(r),
            q(endpoint_id)
        ),
        (
            FixFormat::AwsCli,
            Fix::AddEndpointRouteTable {
                endpoint_id,
                route_table_id,
            },
        ) => format!(
            "aws ec2 modify-vpc-endpoint --region {r} --vpc-endpoint-id {} --add-route-table-ids {}",
            q(endpoint_id),
            q(route_table_id)
        ),
        (
            FixFormat::PowerShell,
            Fix::AddEndpointRouteTable {
                endpoint_id,
                route_table_id,
            },
        ) => format!(
            "Edit-EC2VpcEndpoint -Region {} -VpcEndpointId {} -AddRouteTableId {}",
            q(r),
            q(endpoint_id),
            ps_array(core::slice::from_ref(route_table_id))
        ),
        (
            FixFormat::AwsCli,
            Fix::AddEndpointSubnet {
                endpoint_id,
                subnet_id,
            },
        ) => format!(
            "aws ec2 modify-vpc-endpoint --region {r} --vpc-endpoint-id {} --add-subnet-ids {}",
            q(endpoint_id),
            q(subnet_id)
        ),
        (
            FixFormat::PowerShell,
            Fix::AddEndpointSubnet {
                endpoint_id,
                subnet_id,
            },
        ) => format!(
            "Edit-EC2VpcEndpoint -Region {} -VpcEndpointId {} -AddSubnetId {}",
            q(r),
            q(endpoint_id),
            ps_array(core::slice::from_ref(subnet_id))
        ),
        (FixFormat::AwsCli, Fix::EndpointDualstack { endpoint_id }) => format!(
            "aws ec2 modify-vpc-endpoint --region {r} --vpc-endpoint-id {} --ip-address-type dualstack",
            q(endpoint_id)
        ),
        (FixFormat::PowerShell, Fix::EndpointDualstack { endpoint_id }) => format!(
            "Edit-EC2VpcEndpoint -Region {} -VpcEndpointId {} -IpAddressType 'dualstack'",
            q(r),
            q(endpoint_id)
        ),
        (FixFormat::AwsCli, Fix::CreatePublicNatGateway) => format!(
            "aws ec2 create-nat-gateway --region {r} --connectivity-type public --subnet-id '<public-subnet-id>' --allocation-id '<eipalloc-id>'"
        ),
        (FixFormat::PowerShell, Fix::CreatePublicNatGateway) => format!(
            "New-EC2NatGateway -Region {} -ConnectivityType 'public' -SubnetId '<public-subnet-id>' -AllocationId '<eipalloc-id>'",
            q(r)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::service_by_id;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("vpc-0abc"), "vpc-0abc");
        assert_eq!(shell_quote("<vpc-id>"), "'<vpc-id>'");
        assert_eq!(shell_quote("a'b; rm -rf /"), "'a'\\''b; rm -rf /'");
        assert_eq!(ps_quote("a'b"), "'a''b'");
    }

    #[test]
    fn endpoint_commands() {
        let r = Region::parse("eu-west-1").unwrap();
        let at = EndpointPlacement {
            vpc_id: Some("vpc-1".into()),
            subnet_ids: alloc::vec!["subnet-a".into(), "subnet-b".into()],
            security_group_ids: alloc::vec!["sg-1".into()],
            route_table_ids: alloc::vec!["rtb-1".into()],
        };
        let logs = service_by_id("logs").unwrap();
        assert_eq!(
            create_endpoint(FixFormat::AwsCli, logs, &r, &at),
            "aws ec2 create-vpc-endpoint --region eu-west-1 --vpc-id vpc-1 --vpc-endpoint-type Interface --service-name com.amazonaws.eu-west-1.logs --subnet-ids subnet-a subnet-b --security-group-ids sg-1 --private-dns-enabled"
        );
        let s3 = service_by_id("s3").unwrap();
        assert_eq!(
            create_endpoint(FixFormat::PowerShell, s3, &r, &at),
            "New-EC2VpcEndpoint -Region 'eu-west-1' -VpcId 'vpc-1' -VpcEndpointType 'Gateway' -ServiceName 'com.amazonaws.eu-west-1.s3' -RouteTableId @('rtb-1')"
        );
        let mp = service_by_id("management-plane").unwrap();
        assert!(
            create_endpoint(FixFormat::AwsCli, mp, &r, &at).ends_with("--service-region us-east-1")
        );
        let use1 = Region::parse("us-east-1").unwrap();
        assert!(!create_endpoint(FixFormat::AwsCli, mp, &use1, &at).contains("--service-region"));
        let iam = service_by_id("iam").unwrap();
        assert!(create_endpoint(FixFormat::AwsCli, iam, &r, &at).starts_with("# IAM"));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::*;
    use alloc::string::ToString;

    fn r() -> Region {
        Region::parse("eu-west-1").unwrap()
    }

    #[test]
    fn fixes_quote_hostile_ids() {
        let evil = "sg-1'; rm -rf / #".to_string();
        let f = Fix::AuthorizeIngress443 {
            group_id: evil.clone(),
            from: RulePeer::Group("sg-2".into()),
        };
        let cli = fix_command(FixFormat::AwsCli, &r(), &f);
        assert!(cli.contains("'sg-1'\\''; rm -rf / #'"), "{cli}");
        let ps = fix_command(FixFormat::PowerShell, &r(), &f);
        assert!(ps.contains("'sg-1''; rm -rf / #'"), "{ps}");
        let f = Fix::AuthorizeEgress443 {
            group_id: "sg-1".into(),
            to: RulePeer::Group(evil),
        };
        let cli = fix_command(FixFormat::AwsCli, &r(), &f);
        assert!(cli.contains("GroupId=<sg-id>"), "{cli}");
        let c = fix_command(FixFormat::AwsCli, &r(), &Fix::Comment("a\nrm -rf /".into()));
        assert!(!c.contains('\n'));
    }

    #[test]
    fn fix_forms() {
        let f = Fix::EnableDnsAttribute {
            vpc_id: "vpc-1".into(),
            attribute: DnsAttribute::Hostnames,
        };
        assert_eq!(
            fix_command(FixFormat::AwsCli, &r(), &f),
            "aws ec2 modify-vpc-attribute --region eu-west-1 --vpc-id vpc-1 --enable-dns-hostnames '{\"Value\":true}'"
        );
        assert_eq!(
            fix_command(FixFormat::PowerShell, &r(), &f),
            "Edit-EC2VpcAttribute -Region 'eu-west-1' -VpcId 'vpc-1' -EnableDnsHostnames $true"
        );
        let f = Fix::AllowAclEntry {
            acl_id: "acl-1".into(),
            direction: AclDirection::Ingress,
            rule_number: 99,
            from_port: 1024,
            to_port: 65535,
            cidr: "0.0.0.0/0".into(),
        };
        assert_eq!(
            fix_command(FixFormat::AwsCli, &r(), &f),
            "aws ec2 create-network-acl-entry --region eu-west-1 --network-acl-id acl-1 --ingress --rule-number 99 --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow"
        );
        let f = Fix::Route {
            route_table_id: "rtb-1".into(),
            destination: "0.0.0.0/0".into(),
            to: RouteTo::NatGateway("nat-1".into()),
            replace: true,
        };
        assert_eq!(
            fix_command(FixFormat::AwsCli, &r(), &f),
            "aws ec2 replace-route --region eu-west-1 --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1"
        );
        assert_eq!(
            fix_command(FixFormat::PowerShell, &r(), &f),
            "Set-EC2Route -Region 'eu-west-1' -RouteTableId 'rtb-1' -DestinationCidrBlock '0.0.0.0/0' -NatGatewayId 'nat-1'"
        );
        let f = Fix::AuthorizeEgress443 {
            group_id: "sg-1".into(),
            to: RulePeer::Cidr("0.0.0.0/0".into()),
        };
        assert_eq!(
            fix_command(FixFormat::AwsCli, &r(), &f),
            "aws ec2 authorize-security-group-egress --region eu-west-1 --group-id sg-1 --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]'"
        );
    }
}
