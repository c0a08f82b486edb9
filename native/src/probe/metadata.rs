//! Clients for the two metadata services the probe asks about its context:
//! ECS task metadata v4 and EC2 instance metadata (IMDSv2), over hyper's
//! HTTP/1.1 client connection.
//!
//! Guarantees:
//! * every request ends by its deadline (`tokio::time`), connect included:
//!   the connection, the request and the body are one future, dropped
//!   (socket and all) when the deadline passes;
//! * plain HTTP to the address in the URL, never through a proxy
//!   (`HTTP_PROXY` and friends are never read; metadata services are
//!   link-local and a proxy would answer for the wrong host);
//! * bodies are read up to [`MAX_BODY`] bytes, and what they say is read by
//!   core (`netready_core::metadata`, fuzzed);
//! * IMDSv2 only: a session token is fetched with `PUT` first and sent with
//!   every `GET` (IMDSv1 is never used).
//!
//! Not done here: HTTPS, redirects, keep-alive, retries, or deciding what a
//! value means for the probe (see [`super::context`]).

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use std::fmt;
use std::net::SocketAddr;
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

pub use netready_core::metadata::{EcsNetworkMode, EcsTask, MAX_BODY, TaskArn, parse_task_arn};

/// A response: its status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body (at most [`MAX_BODY`] bytes).
    pub body: Vec<u8>,
}

/// Why a metadata request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataError {
    /// The URL is not `http://HOST[:PORT][/PATH]`.
    BadUrl(String),
    /// The host name did not resolve.
    Resolve(String),
    /// Connecting, sending or reading failed.
    Io(String),
    /// The deadline passed.
    Timeout,
    /// The response is not HTTP/1.x as expected.
    BadResponse(String),
    /// A status other than 200.
    Status(u16),
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetadataError::BadUrl(u) => write!(f, "{u:?} is not an http://HOST[:PORT][/PATH] URL"),
            MetadataError::Resolve(h) => write!(f, "cannot resolve {h}"),
            MetadataError::Io(e) => write!(f, "{e}"),
            MetadataError::Timeout => f.write_str("no answer before the deadline"),
            MetadataError::BadResponse(e) => write!(f, "unexpected response: {e}"),
            MetadataError::Status(s) => write!(f, "HTTP status {s}"),
        }
    }
}

impl std::error::Error for MetadataError {}

/// An `http://` URL split into what the client needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    /// The host as written (an IPv6 literal without brackets).
    pub host: String,
    /// The port (80 when none).
    pub port: u16,
    /// The path, without a trailing slash (`""` for the root).
    pub path: String,
}

impl HttpUrl {
    /// Parses `http://HOST[:PORT][/PATH]`.
    pub fn parse(url: &str) -> Result<HttpUrl, MetadataError> {
        let bad = || MetadataError::BadUrl(url.to_owned());
        let rest = url.trim().strip_prefix("http://").ok_or_else(bad)?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or_else(bad)?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().map_err(|_| bad())?,
                None if after.is_empty() => 80,
                None => return Err(bad()),
            };
            (h.to_owned(), port)
        } else {
            match authority.split_once(':') {
                Some((h, p)) => (h.to_owned(), p.parse().map_err(|_| bad())?),
                None => (authority.to_owned(), 80),
            }
        };
        if host.is_empty() || port == 0 {
            return Err(bad());
        }
        Ok(HttpUrl {
            host,
            port,
            path: path.trim_end_matches('/').to_owned(),
        })
    }
}

/// Sends one request (`Connection: close`) and reads the whole response
/// before `deadline`.
pub async fn request(
    url: &HttpUrl,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    deadline: Instant,
) -> Result<HttpResponse, MetadataError> {
    match timeout_at(deadline, request_inner(url, method, path, headers)).await {
        Ok(r) => r,
        Err(_) => Err(MetadataError::Timeout),
    }
}

