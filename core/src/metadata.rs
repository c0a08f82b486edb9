//! What the metadata services' documents say, parsed without doing any
//! I/O: ECS task metadata v4's task document, and EC2 instance metadata's
//! session token, values and instance identity document. The probe's HTTP
//! client (hyper, in the `netready` binary) owns the socket, the HTTP
//! framing and the deadline, and hands over the bodies.
//!
//! Guarantees:
//! * never a panic, whatever the bytes (the `metadata` fuzz target);
//! * a task document's `TaskARN` must be `arn:PARTITION:ecs:REGION:ACCOUNT:task/…`
//!   with non-empty region and account, or the document is rejected: a value
//!   that does not parse is never trusted;
//! * an IMDSv2 token is one line of text, or it is rejected.
//!
//! Not done here: HTTP, validating the region or account (see
//! [`crate::catalog`]), or deciding what the context means for the probe.

use alloc::borrow::ToOwned;
use alloc::string::String;
use core::fmt;

/// The largest response body the probe reads (metadata documents are a few
/// KiB).
pub const MAX_BODY: usize = 1 << 20;

/// Why an instance metadata body is not what was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImdsError {
    /// The body is not UTF-8 text.
    NotText,
    /// A session token that is empty or spans lines.
    BadToken,
}

impl fmt::Display for ImdsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImdsError::NotText => "not text",
            ImdsError::BadToken => "empty or malformed token",
        })
    }
}

impl core::error::Error for ImdsError {}

/// An instance metadata value (`GET /latest/meta-data/…`): its text,
/// without the blanks around it.
pub fn imds_value(body: &[u8]) -> Result<&str, ImdsError> {
    core::str::from_utf8(body)
        .map(str::trim)
        .map_err(|_| ImdsError::NotText)
}

/// The session token of `PUT /latest/api/token`: one line of text (it is
/// sent back as a header, where a line break would end it).
pub fn imds_token(body: &[u8]) -> Result<&str, ImdsError> {
    let token = imds_value(body)?;
    if token.is_empty() || token.contains(['\r', '\n']) {
        return Err(ImdsError::BadToken);
    }
    Ok(token)
}

/// The `accountId` of the instance identity document
/// (`/latest/dynamic/instance-identity/document`), if it holds one as a
/// string.
pub fn identity_account(body: &[u8]) -> Option<String> {
    let doc: serde_json::Value = serde_json::from_slice(body).ok()?;
    doc.get("accountId")?.as_str().map(str::to_owned)
}

/// What an ECS task ARN says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskArn {
    /// The partition (`aws`, `aws-cn`, …).
    pub partition: String,
    /// The region.
    pub region: String,
    /// The account id.
    pub account: String,
}

/// Parses `arn:PARTITION:ecs:REGION:ACCOUNT:task/...`.
pub fn parse_task_arn(arn: &str) -> Option<TaskArn> {
    let mut parts = arn.splitn(6, ':');
    let mut next = || parts.next();
    match (next(), next(), next(), next(), next(), next()) {
        (
            Some("arn"),
            Some(partition),
            Some("ecs"),
            Some(region),
            Some(account),
            Some(resource),
        ) if !region.is_empty() && !account.is_empty() && resource.starts_with("task/") => {
            Some(TaskArn {
                partition: partition.to_owned(),
                region: region.to_owned(),
                account: account.to_owned(),
            })
        }
        _ => None,
    }
}

/// A task's network mode, from its containers' `Networks[].NetworkMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EcsNetworkMode {
    /// The task has its own network interface (Fargate always; EC2 often).
    Awsvpc,
    /// Docker's bridge on the instance: the instance's addresses.
    Bridge,
    /// The instance's network itself.
    Host,
    /// Not given, or a mode this version does not know.
    Unknown,
}

