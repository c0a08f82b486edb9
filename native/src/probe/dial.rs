//! The real [`Dialer`]: a direct TCP connect from a socket the probe opens
//! itself, and the optional TLS handshake.
//!
//! Guarantees:
//! * no proxy is ever consulted: `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`,
//!   `NO_PROXY` and their lower-case forms are never read; the connect goes
//!   to the resolved address itself;
//! * refused (RST), timed out (nothing before the deadline), unreachable
//!   (ICMP host/net unreachable, a local firewall's reject) and no local
//!   route (this host has no route to the address, so nothing was sent;
//!   told by a route lookup — a UDP `connect`, which sends nothing — after
//!   an unreachable connect) are told apart;
//! * the connection is closed as soon as the handshake completes: no byte is
//!   sent (the probe proves the path, not the service).
//!
//! Not done here: choosing addresses (core's plan does) or retrying.

use super::net::{Dialed, Dialer};
use netready_core::report::{TcpOutcome, TlsReport};
use std::io;
use std::net::SocketAddr;
use tokio::net::TcpSocket;
use tokio::time::{Instant, timeout_at};

/// Dials with the operating system's TCP stack.
#[derive(Debug, Clone, Default)]
pub struct TcpDialer {
    _private: (),
}

impl TcpDialer {
    /// A dialer.
    pub fn new() -> TcpDialer {
        TcpDialer { _private: () }
    }
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
/// no route either.
pub fn has_local_route(addr: SocketAddr) -> bool {
    let any: SocketAddr = match addr {
        SocketAddr::V4(_) => (std::net::Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    match std::net::UdpSocket::bind(any) {
        Ok(socket) => !matches!(
            socket.connect(addr),
            Err(e) if e.kind() == io::ErrorKind::NetworkUnreachable
        ),
        Err(_) => false,
    }
}

/// Opens a TCP connection to `addr` before `deadline`; the stream is
/// returned so the TLS step can use it.
pub async fn connect(
    addr: SocketAddr,
    deadline: Instant,
) -> Result<tokio::net::TcpStream, TcpOutcome> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4(),
        SocketAddr::V6(_) => TcpSocket::new_v6(),
    }
    .map_err(|e| outcome_of(&e));
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
        super::tls::handshake(addr, server_name, deadline).await
    }
}
