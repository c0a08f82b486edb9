//! A deterministic simulated network on smoltcp, over which the real probe
//! engine (`netready::probe::net::probe`) runs unchanged.
//!
//! The network: one smoltcp [`Interface`](smoltcp::iface::Interface) for the
//! task (the client, `10.0.0.10` and optionally `fd00::10`), one for the DNS
//! responder, and one per endpoint address; an in-memory hub moves IP
//! packets between them after a virtual latency. smoltcp's own
//! [`FaultInjector`](smoltcp::phy::FaultInjector) sits on the client's link
//! and drops or corrupts packets at the configured rates (a corrupted packet
//! fails its checksum and is dropped by the receiver).
//!
//! What a host does is configured per address ([`HostBehaviour`]): accept
//! (real smoltcp listeners), refuse (no listener: smoltcp answers the SYN
//! with RST), black-holed (no interface owns the address: the hub drops every
//! packet), or slow (extra latency both ways). What DNS says is configured per
//! name ([`DnsBehaviour`]): A/AAAA records, NXDOMAIN, NODATA, SERVFAIL,
//! REFUSED, FORMERR, or silence; queries and answers are real DNS messages
//! over smoltcp UDP, encoded with hickory-proto.
//!
//! [`SimNet`] implements the probe's [`Resolver`] and [`Dialer`] traits on
//! top of it. Time is virtual: the caller runs it on a tokio runtime with a
//! paused clock, and smoltcp's clock is tokio's `Instant` since the network
//! was made, so a 5-second probe takes milliseconds of real time. Everything
//! is seeded: the same [`SimConfig`] gives the same packets, in the same
//! order, at the same virtual times.
//!
//! Guarantees: no real socket is opened and no real packet is sent; every
//! call returns by its deadline; the simulation never needs root.
//!
//! Not done here: ICMP (so no `unreachable` address outcome from the
//! network; an address of a family the client has no address of is
//! `no_local_route`, as the real dialler reports a missing route), TLS,
//! CNAME chains, DNS over TCP.

mod dns;
mod world;

pub use world::Counters;

use hickory_proto::rr::RecordType;
use netready::probe::net::{Dialed, Dialer, Resolution, Resolver};
use netready_core::report::TcpOutcome;
use netready_core::rules::{DnsAnswer, DnsFailure};
use smoltcp::socket::tcp;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::time::Instant;
use world::World;

pub use world::{CLIENT_V4 as CLIENT_IPV4, CLIENT_V6 as CLIENT_IPV6};

/// How the DNS responder answers one name (A and AAAA alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsBehaviour {
    /// NOERROR with these addresses: IPv4 ones in A answers, IPv6 ones in
    /// AAAA answers, in this order. An empty list is NODATA.
    Records(Vec<IpAddr>),
    /// NXDOMAIN.
    NxDomain,
    /// NOERROR without records.
    NoData,
    /// SERVFAIL.
    ServFail,
    /// REFUSED.
    Refused,
    /// FORMERR (a resolver reads it as "this server could not answer").
    FormErr,
    /// No reply at all.
    Silent,
}

/// What a host does with a TCP connection attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostBehaviour {
    /// Listens and accepts.
    Accept,
    /// No listener: RST.
    Refuse,
    /// Nothing answers: every packet to it is dropped.
    BlackHole,
    /// Listens and accepts, with this much extra latency each way.
    Slow(Duration),
}

/// A simulated network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    /// Seeds the fault injector and the interfaces.
    pub seed: u32,
    /// Percent of packets the client's link drops (each direction).
    pub loss_pct: u8,
    /// Percent of packets the client's link corrupts on receipt.
    pub corrupt_pct: u8,
    /// One-way latency of every link.
    pub latency: Duration,
    /// Whether the client has an IPv6 address (without one, dialling an
    /// IPv6 address fails at once: no local route).
    pub client_ipv6: bool,
    /// The DNS responder's address (port 53).
    pub dns_server: IpAddr,
    /// Per name (lower case, no trailing dot); other names get NXDOMAIN.
    pub dns: BTreeMap<String, DnsBehaviour>,
    /// Per address; addresses not listed are black holes.
    pub hosts: BTreeMap<IpAddr, HostBehaviour>,
    /// The port listeners listen on.
    pub port: u16,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            loss_pct: 0,
            corrupt_pct: 0,
            latency: Duration::from_millis(1),
            client_ipv6: true,
            dns_server: IpAddr::from([10, 0, 0, 2]),
            dns: BTreeMap::new(),
            hosts: BTreeMap::new(),
            port: 443,
        }
    }
}

/// How often the simulated resolver repeats an unanswered query.
pub const DNS_RETRY: Duration = Duration::from_millis(1000);

/// The simulated network, and the probe's resolver and dialer over it.
///
/// Not `Send`: the probe engine needs neither `Send` nor `'static`, and
/// runs on a current-thread runtime with a paused clock.
pub struct SimNet {
    world: RefCell<World>,
    epoch: Instant,
}

impl SimNet {
    /// Builds the network at the current (virtual) tokio time. Must be
    /// called inside a tokio runtime.
    pub fn new(config: &SimConfig) -> SimNet {
        let epoch = Instant::now();
        SimNet {
            world: RefCell::new(World::new(config, Duration::ZERO)),
            epoch,
        }
    }

    fn now(&self) -> Duration {
        Instant::now().duration_since(self.epoch)
    }