async fn request_inner(
    url: &HttpUrl,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<HttpResponse, MetadataError> {
    let addr: SocketAddr = match url.host.parse::<std::net::IpAddr>() {
        Ok(ip) => SocketAddr::new(ip, url.port),
        Err(_) => tokio::net::lookup_host((url.host.as_str(), url.port))
            .await
            .map_err(|e| MetadataError::Resolve(format!("{}: {e}", url.host)))?
            .next()
            .ok_or_else(|| MetadataError::Resolve(url.host.clone()))?,
    };
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| MetadataError::Io(format!("connect {addr}: {e}")))?;
    let host_header = if url.host.contains(':') {
        format!("[{}]", url.host)
    } else {
        url.host.clone()
    };
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(format!("{}{path}", url.path))
        .header(hyper::header::HOST, host_header)
        .header(hyper::header::USER_AGENT, "netready")
        .header(hyper::header::ACCEPT, "*/*")
        .header(hyper::header::CONNECTION, "close");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let request = request
        .body(Empty::<Bytes>::new())
        .map_err(|e| MetadataError::BadUrl(format!("{}{path}: {e}", url.path)))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| MetadataError::Io(e.to_string()))?;
    let exchange = async move {
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| MetadataError::BadResponse(e.to_string()))?;
        let status = response.status().as_u16();
        let body = Limited::new(response.into_body(), MAX_BODY)
            .collect()
            .await
            .map_err(|e| MetadataError::BadResponse(e.to_string()))?
            .to_bytes()
            .to_vec();
        // `sender` goes here: with the request answered, the connection
        // future ends too.
        Ok(HttpResponse { status, body })
    };
    // The connection is driven in the same future as the exchange (not a
    // spawned task), so the caller's deadline drops both.
    let (response, _) = tokio::join!(exchange, connection);
    response
}

/// Asks ECS task metadata v4 (`$ECS_CONTAINER_METADATA_URI_V4/task`) for the
/// task ARN and network mode.
pub async fn ecs_task(base: &str, deadline: Instant) -> Result<EcsTask, MetadataError> {
    let url = HttpUrl::parse(base)?;
    let resp = request(&url, "GET", "/task", &[], deadline).await?;
    if resp.status != 200 {
        return Err(MetadataError::Status(resp.status));
    }
    netready_core::metadata::parse_ecs_task(&resp.body)
        .map_err(|e| MetadataError::BadResponse(e.to_string()))
}

/// An IMDSv2 session.
#[derive(Debug, Clone)]
pub struct Imds {
    url: HttpUrl,
    token: String,
}

/// The default IMDS endpoint.
pub const IMDS_DEFAULT_ENDPOINT: &str = "http://169.254.169.254";

impl Imds {
    /// Opens a session (`PUT /latest/api/token`) at `endpoint`.
    pub async fn connect(endpoint: &str, deadline: Instant) -> Result<Imds, MetadataError> {
        let url = HttpUrl::parse(endpoint)?;
        let resp = request(
            &url,
            "PUT",
            "/latest/api/token",
            &[("X-aws-ec2-metadata-token-ttl-seconds", "60")],
            deadline,
        )
        .await?;
        if resp.status != 200 {
            return Err(MetadataError::Status(resp.status));
        }
        let token = netready_core::metadata::imds_token(&resp.body)
            .map_err(|e| MetadataError::BadResponse(format!("token: {e}")))?
            .to_owned();
        Ok(Imds { url, token })
    }

    /// `GET path` with the session token: `Ok(None)` on 404 (the key does
    /// not exist, e.g. `public-ipv4` without a public IP).
    pub async fn get(
        &self,
        path: &str,
        deadline: Instant,
    ) -> Result<Option<String>, MetadataError> {
        let resp = request(
            &self.url,
            "GET",
            path,
            &[("X-aws-ec2-metadata-token", &self.token)],
            deadline,
        )
        .await?;
        match resp.status {
            200 => netready_core::metadata::imds_value(&resp.body)
                .map(|s| Some(s.to_owned()))
                .map_err(|e| MetadataError::BadResponse(format!("{path}: {e}"))),
            404 => Ok(None),
            s => Err(MetadataError::Status(s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            HttpUrl::parse("http://169.254.170.2/v4/abc-123/").expect("valid"),
            HttpUrl {
                host: "169.254.170.2".into(),
                port: 80,
                path: "/v4/abc-123".into()
            }
        );
        assert_eq!(
            HttpUrl::parse("http://[fd00:ec2::254]:8080").expect("valid"),
            HttpUrl {
                host: "fd00:ec2::254".into(),
                port: 8080,
                path: String::new()
            }
        );
        assert!(HttpUrl::parse("https://x").is_err());
        assert!(HttpUrl::parse("http://:80").is_err());
        assert!(HttpUrl::parse("http://h:x").is_err());
    }

    #[test]
    fn task_arns() {
        assert_eq!(
            parse_task_arn("arn:aws:ecs:eu-west-1:123456789012:task/cluster/abc"),
            Some(TaskArn {
                partition: "aws".into(),
                region: "eu-west-1".into(),
                account: "123456789012".into()
            })
        );
        assert_eq!(
            parse_task_arn("arn:aws-cn:ecs:cn-north-1:123456789012:task/x").map(|a| a.partition),
            Some("aws-cn".into())
        );
        assert_eq!(
            parse_task_arn("arn:aws:ecs:eu-west-1:123456789012:service/x"),
            None
        );
        assert_eq!(parse_task_arn("nonsense"), None);
    }
}