/// What ECS task metadata v4 says about the task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsTask {
    /// From `TaskARN`.
    pub arn: TaskArn,
    /// From the first container's first network.
    pub network_mode: EcsNetworkMode,
    /// `AvailabilityZone` (Fargate platform 1.4 and later), when it is one
    /// ([`is_availability_zone`]).
    pub availability_zone: Option<String>,
    /// `VPCID` (EC2 container instances only, agent 1.63.1 and later), when
    /// it is a VPC id.
    pub vpc_id: Option<String>,
}

/// Why a task document was not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskDocumentError {
    /// Not JSON (serde_json's message).
    NotJson(String),
    /// No `TaskARN` string.
    NoTaskArn,
    /// A `TaskARN` that is not an ECS task ARN.
    BadTaskArn(String),
}

impl fmt::Display for TaskDocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskDocumentError::NotJson(e) => write!(f, "task metadata is not JSON: {e}"),
            TaskDocumentError::NoTaskArn => f.write_str("task metadata has no TaskARN"),
            TaskDocumentError::BadTaskArn(arn) => write!(
                f,
                "TaskARN {arn:?} is not arn:PARTITION:ecs:REGION:ACCOUNT:task/…"
            ),
        }
    }
}

impl core::error::Error for TaskDocumentError {}

/// Parses the body of `GET $ECS_CONTAINER_METADATA_URI_V4/task`.
pub fn parse_ecs_task(body: &[u8]) -> Result<EcsTask, TaskDocumentError> {
    use alloc::string::ToString;
    let doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| TaskDocumentError::NotJson(e.to_string()))?;
    let arn = doc
        .get("TaskARN")
        .and_then(|v| v.as_str())
        .ok_or(TaskDocumentError::NoTaskArn)?;
    let arn = parse_task_arn(arn).ok_or_else(|| TaskDocumentError::BadTaskArn(arn.to_owned()))?;
    let network_mode = match doc
        .pointer("/Containers/0/Networks/0/NetworkMode")
        .and_then(|v| v.as_str())
    {
        Some("awsvpc") => EcsNetworkMode::Awsvpc,
        Some("bridge") => EcsNetworkMode::Bridge,
        Some("host") => EcsNetworkMode::Host,
        _ => EcsNetworkMode::Unknown,
    };
    let text = |key: &str| doc.get(key).and_then(|v| v.as_str()).map(str::trim);
    let availability_zone = text("AvailabilityZone")
        .filter(|z| is_availability_zone(z, &arn.region))
        .map(str::to_owned);
    let vpc_id = text("VPCID")
        .filter(|v| crate::commands::is_vpc_id(v))
        .map(str::to_owned);
    Ok(EcsTask {
        arn,
        network_mode,
        availability_zone,
        vpc_id,
    })
}

