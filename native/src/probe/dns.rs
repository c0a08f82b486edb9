//! The real [`Resolver`]: DNS queries over UDP (TCP on truncation) to the
//! resolvers of `/etc/resolv.conf` or `--dns-server`, asked the way the C
//! library asks them (DESIGN.md, "How the probe asks DNS"), so that "ready"
//! means the task's programs resolve too; hickory-proto encodes the
//! messages.
//!
//! Guarantees:
//! * names are fully qualified (no search list); the servers are asked in
//!   order, each getting an equal share of what remains of the deadline;
//!   `/etc/resolv.conf` gives its first three `nameserver`s
//!   ([`MAX_NAMESERVERS`], as glibc and musl; [`parse_resolv_conf`] names
//!   the ignored ones), an IPv6 zone (`fe80::1%eth0`) kept as the scope id;
//! * A and AAAA are asked together; their union is the answer (A first);
//! * NXDOMAIN and NODATA are final. SERVFAIL, REFUSED and a dead server (an
//!   ICMP port or host unreachable, which a connected UDP socket reports as
//!   an error on its next send or receive) move to the next server at once;
//!   a FORMERR to an EDNS query is first retried once without EDNS (RFC 6891
//!   §7). Only when every server failed is the failure theirs, the most
//!   telling one reported ([`DnsFailure::weight`]). A server found dead is
//!   skipped by every name until the deadline of the lookup that found it;
//! * a name whose query never left is told apart from a silent resolver:
//!   [`DnsFailure::NotAsked`] (no query slot or socket before the deadline)
//!   and [`DnsFailure::NoRoute`] (nothing could leave this host for the
//!   resolver). `queries` and `resent` count only datagrams that left;
//! * fairness: at most `max_in_flight` queries hold a *slot* at once, and a
//!   query holds its slot from its send until its reply or for
//!   [`SLOT_LEASE`], whichever comes first; first sends get free slots
//!   before retransmissions. So names nobody answers cannot keep the others
//!   from being asked (a Route 53 forwarding rule to a dead DNS server
//!   silences a third of 500 names: the rest are still asked at once), while
//!   no burst exceeds the cap (hundreds of uncapped queries overflow a
//!   resolver's receive buffer and turn into timeouts);
//! * an unanswered query is sent again every [`retransmit_interval`] of the
//!   server's share, at most [`MAX_SENDS`] times in all; the retransmission
//!   has the same id, and either reply is accepted. A silent query keeps
//!   listening, without a slot, until the share ends;
//! * once one of A and AAAA brings addresses, NXDOMAIN, SERVFAIL or REFUSED,
//!   the other gets [`second_reply_grace`] more, not the rest of the share
//!   (a firewall that drops AAAA queries costs a moment, not the DNS
//!   budget);
//! * a reply is accepted only from the queried server's address, with the
//!   query's id and question (the socket is connected to the server, and the
//!   id is random), so a stray datagram cannot forge an answer; a FORMERR
//!   without a question section (as old servers send) is taken for its id,
//!   and can only lead to a retry without EDNS or a failure;
//! * a UDP socket carries one name's A and AAAA exchange at a time, is opened
//!   only once the exchange has both its first slots, and goes back to an
//!   idle pool for the next name only when every reply it waited for came
//!   (so no late reply is pending on it): 500 answered names need about as
//!   many sockets as queries in flight, not 500;
//! * every wait is bounded by the caller's deadline (`tokio::time`);
//! * all I/O goes through a [`DnsTransport`]: [`UdpTransport`] (real sockets)
//!   in the binary, a simulated network in tests, with the same code above it.
//!
//! Not done here: caching, search domains, resolv.conf's `options`
//! (`rotate`, `timeout:`, `attempts:`), DNSSEC validation, or anything but
//! A, AAAA and the CNAMEs leading to them.

use super::net::{Resolution, Resolver};
use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use netready_core::rules::{
    Combined, DnsAnswer, DnsFailure, QueryOutcome, combine_answers, more_telling,
};
use std::collections::{HashMap, HashSet, VecDeque};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::{oneshot, watch};
use tokio::time::{Instant, timeout_at};

/// The default cap on DNS queries in flight (measured: about 64 is both
/// reliable and fastest for 500 names against one resolver).
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

/// The most `nameserver` lines of resolv.conf used, in order: glibc's and
/// musl's `MAXNS`. A probe that resolved through a fourth would say ready
/// while the task's programs cannot resolve.
pub const MAX_NAMESERVERS: usize = 3;

/// The most datagrams one query (A or AAAA) is sent as, to one server: the
/// first and two retransmissions.
pub const MAX_SENDS: u32 = 3;

