//! The endpoint catalog: partitions, regions, the AWS services a runner
//! needs, their host names and VPC endpoint service names, and the profiles.
//!
//! Guarantees:
//! * a [`Region`] is always well-formed and knows its [`Partition`] (inferred
//!   from its name: `cn-*`, `us-gov-*`, `us-iso-*`, …); regions AWS has not
//!   announced yet are accepted when well-formed and flagged as not known;
//! * every host this module builds is a valid DNS name under the partition's
//!   DNS suffix (property-tested for every known region);
//! * VPC endpoint service names are built from data: the per-region list of
//!   services whose name starts `cn.com.amazonaws.` (China) or another
//!   partition prefix is a table ([`SERVICE_NAME_PREFIX_EXCEPTIONS`]), not
//!   code; a service name parses back to its prefix, region and service.
//!
//! Not done here: deciding whether an endpoint is reachable (see
//! [`crate::rules`]) or rendering commands (see [`crate::commands`]).

use crate::net::is_valid_dns_name;
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;
use core::str::FromStr;

/// An AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum Partition {
    /// The commercial partition, `amazonaws.com`.
    Aws,
    /// China, `amazonaws.com.cn`.
    AwsCn,
    /// GovCloud (US), `amazonaws.com`.
    AwsUsGov,
    /// US ISO East/West, `c2s.ic.gov`.
    AwsIso,
    /// US ISOB, `sc2s.sgov.gov`.
    AwsIsoB,
    /// EU ISOE, `cloud.adc-e.uk`.
    AwsIsoE,
    /// US ISOF, `csp.hci.ic.gov`.
    AwsIsoF,
    /// European Sovereign Cloud, `amazonaws.eu`.
    AwsEusc,
}

impl Partition {
    /// Every partition, in a stable order.
    pub const ALL: [Partition; 8] = [
        Partition::Aws,
        Partition::AwsCn,
        Partition::AwsUsGov,
        Partition::AwsIso,
        Partition::AwsIsoB,
        Partition::AwsIsoE,
        Partition::AwsIsoF,
        Partition::AwsEusc,
    ];

    /// The partition's id as in ARNs: `aws`, `aws-cn`, …
    pub const fn id(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
            Partition::AwsIsoE => "aws-iso-e",
            Partition::AwsIsoF => "aws-iso-f",
            Partition::AwsEusc => "aws-eusc",
        }
    }

    /// The DNS suffix of the partition's service endpoints.
    pub const fn dns_suffix(self) -> &'static str {
        match self {
            Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
            Partition::AwsCn => "amazonaws.com.cn",
            Partition::AwsIso => "c2s.ic.gov",
            Partition::AwsIsoB => "sc2s.sgov.gov",
            Partition::AwsIsoE => "cloud.adc-e.uk",
            Partition::AwsIsoF => "csp.hci.ic.gov",
            Partition::AwsEusc => "amazonaws.eu",
        }
    }

    /// The regions of this partition known to this release.
    pub const fn regions(self) -> &'static [&'static str] {
        match self {
            Partition::Aws => &[
                "us-east-1",
                "us-east-2",
                "us-west-1",
                "us-west-2",
                "af-south-1",
                "ap-east-1",
                "ap-east-2",
                "ap-south-1",
                "ap-south-2",
                "ap-northeast-1",
                "ap-northeast-2",
                "ap-northeast-3",
                "ap-southeast-1",
                "ap-southeast-2",
                "ap-southeast-3",
                "ap-southeast-4",
                "ap-southeast-5",
                "ap-southeast-6",
                "ap-southeast-7",
                "ca-central-1",
                "ca-west-1",
                "eu-central-1",
                "eu-central-2",
                "eu-west-1",
                "eu-west-2",
                "eu-west-3",
                "eu-south-1",
                "eu-south-2",
                "eu-north-1",
                "il-central-1",
                "me-south-1",
                "me-central-1",
                "mx-central-1",
                "sa-east-1",
            ],
            Partition::AwsCn => &["cn-north-1", "cn-northwest-1"],
            Partition::AwsUsGov => &["us-gov-west-1", "us-gov-east-1"],
            Partition::AwsIso => &["us-iso-east-1", "us-iso-west-1"],
            Partition::AwsIsoB => &["us-isob-east-1", "us-isob-west-1"],
            Partition::AwsIsoE => &["eu-isoe-west-1"],
            Partition::AwsIsoF => &["us-isof-south-1", "us-isof-east-1"],
            Partition::AwsEusc => &["eusc-de-east-1"],
        }
    }

    /// The partition a region name belongs to, from its prefix.
    fn of_region_name(name: &str) -> Partition {
        // Longest prefixes first: "us-isob-" must not be taken for "us-iso-".
        const PREFIXES: [(&str, Partition); 7] = [
            ("us-isob-", Partition::AwsIsoB),
            ("us-isof-", Partition::AwsIsoF),
            ("us-iso-", Partition::AwsIso),
            ("eu-isoe-", Partition::AwsIsoE),
            ("us-gov-", Partition::AwsUsGov),
            ("eusc-", Partition::AwsEusc),
            ("cn-", Partition::AwsCn),
        ];
        PREFIXES
            .iter()
            .find(|(p, _)| name.starts_with(p))
            .map_or(Partition::Aws, |(_, part)| *part)
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An AWS region, well-formed, with its partition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region {
    name: String,
    partition: Partition,
}

/// Why a region name was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegionError {
    /// Not of the form `area-direction-N` in lower case (e.g. `eu-west-1`).
    Malformed,
    /// Well-formed, but its first part is no AWS geographic area.
    UnknownArea,
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RegionError::Malformed => {
                "expected an AWS region name such as us-east-1, eu-west-1 or cn-north-1"
            }
            RegionError::UnknownArea => {
                "no AWS region starts like that (known areas: us, eu, ap, sa, ca, me, af, il, mx, cn, eusc)"
            }
        })
    }
}

