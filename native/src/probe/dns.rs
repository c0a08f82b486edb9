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
//! * an unanswered query is sent again every [`retransmit_interval`] of the
//!   server's share of the deadline (a lost datagram is not a dead resolver);
//!   the retransmission has the same id, and either reply is accepted;
//! * every wait is bounded by the caller's deadline (`tokio::time`);
//! * all I/O goes through a [`DnsTransport`]: [`UdpTransport`] (real sockets)
//!   in the binary, a simulated network in tests, with the same code above it.
//!
//! Not done here: caching, search domains (names are always queried as
//! fully qualified), DNSSEC validation, or anything but A, AAAA and the
//! CNAMEs leading to them.

use super::net::{Resolution, Resolver};
use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use netready_core::rules::{DnsAnswer, DnsFailure};
use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
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

/// The datagram and stream I/O the resolver needs, so that the same
/// resolver runs over real sockets ([`UdpTransport`]) or a simulated
/// network. Every method may be cancelled at any await point (the resolver
/// bounds each call with a deadline).
pub trait DnsTransport {
    /// A datagram socket that sends to, and receives only from, one server.
    type Socket;

    /// Opens a socket to `server`.
    fn open(&self, server: SocketAddr)
    -> impl Future<Output = Result<Self::Socket, SocketTrouble>>;

    /// Sends one datagram.
    fn send(&self, socket: &Self::Socket, datagram: &[u8]) -> impl Future<Output = io::Result<()>>;

    /// Waits for the next datagram from the server; its length in `buf`.
    fn recv(
        &self,
        socket: &Self::Socket,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<usize>>;

    /// Releases a socket that is not kept for reuse.
    fn close(&self, socket: Self::Socket);

    /// Sends `query` to `server` over TCP (RFC 7766 framing) and returns the
    /// first reply message, or `None` when the exchange failed. Used after a
    /// truncated UDP reply.
    fn tcp_query(&self, server: SocketAddr, query: &[u8]) -> impl Future<Output = Option<Vec<u8>>>;
}

/// Why no socket was there for an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SocketTrouble {
    /// None could be opened (typically the open-files limit): nothing was
    /// sent.
    NoSocket,
    /// The server cannot be reached from here (no route to it): a resolver
    /// this host cannot reach, a DNS failure like silence.
    Unroutable,
}

/// Real sockets: tokio's UDP sockets, connected to the server (so the kernel
/// drops datagrams from anyone else), and TCP streams.
#[derive(Debug, Clone, Copy, Default)]
pub struct UdpTransport;

impl DnsTransport for UdpTransport {
    type Socket = UdpSocket;

    async fn open(&self, server: SocketAddr) -> Result<UdpSocket, SocketTrouble> {
        let local: SocketAddr = match server {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let socket = UdpSocket::bind(local)
            .await
            .map_err(|_| SocketTrouble::NoSocket)?;
        socket
            .connect(server)
            .await
            .map_err(|_| SocketTrouble::Unroutable)?;
        Ok(socket)
    }

    async fn send(&self, socket: &UdpSocket, datagram: &[u8]) -> io::Result<()> {
        socket.send(datagram).await.map(|_| ())
    }

    async fn recv(&self, socket: &UdpSocket, buf: &mut [u8]) -> io::Result<usize> {
        socket.recv(buf).await
    }

    fn close(&self, socket: UdpSocket) {
        drop(socket);
    }

    async fn tcp_query(&self, server: SocketAddr, query: &[u8]) -> Option<Vec<u8>> {
        let mut stream = TcpStream::connect(server).await.ok()?;
        let len = u16::try_from(query.len()).ok()?;
        let mut framed = Vec::with_capacity(query.len() + 2);
        framed.extend_from_slice(&len.to_be_bytes());
        framed.extend_from_slice(query);
        stream.write_all(&framed).await.ok()?;
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).await.ok()?;
        let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut buf).await.ok()?;
        Some(buf)
    }
}

/// Queries DNS servers through a [`DnsTransport`] (real sockets by default).
/// Clones share the in-flight cap and the idle sockets.
#[derive(Debug)]
pub struct DnsResolver<T: DnsTransport = UdpTransport> {
    servers: Arc<[SocketAddr]>,
    in_flight: Arc<Semaphore>,
    idle: Arc<Mutex<Vec<IdleSocket<T::Socket>>>>,
    transport: T,
}

