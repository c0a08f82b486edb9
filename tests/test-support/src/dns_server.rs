//! A real DNS server for tests and benchmarks: UDP and TCP on one port,
//! hickory-proto message encoding, answers configurable per name while it
//! runs.
//!
//! Guarantees:
//! * it answers like a recursive resolver would: the question is echoed, RA
//!   is set, a CNAME is followed inside the zone and the chain plus the
//!   final records are returned;
//! * each name's behaviour ([`Answer`]) and delay can be changed at any time
//!   ([`DnsServer::set`]), also for one record type only
//!   ([`DnsServer::set_type`]: e.g. AAAA queries dropped); unknown names get
//!   the default (NXDOMAIN unless changed with [`DnsServer::set_default`]);
//! * it can play a server that predates EDNS ([`DnsServer::reject_edns`]):
//!   FORMERR, without a question section, to every query with an OPT record;
//! * a delay is applied per query without holding up other queries;
//! * it counts the queries it received ([`DnsServer::queries`],
//!   [`DnsServer::edns_queries`]);
//! * it stops when dropped.
//!
//! Not done here: anything but class IN A/AAAA/CNAME (other types get an
//! empty NOERROR), zone files, DNSSEC.

use crate::thread::{Serve, ServerThread};
use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

/// How the server answers one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// These addresses (A for IPv4, AAAA for IPv6); an empty list is NODATA.
    Addresses(Vec<IpAddr>),
    /// A CNAME to this name, followed inside the zone.
    Cname(String),
    /// NXDOMAIN.
    NxDomain,
    /// NOERROR with no records.
    NoData,
    /// SERVFAIL.
    ServFail,
    /// REFUSED.
    Refused,
    /// FORMERR (with the question), with or without EDNS: a broken server.
    FormErr,
    /// No reply at all (neither UDP nor TCP).
    Silence,
    /// Over UDP: an empty reply with the TC bit; over TCP: these addresses.
    Truncated(Vec<IpAddr>),
}

/// One name's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What to answer.
    pub answer: Answer,
    /// How long to wait before answering.
    pub delay: Duration,
}

#[derive(Debug)]
struct Zone {
    names: HashMap<String, Entry>,
    /// Per name and record type, before `names`.
    typed: HashMap<(String, RecordType), Entry>,
    default: Entry,
}

#[derive(Debug)]
struct Shared {
    zone: Mutex<Zone>,
    queries: AtomicUsize,
    /// Queries that carried an EDNS OPT record.
    edns_queries: AtomicUsize,
    /// Whether to answer EDNS queries with FORMERR (a server predating EDNS).
    reject_edns: AtomicBool,
    /// UDP queries still to be dropped unanswered (a lossy path).
    drop_udp: AtomicUsize,
    /// The distinct addresses UDP queries came from.
    udp_clients: Mutex<std::collections::BTreeSet<SocketAddr>>,
}