/// How long a sent query holds its slot without a reply: no longer than the
/// shortest retransmission interval, and longer than a slow but working
/// resolver takes (the 200 ms resolver of `bench/probe.sh` keeps every
/// query in its slot until the reply).
pub const SLOT_LEASE: Duration = Duration::from_millis(250);

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

    /// Sends one datagram. An error means it did not leave; an ICMP error
    /// the socket received earlier comes back here (or from
    /// [`DnsTransport::recv`]) as `ConnectionRefused` or `HostUnreachable`.
    fn send(&self, socket: &Self::Socket, datagram: &[u8]) -> impl Future<Output = io::Result<()>>;

    /// Waits for the next datagram from the server; its length in `buf`.
    /// Must be cancel-safe: a datagram is never lost to a cancelled call.
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
    /// The server cannot be reached from here (no route to it): nothing was
    /// sent, and nothing can be.
    Unroutable,
}

/// Real sockets: tokio's UDP sockets, connected to the server (so the kernel
/// drops datagrams from anyone else, and reports ICMP errors), and TCP
/// streams.
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

/// Whether a socket error means the server is down now: an ICMP port
/// unreachable (nothing listens) or host/network unreachable came back.
fn server_down(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
    )
}

/// Which queue a request for a slot waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Priority {
    /// A query's first datagram to a server: a name not asked yet.
    FirstSend,
    /// A query sent again: waits while any first send waits.
    Retransmission,
}

/// The query slots: a counting semaphore with two queues, first sends
/// before retransmissions, each first come first served. A request takes
/// all its slots at once (a name's first sends take two: taken one by one,
/// names each holding one and waiting for a second would block each other).
#[derive(Debug)]
struct Slots {
    state: Mutex<SlotState>,
}

#[derive(Debug)]
struct SlotState {
    free: usize,
    first: VecDeque<Waiter>,
    again: VecDeque<Waiter>,
}

#[derive(Debug)]
struct Waiter {
    need: usize,
    tx: oneshot::Sender<Vec<Slot>>,
}

/// One query slot, given back (to the waiters, first sends first) when
/// dropped.
#[derive(Debug)]
struct Slot {
    slots: Arc<Slots>,
    /// False only while [`Slots::serve`] takes back a grant nobody took (so
    /// that dropping it does not give it twice).
    armed: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if std::mem::replace(&mut self.armed, false) {
            Slots::serve(&self.slots, 1);
        }
    }
}