// Not derived: a derive would demand `T::Socket: Clone`, and sockets are
// shared through the `Arc`, never cloned.
impl<T: DnsTransport + Clone> Clone for DnsResolver<T> {
    fn clone(&self) -> Self {
        DnsResolver {
            servers: Arc::clone(&self.servers),
            in_flight: Arc::clone(&self.in_flight),
            idle: Arc::clone(&self.idle),
            transport: self.transport.clone(),
        }
    }
}

/// How long to wait for a reply before sending an unanswered query again,
/// given the time one server has (`window`): a third of it, at least
/// 250 ms (no faster than a slow but working resolver answers) and at most
/// 1 s (what common stub resolvers use). So a one-second share gets a
/// second try, and the default probe's 2.5 s gets three.
pub fn retransmit_interval(window: Duration) -> Duration {
    (window / 3).clamp(Duration::from_millis(250), Duration::from_secs(1))
}

/// A socket to `server` with no exchange pending.
#[derive(Debug)]
struct IdleSocket<S> {
    server: SocketAddr,
    socket: S,
}

/// The most idle sockets kept: enough for the default in-flight cap (two
/// queries per socket).
const MAX_IDLE_SOCKETS: usize = DEFAULT_MAX_IN_FLIGHT;

impl DnsResolver {
    /// A resolver asking `servers` in order over real sockets.
    /// `max_in_flight` (at least one) queries may be outstanding at once.
    pub fn new(servers: Vec<SocketAddr>, max_in_flight: usize) -> DnsResolver {
        DnsResolver::with_transport(UdpTransport, servers, max_in_flight)
    }
}

impl<T: DnsTransport> DnsResolver<T> {
    /// A resolver asking `servers` in order through `transport`.
    pub fn with_transport(transport: T, servers: Vec<SocketAddr>, max_in_flight: usize) -> Self {
        DnsResolver {
            servers: servers.into(),
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
            idle: Arc::new(Mutex::new(Vec::new())),
            transport,
        }
    }

    /// An idle socket to `server`, or a new one.
    async fn socket_for(&self, server: SocketAddr) -> Result<T::Socket, SocketTrouble> {
        let reused = {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            idle.iter()
                .rposition(|s| s.server == server)
                .map(|i| idle.swap_remove(i).socket)
        };
        if let Some(socket) = reused {
            return Ok(socket);
        }
        self.transport.open(server).await
    }

