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
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:/=@,+-".contains(&b));
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
    if ids.is_empty() { alloc::vec![placeholder.into()] } else { ids.to_vec() }
}

/// The command that creates the VPC endpoint for `service` in `region`.
/// Services that cannot be created in `region` give a `#` comment saying why
/// and where.
pub fn create_endpoint(format: FixFormat, service: &Service, region: &Region, at: &EndpointPlacement) -> String {
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
            return format!("# {}: {service_name} is not offered in the {} partition", service.name, region.partition());
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
        assert!(create_endpoint(FixFormat::AwsCli, mp, &r, &at).ends_with("--service-region us-east-1"));
        let use1 = Region::parse("us-east-1").unwrap();
        assert!(!create_endpoint(FixFormat::AwsCli, mp, &use1, &at).contains("--service-region"));
        let iam = service_by_id("iam").unwrap();
        assert!(create_endpoint(FixFormat::AwsCli, iam, &r, &at).starts_with("# IAM"));
    }
}