impl Slots {
    fn new(n: usize) -> Arc<Slots> {
        Arc::new(Slots {
            state: Mutex::new(SlotState {
                free: n.max(1),
                first: VecDeque::new(),
                again: VecDeque::new(),
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, SlotState> {
        // Nothing panics while holding the lock; the counts stay consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn grant(self: &Arc<Self>, need: usize) -> Vec<Slot> {
        (0..need)
            .map(|_| Slot {
                slots: Arc::clone(self),
                armed: true,
            })
            .collect()
    }

    /// `need` slots now, or a place in `priority`'s queue. Dropping the
    /// [`Acquire`] gives up the place (and any slots already granted to it).
    fn acquire(self: &Arc<Self>, priority: Priority, need: usize) -> Acquire {
        let mut s = self.lock();
        let waiting_ahead =
            !s.first.is_empty() || (priority == Priority::Retransmission && !s.again.is_empty());
        if s.free >= need && !waiting_ahead {
            s.free -= need;
            drop(s);
            return Acquire::Ready(Some(self.grant(need)));
        }
        let (tx, rx) = oneshot::channel();
        let queue = match priority {
            Priority::FirstSend => &mut s.first,
            Priority::Retransmission => &mut s.again,
        };
        // Waiters that gave up leave a closed sender behind: sweep them now
        // and then, so a queue stays about as long as its live waiters.
        if queue.len() >= 64 && queue.len().is_power_of_two() {
            queue.retain(|w| !w.tx.is_closed());
        }
        queue.push_back(Waiter { need, tx });
        Acquire::Waiting(rx)
    }

    /// Takes `freed` slots back and serves the waiters in order (first
    /// sends, then retransmissions) while the head's need is met.
    fn serve(self: &Arc<Self>, freed: usize) {
        let mut s = self.lock();
        s.free += freed;
        loop {
            let free = s.free;
            let queue = if s.first.is_empty() {
                &mut s.again
            } else {
                &mut s.first
            };
            if queue.front().is_none_or(|w| w.need > free) {
                return;
            }
            let Some(waiter) = queue.pop_front() else {
                return;
            };
            s.free -= waiter.need;
            drop(s);
            // Outside the lock: a grant's slots are dropped if the send fails.
            let granted = waiter.tx.send(self.grant(waiter.need));
            s = self.lock();
            // A waiter that gave up returns the grant: counted free again,
            // its slots disarmed so that dropping them gives nothing twice.
            if let Err(grant) = granted {
                s.free += grant.len();
                for mut slot in grant {
                    slot.armed = false;
                    drop(slot);
                }
            }
        }
    }
}

/// A request for slots (see [`Slots::acquire`]); resolves to `None` only if
/// the slots are gone.
enum Acquire {
    Ready(Option<Vec<Slot>>),
    Waiting(oneshot::Receiver<Vec<Slot>>),
}

impl Future for Acquire {
    type Output = Option<Vec<Slot>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Vec<Slot>>> {
        match self.get_mut() {
            Acquire::Ready(grant) => Poll::Ready(grant.take()),
            Acquire::Waiting(rx) => Pin::new(rx).poll(cx).map(Result::ok),
        }
    }
}

/// Servers found dead (ICMP errors), and until when they count as such;
/// `news` ticks at each new one so that waiting exchanges give up on it.
#[derive(Debug)]
struct DownServers {
    until: Mutex<HashMap<SocketAddr, Instant>>,
    news: watch::Sender<u64>,
}

impl DownServers {
    fn new() -> DownServers {
        DownServers {
            until: Mutex::new(HashMap::new()),
            news: watch::channel(0).0,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<SocketAddr, Instant>> {
        self.until.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mark(&self, server: SocketAddr, until: Instant) {
        {
            let mut down = self.lock();
            let entry = down.entry(server).or_insert(until);
            *entry = (*entry).max(until);
        }
        self.news.send_modify(|n| *n = n.wrapping_add(1));
    }

    fn is_down(&self, server: SocketAddr, now: Instant) -> bool {
        self.lock().get(&server).is_some_and(|until| now < *until)
    }
}

/// Queries DNS servers through a [`DnsTransport`] (real sockets by default).
/// Clones share the query slots, the idle sockets and what is known of dead
/// servers.
#[derive(Debug)]
pub struct DnsResolver<T: DnsTransport = UdpTransport> {
    servers: Arc<[SocketAddr]>,
    slots: Arc<Slots>,
    idle: Arc<Mutex<Vec<IdleSocket<T::Socket>>>>,
    down: Arc<DownServers>,
    transport: T,
}

// Not derived: a derive would demand `T::Socket: Clone`, and sockets are
// shared through the `Arc`, never cloned.
impl<T: DnsTransport + Clone> Clone for DnsResolver<T> {
    fn clone(&self) -> Self {
        DnsResolver {
            servers: Arc::clone(&self.servers),
            slots: Arc::clone(&self.slots),
            idle: Arc::clone(&self.idle),
            down: Arc::clone(&self.down),
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

/// How long the other query of a pair is still waited for once one brought
/// a settling reply, `rtt` after it was sent: four round trips, at least
/// 250 ms (a resolver may answer A from its cache and fetch AAAA upstream).
pub fn second_reply_grace(rtt: Duration) -> Duration {
    rtt.saturating_mul(4).max(Duration::from_millis(250))
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
    /// `max_in_flight` (at least one) queries may hold a slot at once.
    pub fn new(servers: Vec<SocketAddr>, max_in_flight: usize) -> DnsResolver {
        DnsResolver::with_transport(UdpTransport, servers, max_in_flight)
    }
}

impl<T: DnsTransport> DnsResolver<T> {
    /// A resolver asking `servers` in order through `transport`.
    pub fn with_transport(transport: T, servers: Vec<SocketAddr>, max_in_flight: usize) -> Self {
        DnsResolver {
            servers: servers.into(),
            slots: Slots::new(max_in_flight),
            idle: Arc::new(Mutex::new(Vec::new())),
            down: Arc::new(DownServers::new()),
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

    /// `need` slots of `priority` before `deadline`.
    async fn slots(&self, priority: Priority, need: usize, deadline: Instant) -> Option<Vec<Slot>> {
        timeout_at(deadline, self.slots.acquire(priority, need))
            .await
            .ok()
            .flatten()
    }
}

/// What resolv.conf says about name servers, read like the C library.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResolvConf {
    /// The name servers used: the first [`MAX_NAMESERVERS`] `nameserver`
    /// lines that parse, in order, port 53.
    pub servers: Vec<SocketAddr>,
    /// The name servers past those, as written: the C library ignores them.
    pub ignored: Vec<String>,
    /// `nameserver` values whose zone names no interface here, as written:
    /// kept with scope 0 (as glibc does), so they will not work.
    pub unknown_zones: Vec<String>,
}

impl ResolvConf {
    /// Warnings for people: the ignored name servers, the unknown zones.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.ignored.is_empty() {
            out.push(format!(
                "resolv.conf names more than {MAX_NAMESERVERS} nameservers; like the C library, the probe uses the first {MAX_NAMESERVERS} and ignores {}",
                self.ignored.join(", ")
            ));
        }
        for z in &self.unknown_zones {
            out.push(format!(
                "resolv.conf nameserver {z}: no interface of that name here, so it cannot be reached (the C library keeps it with no scope too)"
            ));
        }
        out
    }
}

/// The index of the network interface `name` in this network namespace.
pub fn interface_index(name: &str) -> Option<u32> {
    nix::net::if_::if_nametoindex(name).ok().filter(|i| *i != 0)
}

/// Reads `IP[%ZONE]` as glibc's resolver reads a `nameserver` value: the
/// zone of a link-local IPv6 address is an interface name (`index_of`) or a
/// number, that of another IPv6 address a number, and an IPv4 address has
/// none. The flag says a zone was given that names nothing: the scope stays
/// 0, as in glibc, and such a link-local server cannot be reached.
fn zoned_socket(
    text: &str,
    port: u16,
    index_of: &dyn Fn(&str) -> Option<u32>,
) -> Option<(SocketAddr, bool)> {
    let (addr, zone) = match text.split_once('%') {
        Some((a, z)) => (a, Some(z)),
        None => (text, None),
    };
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Some((SocketAddr::from((v4, port)), false)),
        IpAddr::V6(v6) => {
            let Some(zone) = zone else {
                return Some((SocketAddrV6::new(v6, port, 0, 0).into(), false));
            };
            // fe80::/10, and multicast with the interface- or link-local
            // scope (ff01::/16, ff02::/16), as glibc's scope parser has it.
            let link_local = v6.is_unicast_link_local()
                || (v6.is_multicast() && matches!(v6.segments()[0] & 0x000f, 1 | 2));
            let scope =
                if link_local { index_of(zone) } else { None }.or_else(|| zone.parse::<u32>().ok());
            Some((
                SocketAddrV6::new(v6, port, 0, scope.unwrap_or(0)).into(),
                scope.is_none(),
            ))
        }
    }
}

/// The name servers of a resolv.conf text, read like the C library: the
/// first [`MAX_NAMESERVERS`] `nameserver IP[%ZONE]` lines that parse, port
/// 53, the zone kept as the scope id (`index_of` maps interface names to
/// indexes: [`interface_index`] on a real host). As in glibc and musl, the
/// keyword must start the line and be followed by a blank; lines that do
/// not parse are skipped and do not count; comments start with `#` or `;`.
pub fn parse_resolv_conf(text: &str, index_of: &dyn Fn(&str) -> Option<u32>) -> ResolvConf {
    let mut conf = ResolvConf::default();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("nameserver") else {
            continue;
        };
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let Some(value) = rest.split_whitespace().next() else {
            continue;
        };
        let Some((addr, unknown_zone)) = zoned_socket(value, 53, index_of) else {
            continue;
        };
        if conf.servers.len() == MAX_NAMESERVERS {
            conf.ignored.push(value.to_owned());
            continue;
        }
        if unknown_zone {
            conf.unknown_zones.push(value.to_owned());
        }
        conf.servers.push(addr);
    }
    conf
}

/// Why a `--dns-server` value did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DnsServerError {
    /// Neither `IP`, `IP:PORT` nor `[IPV6]:PORT` (an IPv6 address may carry
    /// a `%zone`).
    Malformed,
    /// A zone that names no interface here.
    UnknownZone,
}

impl std::fmt::Display for DnsServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DnsServerError::Malformed => {
                "expected IP[:PORT], e.g. 10.0.0.2, 127.0.0.1:5353, [fd00::2]:53 or fe80::1%eth0"
            }
            DnsServerError::UnknownZone => {
                "the zone after % names no network interface here (expected e.g. fe80::1%eth0)"
            }
        })
    }
}

impl std::error::Error for DnsServerError {}

/// Parses a `--dns-server` value: `IP`, `IP:PORT`, `[IPV6]:PORT`, an IPv6
/// address with a zone (`fe80::1%eth0`, `[fe80::1%eth0]:53`; port 53 when
/// none is given).
pub fn parse_dns_server(s: &str) -> Result<SocketAddr, DnsServerError> {
    parse_dns_server_with(s, &interface_index)
}

fn parse_dns_server_with(
    s: &str,
    index_of: &dyn Fn(&str) -> Option<u32>,
) -> Result<SocketAddr, DnsServerError> {
    let s = s.trim();
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or(DnsServerError::Malformed)?;
        let port = match after {
            "" => 53,
            p => p
                .strip_prefix(':')
                .and_then(|p| p.parse::<u16>().ok())
                .ok_or(DnsServerError::Malformed)?,
        };
        (host, port)
    } else {
        match s.rsplit_once(':') {
            // IPv4:PORT (an IPv6 address without brackets has more colons).
            Some((host, port)) if !host.contains(':') => (
                host,
                port.parse::<u16>().map_err(|_| DnsServerError::Malformed)?,
            ),
            _ => (s, 53),
        }
    };
    if port == 0 {
        return Err(DnsServerError::Malformed);
    }
    match zoned_socket(host, port, index_of) {
        Some((_, true)) => Err(DnsServerError::UnknownZone),
        Some((addr, false)) => Ok(addr),
        None => Err(DnsServerError::Malformed),
    }
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
                    resent_to_resolver: Some(0),
                };
            }
        };
        // The most telling failure so far, the server that said it (for
        // SERVFAIL and REFUSED) and the retransmissions to that server.
        let mut failed: Option<(DnsFailure, Option<SocketAddr>, u32)> = None;
        let mut sent = Sent::default();
        for (i, &server) in self.servers.iter().enumerate() {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            let resent_before = sent.resent;
            let (a, aaaa) = if self.down.is_down(server, now) {
                (QueryOutcome::ServerDown, QueryOutcome::ServerDown)
            } else {
                let left = u32::try_from(self.servers.len() - i).unwrap_or(u32::MAX);
                let share = now + (deadline - now) / left;
                self.query_pair(server, &name, share, deadline, &mut sent)
                    .await
            };
            let resent_here = sent.resent - resent_before;
            match combine_answers(a, aaaa) {
                Combined::Final(answer, cnames) => {
                    return Resolution {
                        answer,
                        resolver: Some(server),
                        cnames,
                        ms: ms(),
                        queries: Some(sent.queries),
                        resent: Some(sent.resent),
                        resent_to_resolver: Some(resent_here),
                    };
                }
                Combined::TryNext(failure) => {
                    if more_telling(failure, failed.map(|(f, _, _)| f)) {
                        let said_so = matches!(failure, DnsFailure::ServFail | DnsFailure::Refused);
                        failed = Some((failure, said_so.then_some(server), resent_here));
                    }
                }
            }
        }
        // No server asked at all (the deadline had passed): never asked.
        let (failure, resolver, resent_there) = failed.unwrap_or((DnsFailure::NotAsked, None, 0));
        Resolution {
            answer: DnsAnswer::Failed(failure),
            resolver,
            cnames: Vec::new(),
            ms: ms(),
            queries: Some(sent.queries),
            resent: Some(sent.resent),
            resent_to_resolver: Some(resent_there),
        }
    }
}

