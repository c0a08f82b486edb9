//! The probe's context: region, ECR account, public IP, VPC CIDRs and DNS
//! resolvers, each with where it came from (core's [`ProbeContext`]).
//!
//! Order of sources, per value:
//! * region and ECR account: the flags, else (region only) `AWS_REGION`, else
//!   `AWS_DEFAULT_REGION` (what the runner's own SDK calls use; ECS sets
//!   both to the task's region), else ECS task metadata v4 (the task
//!   ARN `arn:PARTITION:ecs:REGION:ACCOUNT:task/…` holds both), else EC2
//!   instance metadata (IMDSv2: `placement/region` and the identity
//!   document's `accountId`);
//! * public IP: `--public-ip yes|no`; with `auto`, instance metadata's
//!   `public-ipv4` (present: yes, absent: no); without instance metadata,
//!   unknown (ECS task metadata does not say); and unknown too in an ECS task
//!   whose network mode is `awsvpc` (or not given): its traffic leaves through
//!   the task's own network interface, so the instance's public address says
//!   nothing about it;
//! * VPC CIDRs: `--vpc-cidr`, else instance metadata
//!   (`network/interfaces/macs/<mac>/vpc-ipv4-cidr-blocks` and
//!   `vpc-ipv6-cidr-blocks`);
//! * resolvers: `--dns-server`, else `/etc/resolv.conf`'s first three
//!   `nameserver`s, as the C library uses them (a warning names the rest);
//! * availability zone: ECS task metadata's `AvailabilityZone` (Fargate),
//!   else instance metadata's `placement/availability-zone` (a task's
//!   network interface is always in its instance's zone);
//! * VPC: ECS task metadata's `VPCID` (EC2 container instances), else
//!   instance metadata (`network/interfaces/macs/<mac>/vpc-id`);
//! * subnet: instance metadata (`network/interfaces/macs/<mac>/subnet-id`),
//!   but not in an `awsvpc` ECS task, whose interface is not the
//!   instance's; ECS task metadata does not name it. Subnet, VPC and zone
//!   are read whenever instance metadata is asked anyway, or when
//!   [`ContextFlags::placement`] wants them.
//!
//! Guarantees: instance metadata is not asked when
//! `AWS_EC2_METADATA_DISABLED=true` or when nothing is missing; each
//! metadata request has a short deadline ([`ECS_DEADLINE`],
//! [`IMDS_DEADLINE`]) and none outlives the caller's deadline for the whole
//! gathering, so a metadata service that accepts and never answers costs at
//! most that; a value a metadata service (or the environment) gives that
//! does not parse is ignored with a note, never trusted.
//!
//! Not done here: deciding anything from the context (core does).

use super::dns::{interface_index, parse_resolv_conf};
use super::metadata::{self, EcsNetworkMode, Imds, MetadataError};
use netready_core::catalog::{AccountId, Region};
use netready_core::commands::is_vpc_id;
use netready_core::metadata::{is_availability_zone, is_subnet_id};
use netready_core::net::Cidr;
use netready_core::report::{ProbeContext, Source, Sourced};
use netready_core::rules::PublicIp;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::time::Instant;

/// Deadline for the ECS task metadata request.
pub const ECS_DEADLINE: Duration = Duration::from_millis(500);

/// Deadline for each instance metadata request (on EC2 they take about a
/// millisecond; off AWS the token request is the only one made).
pub const IMDS_DEADLINE: Duration = Duration::from_millis(300);

/// `--public-ip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PublicIpSetting {
    /// `yes`: the task has a public IP.
    Assigned,
    /// `no`: it has none.
    NotAssigned,
    /// `auto`: ask instance metadata where there is one, else unknown.
    #[default]
    Detect,
}

/// What the flags say.
#[derive(Debug, Clone, Default)]
pub struct ContextFlags {
    /// `--region`.
    pub region: Option<Region>,
    /// `--ecr-account`.
    pub ecr_account: Option<AccountId>,
    /// `--public-ip`.
    pub public_ip: PublicIpSetting,
    /// `--vpc-cidr`.
    pub vpc_cidrs: Vec<Cidr>,
    /// `--dns-server`.
    pub dns_servers: Vec<SocketAddr>,
    /// Whether the subnet, VPC and availability zone are wanted (`--expect`
    /// compares with one subnet of a validate report): then instance
    /// metadata is asked for them even when no other value is missing.
    pub placement: bool,
}

/// Where the metadata services and resolv.conf are (from the environment,
/// or set by tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// `ECS_CONTAINER_METADATA_URI_V4`.
    pub ecs_metadata_uri: Option<String>,
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else the default.
    pub imds_endpoint: String,
    /// `AWS_EC2_METADATA_DISABLED=true`.
    pub imds_disabled: bool,
    /// `/etc/resolv.conf`.
    pub resolv_conf: PathBuf,
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, with the variable's name.
    pub aws_region: Option<(&'static str, String)>,
}

