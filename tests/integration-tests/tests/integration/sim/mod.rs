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
//! top of it: the resolver is the probe's own [`DnsResolver`] over a
//! [`DnsTransport`] of smoltcp UDP sockets, so its retransmission, in-flight
//! cap, socket reuse and failure rules run here under loss too. Time is virtual: the caller runs it on a tokio runtime with a
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
//! CNAME chains, DNS over TCP (the responder never truncates).

mod dns;
mod world;

pub(crate) use world::Counters;

use netready::probe::dns::{DEFAULT_MAX_IN_FLIGHT, DnsResolver, DnsTransport, SocketTrouble};
use netready::probe::net::{Dialed, Dialer, Resolution, Resolver};
use netready_core::report::TcpOutcome;
use smoltcp::iface::SocketHandle;
use smoltcp::socket::tcp;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::rc::Rc;
use std::time::Duration;
use tokio::time::Instant;
use world::World;

/// How the DNS responder answers one name (A and AAAA alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DnsBehaviour {
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
pub(crate) enum HostBehaviour {
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
pub(crate) struct SimConfig {
    /// Seeds the fault injector and the interfaces.
    pub(crate) seed: u32,
    /// Percent of packets the client's link drops (each direction).
    pub(crate) loss_pct: u8,
    /// Percent of packets the client's link corrupts on receipt.
    pub(crate) corrupt_pct: u8,
    /// One-way latency of every link.
    pub(crate) latency: Duration,
    /// Whether the client has an IPv6 address (without one, dialling an
    /// IPv6 address fails at once: no local route).
    pub client_ipv6: bool,
    /// The DNS responder's address (port 53).
    pub(crate) dns_server: IpAddr,
    /// Per name (lower case, no trailing dot); other names get NXDOMAIN.
    pub(crate) dns: BTreeMap<String, DnsBehaviour>,
    /// Per address; addresses not listed are black holes.
    pub(crate) hosts: BTreeMap<IpAddr, HostBehaviour>,
    /// The port listeners listen on.
    pub(crate) port: u16,
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

/// The simulated network, and the probe's resolver and dialer over it.
///
/// The resolver is the real one ([`DnsResolver`], with its in-flight cap,
/// socket reuse, retransmission and failure rules) over a [`DnsTransport`]
/// made of smoltcp UDP sockets; the dialer opens smoltcp TCP connections.
///
/// Not `Send`: the probe engine needs neither `Send` nor `'static`, and
/// runs on a current-thread runtime with a paused clock.
pub(crate) struct SimNet {
    net: Rc<Net>,
    resolver: DnsResolver<SimTransport>,
}

/// The world and its clock, shared by the dialer and the DNS transport.
struct Net {
    world: RefCell<World>,
    epoch: Instant,
}

impl Net {
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
}

impl SimNet {
    /// Builds the network at the current (virtual) tokio time. Must be
    /// called inside a tokio runtime.
    pub(crate) fn new(config: &SimConfig) -> SimNet {
        let net = Rc::new(Net {
            world: RefCell::new(World::new(config, Duration::ZERO)),
            epoch: Instant::now(),
        });
        let server = SocketAddr::new(config.dns_server, 53);
        let resolver = DnsResolver::with_transport(
            SimTransport {
                net: Rc::clone(&net),
            },
            vec![server],
            DEFAULT_MAX_IN_FLIGHT,
        );
        SimNet { net, resolver }
    }

    /// Every address the client sent a TCP segment to so far.
    pub(crate) fn tcp_destinations(&self) -> BTreeSet<IpAddr> {
        self.net.world.borrow().tcp_destinations.clone()
    }

    /// Packet counters so far.
    pub(crate) fn counters(&self) -> Counters {
        self.net.world.borrow().counters
    }
}

fn ms(since: Instant) -> f64 {
    Instant::now().duration_since(since).as_secs_f64() * 1000.0
}

impl Dialer for SimNet {
    async fn dial(&self, addr: SocketAddr, deadline: Instant) -> Dialed {
        let net = &self.net;
        let began = Instant::now();
        let Some(handle) = net.world.borrow_mut().connect(addr.ip(), addr.port()) else {
            return Dialed {
                outcome: TcpOutcome::NoLocalRoute,
                ms: ms(began),
            };
        };
        let outcome = loop {
            let state = {
                let mut w = net.world.borrow_mut();
                w.step(net.now());
                w.tcp_state(handle)
            };
            match state {
                tcp::State::Established => break TcpOutcome::Connected,
                // Closed without ever being established: an RST.
                tcp::State::Closed => break TcpOutcome::Refused,
                _ if Instant::now() >= deadline => break TcpOutcome::Timeout,
                _ => net.idle(None, deadline).await,
            }
        };
        // The probe proves the path and sends nothing: drop the connection.
        let mut w = net.world.borrow_mut();
        w.release_tcp(handle);
        w.step(net.now());
        Dialed {
            outcome,
            ms: ms(began),
        }
    }
}

impl Resolver for SimNet {
    async fn resolve(&self, host: &str, deadline: Instant) -> Resolution {
        self.resolver.resolve(host, deadline).await
    }
}

/// The DNS transport over the simulated network: smoltcp UDP sockets on
/// the client; no DNS over TCP (the responder never truncates).
#[derive(Clone)]
struct SimTransport {
    net: Rc<Net>,
}

/// A client UDP socket and the server it talks to; datagrams from anyone
/// else are dropped, as a connected socket's are.
#[derive(Debug)]
struct SimSocket {
    handle: SocketHandle,
    server: SocketAddr,
    received: RefCell<VecDeque<Vec<u8>>>,
}

/// No wait in the simulation is unbounded in practice: the resolver
/// cancels every receive at its own deadline. This only keeps `idle`'s
/// arithmetic finite.
const FAR: Duration = Duration::from_secs(3600);

impl DnsTransport for SimTransport {
    type Socket = SimSocket;

    async fn open(&self, server: SocketAddr) -> Result<SimSocket, SocketTrouble> {
        Ok(SimSocket {
            handle: self.net.world.borrow_mut().open_udp(),
            server,
            received: RefCell::default(),
        })
    }

    async fn send(&self, socket: &SimSocket, datagram: &[u8]) -> io::Result<()> {
        let mut w = self.net.world.borrow_mut();
        w.send_udp(
            socket.handle,
            socket.server.ip(),
            socket.server.port(),
            datagram,
        );
        w.step(self.net.now());
        Ok(())
    }

    async fn recv(&self, socket: &SimSocket, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            {
                let mut w = self.net.world.borrow_mut();
                w.step(self.net.now());
                let mut queue = socket.received.borrow_mut();
                queue.extend(
                    w.recv_udp(socket.handle)
                        .into_iter()
                        .filter(|(from, _)| *from == socket.server.ip())
                        .map(|(_, data)| data),
                );
                if let Some(datagram) = queue.pop_front() {
                    let n = datagram.len().min(buf.len());
                    buf[..n].copy_from_slice(&datagram[..n]);
                    return Ok(n);
                }
            }
            self.net.idle(None, Instant::now() + FAR).await;
        }
    }

    fn close(&self, socket: SimSocket) {
        self.net.world.borrow_mut().close_udp(socket.handle);
    }

    async fn tcp_query(&self, _server: SocketAddr, _query: &[u8]) -> Option<Vec<u8>> {
        None
    }
}
