//! `netready catalog`: the endpoints a profile needs in a region, as a table,
//! as JSON, or as commands that create them.
//!
//! Guarantees: every value printed comes from `netready-core`'s catalog; an
//! unknown region or profile is a usage error (exit 2) naming what was
//! expected. A region this release does not know but that is well-formed is
//! accepted with a warning on standard error.

use crate::cli::{CliResult, UsageError};
use clap::ValueEnum;
use netready_core::catalog::{
    self, AccountId, Availability, EndpointUse, Profile, Region, Service,
};
use netready_core::commands::{self, EndpointPlacement, FixFormat};
use std::io::Write;

/// Output formats of `netready catalog`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogFormat {
    /// A table for people.
    Table,
    /// `netready.catalog/v1` JSON.
    Json,
    /// `aws ec2 create-vpc-endpoint` commands.
    AwsCli,
    /// `New-EC2VpcEndpoint` commands (AWS Tools for PowerShell).
    Powershell,
    /// Terraform (`aws_vpc_endpoint` resources with variables).
    Terraform,
    /// A CloudFormation template (JSON) with parameters.
    Cloudformation,
}

/// Arguments of `netready catalog`.
#[derive(Debug, clap::Args)]
pub struct CatalogArgs {
    /// AWS region, e.g. eu-west-1 (default: $AWS_REGION, then $AWS_DEFAULT_REGION).
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Which endpoints: runner (the five the runner dials) or private (everything a VPC without egress needs).
    #[arg(long, value_name = "runner|private", default_value = "runner")]
    pub profile: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Table)]
    pub format: CatalogFormat,
    /// Account of the ECR registry, to show the real ECR Docker host.
    #[arg(long, value_name = "ID")]
    pub ecr_account: Option<String>,
    /// VPC id to fill into generated commands.
    #[arg(long, value_name = "ID")]
    pub vpc_id: Option<String>,
    /// Subnet for interface endpoints in generated commands (repeatable).
    #[arg(long = "subnet", value_name = "ID")]
    pub subnets: Vec<String>,
    /// Security group for interface endpoints in generated commands (repeatable).
    #[arg(long = "security-group", value_name = "ID")]
    pub security_groups: Vec<String>,
    /// Route table for gateway endpoints in generated commands (repeatable).
    #[arg(long = "route-table", value_name = "ID")]
    pub route_tables: Vec<String>,
}

/// Resolves `--region` (or the AWS environment variables) to a region.
pub fn region_from(flag: Option<&str>) -> Result<Region, UsageError> {
    let (name, from) = match flag {
        Some(r) => (r.to_owned(), "--region"),
        None => {
            match std::env::var("AWS_REGION").or_else(|_| std::env::var("AWS_DEFAULT_REGION")) {
                Ok(r) if !r.trim().is_empty() => (r, "$AWS_REGION/$AWS_DEFAULT_REGION"),
                _ => {
                    return Err(UsageError(
                        "no region: give --region, e.g. --region eu-west-1".into(),
                    ));
                }
            }
        }
    };
    let region = Region::parse(&name).map_err(|e| UsageError(format!("{from} {name:?}: {e}")))?;
    if !region.is_known() {
        eprintln!(
            "netready: warning: region {region} is not known to this release; names follow the {} partition's usual pattern",
            region.partition()
        );
    }
    Ok(region)
}

/// Parses `--profile`.
pub fn profile_from(name: &str) -> Result<Profile, UsageError> {
    name.parse()
        .map_err(|e| UsageError(format!("--profile {name:?}: {e}")))
}

fn host_of(s: &Service, region: &Region, account: Option<&AccountId>) -> String {
    s.host(region, account)
        .unwrap_or_else(|_| s.host_template(region))
}

/// Runs `netready catalog`.
pub fn run(args: CatalogArgs) -> CliResult {
    let region = region_from(args.region.as_deref())?;
    let profile = profile_from(&args.profile)?;
    let account = args
        .ecr_account
        .as_deref()
        .map(|a| {
            a.parse::<AccountId>()
                .map_err(|e| UsageError(format!("--ecr-account {a:?}: {e}")))
        })
        .transpose()?;
    let out = render(&region, profile, account.as_ref(), &args);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`netready catalog | head`) is not an error worth a message.
    let _ = stdout.write_all(out.as_bytes());
    Ok(0)
}