    /// Keeps `socket` for the next name (its exchange got every reply).
    fn give_back(&self, server: SocketAddr, socket: T::Socket) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE_SOCKETS {
            idle.push(IdleSocket { server, socket });
        } else {
            drop(idle);
            self.transport.close(socket);
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

impl<T: DnsTransport> Resolver for DnsResolver<T> {
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
                    queries: Some(0),
                    resent: Some(0),
                };
            }
        };
        // Stays NotAsked only if no server was ever sent a query.
        let mut last_failure = DnsFailure::NotAsked;
        let mut sent = Sent::default();
        let mut last_server = None;
        for (i, &server) in self.servers.iter().enumerate() {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            let left = u32::try_from(self.servers.len() - i).unwrap_or(u32::MAX);
            let attempt_deadline = now + (deadline - now) / left;
            let (a, aaaa) = self
                .query_pair(server, &name, attempt_deadline, &mut sent)
                .await;
            match combine(a, aaaa) {
                Combined::Final(answer, cnames) => {
                    return Resolution {
                        answer,
                        resolver: Some(server),
                        cnames,
                        ms: ms(),
                        queries: Some(sent.queries),
                        resent: Some(sent.resent),
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
            queries: Some(sent.queries),
            resent: Some(sent.resent),
        }
    }
}

/// What was sent for one name, for the report.
#[derive(Debug, Default, Clone, Copy)]
struct Sent {
    /// Every query datagram and TCP query, to every server.
    queries: u32,
    /// The UDP queries sent again because no reply came in time.
    resent: u32,
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

impl<T: DnsTransport> DnsResolver<T> {
    /// Asks `server` for A and AAAA at once, over one UDP socket (half the
    /// sockets and system calls of one socket per query), then over TCP for
    /// a type whose reply was truncated. Both queries count against the
    /// in-flight cap.
    async fn query_pair(
        &self,
        server: SocketAddr,
        name: &Name,
        deadline: Instant,
        sent: &mut Sent,
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
                let replies = self
                    .udp_exchange(&socket, &asked, name, deadline, sent)
                    .await;
                if replies.iter().all(Option::is_some) {
                    self.give_back(server, socket);
                } else {
                    self.transport.close(socket);
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
                sent.queries += 1;
                let full = timeout_at(deadline, self.transport.tcp_query(server, q.bytes)).await;
                match full.ok().flatten().and_then(|b| Message::from_vec(&b).ok()) {
                    Some(full) if matches(&full, q.id, name, q.rtype) => full,
                    _ => continue,
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

impl<T: DnsTransport> DnsResolver<T> {
    /// Sends every query of `asked` on `socket` and collects the matching
    /// replies until all came or `deadline` passed, sending the unanswered
    /// ones again every [`retransmit_interval`].
    async fn udp_exchange(
        &self,
        socket: &T::Socket,
        asked: &[Asked<'_>; 2],
        name: &Name,
        deadline: Instant,
        sent: &mut Sent,
    ) -> [Option<Message>; 2] {
        let mut replies: [Option<Message>; 2] = [None, None];
        let every = retransmit_interval(deadline.saturating_duration_since(Instant::now()));
        // EDNS asks for at most EDNS_PAYLOAD bytes; a larger datagram is cut
        // short, fails to parse and is ignored like any other garbage.
        let mut buf = vec![0u8; 4096];
        let mut round = 0u32;
        'send: while replies.iter().any(Option::is_none) {
            round += 1;
            for (q, reply) in asked.iter().zip(&replies) {
                // A send error (e.g. a local firewall's EPERM) is like a
                // lost datagram: the deadline bounds the wait either way.
                if reply.is_none()
                    && timeout_at(deadline, self.transport.send(socket, q.bytes))
                        .await
                        .is_err()
                {
                    break 'send;
                }
                if reply.is_none() {
                    sent.queries += 1;
                    sent.resent += u32::from(round > 1);
                }
            }
            let resend_at = (Instant::now() + every).min(deadline);
            while replies.iter().any(Option::is_none) {
                // An error is mostly ICMP port unreachable (nobody
                // listens); the deadline bounds the wait.
                let n = match timeout_at(resend_at, self.transport.recv(socket, &mut buf)).await {
                    Ok(Ok(n)) => n,
                    Ok(Err(_)) => break 'send,
                    Err(_) if resend_at >= deadline => break 'send,
                    Err(_) => continue 'send,
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
                // Anything else (a late reply to an earlier query, garbage)
                // is ignored.
            }
        }
        replies
    }
}

/// Reads a reply: the response code, the CNAME chain from `name`, and the
/// addresses of the final name.
fn interpret(reply: &Message, name: &Name, rtype: RecordType) -> QueryOutcome {
    // Owner names lowered once, and the first CNAME of each owner in answer
    // order: following the chain is then linear in the records, however
    // many a (TCP-sized, possibly hostile) reply holds.
    let owners: Vec<Name> = reply
        .answers
        .iter()
        .map(|r| r.name.to_lowercase())
        .collect();
    let mut cname_of: HashMap<&Name, &Name> = HashMap::new();
    for (owner, r) in owners.iter().zip(&reply.answers) {
        if let RData::CNAME(target) = &r.data {
            cname_of.entry(owner).or_insert(&target.0);
        }
    }
    let mut cnames = Vec::new();
    let mut seen: HashSet<Name> = HashSet::new();
    let mut current = name.to_lowercase();
    // A loop ends at the first target seen twice.
    while let Some(target) = cname_of.get(&current).map(|t| t.to_lowercase()) {
        if !seen.insert(target.clone()) {
            break;
        }
        cnames.push(display_name(&target));
        current = target;
    }
    match reply.metadata.response_code {
        ResponseCode::NoError => {}
        ResponseCode::NXDomain => return QueryOutcome::NxDomain { cnames },
        ResponseCode::Refused => return QueryOutcome::Refused,
        // SERVFAIL, FORMERR, NOTIMP and anything else: this server could not
        // answer; another one may.
        _ => return QueryOutcome::ServFail,
    }
    let addresses = owners
        .iter()
        .zip(&reply.answers)
        .filter(|(owner, _)| **owner == current)
        .filter_map(|(_, r)| match (&r.data, rtype) {
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
    use hickory_proto::rr::Record;
    use hickory_proto::rr::rdata::{A, AAAA, CNAME};
    use proptest::prelude::*;

    /// The first, quadratic version of [`interpret`]: the reference the
    /// linear one must equal.
    fn interpret_reference(reply: &Message, name: &Name, rtype: RecordType) -> QueryOutcome {
        let mut cnames = Vec::new();
        let mut current = name.to_lowercase();
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

    /// A name of the small pool `n0.example.` … (mixed case now and then,
    /// as resolvers may echo 0x20-randomised case).
    fn pool_name(i: u8, upper: bool) -> Name {
        let text = format!("n{i}.example.");
        let text = if upper { text.to_uppercase() } else { text };
        Name::from_ascii(text).expect("pool names are valid")
    }

    /// One answer record: (owner, kind, target or address seed).
    fn record((owner, upper, kind, x): (u8, bool, u8, u8)) -> Record {
        let data = match kind % 3 {
            0 => RData::CNAME(CNAME(pool_name(x % 8, !upper))),
            1 => RData::A(A(std::net::Ipv4Addr::new(10, 0, owner, x))),
            _ => RData::AAAA(AAAA(std::net::Ipv6Addr::new(
                0xfd00,
                0,
                0,
                0,
                0,
                0,
                u16::from(owner),
                u16::from(x),
            ))),
        };
        Record::from_rdata(pool_name(owner % 8, upper), 60, data)
    }

    proptest! {
        /// Random answer sections over eight names (chains, loops,
        /// self-references, several CNAMEs per owner, mixed case): the
        /// linear interpretation equals the reference, and its chain has no
        /// repeated name.
        #[test]
        fn interpret_equals_reference(
            records in prop::collection::vec((0u8..8, any::<bool>(), 0u8..3, any::<u8>()), 0..24),
            rcode in prop::sample::select(vec![ResponseCode::NoError, ResponseCode::NXDomain, ResponseCode::Refused, ResponseCode::ServFail]),
            asked in 0u8..8,
            rtype in prop::sample::select(vec![RecordType::A, RecordType::AAAA]),
        ) {
            let mut reply = Message::response(7, OpCode::Query);
            reply.metadata.response_code = rcode;
            for r in records {
                reply.add_answer(record(r));
            }
            let name = pool_name(asked, false);
            let got = interpret(&reply, &name, rtype);
            prop_assert_eq!(&got, &interpret_reference(&reply, &name, rtype));
            if let QueryOutcome::Answer { cnames, .. } | QueryOutcome::NxDomain { cnames } = &got {
                let mut unique = cnames.clone();
                unique.sort();
                unique.dedup();
                prop_assert_eq!(unique.len(), cnames.len());
            }
        }
    }

    #[test]
    fn a_long_cname_chain_is_followed_to_its_end() {
        // As many records as a 64 KB TCP reply can hold, in reverse order
        // (the worst case for a scan per hop).
        let n = 3000u32;
        let name_of = |i: u32| Name::from_ascii(format!("c{i}.example.")).expect("valid");
        let mut reply = Message::response(7, OpCode::Query);
        reply.add_answer(Record::from_rdata(
            name_of(n),
            60,
            RData::A(A(std::net::Ipv4Addr::new(10, 1, 2, 3))),
        ));
        for i in (0..n).rev() {
            reply.add_answer(Record::from_rdata(
                name_of(i),
                60,
                RData::CNAME(CNAME(name_of(i + 1))),
            ));
        }
        match interpret(&reply, &name_of(0), RecordType::A) {
            QueryOutcome::Answer { addresses, cnames } => {
                assert_eq!(addresses, vec![IpAddr::from([10, 1, 2, 3])]);
                assert_eq!(cnames.len(), n as usize);
                assert_eq!(cnames.last().map(String::as_str), Some("c3000.example"));
            }
            other => panic!("{other:?}"),
        }
    }

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
