//! The real [`Resolver`]: DNS queries over UDP (TCP on truncation) to the
//! resolvers of `/etc/resolv.conf` or `--dns-server`, with hickory-proto's
//! message encoding.
//!
//! Guarantees:
//! * A and AAAA are asked in parallel; their union is the answer (A first);
//! * NXDOMAIN, NODATA, SERVFAIL, REFUSED and timeout stay apart (the system
//!   resolver, `getaddrinfo`, hides this): NXDOMAIN, NODATA and REFUSED are
//!   final; on timeout or SERVFAIL the next resolver is asked, each resolver
//!   getting an equal share of what remains of the deadline;
//! * a reply is accepted only from the queried server's address, with the
//!   query's id and question (the socket is connected to the server, and the
//!   id is random), so a stray datagram cannot forge an answer;
//! * at most `max_in_flight` queries are outstanding at once (a semaphore):
//!   hundreds of uncapped queries overflow a resolver's receive buffer and
//!   turn into timeouts;
//! * a UDP socket carries one name's A and AAAA exchange at a time, and goes
//!   back to an idle pool for the next name only when every reply it waited
//!   for came (so no late reply is pending on it; each query still has its
//!   own random id, checked with the question): 500 names need about as
//!   many sockets as queries in flight, not 500 (measured: a third fewer
//!   system calls);
//! * every wait is bounded by the caller's deadline (`tokio::time`).
//!
//! Not done here: caching, search domains (names are always queried as
//! fully qualified), DNSSEC validation, or anything but A, AAAA and the
//! CNAMEs leading to them.

use super::net::{Resolution, Resolver};
use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use netready_core::rules::{DnsAnswer, DnsFailure};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::Semaphore;
use tokio::time::{Instant, timeout_at};

/// The default cap on DNS queries in flight (measured: about 64 is both
/// reliable and fastest for 500 names against one resolver).
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

/// The EDNS payload size advertised: the DNS flag day 2020 value, which
/// avoids IP fragmentation.
const EDNS_PAYLOAD: u16 = 1232;

/// Queries real DNS servers.
#[derive(Debug, Clone)]
pub struct DnsResolver {
    servers: Arc<[SocketAddr]>,
    in_flight: Arc<Semaphore>,
    idle: Arc<Mutex<Vec<IdleSocket>>>,
}

/// Why no socket was there for an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SocketTrouble {
    /// None could be opened: nothing was sent.
    NoSocket,
    /// The server cannot be reached from here (connect failed).
    Unroutable,
}

/// A UDP socket connected to `server` with no exchange pending.
#[derive(Debug)]
struct IdleSocket {
    server: SocketAddr,
    socket: UdpSocket,
}

/// The most idle sockets kept: enough for the default in-flight cap (two
/// queries per socket).
const MAX_IDLE_SOCKETS: usize = DEFAULT_MAX_IN_FLIGHT;

impl DnsResolver {
    /// A resolver asking `servers` in order. `max_in_flight` of at least one
    /// query may be outstanding at once.
    pub fn new(servers: Vec<SocketAddr>, max_in_flight: usize) -> DnsResolver {
        DnsResolver {
            servers: servers.into(),
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
            idle: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// An idle socket connected to `server`, or a new one.
    /// An idle socket connected to `server`, or a new one. `Err(true)` when
    /// no socket could be opened (nothing can be sent: typically the
    /// open-files limit), `Err(false)` when the socket could not be
    /// connected to the server (no route to it: a resolver this host cannot
    /// reach, which is a DNS failure like silence).
    async fn socket_for(&self, server: SocketAddr) -> Result<UdpSocket, SocketTrouble> {
        let reused = {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            idle.iter()
                .rposition(|s| s.server == server)
                .map(|i| idle.swap_remove(i).socket)
        };
        if let Some(socket) = reused {
            return Ok(socket);
        }
        let local: SocketAddr = match server {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let socket = UdpSocket::bind(local)
            .await
            .map_err(|_| SocketTrouble::NoSocket)?;
        // A connected socket only receives datagrams from the server.
        socket
            .connect(server)
            .await
            .map_err(|_| SocketTrouble::Unroutable)?;
        Ok(socket)
    }

    /// Keeps `socket` for the next name (its exchange got every reply).
    fn give_back(&self, server: SocketAddr, socket: UdpSocket) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE_SOCKETS {
            idle.push(IdleSocket { server, socket });
        }
    }

    /// The servers asked, in order.
    pub fn servers(&self) -> &[SocketAddr] {
        &self.servers
    }
}

/// The name servers of a resolv.conf text (`nameserver IP` lines; port 53;
/// an IPv6 zone such as `%eth0` is dropped). Lines that do not parse are
/// skipped: resolv.conf is the system's business, and glibc skips them too.
pub fn parse_resolv_conf(text: &str) -> Vec<SocketAddr> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            if words.next() != Some("nameserver") {
                return None;
            }
            let addr = words.next()?;
            let addr = addr.split_once('%').map_or(addr, |(a, _)| a);
            addr.parse::<IpAddr>()
                .ok()
                .map(|ip| SocketAddr::new(ip, 53))
        })
        .collect()
}