    /// Runs the network up to now and sleeps until the next event, `wake`
    /// or `deadline`, whichever is first (at least 1 µs of virtual time, so
    /// a caller can never spin at one instant).
    async fn idle(&self, wake: Option<Instant>, deadline: Instant) {
        let now = self.now();
        let next = self.world.borrow_mut().next_event(now);
        let mut until = deadline;
        if let Some(at) = next {
            until = until.min(self.epoch + at);
        }
        if let Some(w) = wake {
            until = until.min(w);
        }
        let floor = Instant::now() + Duration::from_micros(1);
        tokio::time::sleep_until(until.max(floor)).await;
    }

    /// Every address the client sent a TCP segment to so far.
    pub fn tcp_destinations(&self) -> BTreeSet<IpAddr> {
        self.world.borrow().tcp_destinations.clone()
    }

    /// Packet counters so far.
    pub fn counters(&self) -> Counters {
        self.world.borrow().counters
    }

    /// The addresses of every simulated interface.
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.world.borrow().addresses()
    }
}

fn ms(since: Instant) -> f64 {
    Instant::now().duration_since(since).as_secs_f64() * 1000.0
}

impl Dialer for SimNet {
    async fn dial(&self, addr: SocketAddr, deadline: Instant) -> Dialed {
        let began = Instant::now();
        let Some(handle) = self.world.borrow_mut().connect(addr.ip(), addr.port()) else {
            return Dialed {
                outcome: TcpOutcome::NoLocalRoute,
                ms: ms(began),
            };
        };
        let outcome = loop {
            let state = {
                let mut w = self.world.borrow_mut();
                w.step(self.now());
                w.tcp_state(handle)
            };
            match state {
                tcp::State::Established => break TcpOutcome::Connected,
                // Closed without ever being established: an RST.
                tcp::State::Closed => break TcpOutcome::Refused,
                _ if Instant::now() >= deadline => break TcpOutcome::Timeout,
                _ => self.idle(None, deadline).await,
            }
        };
        // The probe proves the path and sends nothing: drop the connection.
        let mut w = self.world.borrow_mut();
        w.release_tcp(handle);
        w.step(self.now());
        Dialed {
            outcome,
            ms: ms(began),
        }
    }
}

impl Resolver for SimNet {
    async fn resolve(&self, host: &str, deadline: Instant) -> Resolution {
        let began = Instant::now();
        let server = SocketAddr::new(self.world.borrow().dns_server, 53);
        let mut queries = Vec::new();
        for rtype in [RecordType::A, RecordType::AAAA] {
            let id = self.world.borrow_mut().next_query_id();
            let Some(bytes) = dns::query(id, host, rtype) else {
                // hickory rejects the name: it cannot exist in DNS either.
                return Resolution {
                    answer: DnsAnswer::Failed(DnsFailure::NxDomain),
                    resolver: None,
                    cnames: Vec::new(),
                    ms: 0.0,
                };
            };
            queries.push((rtype, id, bytes, None::<Instant>, None::<dns::QueryOutcome>));
        }
        let socket = self.world.borrow_mut().open_udp();
        loop {
            let now = Instant::now();
            {
                let mut w = self.world.borrow_mut();
                w.step(self.now());
                for (from, reply) in w.recv_udp(socket) {
                    if from != server.ip() {
                        continue;
                    }
                    for q in queries.iter_mut().filter(|q| q.4.is_none()) {
                        if let Some(outcome) = dns::interpret(&reply, q.1, host, q.0) {
                            q.4 = Some(outcome);
                        }
                    }
                }
                if queries.iter().all(|q| q.4.is_some()) || now >= deadline {
                    w.close_udp(socket);
                    break;
                }
                for q in queries.iter_mut().filter(|q| q.4.is_none()) {
                    if q.3.is_none_or(|sent| now >= sent + DNS_RETRY) {
                        w.send_udp(socket, server.ip(), server.port(), &q.2);
                        q.3 = Some(now);
                    }
                }
                w.step(self.now());
            }
            let retry = queries
                .iter()
                .filter(|q| q.4.is_none())
                .filter_map(|q| q.3)
                .min()
                .map(|t| t + DNS_RETRY);
            self.idle(retry, deadline).await;
        }
        let outcomes: Vec<Option<dns::QueryOutcome>> = queries.into_iter().map(|q| q.4).collect();
        let (answer, answered) = combine(&outcomes);
        Resolution {
            answer,
            resolver: answered.then_some(server),
            cnames: Vec::new(),
            ms: ms(began),
        }
    }
}

/// The A and AAAA outcomes → one answer, as the [`Resolver`] contract says:
/// addresses win; then NXDOMAIN, REFUSED, NODATA (both answered empty),
/// SERVFAIL, timeout. Also whether a server answered at all.
fn combine(outcomes: &[Option<dns::QueryOutcome>]) -> (DnsAnswer, bool) {
    use dns::QueryOutcome as Q;
    let addresses: Vec<IpAddr> = outcomes
        .iter()
        .flat_map(|o| match o {
            Some(Q::Answer(a)) => a.clone(),
            _ => Vec::new(),
        })
        .collect();
    let any = |f: fn(&Q) -> bool| outcomes.iter().flatten().any(f);
    let answered = outcomes.iter().any(Option::is_some);
    if !addresses.is_empty() {
        return (DnsAnswer::Addresses(addresses), true);
    }
    let failure = if any(|q| *q == Q::NxDomain) {
        DnsFailure::NxDomain
    } else if any(|q| *q == Q::Refused) {
        DnsFailure::Refused
    } else if outcomes.iter().all(|o| matches!(o, Some(Q::Answer(_)))) {
        DnsFailure::NoData
    } else if any(|q| *q == Q::ServFail) {
        DnsFailure::ServFail
    } else {
        DnsFailure::Timeout
    };
    (DnsAnswer::Failed(failure), answered)
}
