//! What the metadata services answer, parsed without doing any I/O: an
//! HTTP/1.x response as read off the socket (sans-IO: native's client owns
//! the socket and the deadline), and ECS task metadata v4's task document.
//!
//! Guarantees:
//! * never a panic, whatever the bytes (the `metadata` fuzz target);
//! * a body is understood with `Content-Length`, `Transfer-Encoding:
//!   chunked` or up to the end of the input, and is never longer than
//!   [`MAX_BODY`];
//! * a task document's `TaskARN` must be `arn:PARTITION:ecs:REGION:ACCOUNT:task/…`
//!   with non-empty region and account, or the document is rejected: a value
//!   that does not parse is never trusted.
//!
//! Not done here: validating the region or account (see
//! [`crate::catalog`]), or deciding what the context means for the probe.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The largest response body accepted (metadata documents are a few KiB).
pub const MAX_BODY: usize = 1 << 20;

/// A response: status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body, decoded from chunked transfer when it was.
    pub body: Vec<u8>,
}

/// Why bytes are not an HTTP/1.x response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// No blank line ends the headers.
    NoEndOfHeaders,
    /// The headers are not UTF-8.
    HeadersNotUtf8,
    /// The status line does not start with `HTTP/1.`.
    NotHttp1,
    /// The status line has no numeric status code.
    NoStatus,
    /// `Content-Length` is not a number.
    BadContentLength,
    /// Fewer body bytes than `Content-Length` says.
    ShortBody,
    /// A chunked body that does not follow the chunked framing.
    BadChunkedBody,
    /// A body above [`MAX_BODY`].
    TooLarge,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResponseError::NoEndOfHeaders => "no end of headers",
            ResponseError::HeadersNotUtf8 => "headers are not UTF-8",
            ResponseError::NotHttp1 => "not HTTP/1.x",
            ResponseError::NoStatus => "no status code",
            ResponseError::BadContentLength => "bad Content-Length",
            ResponseError::ShortBody => "body shorter than Content-Length",
            ResponseError::BadChunkedBody => "bad chunked body",
            ResponseError::TooLarge => "body too large",
        })
    }
}

impl core::error::Error for ResponseError {}

/// Parses a whole HTTP/1.x response (everything read until the server
/// closed the connection).
pub fn parse_http_response(raw: &[u8]) -> Result<HttpResponse, ResponseError> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or(ResponseError::NoEndOfHeaders)?;
    let head = core::str::from_utf8(&raw[..head_end]).map_err(|_| ResponseError::HeadersNotUtf8)?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    if !parts.next().unwrap_or_default().starts_with("HTTP/1.") {
        return Err(ResponseError::NotHttp1);
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or(ResponseError::NoStatus)?;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        if k.eq_ignore_ascii_case("content-length") {
            length = Some(
                v.parse::<usize>()
                    .map_err(|_| ResponseError::BadContentLength)?,
            );
        } else if k.eq_ignore_ascii_case("transfer-encoding")
            && v.to_ascii_lowercase().contains("chunked")
        {
            chunked = true;
        }
    }
    let rest = &raw[head_end + 4..];
    let body = if chunked {
        dechunk(rest).ok_or(ResponseError::BadChunkedBody)?
    } else if let Some(n) = length {
        if n > MAX_BODY {
            return Err(ResponseError::TooLarge);
        }
        rest.get(..n).ok_or(ResponseError::ShortBody)?.to_vec()
    } else {
        rest.to_vec()
    };
    if body.len() > MAX_BODY {
        return Err(ResponseError::TooLarge);
    }
    Ok(HttpResponse { status, body })
}

/// Decodes a chunked body; `None` when the framing is broken or the body
/// grows above [`MAX_BODY`].
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = core::str::from_utf8(&rest[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        if size > MAX_BODY - body.len() {
            return None;
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size..)?.strip_prefix(b"\r\n")?;
    }
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
    Ok(EcsTask { arn, network_mode })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_length_chunked_and_to_close() {
        let r = parse_http_response(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"abc"[..]));
        let r = parse_http_response(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.body, b"abcde");
        let r = parse_http_response(b"HTTP/1.0 404 Not Found\r\n\r\nnope").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (404, &b"nope"[..]));
    }

    #[test]
    fn broken_responses_are_errors() {
        let cases: [(&[u8], ResponseError); 7] = [
            (b"HTTP/1.1 200 OK\r\n", ResponseError::NoEndOfHeaders),
            (b"SSH-2.0\r\n\r\n", ResponseError::NotHttp1),
            (b"HTTP/1.1 OK\r\n\r\n", ResponseError::NoStatus),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                ResponseError::BadContentLength,
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab",
                ResponseError::ShortBody,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
                ResponseError::BadChunkedBody,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
                ResponseError::BadChunkedBody,
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_http_response(raw), Err(want));
        }
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