/// Why a `--dns-server` value did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DnsServerError {
    /// Neither `IP`, `IP:PORT` nor `[IPV6]:PORT`.
    Malformed,
}

impl std::fmt::Display for DnsServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("expected IP[:PORT], e.g. 10.0.0.2, 127.0.0.1:5353 or [fd00::2]:53")
    }
}

impl std::error::Error for DnsServerError {}

/// Parses a `--dns-server` value: `IP`, `IP:PORT` or `[IPV6]:PORT` (port 53
/// when none is given).
pub fn parse_dns_server(s: &str) -> Result<SocketAddr, DnsServerError> {
    let s = s.trim();
    if let Ok(sa) = s.parse::<SocketAddr>() {
        if sa.port() == 0 {
            return Err(DnsServerError::Malformed);
        }
        return Ok(sa);
    }
    let bare = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s);
    bare.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| DnsServerError::Malformed)
}

/// What one query (one record type, one server) came back with.
#[derive(Debug, Clone, PartialEq)]
enum QueryOutcome {
    /// NOERROR: the addresses of the asked type (maybe none: NODATA) and
    /// the CNAME chain.
    Answer {
        addresses: Vec<IpAddr>,
        cnames: Vec<String>,
    },
    NxDomain {
        cnames: Vec<String>,
    },
    ServFail,
    Refused,
    /// No usable reply before the attempt's deadline (or the port was
    /// closed: ICMP port unreachable).
    Timeout,
    /// The query was never sent: no query slot came free, or no socket
    /// could be opened, before the attempt's deadline.
    NotSent,
}

impl Resolver for DnsResolver {
    async fn resolve(&self, host: &str, deadline: Instant) -> Resolution {
        let began = Instant::now();
        let ms = || Instant::now().duration_since(began).as_secs_f64() * 1000.0;
        let name = match Name::from_ascii(format!("{}.", host.trim_end_matches('.'))) {
            Ok(n) => n,
            // Targets are validated host names; one that hickory rejects can
            // not exist in DNS either.
            Err(_) => {
                return Resolution {
                    answer: DnsAnswer::Failed(DnsFailure::NxDomain),
                    resolver: None,
                    cnames: Vec::new(),
                    ms: 0.0,
                };
            }
        };
        // Stays NotAsked only if no server was ever sent a query.
        let mut last_failure = DnsFailure::NotAsked;
        let mut last_server = None;
        for (i, &server) in self.servers.iter().enumerate() {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            let left = u32::try_from(self.servers.len() - i).unwrap_or(u32::MAX);
            let attempt_deadline = now + (deadline - now) / left;
            let (a, aaaa) = self.query_pair(server, &name, attempt_deadline).await;
            match combine(a, aaaa) {
                Combined::Final(answer, cnames) => {
                    return Resolution {
                        answer,
                        resolver: Some(server),
                        cnames,
                        ms: ms(),
                    };
                }
                Combined::TryNext(failure) => {
                    // A SERVFAIL says more than a silence, and a silence
                    // more than a server never asked: keep the most telling.
                    if telling(failure) >= telling(last_failure) {
                        last_failure = failure;
                    }
                    if failure == DnsFailure::ServFail {
                        last_server = Some(server);
                    }
                }
            }
        }
        let resolver = if last_failure == DnsFailure::ServFail {
            last_server
        } else {
            None
        };
        Resolution {
            answer: DnsAnswer::Failed(last_failure),
            resolver,
            cnames: Vec::new(),
            ms: ms(),
        }
    }
}