/// A running DNS server; it stops when dropped.
#[derive(Debug)]
pub struct DnsServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _thread: ServerThread,
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl DnsServer {
    /// Starts a server on `bind` (port 0 picks one; UDP and TCP share the
    /// port) in the current network namespace.
    pub fn start(bind: SocketAddr) -> Result<DnsServer, String> {
        DnsServer::start_in(None, bind)
    }

    /// Starts a server on `bind` inside network namespace `netns` (or the
    /// current one).
    pub fn start_in(netns: Option<&str>, bind: SocketAddr) -> Result<DnsServer, String> {
        let shared = Arc::new(Shared {
            zone: Mutex::new(Zone {
                names: HashMap::new(),
                typed: HashMap::new(),
                default: Entry {
                    answer: Answer::NxDomain,
                    delay: Duration::ZERO,
                },
            }),
            queries: AtomicUsize::new(0),
            edns_queries: AtomicUsize::new(0),
            reject_edns: AtomicBool::new(false),
            drop_udp: AtomicUsize::new(0),
            udp_clients: Mutex::default(),
        });
        let for_thread = shared.clone();
        let (thread, addr) = ServerThread::start(netns, move || setup(bind, for_thread))?;
        Ok(DnsServer {
            addr,
            shared,
            _thread: thread,
        })
    }

    /// The address it listens on (UDP and TCP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Sets how `name` is answered, with no delay.
    pub fn set(&self, name: &str, answer: Answer) {
        self.set_delayed(name, answer, Duration::ZERO);
    }

    /// Sets how `name` is answered and after what delay.
    pub fn set_delayed(&self, name: &str, answer: Answer, delay: Duration) {
        self.zone().names.insert(key(name), Entry { answer, delay });
    }

    /// Sets how `name` is answered for queries of type `rtype` only (A or
    /// AAAA), e.g. [`Answer::Silence`] for a firewall that drops AAAA
    /// queries; other types keep [`DnsServer::set`]'s answer.
    pub fn set_type(&self, name: &str, rtype: RecordType, answer: Answer) {
        self.zone().typed.insert(
            (key(name), rtype),
            Entry {
                answer,
                delay: Duration::ZERO,
            },
        );
    }

    /// Answers every query that carries EDNS with FORMERR and no question
    /// section, as servers that predate EDNS do (`true`), or normally.
    pub fn reject_edns(&self, reject: bool) {
        self.shared.reject_edns.store(reject, Ordering::SeqCst);
    }

    /// Queries received so far that carried an EDNS OPT record.
    pub fn edns_queries(&self) -> usize {
        self.shared.edns_queries.load(Ordering::SeqCst)
    }

    /// Sets the answer for names not configured.
    pub fn set_default(&self, answer: Answer, delay: Duration) {
        self.zone().default = Entry { answer, delay };
    }

    /// Applies `delay` to every configured name and the default.
    pub fn set_delay_all(&self, delay: Duration) {
        let mut zone = self.zone();
        zone.default.delay = delay;
        for e in zone.names.values_mut() {
            e.delay = delay;
        }
    }

    /// Drops the next `n` UDP queries unanswered, as a lossy path would
    /// (they still count in [`DnsServer::queries`]).
    pub fn drop_next_udp(&self, n: usize) {
        self.shared.drop_udp.store(n, Ordering::SeqCst);
    }

    /// Queries received so far (UDP and TCP).
    pub fn queries(&self) -> usize {
        self.shared.queries.load(Ordering::SeqCst)
    }

    /// How many distinct source addresses (IP and port) UDP queries came
    /// from: one per client socket.
    pub fn udp_client_sockets(&self) -> usize {
        self.shared
            .udp_clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn zone(&self) -> std::sync::MutexGuard<'_, Zone> {
        self.shared
            .zone
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

async fn setup(bind: SocketAddr, shared: Arc<Shared>) -> Result<(Serve, SocketAddr), String> {
    // With port 0 the kernel picks a free UDP port, and the same TCP port may
    // be taken (another test's ephemeral connection): pick again a few times.
    let attempts = if bind.port() == 0 { 20 } else { 1 };
    let mut attempt = 0;
    let (udp, tcp, addr) = loop {
        attempt += 1;
        let udp = bind_udp(bind)?;
        let addr = udp.local_addr().map_err(|e| e.to_string())?;
        match TcpListener::bind(addr).await {
            Ok(tcp) => break (udp, tcp, addr),
            Err(e) if attempt < attempts && e.kind() == std::io::ErrorKind::AddrInUse => {}
            Err(e) => return Err(format!("DNS server TCP bind {addr}: {e}")),
        }
    };
    let udp = Rc::new(udp);
    let serve: Serve = Box::pin(async move {
        let tcp_shared = shared.clone();
        tokio::join!(serve_udp(udp, shared), serve_tcp(tcp, tcp_shared));
    });
    Ok((serve, addr))
}

/// A UDP socket with a large receive buffer, so that a burst of queries is
/// queued rather than dropped by the kernel.
fn bind_udp(bind: SocketAddr) -> Result<UdpSocket, String> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(bind), Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| format!("DNS server UDP socket: {e}"))?;
    let _ = socket.set_recv_buffer_size(4 << 20);
    socket.set_nonblocking(true).map_err(|e| e.to_string())?;
    socket
        .bind(&bind.into())
        .map_err(|e| format!("DNS server UDP bind {bind}: {e}"))?;
    UdpSocket::from_std(socket.into()).map_err(|e| e.to_string())
}

async fn serve_udp(socket: Rc<UdpSocket>, shared: Arc<Shared>) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        shared.queries.fetch_add(1, Ordering::SeqCst);
        shared
            .udp_clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(peer);
        let dropped = shared
            .drop_udp
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        if dropped {
            continue;
        }
        let Ok(query) = Message::from_vec(&buf[..n]) else {
            continue;
        };
        let (reply, delay) = respond(&query, &shared, Transport::Udp);
        let socket = socket.clone();
        tokio::task::spawn_local(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if let Some(reply) = reply
                && let Ok(bytes) = reply.to_vec()
            {
                let _ = socket.send_to(&bytes, peer).await;
            }
        });
    }
}

