//! Helpers shared by the watch-mode tests: a minimal HTTP/1.1 client over a
//! raw socket (so the tests see exactly what goes over the wire), a strict
//! parser of the Prometheus text exposition format, and report builders.
//!
//! Every wait here has a deadline.
// Test helpers fail the test by panicking; not every test uses every helper.
#![allow(dead_code, unreachable_pub, clippy::panic)]

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Deadline of one request in these tests.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(5);

/// One HTTP answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `METHOD PATH` with `Connection: close` and reads the whole answer.
pub async fn request(addr: SocketAddr, method: &str, path: &str) -> std::io::Result<Answer> {
    let raw = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    raw_request(addr, raw.as_bytes()).await
}

/// Sends raw bytes and parses the answer.
pub async fn raw_request(addr: SocketAddr, raw: &[u8]) -> std::io::Result<Answer> {
    let io = async {
        let mut s = TcpStream::connect(addr).await?;
        s.write_all(raw).await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        Ok::<_, std::io::Error>(buf)
    };
    let buf = tokio::time::timeout(REQUEST_DEADLINE, io)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "request deadline"))??;
    parse_answer(&buf)
}

fn parse_answer(buf: &[u8]) -> std::io::Result<Answer> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
    let text = String::from_utf8(buf.to_vec()).map_err(|_| bad("answer is not UTF-8"))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| bad("no end of head"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or_else(|| bad("empty answer"))?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("bad status line"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Ok(Answer {
        status,
        headers,
        body: body.to_owned(),
    })
}

/// GET, panicking with context on I/O failure (tests only).
pub async fn get(addr: SocketAddr, path: &str) -> Answer {
    match request(addr, "GET", path).await {
        Ok(a) => a,
        Err(e) => panic!("GET {path} on {addr}: {e}"),
    }
}

/// Polls `path` until `pred` holds, at most `deadline`.
pub async fn wait_until(
    addr: SocketAddr,
    path: &str,
    deadline: Duration,
    pred: impl Fn(&Answer) -> bool,
) -> Answer {
    let start = tokio::time::Instant::now();
    let mut last = None;
    while start.elapsed() < deadline {
        if let Ok(a) = request(addr, "GET", path).await {
            if pred(&a) {
                return a;
            }
            last = Some(a);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("GET {path}: condition not met within {deadline:?}; last answer: {last:?}");
}

/// One parsed sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

impl Sample {
    pub fn label(&self, k: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }
}

fn is_metric_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_' || ch == ':')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == ':')
}

fn is_label_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

fn parse_value(s: &str) -> Result<f64, String> {
    match s {
        "NaN" => Ok(f64::NAN),
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => {
            if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) {
                return Err(format!("bad value {s:?}"));
            }
            s.parse().map_err(|_| format!("bad value {s:?}"))
        }
    }
}

/// Parses the text exposition format (0.0.4) strictly: valid names, label
/// escapes limited to `\\`, `\"`, `\n`, a `# TYPE` before a family's samples
/// and at most once, a family's samples contiguous, no duplicate series.
pub fn parse_exposition(text: &str) -> Result<Vec<Sample>, String> {
    let mut samples = Vec::new();
    let mut typed: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut series = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let at = |m: String| format!("line {}: {m}: {line:?}", n + 1);
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("TYPE"), Some(name), Some(kind)) => {
                    if !is_metric_name(name) {
                        return Err(at("bad metric name".into()));
                    }
                    if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                        return Err(at("bad type".into()));
                    }
                    if typed.iter().any(|t| t == name) {
                        return Err(at("TYPE given twice".into()));
                    }
                    typed.push(name.to_owned());
                    current = Some(name.to_owned());
                }
                (Some("HELP"), Some(name), _) if !is_metric_name(name) => {
                    return Err(at("bad metric name".into()));
                }
                _ => {}
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let name_end = line.find(['{', ' ']).ok_or_else(|| at("no value".into()))?;
        let name = &line[..name_end];
        if !is_metric_name(name) {
            return Err(at("bad metric name".into()));
        }
        if current.as_deref() != Some(name) {
            return Err(at(
                "sample outside its family (no TYPE just before it)".into()
            ));
        }
        let mut rest = &line[name_end..];
        let mut labels = Vec::new();
        if let Some(r) = rest.strip_prefix('{') {
            let mut chars = r.char_indices().peekable();
            loop {
                // label name
                let start = match chars.peek() {
                    Some((_, '}')) => {
                        let (i, _) = chars.next().expect("peeked");
                        rest = &r[i + 1..];
                        break;
                    }
                    Some((i, _)) => *i,
                    None => return Err(at("unterminated labels".into())),
                };
                let mut eq = None;
                for (i, c) in chars.by_ref() {
                    if c == '=' {
                        eq = Some(i);
                        break;
                    }
                }
                let eq = eq.ok_or_else(|| at("label without =".into()))?;
                let lname = &r[start..eq];
                if !is_label_name(lname) {
                    return Err(at(format!("bad label name {lname:?}")));
                }
                if chars.next().map(|(_, c)| c) != Some('"') {
                    return Err(at("label value not quoted".into()));
                }
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some((_, '\\')) => match chars.next() {
                            Some((_, '\\')) => value.push('\\'),
                            Some((_, '"')) => value.push('"'),
                            Some((_, 'n')) => value.push('\n'),
                            other => return Err(at(format!("bad escape {other:?}"))),
                        },
                        Some((_, '"')) => break,
                        Some((_, '\n')) => return Err(at("raw newline in label".into())),
                        Some((_, c)) => value.push(c),
                        None => return Err(at("unterminated label value".into())),
                    }
                }
                if labels.iter().any(|(k, _): &(String, String)| k == lname) {
                    return Err(at(format!("label {lname} twice")));
                }
                labels.push((lname.to_owned(), value));
                match chars.next() {
                    Some((_, ',')) => {}
                    Some((i, '}')) => {
                        rest = &r[i + 1..];
                        break;
                    }
                    other => return Err(at(format!("expected , or }} got {other:?}"))),
                }
            }
        }
        let rest = rest
            .strip_prefix(' ')
            .ok_or_else(|| at("no space before value".into()))?;
        let mut fields = rest.split(' ');
        let value = parse_value(fields.next().unwrap_or_default()).map_err(at)?;
        if let Some(ts) = fields.next() {
            ts.parse::<i64>().map_err(|_| at("bad timestamp".into()))?;
        }
        if fields.next().is_some() {
            return Err(at("trailing fields".into()));
        }
        let mut key = labels.clone();
        key.sort();
        if !series.insert((name.to_owned(), format!("{key:?}"))) {
            return Err(at("duplicate series".into()));
        }
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    Ok(samples)
}

/// The value of the one sample of `name` whose labels include `labels`.
pub fn value_of(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| s.name == name && labels.iter().all(|(k, v)| s.label(k) == Some(*v)))
        .map(|s| s.value)
}