/// How much a failure tells about the resolvers, to keep the most telling
/// one across servers.
fn telling(failure: DnsFailure) -> u8 {
    match failure {
        DnsFailure::NotAsked => 0,
        DnsFailure::Timeout => 1,
        _ => 2,
    }
}

enum Combined {
    Final(DnsAnswer, Vec<String>),
    TryNext(DnsFailure),
}

fn combine(a: QueryOutcome, aaaa: QueryOutcome) -> Combined {
    use QueryOutcome as Q;
    let mut addresses = Vec::new();
    let mut cnames: Vec<String> = Vec::new();
    for q in [&a, &aaaa] {
        if let Q::Answer {
            addresses: found,
            cnames: c,
        } = q
        {
            addresses.extend_from_slice(found);
            if cnames.is_empty() {
                cnames.clone_from(c);
            }
        }
    }
    if !addresses.is_empty() {
        return Combined::Final(DnsAnswer::Addresses(addresses), cnames);
    }
    for q in [&a, &aaaa] {
        if let Q::NxDomain { cnames: c } = q {
            return Combined::Final(DnsAnswer::Failed(DnsFailure::NxDomain), c.clone());
        }
    }
    if [&a, &aaaa].iter().any(|q| matches!(q, Q::Refused)) {
        return Combined::Final(DnsAnswer::Failed(DnsFailure::Refused), cnames);
    }
    if matches!((&a, &aaaa), (Q::Answer { .. }, Q::Answer { .. })) {
        return Combined::Final(DnsAnswer::Failed(DnsFailure::NoData), cnames);
    }
    if [&a, &aaaa].iter().any(|q| matches!(q, Q::ServFail)) {
        Combined::TryNext(DnsFailure::ServFail)
    } else if matches!((&a, &aaaa), (Q::NotSent, Q::NotSent)) {
        Combined::TryNext(DnsFailure::NotAsked)
    } else {
        Combined::TryNext(DnsFailure::Timeout)
    }
}

impl DnsResolver {
    /// Asks `server` for A and AAAA at once, over one UDP socket (half the
    /// sockets and system calls of one socket per query), then over TCP for
    /// a type whose reply was truncated. Both queries count against the
    /// in-flight cap.
    async fn query_pair(
        &self,
        server: SocketAddr,
        name: &Name,
        deadline: Instant,
    ) -> (QueryOutcome, QueryOutcome) {
        use QueryOutcome::{NotSent, ServFail, Timeout};
        let Ok(Ok(_permits)) = timeout_at(deadline, self.in_flight.acquire_many(2)).await else {
            return (NotSent, NotSent);
        };
        let requests = [
            build_query(name, RecordType::A),
            build_query(name, RecordType::AAAA),
        ];
        let (Ok(a_bytes), Ok(aaaa_bytes)) = (requests[0].to_vec(), requests[1].to_vec()) else {
            return (ServFail, ServFail);
        };
        let asked = [
            Asked {
                bytes: &a_bytes,
                id: requests[0].metadata.id,
                rtype: RecordType::A,
            },
            Asked {
                bytes: &aaaa_bytes,
                id: requests[1].metadata.id,
                rtype: RecordType::AAAA,
            },
        ];
        let replies = match self.socket_for(server).await {
            Ok(socket) => {
                let replies = udp_exchange(&socket, &asked, name, deadline).await;
                if replies.iter().all(Option::is_some) {
                    self.give_back(server, socket);
                }
                replies
            }
            Err(SocketTrouble::NoSocket) => return (NotSent, NotSent),
            Err(SocketTrouble::Unroutable) => [None, None],
        };
        let mut outcomes = [Timeout, Timeout];
        for (i, reply) in replies.into_iter().enumerate() {
            let Some(reply) = reply else { continue };
            let q = &asked[i];
            let reply = if reply.metadata.truncation {
                match timeout_at(deadline, tcp_exchange(server, q.bytes, q.id, name, q.rtype)).await
                {
                    Ok(Some(full)) => full,
                    Ok(None) | Err(_) => continue,
                }
            } else {
                reply
            };
            outcomes[i] = interpret(&reply, name, q.rtype);
        }
        let [a, aaaa] = outcomes;
        (a, aaaa)
    }
}

