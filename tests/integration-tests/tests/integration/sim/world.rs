//! The simulated network itself: smoltcp interfaces joined by an in-memory
//! hub that moves IP packets between them after a virtual latency.
//!
//! Guarantees: everything is deterministic for a given [`super::SimConfig`]
//! (seeded fault injector, seeded interfaces, ordered maps, no wall clock);
//! [`World::step`] does a bounded amount of work; a packet to an address no
//! interface owns is dropped (a black hole), never answered.
//!
//! Not done here: deciding what the probe should report (the tests do).

use super::{DnsBehaviour, HostBehaviour, SimConfig, dns};
use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, Device, DeviceCapabilities, FaultInjector, Medium};
use smoltcp::socket::{tcp, udp};
use smoltcp::time::{Duration as SDuration, Instant as SInstant};
use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr, IpEndpoint};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::rc::Rc;
use std::time::Duration;

/// The client's (the task's) IPv4 address.
pub(crate) const CLIENT_V4: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 10);
/// The client's IPv6 address, when [`super::SimConfig::client_ipv6`] is set.
pub(crate) const CLIENT_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 0x10);
const GATEWAY_V4: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const GATEWAY_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1);

/// Most rounds of poll → route → deliver one [`World::step`] runs; a round
/// that moves no packet ends the step earlier.
const MAX_ROUNDS: usize = 64;

#[derive(Default)]
struct Queues {
    inbox: VecDeque<Vec<u8>>,
    outbox: VecDeque<Vec<u8>>,
}

/// One end of a link: what the interface sends lands in `outbox`, where the
/// hub picks it up; the hub puts packets for the interface into `inbox`.
struct Port(Rc<RefCell<Queues>>);

impl Device for Port {
    type RxToken<'a> = PortRx;
    type TxToken<'a> = PortTx<'a>;

    fn capabilities(&self) -> DeviceCapabilities {
        // Checksums computed and verified (the default): a corrupted packet
        // is dropped by the receiver, as on a real link.
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ip;
        caps.max_transmission_unit = 1500;
        caps
    }

    fn receive(&mut self, _now: SInstant) -> Option<(PortRx, PortTx<'_>)> {
        let packet = self.0.borrow_mut().inbox.pop_front()?;
        Some((PortRx(packet), PortTx(&self.0)))
    }

    fn transmit(&mut self, _now: SInstant) -> Option<PortTx<'_>> {
        Some(PortTx(&self.0))
    }
}

struct PortRx(Vec<u8>);

impl phy::RxToken for PortRx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

struct PortTx<'a>(&'a Rc<RefCell<Queues>>);

impl phy::TxToken for PortTx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut packet = vec![0; len];
        let r = f(&mut packet);
        self.0.borrow_mut().outbox.push_back(packet);
        r
    }
}

enum Role {
    Client,
    Dns {
        socket: SocketHandle,
    },
    /// A host with TCP listeners on `port`.
    Listen {
        port: u16,
        listeners: Vec<SocketHandle>,
    },
    /// A host without listeners: smoltcp answers a SYN with RST.
    Refuse,
}

struct Node {
    addresses: Vec<IpAddr>,
    iface: Interface,
    device: FaultInjector<Port>,
    queues: Rc<RefCell<Queues>>,
    sockets: SocketSet<'static>,
    /// Added to the link latency in both directions (a slow host).
    extra_latency: Duration,
    role: Role,
}

struct InFlight {
    at: SInstant,
    seq: u64,
    node: usize,
    packet: Vec<u8>,
}

/// Counters for a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    /// Packets the hub delivered to an interface.
    pub(crate) delivered: u64,
    /// Packets sent to an address no interface owns (black-holed).
    pub(crate) black_holed: u64,
    /// DNS queries the responder answered.
    pub(crate) dns_answers: u64,
}

pub(crate) struct World {
    nodes: Vec<Node>,
    by_address: BTreeMap<IpAddr, usize>,
    in_flight: Vec<InFlight>,
    seq: u64,
    latency: Duration,
    dns: BTreeMap<String, DnsBehaviour>,
    /// Every destination the client sent a TCP segment to.
    pub(crate) tcp_destinations: BTreeSet<IpAddr>,
    pub(crate) counters: Counters,
    next_port: u16,
}