/// What was sent for one name, for the report: datagrams that left this
/// host, and TCP queries.
#[derive(Debug, Default, Clone, Copy)]
struct Sent {
    /// Every query datagram and TCP query, to every server.
    queries: u32,
    /// The UDP queries sent again because no reply came in time.
    resent: u32,
}

/// One query of a name's pair, to one server.
struct Pending {
    rtype: RecordType,
    bytes: Vec<u8>,
    id: u16,
    /// Whether it carries EDNS (dropped after a FORMERR).
    edns: bool,
    /// Its datagrams that left this host.
    sends: u32,
    /// When the first of them left (for the round trip).
    first_sent: Option<Instant>,
    /// The last attempt to send, whether or not it left.
    last_try: Option<Instant>,
    /// A send failed on this host (nothing left).
    stuck: bool,
    /// The slot it holds, and when the slot's lease ends.
    slot: Option<(Slot, Instant)>,
    reply: Option<Message>,
}

impl Pending {
    fn new(name: &Name, rtype: RecordType, edns: bool) -> Option<Pending> {
        let query = build_query(name, rtype, edns);
        Some(Pending {
            rtype,
            bytes: query.to_vec().ok()?,
            id: query.metadata.id,
            edns,
            sends: 0,
            first_sent: None,
            last_try: None,
            stuck: false,
            slot: None,
            reply: None,
        })
    }