impl Environment {
    /// Reads the process environment.
    pub fn from_process() -> Environment {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Environment {
            ecs_metadata_uri: var("ECS_CONTAINER_METADATA_URI_V4"),
            imds_endpoint: var("AWS_EC2_METADATA_SERVICE_ENDPOINT")
                .unwrap_or_else(|| metadata::IMDS_DEFAULT_ENDPOINT.to_owned()),
            imds_disabled: var("AWS_EC2_METADATA_DISABLED")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
            resolv_conf: PathBuf::from("/etc/resolv.conf"),
            aws_region: ["AWS_REGION", "AWS_DEFAULT_REGION"]
                .into_iter()
                .find_map(|k| var(k).map(|v| (k, v))),
        }
    }
}

/// The gathered context, with the parsed region and account for building
/// host names, and notes for standard error.
#[derive(Debug, Clone)]
pub struct Gathered {
    /// For the report.
    pub context: ProbeContext,
    /// The region, when known.
    pub region: Option<Region>,
    /// The ECR account, when known.
    pub ecr_account: Option<AccountId>,
    /// The resolvers to query.
    pub resolvers: Vec<SocketAddr>,
    /// What went wrong on the way (metadata unreachable, unparsable values).
    pub notes: Vec<String>,
    /// What people must be told (standard error): resolv.conf's name
    /// servers past the third, which the probe ignores like the C library,
    /// and zones that name no interface.
    pub warnings: Vec<String>,
}