fn smol(now: Duration) -> SInstant {
    SInstant::from_micros(i64::try_from(now.as_micros()).unwrap_or(i64::MAX))
}

fn cidr(ip: IpAddr) -> IpCidr {
    match ip {
        IpAddr::V4(_) => IpCidr::new(IpAddress::from(ip), 32),
        IpAddr::V6(_) => IpCidr::new(IpAddress::from(ip), 128),
    }
}

/// The destination of an IP packet, if it is one.
fn destination(packet: &[u8]) -> Option<(IpAddr, u8)> {
    match packet.first()? >> 4 {
        4 if packet.len() >= 20 => {
            let dst: [u8; 4] = packet[16..20].try_into().ok()?;
            Some((IpAddr::from(dst), packet[9]))
        }
        6 if packet.len() >= 40 => {
            let dst: [u8; 16] = packet[24..40].try_into().ok()?;
            Some((IpAddr::from(dst), packet[6]))
        }
        _ => None,
    }
}

const IP_PROTO_TCP: u8 = 6;

impl World {
    pub(crate) fn new(config: &SimConfig, now: Duration) -> World {
        let now = smol(now);
        let mut world = World {
            nodes: Vec::new(),
            by_address: BTreeMap::new(),
            in_flight: Vec::new(),
            seq: 0,
            latency: config.latency,
            dns: config.dns.clone(),
            tcp_destinations: BTreeSet::new(),
            counters: Counters::default(),
            next_port: 49_152,
        };
        let mut client_addrs = vec![IpAddr::V4(CLIENT_V4)];
        if config.client_ipv6 {
            client_addrs.push(IpAddr::V6(CLIENT_V6));
        }
        world.add_node(config, client_addrs, Duration::ZERO, now, |_| Role::Client);
        world.add_node(
            config,
            vec![config.dns_server],
            Duration::ZERO,
            now,
            |sockets| {
                let mut socket = udp::Socket::new(
                    udp::PacketBuffer::new(
                        vec![udp::PacketMetadata::EMPTY; 64],
                        vec![0; 64 * 1024],
                    ),
                    udp::PacketBuffer::new(
                        vec![udp::PacketMetadata::EMPTY; 64],
                        vec![0; 64 * 1024],
                    ),
                );
                socket.bind(53).expect("a fresh UDP socket binds port 53");
                Role::Dns {
                    socket: sockets.add(socket),
                }
            },
        );
        for (&ip, behaviour) in &config.hosts {
            let (extra, listen) = match *behaviour {
                HostBehaviour::Accept => (Duration::ZERO, true),
                HostBehaviour::Slow(d) => (d, true),
                HostBehaviour::Refuse => (Duration::ZERO, false),
                // No interface owns the address: the hub drops what is sent to it.
                HostBehaviour::BlackHole => continue,
            };
            let role = if listen {
                Role::Listen {
                    port: config.port,
                    listeners: Vec::new(),
                }
            } else {
                Role::Refuse
            };
            world.add_node(config, vec![ip], extra, now, move |_| role);
        }
        world
    }