    /// Whether a datagram should go out now.
    fn due(&self, now: Instant, every: Duration) -> bool {
        self.reply.is_none()
            && self.sends < MAX_SENDS
            && self.last_try.is_none_or(|t| now >= t + every)
    }

    /// When the next datagram is due, if one will be.
    fn next_due(&self, every: Duration) -> Option<Instant> {
        if self.reply.is_none() && self.sends < MAX_SENDS {
            self.last_try.map(|t| t + every)
        } else {
            None
        }
    }

    fn priority(&self) -> Priority {
        if self.sends == 0 {
            Priority::FirstSend
        } else {
            Priority::Retransmission
        }
    }
}

/// How an exchange on one server ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    /// Every query got its reply.
    Replies,
    /// The share (or the grace after a settling reply) is over.
    Waited,
    /// The server is down (ICMP error, here or for another name).
    ServerDown,
}

impl<T: DnsTransport> DnsResolver<T> {
    /// Asks `server` for A and AAAA at once, over one UDP socket (half the
    /// sockets and system calls of one socket per query), then over TCP for
    /// a type whose reply was truncated. Both first sends hold a slot before
    /// the socket is opened. A server found down is marked so until
    /// `down_until`.
    async fn query_pair(
        &self,
        server: SocketAddr,
        name: &Name,
        deadline: Instant,
        down_until: Instant,
        sent: &mut Sent,
    ) -> (QueryOutcome, QueryOutcome) {
        use QueryOutcome::{NoRoute, NotSent, ServFail, ServerDown, Timeout};
        let Some(mut granted) = self.slots(Priority::FirstSend, 2, deadline).await else {
            return (NotSent, NotSent);
        };
        let (Some(second), Some(first)) = (granted.pop(), granted.pop()) else {
            return (NotSent, NotSent);
        };
        let (Some(a), Some(aaaa)) = (
            Pending::new(name, RecordType::A, true),
            Pending::new(name, RecordType::AAAA, true),
        ) else {
            return (ServFail, ServFail);
        };
        let mut pair = [a, aaaa];
        let socket = match self.socket_for(server).await {
            Ok(socket) => socket,
            Err(SocketTrouble::NoSocket) => return (NotSent, NotSent),
            Err(SocketTrouble::Unroutable) => return (NoRoute, NoRoute),
        };
        let ended = self
            .exchange(
                server,
                &socket,
                &mut pair,
                [first, second],
                name,
                deadline,
                sent,
            )
            .await;
        if ended == Ended::ServerDown {
            self.down.mark(server, down_until);
        }
        if pair.iter().all(|q| q.reply.is_some()) {
            self.give_back(server, socket);
        } else {
            self.transport.close(socket);
        }
        let mut outcomes = [Timeout, Timeout];
        for (q, outcome) in pair.iter_mut().zip(&mut outcomes) {
            q.slot = None;
            *outcome = match q.reply.take() {
                Some(reply) if reply.metadata.truncation => {
                    sent.queries += 1;
                    let full =
                        timeout_at(deadline, self.transport.tcp_query(server, &q.bytes)).await;
                    match full.ok().flatten().and_then(|b| Message::from_vec(&b).ok()) {
                        Some(full) if matches(&full, q.id, name, q.rtype) => {
                            interpret(&full, name, q.rtype)
                        }
                        _ => Timeout,
                    }
                }
                Some(reply) => interpret(&reply, name, q.rtype),
                None if ended == Ended::ServerDown => ServerDown,
                None if q.sends > 0 => Timeout,
                None if q.stuck => NoRoute,
                None => NotSent,
            };
        }
        let [a, aaaa] = outcomes;
        (a, aaaa)
    }