impl core::error::Error for RegionError {}

const AREAS: [&str; 11] = [
    "us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "eusc",
];

impl Region {
    /// Parses and validates a region name.
    pub fn parse(name: &str) -> Result<Region, RegionError> {
        let name = name.trim();
        let mut parts = name.split('-');
        let area = parts.next().ok_or(RegionError::Malformed)?;
        let rest: alloc::vec::Vec<&str> = parts.collect();
        let well_formed = name.len() <= 32
            && rest.len() >= 2
            && rest[..rest.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && rest.last().is_some_and(|n| {
                (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
            })
            && !area.is_empty()
            && area.bytes().all(|b| b.is_ascii_lowercase());
        if !well_formed {
            return Err(RegionError::Malformed);
        }
        if !AREAS.contains(&area) {
            return Err(RegionError::UnknownArea);
        }
        Ok(Region {
            name: name.to_owned(),
            partition: Partition::of_region_name(name),
        })
    }

    /// The region's name, e.g. `eu-west-1`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The partition the region belongs to.
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// Whether this release knows the region (it may be newer than this
    /// release: then names are built by the partition's usual pattern).
    pub fn is_known(&self) -> bool {
        self.partition.regions().contains(&self.name.as_str())
    }

    /// Every region known to this release, partition by partition.
    pub fn all_known() -> impl Iterator<Item = Region> {
        Partition::ALL.into_iter().flat_map(|p| {
            p.regions().iter().map(move |r| Region {
                name: (*r).to_owned(),
                partition: p,
            })
        })
    }
}

impl FromStr for Region {
    type Err = RegionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::parse(s)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A 12-digit AWS account id (for `<account>.dkr.ecr.<region>…`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountId(String);

/// Why an account id was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountIdError {
    /// Not exactly twelve digits.
    NotTwelveDigits,
}

impl fmt::Display for AccountIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an AWS account id is exactly 12 digits, e.g. 123456789012")
    }
}

impl core::error::Error for AccountIdError {}

impl FromStr for AccountId {
    type Err = AccountIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AccountId(s.to_owned()))
        } else {
            Err(AccountIdError::NotTwelveDigits)
        }
    }
}

impl AccountId {
    /// The twelve digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A named set of endpoints to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Profile {
    /// The five endpoints the runner dials directly (plus the ECR layer bucket).
    #[default]
    Runner,
    /// Everything a VPC without internet egress needs: all interface and
    /// gateway endpoints of the runner stack and the management plane.
    Private,
}

impl Profile {
    /// Both profiles.
    pub const ALL: [Profile; 2] = [Profile::Runner, Profile::Private];

    /// The profile's name on the command line and in reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Profile::Runner => "runner",
            Profile::Private => "private",
        }
    }

    const fn bit(self) -> u8 {
        match self {
            Profile::Runner => RUNNER,
            Profile::Private => PRIVATE,
        }
    }
}

/// Why a profile name was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileError {
    /// Neither `runner` nor `private`.
    Unknown,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected a profile: runner or private")
    }
}

impl core::error::Error for ProfileError {}

impl FromStr for Profile {
    type Err = ProfileError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "runner" => Ok(Profile::Runner),
            "private" => Ok(Profile::Private),
            _ => Err(ProfileError::Unknown),
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of VPC endpoint that serves a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum EndpointType {
    /// An interface endpoint (PrivateLink): network interfaces with private
    /// addresses in chosen subnets, reached through private DNS.
    Interface,
    /// A gateway endpoint: a prefix-list route in route tables; DNS still
    /// answers public addresses.
    Gateway,
}

impl EndpointType {
    /// The name used by the AWS CLI (`--vpc-endpoint-type`).
    pub const fn aws_name(self) -> &'static str {
        match self {
            EndpointType::Interface => "Interface",
            EndpointType::Gateway => "Gateway",
        }
    }
}