    fn add_node(
        &mut self,
        config: &SimConfig,
        addresses: Vec<IpAddr>,
        extra_latency: Duration,
        now: SInstant,
        role: impl FnOnce(&mut SocketSet<'static>) -> Role,
    ) {
        let index = self.nodes.len();
        let queues = Rc::new(RefCell::new(Queues::default()));
        let mut device =
            FaultInjector::new(Port(queues.clone()), config.seed.wrapping_add(index as u32));
        if index == 0 {
            // Faults on the client's link: both directions of every exchange.
            device.set_drop_chance(config.loss_pct);
            device.set_corrupt_chance(config.corrupt_pct);
        }
        let mut iface_config = Config::new(HardwareAddress::Ip);
        iface_config.random_seed = u64::from(config.seed) << 8 | index as u64;
        let mut iface = Interface::new(iface_config, &mut device, now);
        iface.update_ip_addrs(|ips| {
            for &a in &addresses {
                ips.push(cidr(a))
                    .expect("at most two addresses per interface");
            }
        });
        // Medium::Ip has no neighbours: every packet leaves through the
        // device, and the hub routes it by destination address.
        iface
            .routes_mut()
            .add_default_ipv4_route(GATEWAY_V4)
            .expect("route table has room");
        iface
            .routes_mut()
            .add_default_ipv6_route(GATEWAY_V6)
            .expect("route table has room");
        let mut sockets = SocketSet::new(Vec::new());
        let role = role(&mut sockets);
        for &a in &addresses {
            self.by_address.insert(a, index);
        }
        self.nodes.push(Node {
            addresses,
            iface,
            device,
            queues,
            sockets,
            extra_latency,
            role,
        });
    }

    /// Runs the network at virtual time `now`: polls every interface, runs
    /// the DNS responder and the listeners, moves packets between
    /// interfaces, and delivers those whose latency has passed.
    pub(crate) fn step(&mut self, now: Duration) {
        let now = smol(now);
        for _ in 0..MAX_ROUNDS {
            let mut moved = false;
            for node in &mut self.nodes {
                node.iface.poll(now, &mut node.device, &mut node.sockets);
                if serve(node, &self.dns, &mut self.counters) {
                    node.iface.poll(now, &mut node.device, &mut node.sockets);
                }
            }
            for i in 0..self.nodes.len() {
                loop {
                    let packet = self.nodes[i].queues.borrow_mut().outbox.pop_front();
                    let Some(packet) = packet else { break };
                    moved = true;
                    self.route(i, packet, now);
                }
            }
            let mut due = Vec::new();
            let mut k = 0;
            while k < self.in_flight.len() {
                if self.in_flight[k].at <= now {
                    due.push(self.in_flight.swap_remove(k));
                } else {
                    k += 1;
                }
            }
            // Same-time packets keep their sending order.
            due.sort_by_key(|p| (p.at, p.seq));
            for p in due {
                moved = true;
                self.counters.delivered += 1;
                self.nodes[p.node]
                    .queues
                    .borrow_mut()
                    .inbox
                    .push_back(p.packet);
            }
            if !moved {
                break;
            }
        }
    }

    fn route(&mut self, from: usize, packet: Vec<u8>, now: SInstant) {
        let Some((dst, proto)) = destination(&packet) else {
            return;
        };
        if from == 0 && proto == IP_PROTO_TCP {
            self.tcp_destinations.insert(dst);
        }
        let Some(&to) = self.by_address.get(&dst) else {
            self.counters.black_holed += 1;
            return;
        };
        let extra = self.nodes[from].extra_latency + self.nodes[to].extra_latency;
        let delay = SDuration::from_micros(
            u64::try_from((self.latency + extra).as_micros()).unwrap_or(u64::MAX),
        );
        self.seq += 1;
        self.in_flight.push(InFlight {
            at: now + delay,
            seq: self.seq,
            node: to,
            packet,
        });
    }

    /// When something next happens on its own: a packet arrives or an
    /// interface has a timer (a retransmission). `None`: nothing ever will.
    pub(crate) fn next_event(&mut self, now: Duration) -> Option<Duration> {
        let now_s = smol(now);
        let mut next = self.in_flight.iter().map(|p| p.at).min();
        for node in &mut self.nodes {
            if let Some(at) = node.iface.poll_at(now_s, &node.sockets) {
                next = Some(next.map_or(at, |n: SInstant| n.min(at)));
            }
        }
        next.map(|at| Duration::from_micros(u64::try_from(at.total_micros()).unwrap_or(0)))
    }

    fn client(&mut self) -> &mut Node {
        &mut self.nodes[0]
    }

    fn port(&mut self) -> u16 {
        let p = self.next_port;
        self.next_port = if p == u16::MAX { 49_152 } else { p + 1 };
        p
    }

    /// Opens a client TCP connection; `None` when the client has no source
    /// address for the family (no local route).
    pub(crate) fn connect(&mut self, to: IpAddr, port: u16) -> Option<SocketHandle> {
        let local = self.port();
        let client = self.client();
        if !client.addresses.iter().any(|a| a.is_ipv4() == to.is_ipv4()) {
            return None;
        }
        let mut socket = tcp::Socket::new(
            tcp::SocketBuffer::new(vec![0; 1024]),
            tcp::SocketBuffer::new(vec![0; 1024]),
        );
        socket
            .connect(
                client.iface.context(),
                IpEndpoint::new(IpAddress::from(to), port),
                local,
            )
            .ok()?;
        Some(client.sockets.add(socket))
    }

    pub(crate) fn tcp_state(&mut self, h: SocketHandle) -> tcp::State {
        self.client().sockets.get::<tcp::Socket<'_>>(h).state()
    }

    /// Drops a client TCP socket; the peer's next segment gets an RST.
    pub(crate) fn release_tcp(&mut self, h: SocketHandle) {
        let client = self.client();
        client.sockets.get_mut::<tcp::Socket<'_>>(h).abort();
        client.sockets.remove(h);
    }

    pub(crate) fn open_udp(&mut self) -> SocketHandle {
        let local = self.port();
        let mut socket = udp::Socket::new(
            udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0; 8 * 1500]),
            udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0; 8 * 1500]),
        );
        socket
            .bind(local)
            .expect("a fresh UDP socket binds a fresh port");
        self.client().sockets.add(socket)
    }

    pub(crate) fn send_udp(&mut self, h: SocketHandle, to: IpAddr, port: u16, data: &[u8]) {
        let client = self.client();
        // A full send buffer is a lost datagram: the caller retries.
        let _ = client
            .sockets
            .get_mut::<udp::Socket<'_>>(h)
            .send_slice(data, IpEndpoint::new(IpAddress::from(to), port));
    }

    pub(crate) fn recv_udp(&mut self, h: SocketHandle) -> Vec<(IpAddr, Vec<u8>)> {
        let client = self.client();
        let socket = client.sockets.get_mut::<udp::Socket<'_>>(h);
        let mut out = Vec::new();
        while let Ok((data, meta)) = socket.recv() {
            out.push((IpAddr::from(meta.endpoint.addr), data.to_vec()));
        }
        out
    }

    pub(crate) fn close_udp(&mut self, h: SocketHandle) {
        self.client().sockets.remove(h);
    }
}