    /// Sends both queries of `pair` with their `slots`, then collects the
    /// matching replies until all came, the server is found down, the grace
    /// after a settling reply ended, or `deadline` passed; unanswered queries
    /// go out again every [`retransmit_interval`], each retransmission
    /// waiting for a slot behind every first send.
    #[allow(clippy::too_many_arguments)]
    async fn exchange(
        &self,
        server: SocketAddr,
        socket: &T::Socket,
        pair: &mut [Pending; 2],
        slots: [Slot; 2],
        name: &Name,
        deadline: Instant,
        sent: &mut Sent,
    ) -> Ended {
        let every = retransmit_interval(deadline.saturating_duration_since(Instant::now()));
        let mut news = self.down.news.subscribe();
        // EDNS asks for at most EDNS_PAYLOAD bytes; a larger datagram is cut
        // short, fails to parse and is ignored like any other garbage.
        let mut buf = vec![0u8; 4096];
        let mut grace_until: Option<Instant> = None;
        // One slot request at a time, kept across turns of the loop so that
        // it keeps its place in the queue.
        let mut acquiring: Option<(usize, Acquire)> = None;
        for (q, slot) in pair.iter_mut().zip(slots) {
            if self.send(socket, q, slot, deadline, sent).await == SendResult::ServerDown {
                return Ended::ServerDown;
            }
        }
        loop {
            let now = Instant::now();
            if pair.iter().all(|q| q.reply.is_some()) {
                return Ended::Replies;
            }
            if self.down.is_down(server, now) {
                return Ended::ServerDown;
            }
            if now >= deadline || grace_until.is_some_and(|g| now >= g) {
                return Ended::Waited;
            }
            for q in pair.iter_mut() {
                if q.slot
                    .as_ref()
                    .is_some_and(|(_, lease_end)| now >= *lease_end)
                {
                    q.slot = None;
                }
            }
            if acquiring
                .as_ref()
                .is_some_and(|(i, _)| !pair[*i].due(now, every))
            {
                acquiring = None;
            }
            for q in pair.iter_mut() {
                if q.due(now, every)
                    && let Some((slot, _)) = q.slot.take()
                    && self.send(socket, q, slot, deadline, sent).await == SendResult::ServerDown
                {
                    return Ended::ServerDown;
                }
            }
            if acquiring.is_none()
                && let Some(i) = (0..2).find(|&i| pair[i].due(now, every))
            {
                acquiring = Some((i, self.slots.acquire(pair[i].priority(), 1)));
            }
            let mut wake = deadline;
            if let Some(g) = grace_until {
                wake = wake.min(g);
            }
            for q in pair.iter() {
                if let Some((_, lease_end)) = &q.slot {
                    wake = wake.min(*lease_end);
                }
                if let Some(t) = q.next_due(every)
                    && t > now
                {
                    wake = wake.min(t);
                }
            }
            tokio::select! {
                biased;
                got = self.transport.recv(socket, &mut buf) => match got {
                    Ok(n) => {
                        if let Some(i) = take_reply(&buf[..n], pair, name, &mut grace_until) {
                            // A FORMERR to EDNS: the same question without
                            // it, at once, in the slot it still holds.
                            let Some(mut plain) = Pending::new(name, pair[i].rtype, false) else {
                                return Ended::Waited;
                            };
                            plain.slot = pair[i].slot.take();
                            pair[i] = plain;
                        }
                    }
                    Err(e) if server_down(&e) => return Ended::ServerDown,
                    // Anything else is no word from the server: wait on (a
                    // short pause keeps a lasting error from spinning).
                    Err(_) => tokio::time::sleep_until((Instant::now() + Duration::from_millis(10)).min(deadline)).await,
                },
                slot = next_slot(&mut acquiring), if acquiring.is_some() => {
                    let taken = acquiring.take();
                    if let (Some(slot), Some((i, _))) = (slot, taken)
                        && pair[i].due(Instant::now(), every)
                        && self.send(socket, &mut pair[i], slot, deadline, sent).await == SendResult::ServerDown
                    {
                        return Ended::ServerDown;
                    }
                },
                Ok(()) = news.changed() => {}
                () = tokio::time::sleep_until(wake) => {}
            }
        }
    }

