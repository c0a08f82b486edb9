//! The real [`Dialer`]: a direct TCP connect from a socket the probe opens
//! itself, and the optional TLS handshake.
//!
//! Guarantees:
//! * no proxy is ever consulted: `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`,
//!   `NO_PROXY` and their lower-case forms are never read; the connect goes
//!   to the resolved address itself;
//! * refused (RST), timed out (nothing before the deadline), unreachable
//!   (ICMP host/net unreachable, a local firewall's reject) and no local
//!   route (this host has no route to the address, or no source address for
//!   its family, e.g. IPv6 disabled by sysctl, so nothing was sent; told by
//!   a route lookup — a UDP `connect`, which sends nothing — after an
//!   unreachable connect) are told apart;
//! * the connection is closed as soon as the handshake completes: no byte is
//!   sent (the probe proves the path, not the service);
//! * at most [`connection_slots`] connects are in flight at once, so running
//!   out of file descriptors is never mistaken for an unreachable endpoint;
//!   a dial that gets no slot before the deadline is reported as not dialled
//!   (`skipped_deadline`).
//!
//! Not done here: choosing addresses (core's plan does) or retrying.

use super::net::{Dialed, Dialer};
use netready_core::report::{TcpOutcome, TlsReport};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpSocket;
use tokio::sync::Semaphore;
use tokio::time::{Instant, timeout_at};

/// Dials with the operating system's TCP stack, at most a fixed number of
/// connections at once (each is a file descriptor: hundreds of endpoints
/// with several addresses each would otherwise exhaust a container's
/// open-files limit, and `EMFILE` is not an unreachable endpoint).
#[derive(Debug, Clone)]
pub struct TcpDialer {
    slots: Arc<Semaphore>,
}

impl Default for TcpDialer {
    fn default() -> Self {
        TcpDialer::new()
    }
}

/// File descriptors kept back from the dialler for DNS sockets, the metrics
/// listener, standard streams and the runtime.
const RESERVED_FDS: u64 = 128;

/// The fewest connections allowed at once, whatever the limit says.
const MIN_SLOTS: usize = 16;

impl TcpDialer {
    /// A dialer allowed as many connections at once as the process's
    /// current open-files limit leaves room for.
    pub fn new() -> TcpDialer {
        TcpDialer::with_slots(connection_slots(false))
    }

    /// A dialer allowed `slots` connections at once (at least one).
    pub fn with_slots(slots: usize) -> TcpDialer {
        TcpDialer {
            slots: Arc::new(Semaphore::new(slots.max(1))),
        }
    }
}

/// How many connections may be open at once: the soft open-files limit
/// less 128 kept back for DNS sockets and the rest, at least 16, at most
/// [`Semaphore::MAX_PERMITS`]. With `raise`, the soft limit is first raised
/// to the hard limit (allowed without privileges; containers often start
/// with a soft limit of 1,024).
pub fn connection_slots(raise: bool) -> usize {
    connection_slots_beside(raise, 0)
}

/// [`connection_slots`] with `others` more descriptors kept back, e.g. the
/// watch mode's HTTP connections.
pub fn connection_slots_beside(raise: bool, others: usize) -> usize {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((mut soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return MIN_SLOTS;
    };
    if raise && soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
        soft = hard;
    }
    let others = u64::try_from(others).unwrap_or(u64::MAX);
    let room = soft.saturating_sub(RESERVED_FDS).saturating_sub(others);
    usize::try_from(room)
        .unwrap_or(usize::MAX)
        .clamp(MIN_SLOTS, Semaphore::MAX_PERMITS)
}

/// Maps a connect error to an outcome.
pub fn outcome_of(error: &io::Error) -> TcpOutcome {
    match error.kind() {
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset => TcpOutcome::Refused,
        io::ErrorKind::TimedOut => TcpOutcome::Timeout,
        // EHOSTUNREACH, ENETUNREACH, a local firewall's EPERM/EACCES, an
        // address family without a route (EADDRNOTAVAIL, EAFNOSUPPORT): the
        // packet could not go out or came back as ICMP unreachable.
        _ => TcpOutcome::Unreachable,
    }
}