/// Renders the catalog in the requested format.
pub fn render(
    region: &Region,
    profile: Profile,
    account: Option<&AccountId>,
    args: &CatalogArgs,
) -> String {
    match args.format {
        CatalogFormat::Terraform => terraform(region, profile, args),
        CatalogFormat::Cloudformation => cloudformation(region, profile, args),
        CatalogFormat::Json => {
            let doc = catalog::document(region, profile, account);
            let mut s = serde_json::to_string_pretty(&doc)
                .expect("catalog JSON: plain structs always serialise");
            s.push('\n');
            s
        }
        CatalogFormat::AwsCli | CatalogFormat::Powershell => {
            let format = if args.format == CatalogFormat::AwsCli {
                FixFormat::AwsCli
            } else {
                FixFormat::PowerShell
            };
            let placement = EndpointPlacement {
                vpc_id: args.vpc_id.clone(),
                subnet_ids: args.subnets.clone(),
                security_group_ids: args.security_groups.clone(),
                route_table_ids: args.route_tables.clone(),
            };
            let mut out = format!(
                "# VPC endpoints for the {} profile in {} ({} partition)\n",
                profile,
                region,
                region.partition()
            );
            for s in catalog::endpoints(profile) {
                out.push_str(&format!("\n# {} ({}): {}\n", s.name, s.id, s.purpose));
                if let Some(note) = s.note {
                    out.push_str(&format!("# note: {note}\n"));
                }
                out.push_str(&commands::create_endpoint(format, s, region, &placement));
                out.push('\n');
            }
            out
        }
        CatalogFormat::Table => {
            let rows: Vec<[String; 4]> = catalog::services(profile)
                .map(|s| {
                    let name = match (s.endpoint_use, s.availability(region)) {
                        (EndpointUse::Shared, _) => "(served by the s3 endpoint)".to_owned(),
                        (_, Availability::NotInPartition) => {
                            "(not offered in this partition)".to_owned()
                        }
                        (_, Availability::CrossRegion { service_region }) => {
                            format!(
                                "{} (cross-region from {service_region})",
                                s.service_name(region)
                            )
                        }
                        (_, Availability::ControlPlaneRegionOnly { region: home }) => {
                            format!("{} (only in {home})", s.service_name(region))
                        }
                        (_, Availability::InRegion) => s.service_name(region),
                    };
                    [
                        s.id.to_owned(),
                        host_of(s, region, account),
                        name,
                        s.endpoint_type.aws_name().to_lowercase(),
                    ]
                })
                .collect();
            let header = ["SERVICE", "HOST", "VPC ENDPOINT SERVICE", "TYPE"];
            let mut widths = header.map(str::len);
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.len());
                }
            }
            let mut out = format!(
                "{} profile, {} ({} partition)\n\n",
                profile,
                region,
                region.partition()
            );
            let line = |cells: [&str; 4]| {
                let mut l = String::new();
                for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                    if i == 3 {
                        l.push_str(cell);
                    } else {
                        l.push_str(&format!("{cell:<w$}  "));
                    }
                }
                l.push('\n');
                l
            };
            out.push_str(&line(header));
            for row in &rows {
                out.push_str(&line([&row[0], &row[1], &row[2], &row[3]]));
            }
            let notes: Vec<&Service> = catalog::services(profile)
                .filter(|s| s.note.is_some())
                .collect();
            if !notes.is_empty() {
                out.push_str("\nNotes:\n");
                for s in notes {
                    out.push_str(&format!("  {}: {}\n", s.id, s.note.unwrap_or_default()));
                }
            }
            out
        }
    }
}

// ---------------------------------------------------------------------------
// Terraform and CloudFormation forms (added with the validator).
// ---------------------------------------------------------------------------

/// One aligned Terraform attribute line.
fn tf_attr(name: &str, value: &str) -> String {
    format!("  {name:<19} = {value}\n")
}