    /// Sends `q` in `slot`: [`SendResult::ServerDown`] when the socket
    /// reports the server down (the datagram did not leave); otherwise it
    /// left (counted; the slot is held for [`SLOT_LEASE`]) or could not leave
    /// this host (not counted; tried again when the next retransmission is
    /// due).
    async fn send(
        &self,
        socket: &T::Socket,
        q: &mut Pending,
        slot: Slot,
        deadline: Instant,
        sent: &mut Sent,
    ) -> SendResult {
        let now = Instant::now();
        q.last_try = Some(now);
        match timeout_at(deadline, self.transport.send(socket, &q.bytes)).await {
            Ok(Ok(())) => {
                sent.queries += 1;
                if q.sends > 0 {
                    sent.resent += 1;
                }
                q.sends += 1;
                q.first_sent.get_or_insert(now);
                q.slot = Some((slot, now + SLOT_LEASE));
                SendResult::Carry
            }
            Ok(Err(e)) if server_down(&e) && e.kind() != io::ErrorKind::NetworkUnreachable => {
                SendResult::ServerDown
            }
            // No route, a local firewall's EPERM, no buffer space: nothing
            // left, so nothing was asked.
            Ok(Err(_)) => {
                q.stuck = true;
                SendResult::Carry
            }
            Err(_) => SendResult::Carry,
        }
    }
}

/// What [`DnsResolver::send`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SendResult {
    /// The datagram left, or could not leave this host, or the deadline
    /// passed: the exchange goes on.
    Carry,
    /// The socket reported an ICMP error: the server is down.
    ServerDown,
}

/// The slot granted to the request in `acquiring` (pending forever if none).
async fn next_slot(acquiring: &mut Option<(usize, Acquire)>) -> Option<Slot> {
    match acquiring {
        Some((_, request)) => request.await.and_then(|mut grant| grant.pop()),
        None => std::future::pending().await,
    }
}

/// Takes a datagram as the reply to a query of `pair`, if it is one. A
/// reply that settles the name (addresses, NXDOMAIN, SERVFAIL, REFUSED)
/// starts the grace for the other query. Returns the index of a query whose
/// EDNS form got FORMERR, to be asked again without EDNS.
fn take_reply(
    datagram: &[u8],
    pair: &mut [Pending; 2],
    name: &Name,
    grace_until: &mut Option<Instant>,
) -> Option<usize> {
    let reply = Message::from_vec(datagram).ok()?;
    let i = pair.iter().position(|q| {
        q.reply.is_none() && (matches(&reply, q.id, name, q.rtype) || bare_formerr(&reply, q.id))
    })?;
    let q = &mut pair[i];
    if reply.metadata.response_code == ResponseCode::FormErr && q.edns {
        return Some(i);
    }
    q.slot = None;
    let settles = match interpret(&reply, name, q.rtype) {
        QueryOutcome::Answer { addresses, .. } => !addresses.is_empty(),
        QueryOutcome::NxDomain { .. } | QueryOutcome::ServFail | QueryOutcome::Refused => true,
        _ => false,
    };
    if settles && grace_until.is_none() {
        let now = Instant::now();
        let rtt = q
            .first_sent
            .map_or(Duration::ZERO, |t| now.saturating_duration_since(t));
        *grace_until = Some(now + second_reply_grace(rtt));
    }
    q.reply = Some(reply);
    None
}

fn build_query(name: &Name, rtype: RecordType, edns: bool) -> Message {
    let mut m = Message::query();
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(name.clone(), rtype));
    if edns {
        let mut e = Edns::new();
        e.set_max_payload(EDNS_PAYLOAD);
        m.set_edns(e);
    }
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