const RUNNER: u8 = 1;
const PRIVATE: u8 = 2;
const BOTH: u8 = RUNNER | PRIVATE;

/// How a service's host name is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostPattern {
    /// `<label>.<region>.<suffix>`
    Regional(&'static str),
    /// `<account>.<label>.<region>.<suffix>`
    Account(&'static str),
    /// `prod-<region>-starport-layer-bucket.s3.<region>.<suffix>`
    LayerBucket,
    /// IAM's global endpoint, which differs per partition.
    Iam,
    /// A fixed host outside AWS's naming.
    Fixed(&'static str),
}

/// How a service's VPC endpoint service name is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NamePattern {
    /// `<prefix>.<region>.<service>`, prefix from the exception table.
    Regional,
    /// `com.amazonaws.<service>` (IAM), created only in the control-plane
    /// region.
    Global,
    /// A PrivateLink endpoint service in a fixed region.
    EndpointService {
        region: &'static str,
        name: &'static str,
    },
}

/// Whether this entry owns its VPC endpoint or shares another entry's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointUse {
    /// The entry's own endpoint (listed by generators).
    Own,
    /// Served by the endpoint of the entry with the same `service` listed
    /// before it (the ECR layer bucket uses the S3 gateway endpoint).
    Shared,
}

/// One host a runner reaches, and the VPC endpoint that serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// The endpoint service's suffix: `secretsmanager`, `ecr.api`, `s3`, …
    /// (`management-plane` for the runner's management plane).
    pub id: &'static str,
    /// A human name.
    pub name: &'static str,
    /// Why the runner needs it.
    pub purpose: &'static str,
    /// The kind of VPC endpoint that serves it.
    pub endpoint_type: EndpointType,
    /// Whether the entry owns its endpoint.
    pub endpoint_use: EndpointUse,
    /// A note shown with the entry, when there is something to know.
    pub note: Option<&'static str>,
    host: HostPattern,
    name_pattern: NamePattern,
    profiles: u8,
}

/// Why a host could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HostError {
    /// The host contains the account id (`<account>.dkr.ecr.<region>…`) and
    /// none was given.
    NeedsAccount,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the ECR Docker host is <account>.dkr.ecr.<region>.<suffix>; give the account with --ecr-account",
        )
    }
}

impl core::error::Error for HostError {}

/// Where the VPC endpoint for a service is created, seen from a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// In the VPC's own region.
    InRegion,
    /// A cross-region endpoint to a service in another region
    /// (`--service-region`).
    CrossRegion {
        /// Where the endpoint service lives.
        service_region: &'static str,
    },
    /// Only in the service's control-plane region; other regions reach it
    /// through a transit gateway or peering to a VPC there.
    ControlPlaneRegionOnly {
        /// The only region where the endpoint can be created.
        region: &'static str,
    },
    /// Not offered in this partition.
    NotInPartition,
}

/// The prefix of VPC endpoint service names in regions where some services
/// do not use `com.amazonaws`, as `(region, prefix, services)`.
///
/// Source: the per-region exception lists that `aws ec2
/// describe-vpc-endpoint-services` yields, as kept by the AWS CDK
/// (`getDefaultEndpointPrefix` in aws-ec2's vpc-endpoint), restricted to the
/// services in this catalog plus `s3` (whose *interface* service takes the
/// prefix; the S3 *gateway* service keeps `com.amazonaws`).
pub const SERVICE_NAME_PREFIX_EXCEPTIONS: &[(&str, &str, &[&str])] = &[
    (
        "cn-north-1",
        "cn.com.amazonaws",
        &["cloudformation", "ec2", "ecr.api", "ecr.dkr", "s3", "sts"],
    ),
    (
        "cn-northwest-1",
        "cn.com.amazonaws",
        &["cloudformation", "ec2", "ecr.api", "ecr.dkr", "s3", "sts"],
    ),
    ("eusc-de-east-1", "eu.amazonaws", &["ecr.api", "ecr.dkr"]),
    (
        "us-iso-east-1",
        "gov.ic.c2s",
        &["ec2", "ecr.api", "ecr.dkr"],
    ),
    (
        "us-iso-west-1",
        "gov.ic.c2s",
        &["ec2", "ecr.api", "ecr.dkr"],
    ),
    (
        "us-isob-east-1",
        "gov.sgov.sc2s",
        &["ec2", "ecr.api", "ecr.dkr"],
    ),
    ("us-isob-west-1", "gov.sgov.sc2s", &["ecr.api", "ecr.dkr"]),
    ("us-isof-south-1", "gov.ic.hci.csp", &["ecr.api", "ecr.dkr"]),
    ("us-isof-east-1", "gov.ic.hci.csp", &["ecr.api", "ecr.dkr"]),
    ("eu-isoe-west-1", "uk.adc-e.cloud", &["ecr.api", "ecr.dkr"]),
];