/// One query sent: its bytes, id and type.
struct Asked<'a> {
    bytes: &'a [u8],
    id: u16,
    rtype: RecordType,
}

fn build_query(name: &Name, rtype: RecordType) -> Message {
    let mut m = Message::query();
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(name.clone(), rtype));
    let mut edns = Edns::new();
    edns.set_max_payload(EDNS_PAYLOAD);
    m.set_edns(edns);
    m
}

/// Whether `reply` answers the query `id` for `name`/`rtype`.
fn matches(reply: &Message, id: u16, name: &Name, rtype: RecordType) -> bool {
    reply.metadata.id == id
        && reply.metadata.message_type == MessageType::Response
        && reply.metadata.op_code == OpCode::Query
        && reply.queries.len() == 1
        && reply.queries[0].query_type() == rtype
        && reply.queries[0].name().to_lowercase() == name.to_lowercase()
}

/// Sends every query of `asked` on `socket` (connected to the server) and
/// collects the matching replies until all came or `deadline` passed.
async fn udp_exchange(
    socket: &UdpSocket,
    asked: &[Asked<'_>; 2],
    name: &Name,
    deadline: Instant,
) -> [Option<Message>; 2] {
    let mut replies = [None, None];
    for q in asked {
        if timeout_at(deadline, socket.send(q.bytes)).await.is_err() {
            return replies;
        }
    }
    // EDNS asks for at most EDNS_PAYLOAD bytes; a larger datagram is cut
    // short, fails to parse and is ignored like any other garbage.
    let mut buf = vec![0u8; 4096];
    while replies.iter().any(Option::is_none) {
        // An error is mostly ICMP port unreachable (nobody listens); the
        // deadline bounds the wait.
        let Ok(Ok(n)) = timeout_at(deadline, socket.recv(&mut buf)).await else {
            break;
        };
        let Ok(reply) = Message::from_vec(&buf[..n]) else {
            continue;
        };
        for (i, q) in asked.iter().enumerate() {
            if replies[i].is_none() && matches(&reply, q.id, name, q.rtype) {
                replies[i] = Some(reply);
                break;
            }
        }
        // Anything else (a late reply to an earlier query, garbage) is
        // ignored.
    }
    replies
}

async fn tcp_exchange(
    server: SocketAddr,
    bytes: &[u8],
    id: u16,
    name: &Name,
    rtype: RecordType,
) -> Option<Message> {
    let mut stream = TcpStream::connect(server).await.ok()?;
    let len = u16::try_from(bytes.len()).ok()?;
    let mut framed = Vec::with_capacity(bytes.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(bytes);
    stream.write_all(&framed).await.ok()?;
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).await.ok()?;
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut buf).await.ok()?;
    let reply = Message::from_vec(&buf).ok()?;
    matches(&reply, id, name, rtype).then_some(reply)
}