/// Whether `reply` is a FORMERR to query `id` without a question section,
/// as servers that cannot parse the query (often: its EDNS) send.
fn bare_formerr(reply: &Message, id: u16) -> bool {
    reply.metadata.id == id
        && reply.metadata.message_type == MessageType::Response
        && reply.metadata.response_code == ResponseCode::FormErr
        && reply.queries.is_empty()
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

    /// Interface indexes of a made-up host: eth0 is 2.
    fn eth0(name: &str) -> Option<u32> {
        (name == "eth0").then_some(2)
    }

    fn v6(text: &str, port: u16, scope: u32) -> SocketAddr {
        SocketAddrV6::new(text.parse().expect("literal"), port, 0, scope).into()
    }

    #[test]
    fn resolv_conf_like_the_c_library() {
        let text = "# comment\n; another\nsearch ec2.internal\nnameserver 10.0.0.2\n  nameserver 10.0.0.3\nnameservers 10.0.0.3\n#nameserver 10.0.0.3\nnameserver\tfe80::1%eth0\nnameserver bogus\nnameserver\noptions ndots:5\nnameserver fe80::2%9\nnameserver 10.0.0.4\nnameserver 10.0.0.5 # trailing\n";
        let conf = parse_resolv_conf(text, &eth0);
        assert_eq!(
            conf.servers,
            vec![
                "10.0.0.2:53".parse().expect("literal"),
                v6("fe80::1", 53, 2),
                v6("fe80::2", 53, 9),
            ]
        );
        assert_eq!(conf.ignored, ["10.0.0.4", "10.0.0.5"]);
        assert!(conf.unknown_zones.is_empty());
        let warnings = conf.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("first 3") && warnings[0].contains("10.0.0.4, 10.0.0.5"),
            "{warnings:?}"
        );

        // A zone naming no interface: kept with scope 0, as glibc does, and
        // said; a zone on a global address is numeric only; IPv4 has none.
        let conf = parse_resolv_conf(
            "nameserver fe80::1%wlan9\nnameserver fd00::2%eth0\nnameserver fd00::3%4\n",
            &eth0,
        );
        assert_eq!(
            conf.servers,
            vec![
                v6("fe80::1", 53, 0),
                v6("fd00::2", 53, 0),
                v6("fd00::3", 53, 4)
            ]
        );
        assert_eq!(conf.unknown_zones, ["fe80::1%wlan9", "fd00::2%eth0"]);
        assert_eq!(conf.warnings().len(), 2);
        assert_eq!(parse_resolv_conf("", &eth0), ResolvConf::default());
    }

    #[test]
    fn dns_server_flag() {
        let parse = |s: &str| parse_dns_server_with(s, &eth0);
        assert_eq!(
            parse("10.0.0.2"),
            Ok("10.0.0.2:53".parse().expect("literal"))
        );
        assert_eq!(
            parse("127.0.0.1:5353"),
            Ok("127.0.0.1:5353".parse().expect("literal"))
        );
        assert_eq!(parse("[fd00::2]:54"), Ok(v6("fd00::2", 54, 0)));
        assert_eq!(parse("fd00::2"), Ok(v6("fd00::2", 53, 0)));
        assert_eq!(parse("[fd00::2]"), Ok(v6("fd00::2", 53, 0)));
        assert_eq!(parse("fe80::1%eth0"), Ok(v6("fe80::1", 53, 2)));
        assert_eq!(parse("[fe80::1%eth0]:5353"), Ok(v6("fe80::1", 5353, 2)));
        assert_eq!(parse("[fe80::1%3]:53"), Ok(v6("fe80::1", 53, 3)));
        assert_eq!(parse("fe80::1%nope"), Err(DnsServerError::UnknownZone));
        assert_eq!(parse("dns.example"), Err(DnsServerError::Malformed));
        assert_eq!(parse("10.0.0.2:0"), Err(DnsServerError::Malformed));
        assert_eq!(parse("[fd00::2]:x"), Err(DnsServerError::Malformed));
        assert_eq!(parse("[fd00::2"), Err(DnsServerError::Malformed));
    }

    #[test]
    fn first_sends_get_slots_before_retransmissions() {
        let slots = Slots::new(2);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut poll = |a: &mut Acquire| match Pin::new(a).poll(&mut cx) {
            Poll::Ready(s) => s,
            Poll::Pending => None,
        };
        let mut held = poll(&mut slots.acquire(Priority::FirstSend, 2))
            .expect("free slots are handed out at once");
        let mut again = slots.acquire(Priority::Retransmission, 1);
        let mut first = slots.acquire(Priority::FirstSend, 2);
        let mut gave_up = slots.acquire(Priority::FirstSend, 1);
        assert!(poll(&mut again).is_none() && poll(&mut first).is_none());
        // A pair is granted whole, and the first sends queued after the
        // retransmission come first.
        drop(held.pop());
        assert!(poll(&mut first).is_none(), "one slot is not a pair");
        drop(held);
        let pair = poll(&mut first).expect("the pair, before the retransmission");
        assert_eq!(pair.len(), 2);
        assert!(poll(&mut again).is_none());
        // A waiter that gave up passes its grant on, not loses it.
        drop(std::mem::replace(&mut gave_up, Acquire::Ready(None)));
        drop(pair);
        let one = poll(&mut again).expect("then the retransmission");
        assert_eq!((one.len(), slots.lock().free), (1, 1));
        drop(one);
        assert_eq!(slots.lock().free, 2, "every slot came back");
    }
}