/// Every service name prefix in use.
pub const SERVICE_NAME_PREFIXES: [&str; 7] = [
    "com.amazonaws",
    "cn.com.amazonaws",
    "eu.amazonaws",
    "gov.ic.c2s",
    "gov.sgov.sc2s",
    "gov.ic.hci.csp",
    "uk.adc-e.cloud",
];

/// The management plane's PrivateLink endpoint service.
pub const MANAGEMENT_PLANE_SERVICE: &str =
    "com.amazonaws.vpce.us-east-1.vpce-svc-08de744d433e60ff2";
/// The management plane's host, which private DNS points at the endpoint.
pub const MANAGEMENT_PLANE_HOST: &str = "app.gitpod.io";

/// The endpoint service name prefix for `service` in `region`, with the
/// given endpoint type.
pub fn service_name_prefix(service: &str, region: &str, kind: EndpointType) -> &'static str {
    if kind == EndpointType::Gateway {
        return "com.amazonaws";
    }
    SERVICE_NAME_PREFIX_EXCEPTIONS
        .iter()
        .find(|(r, _, services)| *r == region && services.contains(&service))
        .map_or("com.amazonaws", |(_, prefix, _)| prefix)
}

/// The VPC endpoint service name of an AWS service in a region:
/// `com.amazonaws.eu-west-1.logs`, `cn.com.amazonaws.cn-north-1.ecr.api`, …
pub fn service_name(service: &str, region: &Region, kind: EndpointType) -> String {
    format!(
        "{}.{}.{}",
        service_name_prefix(service, region.name(), kind),
        region.name(),
        service
    )
}