/// Whether this host has a route to `addr`: a UDP socket's `connect` looks
/// the route up and sends nothing. A family the kernel does not support has
/// no route either, nor does one without a usable source address (IPv6
/// disabled by `net.ipv6.conf.all.disable_ipv6=1`, a common hardening:
/// `EADDRNOTAVAIL`).
pub fn has_local_route(addr: SocketAddr) -> bool {
    let any: SocketAddr = match addr {
        SocketAddr::V4(_) => (std::net::Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    match std::net::UdpSocket::bind(any) {
        Ok(socket) => !matches!(
            socket.connect(addr),
            Err(e) if matches!(
                e.kind(),
                io::ErrorKind::NetworkUnreachable | io::ErrorKind::AddrNotAvailable
            )
        ),
        // No such family here (IPv6 disabled): no route to it either. Any
        // other failure (out of descriptors, …) says nothing about routes.
        Err(e) => {
            !matches!(
                e.kind(),
                io::ErrorKind::AddrNotAvailable | io::ErrorKind::Unsupported
            ) && e.raw_os_error() != Some(nix::libc::EAFNOSUPPORT)
        }
    }
}

/// A TCP socket for `addr`'s family. Out of descriptors (`EMFILE`,
/// `ENFILE`: DNS sockets of names still waiting for an answer count too)
/// is no fact about the endpoint: it waits for one until the deadline, and
/// is then not dialled (`skipped_deadline`), never `unreachable`.
async fn new_socket(addr: SocketAddr, deadline: Instant) -> Result<TcpSocket, TcpOutcome> {
    loop {
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4(),
            SocketAddr::V6(_) => TcpSocket::new_v6(),
        };
        match socket {
            Ok(s) => return Ok(s),
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(nix::libc::EMFILE | nix::libc::ENFILE)
                ) =>
            {
                let retry = Instant::now() + Duration::from_millis(10);
                if retry >= deadline {
                    return Err(TcpOutcome::SkippedDeadline);
                }
                tokio::time::sleep_until(retry).await;
            }
            Err(e) => return Err(outcome_of(&e)),
        }
    }
}

/// Opens a TCP connection to `addr` before `deadline`; the stream is
/// returned so the TLS step can use it.
pub async fn connect(
    addr: SocketAddr,
    deadline: Instant,
) -> Result<tokio::net::TcpStream, TcpOutcome> {
    let socket = new_socket(addr, deadline).await;
    let result = match socket {
        Err(o) => Err(o),
        Ok(socket) => match timeout_at(deadline, socket.connect(addr)).await {
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(e)) => Err(outcome_of(&e)),
            Err(_) => Err(TcpOutcome::Timeout),
        },
    };
    match result {
        Err(TcpOutcome::Unreachable) if !has_local_route(addr) => Err(TcpOutcome::NoLocalRoute),
        other => other,
    }
}

impl Dialer for TcpDialer {
    async fn dial(&self, addr: SocketAddr, deadline: Instant) -> Dialed {
        let began = Instant::now();
        // Waiting for a slot until the deadline means it was never dialled:
        // the engine records that as skipped_deadline, not as a timeout.
        let slot = timeout_at(deadline, self.slots.acquire()).await;
        // A slot that frees up at the deadline itself leaves no time to dial.
        if !matches!(slot, Ok(Ok(_))) || Instant::now() >= deadline {
            return Dialed {
                outcome: TcpOutcome::SkippedDeadline,
                ms: 0.0,
            };
        }
        let outcome = match connect(addr, deadline).await {
            Ok(stream) => {
                drop(stream);
                TcpOutcome::Connected
            }
            Err(o) => o,
        };
        Dialed {
            outcome,
            ms: Instant::now().duration_since(began).as_secs_f64() * 1000.0,
        }
    }

    async fn tls_handshake(
        &self,
        addr: SocketAddr,
        server_name: &str,
        deadline: Instant,
    ) -> TlsReport {
        let Ok(Ok(_slot)) = timeout_at(deadline, self.slots.acquire()).await else {
            return TlsReport {
                outcome: netready_core::report::TlsOutcome::Failed,
                issuer: None,
                detail: Some("the deadline passed while waiting for a connection slot".into()),
                ms: None,
            };
        };
        super::tls::handshake(addr, server_name, deadline).await
    }
}