/// Runs a server node's application: answers DNS queries, keeps listeners
/// listening and closes accepted connections. Returns whether it queued
/// anything to send.
fn serve(
    node: &mut Node,
    dns_table: &BTreeMap<String, DnsBehaviour>,
    counters: &mut Counters,
) -> bool {
    match &mut node.role {
        Role::Client => false,
        Role::Dns { socket } => {
            let socket = node.sockets.get_mut::<udp::Socket<'_>>(*socket);
            let mut sent = false;
            while let Ok((data, meta)) = socket.recv() {
                let (data, from) = (data.to_vec(), meta.endpoint);
                if let Some(reply) = dns::respond(&data, dns_table) {
                    counters.dns_answers += 1;
                    sent |= socket.send_slice(&reply, from).is_ok();
                }
            }
            sent
        }
        Role::Refuse => false,
        Role::Listen { port, listeners } => {
            let mut listening = 0;
            for &h in listeners.iter() {
                let s = node.sockets.get_mut::<tcp::Socket<'_>>(h);
                match s.state() {
                    tcp::State::Listen | tcp::State::SynReceived => listening += 1,
                    // Accepted: the probe sends nothing; close our side.
                    tcp::State::Established | tcp::State::CloseWait => s.close(),
                    tcp::State::Closed => {
                        s.listen(*port).expect("a closed socket can listen again");
                        listening += 1;
                    }
                    _ => {}
                }
            }
            // Two listening sockets: a retransmitted SYN or a second dial to
            // the same address always finds one.
            while listening < 2 {
                let mut s = tcp::Socket::new(
                    tcp::SocketBuffer::new(vec![0; 1024]),
                    tcp::SocketBuffer::new(vec![0; 1024]),
                );
                s.listen(*port).expect("a fresh socket can listen");
                listeners.push(node.sockets.add(s));
                listening += 1;
            }
            false
        }
    }
}