/// Gathers the context; every metadata request ends by `deadline`.
pub async fn gather(flags: &ContextFlags, env: &Environment, deadline: Instant) -> Gathered {
    let mut notes = Vec::new();
    let mut region = flags.region.clone().map(|r| (r, Source::Flag));
    let mut account = flags.ecr_account.clone().map(|a| (a, Source::Flag));
    let by = |each: Duration| capped(each, deadline);

    if region.is_none()
        && let Some((var, value)) = &env.aws_region
    {
        match Region::parse(value.trim()) {
            Ok(r) => region = Some((r, Source::Environment)),
            Err(e) => notes.push(format!("{var} {value:?}: {e}")),
        }
    }

    // In an ECS task, instance metadata describes the instance, which is the
    // task's network only in bridge and host mode.
    let mut instance_is_task_network = true;
    let mut zone: Option<(String, Source)> = None;
    let mut vpc_id: Option<(String, Source)> = None;
    if (region.is_none() || account.is_none() || flags.public_ip == PublicIpSetting::Detect)
        && let Some(uri) = &env.ecs_metadata_uri
    {
        match metadata::ecs_task(uri, by(ECS_DEADLINE)).await {
            Ok(task) => {
                instance_is_task_network = matches!(
                    task.network_mode,
                    EcsNetworkMode::Bridge | EcsNetworkMode::Host
                );
                zone = task.availability_zone.map(|z| (z, Source::EcsMetadata));
                vpc_id = task.vpc_id.map(|v| (v, Source::EcsMetadata));
                let arn = task.arn;
                if region.is_none() {
                    match Region::parse(&arn.region) {
                        Ok(r) => region = Some((r, Source::EcsMetadata)),
                        Err(e) => {
                            notes.push(format!("ECS task metadata: region {:?}: {e}", arn.region))
                        }
                    }
                }
                if account.is_none() {
                    match arn.account.parse::<AccountId>() {
                        Ok(a) => account = Some((a, Source::EcsMetadata)),
                        Err(e) => {
                            notes.push(format!("ECS task metadata: account {:?}: {e}", arn.account))
                        }
                    }
                }
            }
            Err(e) => {
                // Whether this is an awsvpc task cannot be told: do not
                // trust the instance's public address for it.
                instance_is_task_network = false;
                notes.push(format!("ECS task metadata ({uri}/task): {e}"))
            }
        }
    }

    let wants_imds = region.is_none()
        || account.is_none()
        || flags.public_ip == PublicIpSetting::Detect
        || flags.vpc_cidrs.is_empty()
        || flags.placement;
    let imds = if wants_imds && !env.imds_disabled {
        match Imds::connect(&env.imds_endpoint, by(IMDS_DEADLINE)).await {
            Ok(s) => Some(s),
            Err(e) => {
                notes.push(format!(
                    "EC2 instance metadata ({}): {e}",
                    env.imds_endpoint
                ));
                None
            }
        }
    } else {
        None
    };
    let get = |path: &str| imds_get(imds.as_ref(), path.to_owned(), by(IMDS_DEADLINE));

    if imds.is_some() && region.is_none() {
        match get("/latest/meta-data/placement/region").await {
            Ok(Some(r)) => match Region::parse(&r) {
                Ok(r) => region = Some((r, Source::InstanceMetadata)),
                Err(e) => notes.push(format!("instance metadata: region {r:?}: {e}")),
            },
            Ok(None) => {}
            Err(e) => notes.push(format!("instance metadata: region: {e}")),
        }
    }
    if imds.is_some() && account.is_none() {
        match get("/latest/dynamic/instance-identity/document").await {
            Ok(Some(doc)) => {
                let id = netready_core::metadata::identity_account(doc.as_bytes());
                match id.as_deref().map(str::parse::<AccountId>) {
                    Some(Ok(a)) => account = Some((a, Source::InstanceMetadata)),
                    Some(Err(e)) => notes.push(format!("instance metadata: accountId: {e}")),
                    None => notes
                        .push("instance metadata: the identity document has no accountId".into()),
                }
            }
            Ok(None) => {}
            Err(e) => notes.push(format!("instance metadata: identity document: {e}")),
        }
    }

    let public_ip = match flags.public_ip {
        PublicIpSetting::Assigned => Sourced {
            value: PublicIp::Assigned,
            source: Source::Flag,
        },
        PublicIpSetting::NotAssigned => Sourced {
            value: PublicIp::NotAssigned,
            source: Source::Flag,
        },
        PublicIpSetting::Detect if imds.is_some() && !instance_is_task_network => {
            notes.push(
                "public IP unknown: in an awsvpc ECS task the instance's public address is not the task's; give --public-ip yes|no".into(),
            );
            Sourced {
                value: PublicIp::Unknown,
                source: Source::Unknown,
            }
        }
        PublicIpSetting::Detect if imds.is_some() => {
            match get("/latest/meta-data/public-ipv4").await {
                Ok(Some(ip)) if ip.parse::<std::net::Ipv4Addr>().is_ok() => Sourced {
                    value: PublicIp::Assigned,
                    source: Source::InstanceMetadata,
                },
                Ok(None) => Sourced {
                    value: PublicIp::NotAssigned,
                    source: Source::InstanceMetadata,
                },
                Ok(Some(other)) => {
                    notes.push(format!(
                        "instance metadata: public-ipv4 {other:?} is not an IPv4 address"
                    ));
                    Sourced {
                        value: PublicIp::Unknown,
                        source: Source::Unknown,
                    }
                }
                Err(e) => {
                    notes.push(format!("instance metadata: public-ipv4: {e}"));
                    Sourced {
                        value: PublicIp::Unknown,
                        source: Source::Unknown,
                    }
                }
            }
        }
        PublicIpSetting::Detect => Sourced {
            value: PublicIp::Unknown,
            source: Source::Unknown,
        },
    };

    let vpc_cidrs = if !flags.vpc_cidrs.is_empty() {
        Sourced {
            value: flags.vpc_cidrs.clone(),
            source: Source::Flag,
        }
    } else if imds.is_some() {
        match imds_vpc_cidrs(imds.as_ref(), &mut notes, deadline).await {
            Some(c) if !c.is_empty() => Sourced {
                value: c,
                source: Source::InstanceMetadata,
            },
            _ => Sourced {
                value: Vec::new(),
                source: Source::Unknown,
            },
        }
    } else {
        Sourced {
            value: Vec::new(),
            source: Source::Unknown,
        }
    };

    let mut subnet_id: Option<(String, Source)> = None;
    if imds.is_some() {
        let region_name = region.as_ref().map(|(r, _)| r.name().to_owned());
        if zone.is_none() {
            match get("/latest/meta-data/placement/availability-zone").await {
                Ok(Some(z))
                    if region_name
                        .as_deref()
                        .is_some_and(|r| is_availability_zone(&z, r)) =>
                {
                    zone = Some((z, Source::InstanceMetadata))
                }
                Ok(Some(z)) => notes.push(format!(
                    "instance metadata: availability zone {z:?} is not a zone of the region"
                )),
                Ok(None) => {}
                Err(e) => notes.push(format!("instance metadata: availability zone: {e}")),
            }
        }
        if let Some(mac) = imds_mac(imds.as_ref(), &mut notes, deadline).await {
            let interface = |key: &str| {
                imds_get(
                    imds.as_ref(),
                    format!("/latest/meta-data/network/interfaces/macs/{mac}/{key}"),
                    by(IMDS_DEADLINE),
                )
            };
            if vpc_id.is_none() {
                match interface("vpc-id").await {
                    Ok(Some(v)) if is_vpc_id(&v) => vpc_id = Some((v, Source::InstanceMetadata)),
                    Ok(Some(v)) => {
                        notes.push(format!("instance metadata: vpc-id {v:?} is not a VPC id"))
                    }
                    Ok(None) => {}
                    Err(e) => notes.push(format!("instance metadata: vpc-id: {e}")),
                }
            }
            // An awsvpc task's traffic leaves through its own interface, in a
            // subnet the instance's metadata does not name.
            if instance_is_task_network {
                match interface("subnet-id").await {
                    Ok(Some(v)) if is_subnet_id(&v) => {
                        subnet_id = Some((v, Source::InstanceMetadata))
                    }
                    Ok(Some(v)) => notes.push(format!(
                        "instance metadata: subnet-id {v:?} is not a subnet id"
                    )),
                    Ok(None) => {}
                    Err(e) => notes.push(format!("instance metadata: subnet-id: {e}")),
                }
            }
        }
    }
    let sourced = |v: Option<(String, Source)>| match v {
        Some((value, source)) => Sourced {
            value: Some(value),
            source,
        },
        None => Sourced::unknown(),
    };

    let mut warnings = Vec::new();
    let (resolvers, resolver_source) =
        if !flags.dns_servers.is_empty() {
            (flags.dns_servers.clone(), Source::Flag)
        } else {
            match std::fs::read_to_string(&env.resolv_conf) {
                Ok(text) => {
                    let conf = parse_resolv_conf(&text, &interface_index);
                    warnings.extend(conf.warnings().into_iter().map(|w| {
                        w.replacen("resolv.conf", &env.resolv_conf.display().to_string(), 1)
                    }));
                    (conf.servers, Source::ResolvConf)
                }
                Err(e) => {
                    notes.push(format!("{}: {e}", env.resolv_conf.display()));
                    (Vec::new(), Source::Unknown)
                }
            }
        };

    let context = ProbeContext {
        region: Sourced {
            value: region.as_ref().map(|(r, _)| r.name().to_owned()),
            source: region.as_ref().map_or(Source::Unknown, |(_, s)| *s),
        },
        ecr_account: Sourced {
            value: account.as_ref().map(|(a, _)| a.as_str().to_owned()),
            source: account.as_ref().map_or(Source::Unknown, |(_, s)| *s),
        },
        public_ip,
        vpc_cidrs,
        resolvers: Sourced {
            value: resolvers.iter().map(ToString::to_string).collect(),
            source: resolver_source,
        },
        subnet_id: sourced(subnet_id),
        vpc_id: sourced(vpc_id),
        availability_zone: sourced(zone),
    };
    Gathered {
        context,
        region: region.map(|(r, _)| r),
        ecr_account: account.map(|(a, _)| a),
        resolvers,
        notes,
        warnings,
    }
}

