//! `netready probe`: resolve every endpoint for real and dial it directly.
//!
//! * [`net`]: the engine and its I/O traits ([`net::Resolver`],
//!   [`net::Dialer`]), independent of real sockets;
//! * [`cli`]: the command line.

pub mod cli;
pub mod context;
pub mod dial;
pub mod dns;
pub mod json;
pub mod metadata;
pub mod net;
pub mod tls;
pub mod watch;