/// The catalog, in report order: the runner's direct endpoints first.
pub const SERVICES: &[Service] = &[
    Service {
        id: "secretsmanager",
        name: "Secrets Manager",
        purpose: "runner token and configuration secrets",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("secretsmanager"),
        name_pattern: NamePattern::Regional,
        profiles: BOTH,
    },
    Service {
        id: "logs",
        name: "CloudWatch Logs",
        purpose: "ship runner and container logs",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("logs"),
        name_pattern: NamePattern::Regional,
        profiles: BOTH,
    },
    Service {
        id: "ecr.api",
        name: "ECR API",
        purpose: "authenticate image pulls",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("api.ecr"),
        name_pattern: NamePattern::Regional,
        profiles: BOTH,
    },
    Service {
        id: "ecr.dkr",
        name: "ECR Docker",
        purpose: "pull images",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: Some("probed as <account>.dkr.ecr.<region>…: the bare dkr.ecr name may not resolve"),
        host: HostPattern::Account("dkr.ecr"),
        name_pattern: NamePattern::Regional,
        profiles: BOTH,
    },
    Service {
        id: "s3",
        name: "S3",
        purpose: "image layers",
        endpoint_type: EndpointType::Gateway,
        endpoint_use: EndpointUse::Own,
        note: Some(
            "use the free gateway endpoint: ECR cannot pull layers through an S3 interface endpoint; with it, S3 still resolves to public addresses",
        ),
        host: HostPattern::Regional("s3"),
        name_pattern: NamePattern::Regional,
        profiles: BOTH,
    },
    Service {
        id: "s3",
        name: "S3 (ECR layer bucket)",
        purpose: "image layers, as ECR really serves them",
        endpoint_type: EndpointType::Gateway,
        endpoint_use: EndpointUse::Shared,
        note: None,
        host: HostPattern::LayerBucket,
        name_pattern: NamePattern::Regional,
        profiles: BOTH,
    },
    Service {
        id: "ec2",
        name: "EC2",
        purpose: "network interfaces and instances of environments",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("ec2"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "ssm",
        name: "SSM",
        purpose: "parameters and instance management",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("ssm"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "sts",
        name: "STS",
        purpose: "assume the runner's roles",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("sts"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "cloudformation",
        name: "CloudFormation",
        purpose: "the runner stack",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("cloudformation"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "ecs",
        name: "ECS",
        purpose: "the ECS control plane",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("ecs"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "ecs-agent",
        name: "ECS Agent",
        purpose: "the ECS agent's poll endpoint",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: Some(
            "the agent dials ecs-a-N.<region>…; ecs-a.<region>… is the zone its private DNS serves",
        ),
        host: HostPattern::Regional("ecs-a"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "ecs-telemetry",
        name: "ECS Telemetry",
        purpose: "the ECS agent's telemetry",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: Some(
            "the agent dials ecs-t-N.<region>…; ecs-t.<region>… is the zone its private DNS serves",
        ),
        host: HostPattern::Regional("ecs-t"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "ssmmessages",
        name: "SSM Messages",
        purpose: "Session Manager channels",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("ssmmessages"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "ec2messages",
        name: "EC2 Messages",
        purpose: "SSM agent messages",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("ec2messages"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "iam",
        name: "IAM",
        purpose: "roles of the runner stack",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: Some(
            "IAM's endpoint service is com.amazonaws.iam, created only in the IAM control-plane region (us-east-1 in the aws partition); other regions reach it through a transit gateway or peering",
        ),
        host: HostPattern::Iam,
        name_pattern: NamePattern::Global,
        profiles: PRIVATE,
    },
    Service {
        id: "elasticloadbalancing",
        name: "Elastic Load Balancing",
        purpose: "the runner's load balancers",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("elasticloadbalancing"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "acm",
        name: "ACM",
        purpose: "certificates",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("acm"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "dynamodb",
        name: "DynamoDB",
        purpose: "runner state",
        endpoint_type: EndpointType::Gateway,
        endpoint_use: EndpointUse::Own,
        note: None,
        host: HostPattern::Regional("dynamodb"),
        name_pattern: NamePattern::Regional,
        profiles: PRIVATE,
    },
    Service {
        id: "management-plane",
        name: "Management plane",
        purpose: "the runner's management plane (app.gitpod.io) over PrivateLink",
        endpoint_type: EndpointType::Interface,
        endpoint_use: EndpointUse::Own,
        note: Some(
            "private DNS makes app.gitpod.io resolve to the endpoint; from regions other than us-east-1 it is a cross-region endpoint, and in us-east-1 cross-region support must stay off",
        ),
        host: HostPattern::Fixed(MANAGEMENT_PLANE_HOST),
        name_pattern: NamePattern::EndpointService {
            region: "us-east-1",
            name: MANAGEMENT_PLANE_SERVICE,
        },
        profiles: PRIVATE,
    },
];

impl Service {
    /// Whether the profile includes this entry.
    pub fn in_profile(&self, profile: Profile) -> bool {
        self.profiles & profile.bit() != 0
    }

    /// The host name to resolve and dial in `region`.
    pub fn host(&self, region: &Region, account: Option<&AccountId>) -> Result<String, HostError> {
        let r = region.name();
        let suffix = region.partition().dns_suffix();
        Ok(match self.host {
            HostPattern::Regional(label) => format!("{label}.{r}.{suffix}"),
            HostPattern::Account(label) => {
                let account = account.ok_or(HostError::NeedsAccount)?;
                format!("{account}.{label}.{r}.{suffix}")
            }
            HostPattern::LayerBucket => format!("prod-{r}-starport-layer-bucket.s3.{r}.{suffix}"),
            HostPattern::Iam => match region.partition() {
                Partition::Aws => "iam.amazonaws.com".to_owned(),
                Partition::AwsUsGov => "iam.us-gov.amazonaws.com".to_owned(),
                Partition::AwsCn => "iam.cn-north-1.amazonaws.com.cn".to_owned(),
                _ => format!("iam.{r}.{suffix}"),
            },
            HostPattern::Fixed(host) => host.to_owned(),
        })
    }

    /// The host with `<account>` standing for a missing account id, for display.
    pub fn host_template(&self, region: &Region) -> String {
        match self.host(region, None) {
            Ok(h) => h,
            Err(HostError::NeedsAccount) => {
                let HostPattern::Account(label) = self.host else {
                    // Only account hosts can lack an account.
                    return String::new();
                };
                format!(
                    "<account>.{label}.{}.{}",
                    region.name(),
                    region.partition().dns_suffix()
                )
            }
        }
    }

    /// The VPC endpoint service name to create in (or for) `region`.
    pub fn service_name(&self, region: &Region) -> String {
        match self.name_pattern {
            NamePattern::Regional => service_name(self.id, region, self.endpoint_type),
            NamePattern::Global => format!("com.amazonaws.{}", self.id),
            NamePattern::EndpointService { name, .. } => name.to_owned(),
        }
    }

    /// Where the endpoint is created, seen from `region`.
    pub fn availability(&self, region: &Region) -> Availability {
        match self.name_pattern {
            NamePattern::Regional => Availability::InRegion,
            NamePattern::Global => match region.partition() {
                Partition::Aws if region.name() != "us-east-1" => {
                    Availability::ControlPlaneRegionOnly {
                        region: "us-east-1",
                    }
                }
                _ => Availability::InRegion,
            },
            NamePattern::EndpointService { region: home, .. } => {
                if region.partition() != Partition::Aws {
                    Availability::NotInPartition
                } else if region.name() == home {
                    Availability::InRegion
                } else {
                    Availability::CrossRegion {
                        service_region: home,
                    }
                }
            }
        }
    }
}

/// The entries a profile checks, in report order.
pub fn services(profile: Profile) -> impl Iterator<Item = &'static Service> {
    SERVICES.iter().filter(move |s| s.in_profile(profile))
}

/// The VPC endpoints a profile needs (entries that own their endpoint).
pub fn endpoints(profile: Profile) -> impl Iterator<Item = &'static Service> {
    services(profile).filter(|s| s.endpoint_use == EndpointUse::Own)
}

/// The catalog entry owning the endpoint for a service id, if any.
pub fn service_by_id(id: &str) -> Option<&'static Service> {
    SERVICES
        .iter()
        .find(|s| s.id == id && s.endpoint_use == EndpointUse::Own)
}

/// A parsed VPC endpoint service name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceName {
    /// `<prefix>.<region>.<service>`, e.g. `com.amazonaws.eu-west-1.ecr.api`.
    Regional {
        /// `com.amazonaws`, `cn.com.amazonaws`, …
        prefix: &'static str,
        /// The region.
        region: Region,
        /// The service suffix, e.g. `ecr.api`.
        service: String,
    },
    /// `<prefix>.<service>` without a region, e.g. `com.amazonaws.iam`.
    Global {
        /// `com.amazonaws`, …
        prefix: &'static str,
        /// The service, e.g. `iam`.
        service: String,
    },
    /// A PrivateLink endpoint service: `com.amazonaws.vpce.<region>.vpce-svc-…`
    /// (`cn.com.amazonaws.vpce.…` in China).
    EndpointService {
        /// `com.amazonaws`, `cn.com.amazonaws`, …: kept, so the name prints
        /// back exactly (found by the `service_name` fuzz target).
        prefix: &'static str,
        /// The region the service lives in.
        region: Region,
        /// The `vpce-svc-…` id.
        id: String,
    },
}

/// Why a service name did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServiceNameError {
    /// The name does not start with a known prefix (`com.amazonaws`, …).
    UnknownPrefix,
    /// Nothing follows the prefix, or the service part is not DNS-label-like.
    BadService,
    /// A `vpce` endpoint service name without a valid region and `vpce-svc-` id.
    BadEndpointService,
}

impl fmt::Display for ServiceNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServiceNameError::UnknownPrefix => {
                "expected a service name starting com.amazonaws. (or cn.com.amazonaws., …)"
            }
            ServiceNameError::BadService => "expected <prefix>.<region>.<service>",
            ServiceNameError::BadEndpointService => {
                "expected com.amazonaws.vpce.<region>.vpce-svc-<id>"
            }
        })
    }
}

impl core::error::Error for ServiceNameError {}

/// The region label of a service name: exactly a region, no surrounding
/// blanks (`Region::parse` trims, which a name inside a service name must not
/// rely on: what is accepted must print back unchanged).
fn region_label(label: &str) -> Option<Region> {
    if label.trim() != label {
        return None;
    }
    Region::parse(label).ok()
}

impl FromStr for ServiceName {
    type Err = ServiceNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Longest prefix first, so "cn.com.amazonaws" is not read as garbage
        // before "com.amazonaws".
        let (prefix, rest) = SERVICE_NAME_PREFIXES
            .iter()
            .filter_map(|p| Some((*p, s.strip_prefix(p)?.strip_prefix('.')?)))
            .max_by_key(|(p, _)| p.len())
            .ok_or(ServiceNameError::UnknownPrefix)?;
        let valid_service =
            |svc: &str| is_valid_dns_name(svc) && svc.bytes().all(|b| !b.is_ascii_uppercase());
        if let Some(vpce) = rest.strip_prefix("vpce.") {
            let (region, id) = vpce
                .split_once('.')
                .ok_or(ServiceNameError::BadEndpointService)?;
            let region = region_label(region).ok_or(ServiceNameError::BadEndpointService)?;
            let hex = id
                .strip_prefix("vpce-svc-")
                .ok_or(ServiceNameError::BadEndpointService)?;
            if hex.is_empty()
                || !hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            {
                return Err(ServiceNameError::BadEndpointService);
            }
            return Ok(ServiceName::EndpointService {
                prefix,
                region,
                id: id.to_owned(),
            });
        }
        // A region has at least three dash-separated parts; a global service
        // (iam) does not look like one.
        let mut labels = rest.splitn(2, '.');
        let first = labels.next().unwrap_or_default();
        match (region_label(first), labels.next()) {
            (Some(region), Some(service)) if valid_service(service) => Ok(ServiceName::Regional {
                prefix,
                region,
                service: service.to_owned(),
            }),
            (Some(_), _) => Err(ServiceNameError::BadService),
            (None, _) if valid_service(rest) => Ok(ServiceName::Global {
                prefix,
                service: rest.to_owned(),
            }),
            (None, _) => Err(ServiceNameError::BadService),
        }
    }
}

impl fmt::Display for ServiceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceName::Regional {
                prefix,
                region,
                service,
            } => {
                write!(f, "{prefix}.{region}.{service}")
            }
            ServiceName::Global { prefix, service } => write!(f, "{prefix}.{service}"),
            ServiceName::EndpointService { prefix, region, id } => {
                write!(f, "{prefix}.vpce.{region}.{id}")
            }
        }
    }
}