/// A Terraform identifier for a service id: `ecr.api` → `ecr_api`.
fn tf_name(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A CloudFormation logical id for a service id: `ecr.api` → `EcrApiEndpoint`.
fn cfn_name(id: &str) -> String {
    let mut out = String::new();
    for part in id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out.push_str("Endpoint");
    out
}

/// An HCL string literal: escapes quotes, backslashes, control characters
/// and template sequences (`${`, `%{`), since IDs come from the user.
fn hcl_string(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hcl_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| hcl_string(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Renders the profile's endpoints as Terraform: variables for the VPC,
/// subnets, security groups and route tables (defaulting to the flags), and
/// one `aws_vpc_endpoint` per endpoint.
pub fn terraform(region: &Region, profile: Profile, args: &CatalogArgs) -> String {
    let endpoints: Vec<&Service> = catalog::endpoints(profile).collect();
    let needs = |t: catalog::EndpointType| {
        endpoints
            .iter()
            .any(|s| s.endpoint_type == t && creatable(s, region))
    };
    let mut out = format!(
        "# VPC endpoints for the {profile} profile in {region} ({} partition).\n# Generated by: netready catalog --format terraform\n# Interface endpoints cost about $7.20 a month per endpoint per AZ plus data processing; gateway endpoints are free.\n\n",
        region.partition()
    );
    let var = |out: &mut String, name: &str, ty: &str, desc: &str, default: Option<String>| {
        out.push_str(&format!(
            "variable \"{name}\" {{\n  description = {}\n  type        = {ty}\n",
            hcl_string(desc)
        ));
        if let Some(d) = default {
            out.push_str(&format!("  default     = {d}\n"));
        }
        out.push_str("}\n\n");
    };
    var(
        &mut out,
        "vpc_id",
        "string",
        "The runner's VPC",
        args.vpc_id.as_deref().map(hcl_string),
    );
    if needs(catalog::EndpointType::Interface) {
        var(
            &mut out,
            "subnet_ids",
            "list(string)",
            "Subnets for interface endpoints, one per AZ",
            (!args.subnets.is_empty()).then(|| hcl_list(&args.subnets)),
        );
        var(
            &mut out,
            "security_group_ids",
            "list(string)",
            "Security groups of interface endpoints: they must allow inbound TCP 443 from the runner's tasks",
            (!args.security_groups.is_empty()).then(|| hcl_list(&args.security_groups)),
        );
    }
    if needs(catalog::EndpointType::Gateway) {
        var(
            &mut out,
            "route_table_ids",
            "list(string)",
            "Route tables of the runner's subnets, for gateway endpoints",
            (!args.route_tables.is_empty()).then(|| hcl_list(&args.route_tables)),
        );
    }
    for s in endpoints {
        out.push_str(&format!("# {} ({}): {}\n", s.name, s.id, s.purpose));
        if let Some(note) = s.note {
            out.push_str(&format!("# note: {note}\n"));
        }
        let service_region = match s.availability(region) {
            Availability::InRegion => None,
            Availability::CrossRegion { service_region } => Some(service_region),
            Availability::ControlPlaneRegionOnly { region: home } => {
                out.push_str(&format!(
                    "# Not created here: {} can only be created in {home}; reach it through a transit gateway or peering to a VPC in {home} that has it.\n\n",
                    s.service_name(region)
                ));
                continue;
            }
            Availability::NotInPartition => {
                out.push_str(&format!(
                    "# Not offered in the {} partition.\n\n",
                    region.partition()
                ));
                continue;
            }
        };
        out.push_str(&format!(
            "resource \"aws_vpc_endpoint\" \"{}\" {{\n",
            tf_name(s.id)
        ));
        out.push_str(&tf_attr("vpc_id", "var.vpc_id"));
        out.push_str(&tf_attr(
            "service_name",
            &hcl_string(&s.service_name(region)),
        ));
        out.push_str(&tf_attr(
            "vpc_endpoint_type",
            &hcl_string(s.endpoint_type.aws_name()),
        ));
        match s.endpoint_type {
            catalog::EndpointType::Interface => {
                out.push_str(&tf_attr("subnet_ids", "var.subnet_ids"));
                out.push_str(&tf_attr("security_group_ids", "var.security_group_ids"));
                out.push_str(&tf_attr("private_dns_enabled", "true"));
            }
            catalog::EndpointType::Gateway => {
                out.push_str(&tf_attr("route_table_ids", "var.route_table_ids"))
            }
        }
        if let Some(sr) = service_region {
            out.push_str(&format!(
                "  # A cross-region endpoint (AWS provider 6.x); in {sr} itself leave service_region out.\n{}", tf_attr("service_region", &hcl_string(sr))
            ));
        }
        out.push_str(&format!(
            "  tags = {{\n    Name = {}\n  }}\n}}\n\n",
            hcl_string(&format!("netready-{}", s.id))
        ));
    }
    out
}

/// Whether the endpoint can be created from `region` at all.
fn creatable(s: &Service, region: &Region) -> bool {
    matches!(
        s.availability(region),
        Availability::InRegion | Availability::CrossRegion { .. }
    )
}

/// Renders the profile's endpoints as a CloudFormation template (JSON, so
/// every value is escaped by construction), with parameters for the VPC,
/// subnets, security groups and route tables (defaulting to the flags).
pub fn cloudformation(region: &Region, profile: Profile, args: &CatalogArgs) -> String {
    use serde_json::{Map, Value, json};
    let endpoints: Vec<&Service> = catalog::endpoints(profile)
        .filter(|s| creatable(s, region))
        .collect();
    let has = |t: catalog::EndpointType| endpoints.iter().any(|s| s.endpoint_type == t);
    let mut params = Map::new();
    let param = |params: &mut Map<String, Value>,
                 name: &str,
                 ty: &str,
                 desc: &str,
                 default: Option<String>| {
        let mut p = json!({"Type": ty, "Description": desc});
        if let Some(d) = default {
            p["Default"] = Value::String(d);
        }
        params.insert(name.to_owned(), p);
    };
    param(
        &mut params,
        "VpcId",
        "AWS::EC2::VPC::Id",
        "The runner's VPC",
        args.vpc_id.clone(),
    );
    if has(catalog::EndpointType::Interface) {
        param(
            &mut params,
            "SubnetIds",
            "List<AWS::EC2::Subnet::Id>",
            "Subnets for interface endpoints, one per AZ",
            (!args.subnets.is_empty()).then(|| args.subnets.join(",")),
        );
        param(
            &mut params,
            "SecurityGroupIds",
            "List<AWS::EC2::SecurityGroup::Id>",
            "Security groups of interface endpoints: they must allow inbound TCP 443 from the runner's tasks",
            (!args.security_groups.is_empty()).then(|| args.security_groups.join(",")),
        );
    }
    if has(catalog::EndpointType::Gateway) {
        param(
            &mut params,
            "RouteTableIds",
            "CommaDelimitedList",
            "Route tables of the runner's subnets, for gateway endpoints",
            (!args.route_tables.is_empty()).then(|| args.route_tables.join(",")),
        );
    }
    let mut resources = Map::new();
    for s in &endpoints {
        let mut props = json!({
            "VpcId": {"Ref": "VpcId"},
            "ServiceName": s.service_name(region),
            "VpcEndpointType": s.endpoint_type.aws_name(),
        });
        match s.endpoint_type {
            catalog::EndpointType::Interface => {
                props["SubnetIds"] = json!({"Ref": "SubnetIds"});
                props["SecurityGroupIds"] = json!({"Ref": "SecurityGroupIds"});
                props["PrivateDnsEnabled"] = Value::Bool(true);
            }
            catalog::EndpointType::Gateway => {
                props["RouteTableIds"] = json!({"Ref": "RouteTableIds"})
            }
        }
        if let Availability::CrossRegion { service_region } = s.availability(region) {
            props["ServiceRegion"] = Value::String(service_region.to_owned());
        }
        resources.insert(
            cfn_name(s.id),
            json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": props}),
        );
    }
    let skipped: Vec<String> = catalog::endpoints(profile)
        .filter(|s| !creatable(s, region))
        .map(|s| format!("{} ({})", s.id, s.service_name(region)))
        .collect();
    let mut description = format!(
        "VPC endpoints for the {profile} profile in {region}, generated by netready catalog --format cloudformation. Interface endpoints cost about $7.20 a month per endpoint per AZ plus data processing; gateway endpoints are free."
    );
    if !skipped.is_empty() {
        description.push_str(&format!(
            " Not creatable from {region} (reach them through a transit gateway or peering): {}.",
            skipped.join(", ")
        ));
    }
    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": description,
        "Parameters": params,
        "Resources": resources,
    });
    let mut s = serde_json::to_string_pretty(&template)
        .expect("template JSON: plain values always serialise");
    s.push('\n');
    s
}
