//! `netready catalog`: the endpoints a profile needs in a region, as a table,
//! as JSON, or as commands that create them.
//!
//! Guarantees: every value printed comes from `netready-core`'s catalog (the
//! Terraform and CloudFormation forms from `netready_core::iac`); an
//! unknown region or profile is a usage error (exit 2) naming what was
//! expected. A region this release does not know but that is well-formed is
//! accepted with a warning on standard error.

use crate::cli::{CliResult, UsageError};
use clap::ValueEnum;
use netready_core::catalog::{
    self, AccountId, Availability, EndpointUse, Profile, Region, Service,
};
use netready_core::commands::{self, EndpointPlacement, FixFormat};
use netready_core::iac;
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
    let placement = || EndpointPlacement {
        vpc_id: args.vpc_id.clone(),
        subnet_ids: args.subnets.clone(),
        security_group_ids: args.security_groups.clone(),
        route_table_ids: args.route_tables.clone(),
    };
    match args.format {
        CatalogFormat::Terraform => iac::terraform(region, profile, &placement()),
        CatalogFormat::Cloudformation => iac::cloudformation(region, profile, &placement()),
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
            let placement = placement();
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