impl ServiceName {
    /// The service id as used in reports (`ecr.api`, `iam`,
    /// `management-plane` for the management plane's endpoint service, the
    /// `vpce-svc-…` id for other endpoint services).
    pub fn service_id(&self) -> &str {
        match self {
            ServiceName::Regional { service, .. } | ServiceName::Global { service, .. } => service,
            ServiceName::EndpointService { .. } if self.to_string() == MANAGEMENT_PLANE_SERVICE => {
                "management-plane"
            }
            ServiceName::EndpointService { id, .. } => id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    fn r(s: &str) -> Region {
        Region::parse(s).unwrap()
    }

    #[test]
    fn partitions_from_regions() {
        assert_eq!(r("cn-north-1").partition(), Partition::AwsCn);
        assert_eq!(r("us-gov-west-1").partition(), Partition::AwsUsGov);
        assert_eq!(r("us-iso-east-1").partition(), Partition::AwsIso);
        assert_eq!(r("us-isob-east-1").partition(), Partition::AwsIsoB);
        assert_eq!(r("us-isof-south-1").partition(), Partition::AwsIsoF);
        assert_eq!(r("eu-isoe-west-1").partition(), Partition::AwsIsoE);
        assert_eq!(r("eusc-de-east-1").partition(), Partition::AwsEusc);
        assert_eq!(r("eu-west-1").partition(), Partition::Aws);
        assert!(!r("eu-west-9").is_known());
        assert_eq!(Region::parse("us-east"), Err(RegionError::Malformed));
        assert_eq!(Region::parse("US-EAST-1"), Err(RegionError::Malformed));
        assert_eq!(Region::parse("xx-east-1"), Err(RegionError::UnknownArea));
        assert_eq!(Region::parse(""), Err(RegionError::Malformed));
    }

    #[test]
    fn china_prefixes_are_per_service() {
        let cn = r("cn-north-1");
        let name = |id: &str| service_by_id(id).unwrap().service_name(&cn);
        assert_eq!(name("ecr.api"), "cn.com.amazonaws.cn-north-1.ecr.api");
        assert_eq!(name("ecr.dkr"), "cn.com.amazonaws.cn-north-1.ecr.dkr");
        assert_eq!(name("logs"), "com.amazonaws.cn-north-1.logs");
        assert_eq!(
            name("secretsmanager"),
            "com.amazonaws.cn-north-1.secretsmanager"
        );
        assert_eq!(name("s3"), "com.amazonaws.cn-north-1.s3");
        assert_eq!(
            service_name("s3", &cn, EndpointType::Interface),
            "cn.com.amazonaws.cn-north-1.s3"
        );
    }

    #[test]
    fn hosts() {
        let eu = r("eu-west-1");
        let acct: AccountId = "123456789012".parse().unwrap();
        let hosts: Vec<String> = services(Profile::Runner)
            .map(|s| s.host(&eu, Some(&acct)).unwrap())
            .collect();
        assert_eq!(
            hosts,
            [
                "secretsmanager.eu-west-1.amazonaws.com",
                "logs.eu-west-1.amazonaws.com",
                "api.ecr.eu-west-1.amazonaws.com",
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                "s3.eu-west-1.amazonaws.com",
                "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com",
            ]
        );
        let dkr = service_by_id("ecr.dkr").unwrap();
        assert_eq!(dkr.host(&eu, None), Err(HostError::NeedsAccount));
        assert_eq!(
            dkr.host_template(&eu),
            "<account>.dkr.ecr.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            service_by_id("logs")
                .unwrap()
                .host(&r("cn-northwest-1"), None)
                .unwrap(),
            "logs.cn-northwest-1.amazonaws.com.cn"
        );
    }

    #[test]
    fn profiles() {
        assert_eq!(endpoints(Profile::Runner).count(), 5);
        let private: Vec<&str> = endpoints(Profile::Private).map(|s| s.id).collect();
        assert_eq!(private.len(), 16 + 2 + 1, "{private:?}");
        let interfaces = endpoints(Profile::Private)
            .filter(|s| s.endpoint_type == EndpointType::Interface && s.id != "management-plane")
            .count();
        assert_eq!(interfaces, 16);
    }

    #[test]
    fn management_plane_availability() {
        let mp = service_by_id("management-plane").unwrap();
        assert_eq!(mp.availability(&r("us-east-1")), Availability::InRegion);
        assert_eq!(
            mp.availability(&r("eu-west-1")),
            Availability::CrossRegion {
                service_region: "us-east-1"
            }
        );
        assert_eq!(
            mp.availability(&r("cn-north-1")),
            Availability::NotInPartition
        );
        assert_eq!(mp.service_name(&r("eu-west-1")), MANAGEMENT_PLANE_SERVICE);
    }

    #[test]
    fn service_names_round_trip() {
        for region in Region::all_known() {
            for svc in SERVICES {
                let name = svc.service_name(&region);
                let parsed: ServiceName = name.parse().unwrap();
                assert_eq!(parsed.to_string(), name);
                assert_eq!(parsed.service_id(), svc.id, "{name}");
            }
        }
        assert!("org.example.x".parse::<ServiceName>().is_err());
        assert!(
            "com.amazonaws.vpce.us-east-1.nope"
                .parse::<ServiceName>()
                .is_err()
        );
    }
}

/// The `netready.catalog/v1` document: one profile's entries in one region,
/// as `netready catalog --format json` prints it and the web page returns it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CatalogDocument<'a> {
    /// Always `netready.catalog/v1`.
    pub schema: &'static str,
    /// The region.
    pub region: &'a str,
    /// Its partition id.
    pub partition: &'static str,
    /// Whether this release knows the region.
    pub region_known: bool,
    /// The profile.
    pub profile: &'static str,
    /// The entries, in report order.
    pub services: alloc::vec::Vec<CatalogEntry>,
}

/// One entry of a [`CatalogDocument`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct CatalogEntry {
    /// The endpoint service suffix.
    pub service: &'static str,
    /// A human name.
    pub name: &'static str,
    /// Why the runner needs it.
    pub purpose: &'static str,
    /// The host (with `<account>` where no account was given).
    pub host: String,
    /// The VPC endpoint service name.
    pub endpoint_service_name: String,
    /// Interface or gateway.
    pub endpoint_type: EndpointType,
    /// `own` when this entry's endpoint is to be created, `shared` when
    /// another entry's serves it.
    pub endpoint: &'static str,
    /// Where the endpoint is created.
    pub availability: AvailabilityDocument,
    /// A note, when there is something to know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// [`Availability`] as it appears in a [`CatalogDocument`].
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AvailabilityDocument {
    /// In the VPC's region.
    InRegion,
    /// A cross-region endpoint.
    CrossRegion {
        /// Where the service lives.
        service_region: &'static str,
    },
    /// Only in the control-plane region.
    ControlPlaneRegionOnly {
        /// That region.
        region: &'static str,
    },
    /// Not offered in the partition.
    NotInPartition,
}

impl From<Availability> for AvailabilityDocument {
    fn from(a: Availability) -> Self {
        match a {
            Availability::InRegion => AvailabilityDocument::InRegion,
            Availability::CrossRegion { service_region } => {
                AvailabilityDocument::CrossRegion { service_region }
            }
            Availability::ControlPlaneRegionOnly { region } => {
                AvailabilityDocument::ControlPlaneRegionOnly { region }
            }
            Availability::NotInPartition => AvailabilityDocument::NotInPartition,
        }
    }
}

/// Builds the catalog document for `profile` in `region`.
pub fn document<'a>(
    region: &'a Region,
    profile: Profile,
    account: Option<&AccountId>,
) -> CatalogDocument<'a> {
    CatalogDocument {
        schema: "netready.catalog/v1",
        region: region.name(),
        partition: region.partition().id(),
        region_known: region.is_known(),
        profile: profile.as_str(),
        services: services(profile)
            .map(|s| CatalogEntry {
                service: s.id,
                name: s.name,
                purpose: s.purpose,
                host: s
                    .host(region, account)
                    .unwrap_or_else(|_| s.host_template(region)),
                endpoint_service_name: s.service_name(region),
                endpoint_type: s.endpoint_type,
                endpoint: match s.endpoint_use {
                    EndpointUse::Own => "own",
                    EndpointUse::Shared => "shared",
                },
                availability: s.availability(region).into(),
                note: s.note,
            })
            .collect(),
    }
}