/// The deadline of one metadata request: `each` from now, never past the
/// caller's `deadline`.
fn capped(each: Duration, deadline: Instant) -> Instant {
    (Instant::now() + each).min(deadline)
}

async fn imds_get(
    imds: Option<&Imds>,
    path: String,
    deadline: Instant,
) -> Result<Option<String>, MetadataError> {
    match imds {
        Some(s) => s.get(&path, deadline).await,
        None => Err(MetadataError::Io("no instance metadata".into())),
    }
}

/// The primary interface's MAC address, when it looks like one (it goes
/// into the next requests' paths).
async fn imds_mac(
    imds: Option<&Imds>,
    notes: &mut Vec<String>,
    deadline: Instant,
) -> Option<String> {
    match imds_get(
        imds,
        "/latest/meta-data/mac".into(),
        capped(IMDS_DEADLINE, deadline),
    )
    .await
    {
        Ok(Some(m)) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') => {
            Some(m)
        }
        Ok(_) => None,
        Err(e) => {
            notes.push(format!("instance metadata: mac: {e}"));
            None
        }
    }
}

async fn imds_vpc_cidrs(
    imds: Option<&Imds>,
    notes: &mut Vec<String>,
    deadline: Instant,
) -> Option<Vec<Cidr>> {
    let by = || capped(IMDS_DEADLINE, deadline);
    let mac = imds_mac(imds, notes, deadline).await?;
    let mut cidrs = Vec::new();
    for family in ["vpc-ipv4-cidr-blocks", "vpc-ipv6-cidr-blocks"] {
        let path = format!("/latest/meta-data/network/interfaces/macs/{mac}/{family}");
        let text = match imds_get(imds, path, by()).await {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(e) => {
                notes.push(format!("instance metadata: {family}: {e}"));
                continue;
            }
        };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.parse::<Cidr>() {
                Ok(c) => cidrs.push(c),
                Err(e) => notes.push(format!("instance metadata: {family}: {line:?}: {e}")),
            }
        }
    }
    Some(cidrs)
}