async fn serve_tcp(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        tokio::task::spawn_local(async move {
            // One or more length-prefixed queries per connection.
            loop {
                let mut len = [0u8; 2];
                if stream.read_exact(&mut len).await.is_err() {
                    return;
                }
                let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
                if stream.read_exact(&mut buf).await.is_err() {
                    return;
                }
                shared.queries.fetch_add(1, Ordering::SeqCst);
                let Ok(query) = Message::from_vec(&buf) else {
                    return;
                };
                let (reply, delay) = respond(&query, &shared, Transport::Tcp);
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let Some(reply) = reply else {
                    // Silence: hold the connection until the client gives up.
                    let mut sink = [0u8; 1];
                    let _ = stream.read(&mut sink).await;
                    return;
                };
                let Ok(bytes) = reply.to_vec() else {
                    return;
                };
                let Ok(len) = u16::try_from(bytes.len()) else {
                    return;
                };
                if stream.write_all(&len.to_be_bytes()).await.is_err()
                    || stream.write_all(&bytes).await.is_err()
                {
                    return;
                }
            }
        });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Udp,
    Tcp,
}

/// The reply to `query` (None: stay silent) and the delay before it.
fn respond(query: &Message, shared: &Shared, transport: Transport) -> (Option<Message>, Duration) {
    let mut reply = Message::new(query.metadata.id, MessageType::Response, OpCode::Query);
    reply.metadata.recursion_desired = query.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    reply.add_queries(query.queries.iter().cloned());
    let Some(question) = query.queries.first() else {
        reply.metadata.response_code = ResponseCode::FormErr;
        return (Some(reply), Duration::ZERO);
    };
    if query.edns.is_some() {
        shared.edns_queries.fetch_add(1, Ordering::SeqCst);
        if shared.reject_edns.load(Ordering::SeqCst) {
            let mut formerr = Message::new(query.metadata.id, MessageType::Response, OpCode::Query);
            formerr.metadata.response_code = ResponseCode::FormErr;
            return (Some(formerr), Duration::ZERO);
        }
    }
    let rtype = question.query_type();
    let zone = shared.zone.lock().unwrap_or_else(PoisonError::into_inner);
    let lookup = |name: &str| {
        zone.typed
            .get(&(key(name), rtype))
            .or_else(|| zone.names.get(&key(name)))
            .unwrap_or(&zone.default)
            .clone()
    };
    let first = lookup(&question.name().to_ascii());
    let delay = first.delay;
    let mut owner = question.name().clone();
    let mut entry = first;
    // Follow CNAMEs inside the zone; at most 8 hops (a loop ends there).
    for _ in 0..8 {
        match &entry.answer {
            Answer::Cname(target) => {
                let Ok(target_name) =
                    Name::from_ascii(format!("{}.", target.trim_end_matches('.')))
                else {
                    reply.metadata.response_code = ResponseCode::ServFail;
                    return (Some(reply), delay);
                };
                reply.add_answer(Record::from_rdata(
                    owner.clone(),
                    60,
                    RData::CNAME(CNAME(target_name.clone())),
                ));
                owner = target_name;
                entry = lookup(target);
            }
            _ => break,
        }
    }
    match &entry.answer {
        Answer::Silence => return (None, delay),
        Answer::NxDomain => reply.metadata.response_code = ResponseCode::NXDomain,
        Answer::ServFail => reply.metadata.response_code = ResponseCode::ServFail,
        Answer::Refused => reply.metadata.response_code = ResponseCode::Refused,
        Answer::FormErr => reply.metadata.response_code = ResponseCode::FormErr,
        Answer::NoData | Answer::Cname(_) => {}
        Answer::Truncated(_) if transport == Transport::Udp => reply.metadata.truncation = true,
        Answer::Addresses(addresses) | Answer::Truncated(addresses) => {
            for ip in addresses {
                let data = match (ip, rtype) {
                    (IpAddr::V4(v4), RecordType::A) => RData::A(A(*v4)),
                    (IpAddr::V6(v6), RecordType::AAAA) => RData::AAAA(AAAA(*v6)),
                    _ => continue,
                };
                reply.add_answer(Record::from_rdata(owner.clone(), 60, data));
            }
        }
    }
    (Some(reply), delay)
}