/// Reads a reply: the response code, the CNAME chain from `name`, and the
/// addresses of the final name.
fn interpret(reply: &Message, name: &Name, rtype: RecordType) -> QueryOutcome {
    let mut cnames = Vec::new();
    let mut current = name.to_lowercase();
    // Follow the chain in answer order, at most as many hops as records
    // (a loop cannot run forever).
    for _ in 0..reply.answers.len() {
        let next = reply.answers.iter().find_map(|r| match &r.data {
            RData::CNAME(target) if r.name.to_lowercase() == current => {
                Some(target.0.to_lowercase())
            }
            _ => None,
        });
        match next {
            Some(target) if !cnames.contains(&display_name(&target)) => {
                cnames.push(display_name(&target));
                current = target;
            }
            _ => break,
        }
    }
    match reply.metadata.response_code {
        ResponseCode::NoError => {}
        ResponseCode::NXDomain => return QueryOutcome::NxDomain { cnames },
        ResponseCode::Refused => return QueryOutcome::Refused,
        // SERVFAIL, FORMERR, NOTIMP and anything else: this server could not
        // answer; another one may.
        _ => return QueryOutcome::ServFail,
    }
    let addresses = reply
        .answers
        .iter()
        .filter(|r| r.name.to_lowercase() == current)
        .filter_map(|r| match (&r.data, rtype) {
            (RData::A(a), RecordType::A) => Some(IpAddr::V4(a.0)),
            (RData::AAAA(a), RecordType::AAAA) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .collect();
    QueryOutcome::Answer { addresses, cnames }
}

fn display_name(name: &Name) -> String {
    let s = name.to_ascii();
    s.strip_suffix('.').map(str::to_owned).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolv_conf() {
        let text = "# comment\nsearch ec2.internal\nnameserver 10.0.0.2\nnameserver fe80::1%eth0\nnameserver bogus\noptions ndots:5\n";
        assert_eq!(
            parse_resolv_conf(text),
            vec![
                "10.0.0.2:53".parse().expect("literal"),
                "[fe80::1]:53".parse().expect("literal")
            ]
        );
    }

    #[test]
    fn dns_server_flag() {
        assert_eq!(
            parse_dns_server("10.0.0.2"),
            Ok("10.0.0.2:53".parse().expect("literal"))
        );
        assert_eq!(
            parse_dns_server("127.0.0.1:5353"),
            Ok("127.0.0.1:5353".parse().expect("literal"))
        );
        assert_eq!(
            parse_dns_server("[fd00::2]:54"),
            Ok("[fd00::2]:54".parse().expect("literal"))
        );
        assert_eq!(
            parse_dns_server("fd00::2"),
            Ok("[fd00::2]:53".parse().expect("literal"))
        );
        assert_eq!(
            parse_dns_server("[fd00::2]"),
            Ok("[fd00::2]:53".parse().expect("literal"))
        );
        assert_eq!(
            parse_dns_server("dns.example"),
            Err(DnsServerError::Malformed)
        );
        assert_eq!(
            parse_dns_server("10.0.0.2:0"),
            Err(DnsServerError::Malformed)
        );
    }

    #[test]
    fn combining_answers() {
        use QueryOutcome as Q;
        let ip: IpAddr = "10.0.0.1".parse().expect("literal");
        let ans = |v: Vec<IpAddr>| Q::Answer {
            addresses: v,
            cnames: Vec::new(),
        };
        let fin = |c: Combined| match c {
            Combined::Final(a, _) => Some(a),
            Combined::TryNext(_) => None,
        };
        assert_eq!(
            fin(combine(ans(vec![ip]), Q::Timeout)),
            Some(DnsAnswer::Addresses(vec![ip]))
        );
        assert_eq!(
            fin(combine(ans(vec![]), ans(vec![]))),
            Some(DnsAnswer::Failed(DnsFailure::NoData))
        );
        assert_eq!(
            fin(combine(Q::NxDomain { cnames: vec![] }, Q::Timeout)),
            Some(DnsAnswer::Failed(DnsFailure::NxDomain))
        );
        assert_eq!(
            fin(combine(Q::Refused, Q::Refused)),
            Some(DnsAnswer::Failed(DnsFailure::Refused))
        );
        assert!(matches!(
            combine(Q::ServFail, ans(vec![])),
            Combined::TryNext(DnsFailure::ServFail)
        ));
        assert!(matches!(
            combine(Q::NotSent, Q::NotSent),
            Combined::TryNext(DnsFailure::NotAsked)
        ));
        assert!(matches!(
            combine(Q::Timeout, Q::Timeout),
            Combined::TryNext(DnsFailure::Timeout)
        ));
    }
}