/// Whether `s` is a subnet id: `subnet-` then 8 to 17 lowercase
/// hexadecimal digits (AWS's are 8 or 17 long; a length between is still
/// safe to compare and to put in a command).
pub fn is_subnet_id(s: &str) -> bool {
    s.strip_prefix("subnet-").is_some_and(|hex| {
        (8..=17).contains(&hex.len()) && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// Whether `s` is an availability zone of `region`: the region's name, then
/// one lowercase letter (`eu-west-1a`), or a Local Zone's or Wavelength
/// Zone's `-` and lowercase letters and digits (`us-west-2-lax-1a`).
pub fn is_availability_zone(s: &str, region: &str) -> bool {
    let Some(rest) = s.strip_prefix(region).filter(|_| !region.is_empty()) else {
        return false;
    };
    let plain = rest.len() == 1 && rest.bytes().all(|b| b.is_ascii_lowercase());
    let zone = rest.len() > 1
        && rest.starts_with('-')
        && rest.len() <= 32
        && rest
            .bytes()
            .skip(1)
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && rest.bytes().last().is_some_and(|b| b.is_ascii_lowercase());
    plain || zone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_metadata_documents() {
        assert_eq!(imds_value(b" eu-west-1\n"), Ok("eu-west-1"));
        assert_eq!(imds_value(b"\xff"), Err(ImdsError::NotText));
        assert_eq!(imds_token(b"AQAE-token\n"), Ok("AQAE-token"));
        assert_eq!(imds_token(b"  "), Err(ImdsError::BadToken));
        assert_eq!(imds_token(b"a\r\nInjected: 1"), Err(ImdsError::BadToken));
        assert_eq!(
            identity_account(br#"{"accountId": "123456789012", "region": "eu-west-1"}"#),
            Some("123456789012".into())
        );
        assert_eq!(identity_account(br#"{"accountId": 5}"#), None);
        assert_eq!(identity_account(b"<html>"), None);
    }

    #[test]
    fn ids_and_zones() {
        assert!(is_subnet_id("subnet-0ccc000000000003"));
        assert!(is_subnet_id("subnet-0a1b2c3d"));
        assert!(is_subnet_id("subnet-0ccc00000000003"));
        assert!(!is_subnet_id("subnet-0a1b2c3"));
        assert!(!is_subnet_id("subnet-0ccc0000000000000003"));
        assert!(!is_subnet_id("subnet-0CCC000000000003"));
        assert!(!is_subnet_id("subnet-"));
        assert!(!is_subnet_id("vpc-0a1b2c3d"));
        for (zone, ok) in [
            ("eu-west-1a", true),
            ("us-west-2-lax-1a", true),
            ("eu-west-1", false),
            ("eu-west-1ab", false),
            ("eu-west-1A", false),
            ("eu-west-2a", false),
            ("eu-west-1-", false),
            ("eu-west-1 a", false),
        ] {
            assert_eq!(
                is_availability_zone(zone, "eu-west-1") || is_availability_zone(zone, "us-west-2"),
                ok,
                "{zone}"
            );
        }
        assert!(!is_availability_zone("a", ""));
    }

    #[test]
    fn task_documents() {
        let t = parse_ecs_task(
            br#"{"TaskARN":"arn:aws-cn:ecs:cn-north-1:123456789012:task/c/1","Containers":[{"Networks":[{"NetworkMode":"awsvpc"}]}]}"#,
        )
        .unwrap();
        assert_eq!(t.arn.partition, "aws-cn");
        assert_eq!(t.arn.region, "cn-north-1");
        assert_eq!(t.arn.account, "123456789012");
        assert_eq!(t.network_mode, EcsNetworkMode::Awsvpc);
        assert_eq!((t.availability_zone, t.vpc_id), (None, None));
        let t = parse_ecs_task(
            br#"{"TaskARN":"arn:aws:ecs:eu-west-1:123456789012:task/c/1","AvailabilityZone":"eu-west-1b","VPCID":"vpc-0a1b2c3d4e5f60001"}"#,
        )
        .unwrap();
        assert_eq!(t.availability_zone.as_deref(), Some("eu-west-1b"));
        assert_eq!(t.vpc_id.as_deref(), Some("vpc-0a1b2c3d4e5f60001"));
        let t = parse_ecs_task(
            br#"{"TaskARN":"arn:aws:ecs:eu-west-1:123456789012:task/c/1","AvailabilityZone":"us-east-1a","VPCID":"vpc-; rm -rf /"}"#,
        )
        .unwrap();
        assert_eq!(
            (t.availability_zone, t.vpc_id),
            (None, None),
            "values that do not parse are not trusted"
        );
        assert_eq!(
            parse_ecs_task(br#"{"TaskARN":"arn:aws:ecs::1:task/x"}"#),
            Err(TaskDocumentError::BadTaskArn(
                "arn:aws:ecs::1:task/x".into()
            ))
        );
        assert_eq!(parse_ecs_task(b"{}"), Err(TaskDocumentError::NoTaskArn));
        assert!(matches!(
            parse_ecs_task(b"<html>"),
            Err(TaskDocumentError::NotJson(_))
        ));
    }
}
